// The X (Twitter) importer: the direct messages of an X/Twitter account archive
// (data/direct-messages*.js, data/direct-messages-group*.js, or only their *-headers*.js
// counterparts). The layout, every field, the quirks and the evidence are in formats/x/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_x_importer();

}  // namespace dmvault::formats
