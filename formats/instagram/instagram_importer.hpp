// The Instagram importer: Meta's JSON (2020+) and HTML (2023+) exports of direct messages, and
// the single messages.json of exports made before 2020. The export layout by era, every field,
// the quirks and the evidence are in formats/instagram/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_instagram_importer();

}  // namespace dmvault::formats
