// The TikTok importer: the direct messages of TikTok's "Download your data" JSON export
// (user_data_tiktok.json, or user_data.json before 2024). The layout, every field, the quirks
// and the evidence are in formats/tiktok/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dmvault::formats {

std::unique_ptr<Importer> make_tiktok_importer();

namespace tiktok {

// The other party of a chat from its key, "Chat History with <name>:" (the colon may be
// missing); nullopt for a key of another form.
std::optional<std::string> chat_partner(std::string_view key);

// A sticker or GIF is written as its address in square brackets, "[https://...]": the address,
// or nullopt for any other content.
std::optional<std::string_view> bracketed_url(std::string_view content);

}  // namespace tiktok

}  // namespace dmvault::formats
