// Shared between the parts of the Telegram importer: where the exports are in the tree
// (telegram_layout), the result.json reader (telegram_json) and the HTML reader
// (telegram_html). Field notes and evidence: formats/telegram/FORMAT.md.
#pragma once

#include "common/import_context.hpp"
#include "common/time_zone.hpp"
#include "dmvault/importer.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::telegram {

inline constexpr std::string_view kPlatform = "telegram";

// One folder of a Telegram Desktop export: a result.json, or the messages*.html pages.
struct ExportDir {
  std::string dir;                      // "" or "some/prefix/": what media paths are relative to
  std::string json_file;                // "<dir>result.json", or ""
  std::vector<std::string> html_files;  // messages.html, messages2.html, ... in page order
};

struct Layout {
  std::vector<ExportDir> dirs;  // sorted by dir
};

Layout scan_layout(const std::vector<ExportFile>& files);

// Telegram writes control characters in strings as \xHH, which JSON does not have. The bytes
// with every such escape (inside a string, after an unescaped backslash) rewritten as \u00HH, and
// a way back from an offset in the rewritten text to the offset in the file.
class RepairedJson {
 public:
  // `bytes` must outlive this object: when there is nothing to repair (the usual case) no copy
  // is made and text() is `bytes` itself.
  explicit RepairedJson(std::string_view bytes);
  RepairedJson(const RepairedJson&) = delete;  // m_view may point into m_text
  RepairedJson& operator=(const RepairedJson&) = delete;
  std::string_view text() const { return m_view; }
  std::size_t repairs() const { return m_starts.size(); }
  std::size_t original_offset(std::size_t offset) const;

 private:
  std::string m_text;                 // the rewritten bytes, when there were repairs
  std::string_view m_view;            // m_text, or the bytes given
  std::vector<std::size_t> m_starts;  // offsets in the text of each "\u00HH" written
};

// A "(File not included. ...)" style note that the exporter writes instead of a path.
bool is_skipped_file_note(std::string_view value);

// What every reader needs while importing; two exports of one chat given together announce it
// once.
using formats::ImportContext;

// The time of an HTML message from its date's title, "DD.MM.YYYY HH:MM:SS UTC+HH:MM", in UTC
// milliseconds; a title without the offset (pages before about 2022) is a wall clock read in
// `zone`, and nullopt when `zone` is null.
std::optional<std::int64_t> parse_html_date(std::string_view title, const TimeZone* zone);

void import_json_file(ImportContext& context, const ExportDir& dir);
void import_html_dir(ImportContext& context, const ExportDir& dir);

// Whether the bytes look like a Telegram result.json (a cheap look at their start, for
// detection). Never throws.
bool looks_like_result_json(std::string_view bytes);
// Whether an HTML page looks like one of Telegram's messages*.html. Never throws.
bool looks_like_messages_html(std::string_view bytes);

}  // namespace dmvault::formats::telegram
