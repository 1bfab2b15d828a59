// The iMessage importer: macOS Messages' database ~/Library/Messages/chat.db (or an iOS backup's
// sms.db, the same schema), read from the export's bytes with SQLite, never from a file on disk.
// formats/imessage/FORMAT.md has the tables, the mapping and what is kept only in `raw`.
#pragma once

#include "dmvault/importer.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dmvault::formats {

std::unique_ptr<Importer> make_imessage_importer();

namespace imessage {

// A message time (`date`, `date_edited`, ...) as UTC milliseconds: seconds since 2001-01-01 UTC in
// old databases, nanoseconds in newer ones (told apart per value). nullopt for 0 (no time).
std::optional<std::int64_t> apple_time_ms(std::int64_t value);

// The text of an NSAttributedString archived by NSArchiver (a "typedstream", the
// `attributedBody` column). nullopt when the blob is not one or holds no string. `repaired` is
// set when the declared length ran past the blob or the bytes were not valid UTF-8 (invalid
// sequences become U+FFFD).
struct BodyText {
  std::string text;
  bool repaired = false;
};
std::optional<BodyText> attributed_body_text(std::span<const std::uint8_t> blob);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD; `repaired` tells whether any
// was.
std::string repaired_utf8(std::string_view text, bool& repaired);

// The message a tapback points at: "p:1/GUID" (part 1), "bp:GUID" (a balloon, part 0) or a bare
// GUID. nullopt when no GUID is left.
struct TapbackTarget {
  std::string guid;
  std::int64_t part = 0;
};
std::optional<TapbackTarget> parse_tapback_target(std::string_view associated_guid);

// The reaction a tapback of `associated_message_type` 2000..2007 (or its removal 3000..3007)
// stands for: "❤️", "👍", "👎", "😂", "‼️", "❓", the custom emoji (2006, from
// `associated_message_emoji`, else "emoji"), "sticker" (2007). "" for other types.
std::string tapback_reaction(std::int64_t type, std::string_view custom_emoji);

// The part of an attachment path from its "Attachments/" folder on ("~/Library/Messages/
// Attachments/ab/11/GUID/IMG_1.HEIC" -> "Attachments/ab/11/GUID/IMG_1.HEIC"), the same for the
// database's path and for the export's copy of the folder; "" when there is no such folder.
std::string attachments_key(std::string_view path);

}  // namespace imessage

}  // namespace dmvault::formats
