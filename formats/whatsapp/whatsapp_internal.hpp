// Internals of the WhatsApp importer, shared by its files and its unit tests: the message header
// grammar and day/month order (whatsapp_lines.cpp), and the table of localised strings
// (whatsapp_strings.cpp). See formats/whatsapp/FORMAT.md for the format itself.
#pragma once

#include "common/date_parse.hpp"
#include "dmvault/model.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::whatsapp {

inline constexpr std::string_view kPlatform = "whatsapp";

// ---------------------------------------------------------------------------------------------
// Lines (whatsapp_lines.cpp)

// `text` without the invisible marks WhatsApp writes at the start of lines and bodies: a BOM,
// U+200E/U+200F (LRM/RLM), U+202A-U+202E (embeddings around phone numbers) and U+2066-U+2069.
std::string_view strip_leading_marks(std::string_view text);
// `text` without spaces (ASCII, U+00A0, U+202F) and marks at either end.
std::string_view trim_marks(std::string_view text);
// Every such mark removed, wherever it is (for names and for matching fixed phrases).
std::string without_marks(std::string_view text);

// The date and time that open a message: "23/04/2021, 18:05 - ", "[4/23/21, 6:05:09 PM] ",
// "2021-04-23, 18:05 - ", "[15-01-20 02:22:56] ", "04/23/2021, 06:05 p. m. - ".
struct Header {
  bool bracketed = false;     // iOS "[...] "; otherwise Android "... - "
  char date_separator = '/';  // '/', '.' or '-'
  unsigned fields[3] = {0, 0, 0};
  unsigned digits[3] = {0, 0, 0};  // how many digits each date field had
  unsigned hour = 0, minute = 0, second = 0;
  bool has_seconds = false;
  int meridiem = -1;                           // -1: 24 h clock; 0: am; 1: pm
  std::size_t local_begin = 0, local_end = 0;  // the date and time as written, in the line
  std::size_t rest = 0;                        // where the sender or system text starts

  bool year_first() const { return digits[0] == 4; }
  // Lines of one export share the bracket, the date separator and where the year is.
  bool same_style(const Header& other) const {
    return bracketed == other.bracketed && date_separator == other.date_separator &&
           year_first() == other.year_first();
  }
};

// The header at the start of `line` (marks already stripped), or nullopt when the line does not
// start with one (a continuation line).
std::optional<Header> parse_header(std::string_view line);

enum class DateOrder { day_month_year, month_day_year, year_month_day };
const char* describe(DateOrder order);  // "day/month/year" ...

struct OrderDecision {
  DateOrder order = DateOrder::day_month_year;
  // Empty when the dates decide; otherwise why this order was assumed (said in a warning).
  std::string assumption;
};
// Day/month order of a whole file from all its headers (in file order): a first field above 12
// means day first, a second field above 12 month first; when none is, the order in which the
// dates run forward most consistently, then the usual order of the date style.
OrderDecision infer_date_order(const std::vector<Header>& headers);

// The wall-clock time a header names, or nullopt when that date does not exist.
std::optional<LocalDateTime> local_date_time(const Header& header, DateOrder order);

// ---------------------------------------------------------------------------------------------
// Localised strings (whatsapp_strings.cpp)

// The chat's name from an export's file name without ".txt": "WhatsApp Chat with Ana" -> "Ana"
// (and the localised prefixes), "WhatsApp Chat - Ana" (iOS zip or folder name) -> "Ana".
std::optional<std::string> chat_name_from_file_stem(std::string_view stem);

bool is_end_to_end_notice(std::string_view body);
bool is_deleted_notice(std::string_view body);
// The body without a trailing "<This message was edited>" (or a translation), or nullopt when
// it has none.
std::optional<std::string_view> without_edited_marker(std::string_view body);
// The kind of media a placeholder stands for ("<Media omitted>", "image omitted" ...), or
// nullopt when `body` is not one.
std::optional<AttachmentKind> placeholder_kind(std::string_view body);
bool is_call_notice(std::string_view body);
// The link of a shared location ("location: https://maps.google.com/?q=..."), or "" when none.
std::string_view location_link(std::string_view body);
// Whether `label` is a localised "attached" of iOS "<attached: NAME>".
bool is_attached_label(std::string_view label);
// Whether `label` is a localised "file attached" of Android "NAME (file attached)".
bool is_file_attached_label(std::string_view label);
// Whether a line without a sender is an event only groups have (created, added, left ...).
bool is_group_event(std::string_view system_text);
// The group's name from "X created group "Name"" (and translations); "" when not that event.
std::string created_group_name(std::string_view system_text);

// Attachment kind from a media file's name: iOS "00000012-PHOTO-2019-...", Android
// "IMG-20240101-WA0001.jpg", else from its extension.
AttachmentKind attachment_kind_of(std::string_view file_name);

}  // namespace dmvault::formats::whatsapp
