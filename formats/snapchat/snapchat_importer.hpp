// The Snapchat importer: the saved chats of Snapchat's "My Data" export (json/chat_history.json,
// per-conversation lists since about 2023, "Received/Sent Saved Chat History" lists before),
// with the media of chat_media/ linked through their ids. The layout, every field, the quirks
// and the evidence are in formats/snapchat/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats {

std::unique_ptr<Importer> make_snapchat_importer();

namespace snapchat {

// The ids of "Media IDs": "b~abc | b~def" (empty pieces dropped).
std::vector<std::string> media_ids(std::string_view field);

// The media id a chat_media file name carries: "2024-04-20_b~abc.jpg" -> "b~abc"; nullopt for a
// name without the "YYYY-MM-DD_" prefix.
std::optional<std::string> media_id_of_file(std::string_view file_name);

// "2024-04-20 01:29:22 UTC" as UTC milliseconds; nullopt when it is not that form.
std::optional<std::int64_t> parse_created(std::string_view text);

// The time of "Created(microseconds)", which real exports fill with milliseconds despite the
// name: the value read as microseconds or milliseconds, whichever falls within a second of
// `created_ms` (the "Created" text, which has whole seconds), or without it the one its size
// suggests; nullopt when it matches neither or is not a plausible time.
std::optional<std::int64_t> precise_time(std::int64_t value,
                                         std::optional<std::int64_t> created_ms);

}  // namespace snapchat

}  // namespace dmvault::formats
