// A streaming JSON writer for the --json output of the command line: values go straight to a
// stream, with no document tree in memory. Output is compact (one line), so writing one document
// per line gives JSON Lines.
//
// Strings are always emitted as valid JSON: quotes, backslashes and control characters are
// escaped, and bytes that are not valid UTF-8 are replaced by U+FFFD (one per maximal ill-formed
// subsequence, as Unicode recommends). Paths and names taken from exports are not guaranteed to
// be UTF-8, and a consumer must never be handed a document it cannot parse.
//
// Misuse (a value where a key is due, a key inside an array, unbalanced end_*, a second top-level
// value) is a programming error and throws std::logic_error.
#pragma once

#include <concepts>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace dmvault::util {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : m_out(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  // Without this overload a string literal would convert to bool, not to string_view.
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) JsonWriter& value(T number) {
    if constexpr (std::is_signed_v<T>) {
      return signed_value(static_cast<std::int64_t>(number));
    } else {
      return unsigned_value(static_cast<std::uint64_t>(number));
    }
  }
  JsonWriter& null();

  // key(name) followed by value(v).
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // True once one complete top-level value has been written.
  bool complete() const { return m_done; }

 private:
  enum class Scope : std::uint8_t { object, array };
  struct Level {
    Scope scope;
    bool has_members = false;
    bool key_pending = false;  // objects: a key was written, its value is due
  };

  JsonWriter& signed_value(std::int64_t number);
  JsonWriter& unsigned_value(std::uint64_t number);
  // Writes the separator a value needs here and checks that a value is allowed.
  void before_value();
  void after_value();

  std::ostream& m_out;
  std::vector<Level> m_stack;
  bool m_done = false;
};

// Appends `text` to `out` as a JSON string literal, quotes included (same rules as JsonWriter).
void append_json_string(std::string& out, std::string_view text);

}  // namespace dmvault::util
