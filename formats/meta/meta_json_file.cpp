#include "meta/meta_json_file.hpp"

#include "common/format_text.hpp"
#include "dmvault/error.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string.h>  // explicit_bzero
#include <vector>

namespace dmvault::formats::meta {

namespace {

constexpr std::size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// End of the string starting at text[pos] == '"', or nullopt with `error` set.
std::optional<std::size_t> string_end(std::string_view text, std::size_t pos, std::size_t& error) {
  ++pos;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == '"') return pos + 1;
    if (c < 0x20) {
      error = pos;
      return std::nullopt;
    }
    if (c == '\\') {
      if (pos + 1 >= text.size()) break;
      const char e = text[pos + 1];
      if (e == 'u') {
        for (std::size_t i = 2; i < 6; ++i) {
          if (pos + i >= text.size()) break;  // cut short: the error is the end
          if (!is_hex(text[pos + i])) {
            error = pos;
            return std::nullopt;
          }
        }
        pos += 6;
        continue;
      }
      if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
        error = pos;
        return std::nullopt;
      }
      pos += 2;
      continue;
    }
    ++pos;
  }
  error = text.size();
  return std::nullopt;
}

std::optional<std::size_t> number_end(std::string_view text, std::size_t pos, std::size_t& error) {
  const auto digits = [&](std::size_t p) {
    const std::size_t start = p;
    while (p < text.size() && is_digit(text[p])) ++p;
    return std::make_pair(p, p - start);
  };
  if (text[pos] == '-') ++pos;
  if (pos >= text.size() || !is_digit(text[pos])) {
    error = pos;
    return std::nullopt;
  }
  if (text[pos] == '0') {
    ++pos;
  } else {
    pos = digits(pos).first;
  }
  if (pos < text.size() && text[pos] == '.') {
    const auto [end, n] = digits(pos + 1);
    if (n == 0) {
      error = end;
      return std::nullopt;
    }
    pos = end;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    const auto [end, n] = digits(pos);
    if (n == 0) {
      error = end;
      return std::nullopt;
    }
    pos = end;
  }
  return pos;
}

std::string describe(simdjson::error_code code) { return simdjson::error_message(code); }

}  // namespace

std::optional<std::size_t> locate_json_error(std::string_view text) {
  const std::size_t bad_utf8 = first_invalid_utf8(text);
  enum class State { value, value_or_close, key, key_or_close, colon, after_value };
  std::vector<char> stack;
  State state = State::value;
  std::size_t pos = 0;
  std::size_t error = 0;
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (bad_utf8 < text.size() && pos >= bad_utf8) return bad_utf8;
    if (pos >= text.size()) {
      if (state == State::after_value && stack.empty()) return std::nullopt;
      return text.size();
    }
    const char c = text[pos];
    switch (state) {
      case State::value:
      case State::value_or_close:
        if (state == State::value_or_close && c == ']') {
          stack.pop_back();
          ++pos;
          state = State::after_value;
        } else if (c == '{' || c == '[') {
          if (stack.size() >= kMaxDepth) return pos;
          stack.push_back(c);
          ++pos;
          state = c == '{' ? State::key_or_close : State::value_or_close;
        } else if (c == '"') {
          const auto end = string_end(text, pos, error);
          if (!end) return std::min(error, bad_utf8);
          pos = *end;
          state = State::after_value;
        } else if (c == '-' || is_digit(c)) {
          const auto end = number_end(text, pos, error);
          if (!end) return error;
          pos = *end;
          state = State::after_value;
        } else {
          bool literal = false;
          for (const std::string_view word : {"true", "false", "null"}) {
            if (text.substr(pos, word.size()) == word) {
              pos += word.size();
              literal = true;
              break;
            }
          }
          if (!literal) return pos;
          state = State::after_value;
        }
        break;
      case State::key:
      case State::key_or_close:
        if (state == State::key_or_close && c == '}') {
          stack.pop_back();
          ++pos;
          state = State::after_value;
        } else if (c == '"') {
          const auto end = string_end(text, pos, error);
          if (!end) return std::min(error, bad_utf8);
          pos = *end;
          state = State::colon;
        } else {
          return pos;
        }
        break;
      case State::colon:
        if (c != ':') return pos;
        ++pos;
        state = State::value;
        break;
      case State::after_value:
        if (stack.empty()) return pos;  // content after the document
        if (c == ',') {
          ++pos;
          state = stack.back() == '{' ? State::key : State::value;
        } else if ((c == '}' && stack.back() == '{') || (c == ']' && stack.back() == '[')) {
          stack.pop_back();
          ++pos;
        } else {
          return pos;
        }
        break;
    }
  }
}

