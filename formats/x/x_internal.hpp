// Pieces of the X importer that the unit tests check on their own: recognising the archive's
// files, the JavaScript wrapper around their JSON, the top-level split that lets a large file be
// parsed one conversation at a time, and the HTML entities of message texts.
// Field notes and evidence: formats/x/FORMAT.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::formats::x {

inline constexpr std::string_view kPlatform = "x";

enum class FileKind { messages, group_messages, headers, group_headers };

struct DmFile {
  FileKind kind = FileKind::messages;
  unsigned part = 0;  // "direct-messages.js" is part 0, "direct-messages-part1.js" part 1, ...
};

// What a file's base name says it is: "direct-messages.js", "direct-messages-part2.js",
// "direct-messages-group.js", "direct-message-headers.js", "direct-message-group-headers.js"
// (and their -partN forms); nullopt for any other name.
std::optional<DmFile> classify_dm_file(std::string_view base_name);

// Offset of the JSON value after the "window.YTD.<name>.partN = " (or "window.__THAR_CONFIG = ")
// assignment the archive wraps each file in, or nullopt when the bytes do not start that way.
// A UTF-8 BOM and leading white space are allowed.
std::optional<std::size_t> js_payload_start(std::string_view bytes);

// [begin, end) of each element of the JSON array starting at `start` (white space allowed
// before it), found by matching brackets outside strings: every element is then validated and
// parsed on its own. After the array only white space and a ';' may follow. Error(bad_input,
// "<path>: byte N: problem") when the array is cut short or malformed at this level.
std::vector<std::pair<std::size_t, std::size_t>> split_top_array(const std::string& path,
                                                                 std::string_view text,
                                                                 std::size_t start);

}  // namespace dmvault::formats::x
