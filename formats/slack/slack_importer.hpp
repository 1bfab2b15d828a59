// The Slack importer: a Slack workspace export (users.json, channels.json, groups.json, dms.json,
// mpims.json and one folder of per-day JSON files per conversation). The layout, every field,
// the quirks and the evidence are in formats/slack/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_slack_importer();

}  // namespace dmvault::formats
