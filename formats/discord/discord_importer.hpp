// The Discord importer: the official data package (package.zip: messages/c<id>/channel.json with
// messages.csv or messages.json, only the account's own messages) and DiscordChatExporter JSON
// (one file per channel, every author). Layout, fields, quirks: formats/discord/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_discord_importer();

}  // namespace dmvault::formats
