// The WhatsApp importer: the chat exports the app writes ("Export chat"), as a bare .txt or a
// .zip holding the .txt and the media, from Android ("WhatsApp Chat with X.txt", localised) and
// iOS (_chat.txt). The line grammar, dates, localised strings and the mapping to the model are
// in formats/whatsapp/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_whatsapp_importer();

}  // namespace dmvault::formats
