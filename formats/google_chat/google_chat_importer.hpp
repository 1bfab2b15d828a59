// The Google Chat importer: Google Chat (Google Chat/Groups/*/messages.json) and the legacy
// Hangouts (Hangouts/Hangouts.json) of a Google Takeout archive, both under the platform name
// google_chat so that one Takeout holding both is one import. The layout, every field, the quirks
// and the evidence are in formats/google_chat/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_google_chat_importer();

}  // namespace dmvault::formats
