#include "util/json_writer.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace dmvault::util {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

bool is_continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

// Length of the well-formed UTF-8 sequence starting at text[i], or the length of its maximal
// ill-formed prefix as a negative number (at least 1 byte is always consumed). Follows Table 3-7
// of the Unicode Standard: no overlong forms, no surrogates, nothing above U+10FFFF.
int utf8_sequence(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  int length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    low = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    length = 3;
  } else if (lead == 0xED) {
    length = 3;
    high = 0x9F;
  } else if (lead == 0xF0) {
    length = 4;
    low = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    high = 0x8F;
  } else {
    return -1;
  }
  if (i + 1 >= text.size()) return -1;
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (second < low || second > high) return -1;
  for (int k = 2; k < length; ++k) {
    const std::size_t at = i + static_cast<std::size_t>(k);
    if (at >= text.size() || !is_continuation(static_cast<unsigned char>(text[at]))) return -k;
  }
  return length;
}

void append_escaped(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  if (c < 0x20 || c == 0x7F) {
    constexpr std::string_view kHex = "0123456789abcdef";
    out += "\\u00";
    out += kHex[c >> 4U];
    out += kHex[c & 0x0FU];
    return;
  }
  out += static_cast<char>(c);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      append_escaped(out, c);
      ++i;
      continue;
    }
    const int n = utf8_sequence(text, i);
    if (n > 0) {
      out.append(text.substr(i, static_cast<std::size_t>(n)));
      i += static_cast<std::size_t>(n);
    } else {
      out += kReplacement;
      i += static_cast<std::size_t>(-n);
    }
  }
  out += '"';
}

void JsonWriter::before_value() {
  if (m_done) throw std::logic_error("json: a second top-level value");
  if (m_stack.empty()) return;
  Level& level = m_stack.back();
  if (level.scope == Scope::object) {
    if (!level.key_pending) throw std::logic_error("json: a value in an object needs a key");
    level.key_pending = false;
    return;
  }
  if (level.has_members) m_out << ',';
  level.has_members = true;
}

void JsonWriter::after_value() {
  if (m_stack.empty()) m_done = true;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out << '{';
  m_stack.push_back({Scope::object});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (m_stack.empty() || m_stack.back().scope != Scope::object || m_stack.back().key_pending) {
    throw std::logic_error("json: end_object without a matching begin_object");
  }
  m_stack.pop_back();
  m_out << '}';
  after_value();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out << '[';
  m_stack.push_back({Scope::array});
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (m_stack.empty() || m_stack.back().scope != Scope::array) {
    throw std::logic_error("json: end_array without a matching begin_array");
  }
  m_stack.pop_back();
  m_out << ']';
  after_value();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (m_stack.empty() || m_stack.back().scope != Scope::object || m_stack.back().key_pending) {
    throw std::logic_error("json: a key outside an object or after another key");
  }
  Level& level = m_stack.back();
  if (level.has_members) m_out << ',';
  level.has_members = true;
  level.key_pending = true;
  std::string encoded;
  append_json_string(encoded, name);
  encoded += ':';
  m_out << encoded;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  std::string encoded;
  append_json_string(encoded, text);
  m_out << encoded;
  after_value();
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  m_out << (flag ? "true" : "false");
  after_value();
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out << "null";
  after_value();
  return *this;
}

JsonWriter& JsonWriter::signed_value(std::int64_t number) {
  before_value();
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  m_out.write(buffer.data(), result.ptr - buffer.data());
  after_value();
  return *this;
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t number) {
  before_value();
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  m_out.write(buffer.data(), result.ptr - buffer.data());
  after_value();
  return *this;
}

}  // namespace dmvault::util
