// The Facebook Messenger importer: Meta's "Download your information" export in JSON (2018 –
// now, every root and section) or HTML (2018-22 and 2023+ designs), and the end-to-end-encrypted
// chats exported from messenger.com/secure_storage (2024+, one flat JSON file per thread). The
// layouts, fields, quirks and evidence are in formats/messenger/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_messenger_importer();

}  // namespace dmvault::formats
