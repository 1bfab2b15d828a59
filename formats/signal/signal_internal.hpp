// Shared by the readers of the Signal importer: which tool wrote a file (the "flavour"), and
// the small pieces the readers have in common. Internal to formats/signal.
#pragma once

#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dmvault::formats::signal {

enum class Flavour {
  none,
  export_markdown,  // signal-export <Chat>/chat.md (and chat-miner's loose .txt)
  export_json,      // signal-export <Chat>/data.json: one JSON object a line
  export_html,      // signal-export <Chat>/index.html
  sigtop_json,      // sigtop export-messages -f json: "<Name> (<detail>).json", a JSON array
  sigtop_text,      // sigtop export-messages -f text: "<Name> (<detail>).txt"
};

// The flavour of the file at `path` from its first bytes (`head`, at most kDetectHead).
inline constexpr std::size_t kDetectHead = 4096;
Flavour flavour_of(std::string_view path, std::string_view head);

// Cap for reading one chat file whole (ExportFiles::read).
inline constexpr std::uint64_t kMaxChatBytes = std::uint64_t{512} << 20;

std::string_view dir_of(std::string_view path);
// The chat's name: the folder of signal-export's chat.md/data.json/index.html, else the stem.
std::string chat_name(std::string_view path);
// `link` resolved against `dir` ("./media/a.jpg" in "Club" -> "Club/media/a.jpg"); URLs as is.
std::string resolve(std::string_view dir, std::string_view link);
// Kind of an attachment from its file name (`image_link`: shown as an image).
AttachmentKind kind_of_name(std::string_view name, bool image_link);
// Kind from a MIME type ("image/gif", "audio/aac"), else from the name.
AttachmentKind kind_of_content_type(std::string_view content_type, std::string_view name);
// sigtop names people "Name (detail)" (detail: phone, username, service id, or "group"):
// the name, with the detail in `detail` ("" when there is none).
std::string split_detail(std::string_view text, std::string* detail);
// %XX escapes decoded (signal-export writes spaces in media paths as %20).
std::string percent_decoded(std::string_view text);

// The wall clock "2024-06-01T14:00:00[.ffffff]" (or with a space) read in `zone`: UTC ms.
std::optional<std::int64_t> local_iso_to_utc_ms(std::string_view text, const TimeZone& zone);

// Each reader announces its conversation and emits its messages; Error(bad_input) naming the
// file when it cannot be read at all.
void import_markdown(ImportContext& context, const std::string& path);
void import_export_json(ImportContext& context, const std::string& path);
void import_export_html(ImportContext& context, const std::string& path);
// `media`: "<folder>/<file>" -> export path, for linking the attachments sigtop's
// export-attachments wrote ("<Name> (<detail>)/<file name>").
void import_sigtop_json(ImportContext& context, const std::string& path,
                        const std::map<std::string, std::string>& media);
void import_sigtop_text(ImportContext& context, const std::string& path,
                        const std::map<std::string, std::string>& media);
// sigtop's time "Mon, 2 Jan 2006 15:04:05 -0700": UTC ms, or nullopt.
std::optional<std::int64_t> parse_sigtop_time(std::string_view text);

// The exporting user's name: --self, else what the tool calls them ("Me", "You").
inline std::string self_name(const ImportContext& context, std::string_view tool_name) {
  return context.options.self_name.empty() ? std::string(tool_name)
                                           : to_nfc(context.options.self_name);
}

}  // namespace dmvault::formats::signal
