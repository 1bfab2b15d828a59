// JSON written the way Meta's "Download Your Information" exporter writes it (compared with the
// real sample in shared/fixtures/instagram): two-space indentation, `"key": value`, every object
// and array element on its own line, an empty array printed as "[", an indented blank line and
// "]", no trailing newline at the end of the file, "/" not escaped, and the mojibake quirk: each
// byte >= 0x80 of a UTF-8 string is written as its own \u00XX escape (lowercase hex), so "é"
// becomes "\u00c3\u00a9" and an emoji four escapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::instagram::generator {

// Appends `utf8` to `out` as a quoted JSON string in Meta's style.
void append_meta_string(std::string& out, std::string_view utf8);

// Appends a quoted, standard JSON string (UTF-8 kept as is): for the ground-truth file.
void append_plain_json_string(std::string& out, std::string_view utf8);

// A streaming pretty-printer into a caller-owned buffer. The caller nests begin/end calls
// correctly; the writer places commas, newlines and indentation.
class MetaJsonWriter {
 public:
  explicit MetaJsonWriter(std::string& out) : m_out(out) {}

  void begin_object();  // the root, or an element of the enclosing array
  void begin_object(std::string_view key);
  void end_object();
  void begin_array();  // the root
  void begin_array(std::string_view key);
  void end_array();

  void field(std::string_view key, std::string_view utf8);
  void field(std::string_view key, const char* utf8) { field(key, std::string_view(utf8)); }
  void field(std::string_view key, std::int64_t value);
  void field_bool(std::string_view key, bool value);

 private:
  void open_item();  // comma (unless first), newline and indentation for a new item
  void write_key(std::string_view key);
  void indent(std::size_t depth);

  std::string& m_out;
  std::vector<bool> m_has_items;  // one entry per open container
};

}  // namespace dmvault::formats::instagram::generator
