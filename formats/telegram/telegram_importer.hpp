// The Telegram importer: Telegram Desktop's "Export chat history" (one chat) and "Export Telegram
// data" (the whole account), in JSON (result.json) or HTML (messages*.html). The layout, every
// field, the quirks and the evidence are in formats/telegram/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_telegram_importer();

}  // namespace dmvault::formats
