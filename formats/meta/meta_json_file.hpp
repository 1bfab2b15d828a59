// One JSON file parsed whole with simdjson's DOM (fully validated), plus a scanner that finds the
// exact bytes of each value so every record can be stored as it was written (Message::raw).
// Internal to formats/: it exposes simdjson types.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dmvault::formats::meta {

// Offset of the first byte at which `text` stops being JSON (RFC 8259, nesting up to
// simdjson's 1024 levels), or nullopt when it is a well-formed document. Only used to explain
// a failure simdjson already found, so it favours clarity over speed.
std::optional<std::size_t> locate_json_error(std::string_view text);

class JsonFile {
 public:
  // Parses `bytes` (a leading UTF-8 BOM is skipped). Error(bad_input,
  // "<path>: invalid JSON at byte N: <reason>") when they are not one JSON document.
  JsonFile(std::string path, std::string_view bytes);
  JsonFile(const JsonFile&) = delete;
  JsonFile& operator=(const JsonFile&) = delete;
  ~JsonFile();

  const std::string& path() const { return m_path; }
  simdjson::dom::element root() const { return m_root; }
  // The document's text (after the BOM) and where it starts in the file.
  std::string_view text() const { return {m_buffer.get(), m_size}; }
  std::size_t file_offset(std::size_t text_offset) const { return m_bom + text_offset; }

 private:
  std::string m_path;
  std::unique_ptr<char[]> m_buffer;  // m_size bytes + simdjson's padding, wiped on release
  std::size_t m_size = 0;
  std::size_t m_bom = 0;
  simdjson::dom::parser m_parser;
  simdjson::dom::element m_root;
};

// Walks the text of a validated document alongside a DOM walk, which visits members and
// elements in the same order, to recover each value's bytes. Usage: enter() at an object or
// array, then next_member()/next_element() before each value and either skip() it or enter()
// it and walk it to its end (where next_* returns false).
class SpanScanner {
 public:
  SpanScanner(std::string_view text, std::string_view path) : m_text(text), m_path(path) {}
  void enter();
  bool next_member();
  bool next_element();
  // [begin, end) of the value at the cursor; the cursor moves past it.
  std::pair<std::size_t, std::size_t> skip();

 private:
  void space();
  char peek();
  void skip_string();
  [[noreturn]] void fail() const;

  std::string_view m_text;
  std::string_view m_path;
  std::size_t m_pos = 0;
};

// Typed reads that never throw: nullopt when the value has another type.
std::optional<std::string_view> as_string(simdjson::dom::element value);
std::optional<std::int64_t> as_int64(simdjson::dom::element value);
std::optional<bool> as_bool(simdjson::dom::element value);
std::optional<simdjson::dom::object> as_object(simdjson::dom::element value);
std::optional<simdjson::dom::array> as_array(simdjson::dom::element value);
// The value of `key` in `obj`, if present.
std::optional<simdjson::dom::element> member(simdjson::dom::object obj, std::string_view key);

}  // namespace dmvault::formats::meta
