// Shared between the parts of the Google Chat importer: where the Takeout inputs are
// (google_chat_importer), the Google Chat reader (google_chat_groups), the streaming splitter of
// Hangouts.json (hangouts_stream) and the Hangouts reader (hangouts_json). Field notes and
// evidence: formats/google_chat/FORMAT.md.
#pragma once

#include "common/import_context.hpp"
#include "dmvault/importer.hpp"
#include "meta/meta_json_names.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::formats::google_chat {

inline constexpr std::string_view kPlatform = "google_chat";

// messages.json, group_info.json and user_info.json are read whole up to this size.
inline constexpr std::uint64_t kMaxGroupFile = std::uint64_t{1} << 30;
// Hangouts.json is streamed; one conversation of it is held (and parsed) at a time, up to this.
inline constexpr std::uint64_t kMaxHangoutsConversation = std::uint64_t{512} << 20;

// One Google Chat conversation folder: <prefix>Groups/<"DM x" | "Space x">/.
struct ChatGroup {
  std::string dir;            // with its trailing '/'
  std::string name;           // the folder's name ("DM k6oxHQAAAAE")
  std::string messages_file;  // <dir>messages.json
  std::string info_file;      // <dir>group_info.json, or ""
};

// One Google Chat tree: the folder holding Groups/ (and Users/).
struct ChatTree {
  std::string prefix;                   // "Takeout/Google Chat/" (with '/'), or ""
  std::vector<std::string> user_files;  // <prefix>Users/*/user_info.json, sorted
  std::vector<ChatGroup> groups;        // sorted by dir
};

struct Layout {
  std::vector<ChatTree> chat;               // sorted by prefix
  std::vector<std::string> hangouts_files;  // files named Hangouts.json, sorted
};

Layout scan_layout(const std::vector<ExportFile>& files);

// "Thursday, November 3, 2016 at 11:59:50 AM UTC" (the weekday optional, U+202F or U+00A0
// allowed before AM/PM, a 24-hour clock without AM/PM accepted).
struct ChatDate {
  std::int64_t local_seconds = 0;  // the wall clock, as seconds since 1970-01-01 00:00
  // Seconds east of UTC when the string names UTC, GMT or a numeric offset ("GMT+05:30").
  std::optional<std::int32_t> offset;
};
std::optional<ChatDate> parse_chat_date(std::string_view text);

// Incremental splitter of a JSON document {"...": ..., "<key>": [ {...}, {...} ], ...}: fed the
// bytes in pieces of any size, it hands out each element of the top-level array member named
// one of `keys` as its exact bytes with its file offset, holding one element at a time. Other
// top-level members are skipped. Structure errors (the file cut short, something else than
// ',' between elements, an element above `max_element` bytes) are Error(bad_input,
// "<path>: byte N: problem"); the elements themselves are validated by whoever parses them.
class TopArrayStreamer {
 public:
  using Sink = std::function<void(std::string_view element, std::uint64_t offset)>;
  TopArrayStreamer(std::string path, std::vector<std::string> keys, std::uint64_t max_element,
                   Sink sink);
  void feed(std::span<const std::uint8_t> bytes);
  // After the last piece: Error(bad_input) unless the document was complete.
  void finish();
  // Whether a member named one of `keys` holding an array was seen.
  bool found() const { return m_found; }

 private:
  enum class State {
    start,
    root_key_or_close,
    root_key,
    key,
    colon,
    value,
    element_or_close,
    element,
    capture,
    comma_or_close,
    skip_nested,
    skip_string,
    skip_scalar,
    after_member,
    done
  };
  void step(char c);
  [[noreturn]] void fail(const std::string& what) const;

  std::string m_path;
  std::vector<std::string> m_keys;
  std::uint64_t m_max_element;
  Sink m_sink;
  State m_state = State::start;
  std::uint64_t m_offset = 0;  // of the byte being read
  std::uint64_t m_capture_offset = 0;
  std::string m_key;
  std::string m_buffer;
  std::size_t m_depth = 0;
  bool m_in_string = false;
  bool m_escape = false;
  bool m_target = false;
  bool m_found = false;
};

// Typed reads of the DOM that never throw: "" or nullopt when absent or of another type.
std::string string_of(object obj, std::string_view key);
std::optional<object> object_of(object obj, std::string_view key);
std::optional<array> array_of(object obj, std::string_view key);

// The attachment kind a file name suggests by its extension.
AttachmentKind kind_from_name(std::string_view name);

// [begin, end) of each element of the array found by following the member names `path` from
// `root`, the parsed form of `text` (a validated document; `path_name` names it in errors).
// Empty when the path does not lead to an array.
std::vector<std::pair<std::size_t, std::size_t>> element_spans(
    std::string_view text, std::string_view path_name, object root,
    std::span<const std::string_view> path);

using formats::ImportContext;

void import_chat_tree(ImportContext& context, const ChatTree& tree);
// Streams a Hangouts.json. True when it held a conversation list (even an empty one); false
// (nothing emitted) when it is a JSON object without one. Error(bad_input) when it is not a JSON
// object or is damaged.
bool import_hangouts_file(ImportContext& context, const std::string& path);

}  // namespace dmvault::formats::google_chat