JsonFile::JsonFile(std::string path, std::string_view bytes) : m_path(std::move(path)) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    m_bom = 3;
    bytes.remove_prefix(3);
  }
  m_size = bytes.size();
  m_buffer = std::make_unique<char[]>(m_size + simdjson::SIMDJSON_PADDING);
  if (m_size != 0) std::memcpy(m_buffer.get(), bytes.data(), m_size);
  std::memset(m_buffer.get() + m_size, 0, simdjson::SIMDJSON_PADDING);
  const simdjson::error_code code =
      m_parser.parse(reinterpret_cast<const std::uint8_t*>(m_buffer.get()), m_size, false)
          .get(m_root);
  if (code != simdjson::SUCCESS) {
    const std::string hint =
        "the file is damaged or incomplete (an interrupted download or extraction); get the "
        "export again and re-import it";
    if (code == simdjson::MEMALLOC || code == simdjson::CAPACITY) {
      throw Error(ErrorCode::bad_input,
                  m_path + ": too large to parse as JSON (" + describe(code) + ")");
    }
    if (m_size == 0) {
      throw Error(
          ErrorCode::bad_input,
          m_path + ": invalid JSON at byte " + std::to_string(m_bom) + ": the file is empty", hint);
    }
    const auto where = locate_json_error(text());
    if (where) {
      throw Error(ErrorCode::bad_input,
                  m_path + ": invalid JSON at byte " + std::to_string(file_offset(*where)) + ": " +
                      describe(code),
                  hint);
    }
    throw Error(ErrorCode::bad_input, m_path + ": invalid JSON: " + describe(code), hint);
  }
}

JsonFile::~JsonFile() {
  if (m_buffer) explicit_bzero(m_buffer.get(), m_size);
}

void SpanScanner::fail() const {
  // The DOM already validated the text, so this means the two walks disagree: a bug, reported
  // as bad input rather than read out of bounds.
  throw Error(ErrorCode::bad_input, std::string(m_path) + ": JSON structure walk failed at byte " +
                                        std::to_string(m_pos));
}

void SpanScanner::space() {
  while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
}

char SpanScanner::peek() {
  space();
  if (m_pos >= m_text.size()) fail();
  return m_text[m_pos];
}

void SpanScanner::skip_string() {
  if (peek() != '"') fail();
  ++m_pos;
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (c == '\\') {
      m_pos += 2;
    } else if (c == '"') {
      ++m_pos;
      return;
    } else {
      ++m_pos;
    }
  }
  fail();
}

void SpanScanner::enter() {
  const char c = peek();
  if (c != '{' && c != '[') fail();
  ++m_pos;
}

bool SpanScanner::next_member() {
  char c = peek();
  if (c == '}') {
    ++m_pos;
    return false;
  }
  if (c == ',') {
    ++m_pos;
  }
  skip_string();
  c = peek();
  if (c != ':') fail();
  ++m_pos;
  space();
  return true;
}

bool SpanScanner::next_element() {
  const char c = peek();
  if (c == ']') {
    ++m_pos;
    return false;
  }
  if (c == ',') ++m_pos;
  space();
  return true;
}

std::pair<std::size_t, std::size_t> SpanScanner::skip() {
  const char first = peek();
  const std::size_t begin = m_pos;
  if (first == '"') {
    skip_string();
    return {begin, m_pos};
  }
  if (first != '{' && first != '[') {
    while (m_pos < m_text.size() && !is_space(m_text[m_pos]) &&
           std::strchr(",]}", m_text[m_pos]) == nullptr) {
      ++m_pos;
    }
    return {begin, m_pos};
  }
  std::size_t depth = 0;
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (c == '"') {
      skip_string();
      continue;
    }
    ++m_pos;
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return {begin, m_pos};
    }
  }
  fail();
}

std::optional<simdjson::dom::object> as_object(simdjson::dom::element value) {
  simdjson::dom::object out;
  if (value.get_object().get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<simdjson::dom::array> as_array(simdjson::dom::element value) {
  simdjson::dom::array out;
  if (value.get_array().get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<simdjson::dom::element> member(simdjson::dom::object obj, std::string_view key) {
  simdjson::dom::element out;
  if (obj.at_key(key).get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<std::string_view> as_string(simdjson::dom::element value) {
  std::string_view out;
  if (value.get_string().get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<std::int64_t> as_int64(simdjson::dom::element value) {
  std::int64_t i = 0;
  if (value.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (value.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && std::fabs(d) < 9.0e18) {
    return static_cast<std::int64_t>(std::llround(d));
  }
  return std::nullopt;
}

std::optional<bool> as_bool(simdjson::dom::element value) {
  bool b = false;
  if (value.get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
  return b;
}

}  // namespace dmvault::formats::meta
