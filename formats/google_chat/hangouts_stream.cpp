// The incremental top-level splitter of Hangouts.json (google_chat_internal.hpp): a byte-at-a-time
// state machine over the root object, so a file of any size is read with one conversation in
// memory.
#include "dmvault/error.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <algorithm>

namespace dmvault::formats::google_chat {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_scalar_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
         c == 'E';
}

}  // namespace

TopArrayStreamer::TopArrayStreamer(std::string path, std::vector<std::string> keys,
                                   std::uint64_t max_element, Sink sink)
    : m_path(std::move(path)),
      m_keys(std::move(keys)),
      m_max_element(max_element),
      m_sink(std::move(sink)) {}

void TopArrayStreamer::fail(const std::string& what) const {
  throw Error(ErrorCode::bad_input, m_path + ": byte " + std::to_string(m_offset) + ": " + what,
              "the file is damaged or incomplete (an interrupted download or extraction); "
              "download the Takeout archive again and re-import it");
}

void TopArrayStreamer::feed(std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) {
    // A UTF-8 byte order mark before the document.
    if (m_state == State::start && m_offset < 3 && (b == 0xEF || b == 0xBB || b == 0xBF)) {
      static constexpr std::uint8_t kBom[3] = {0xEF, 0xBB, 0xBF};
      if (b != kBom[m_offset]) fail("expected a JSON object");
      ++m_offset;
      continue;
    }
    step(static_cast<char>(b));
    ++m_offset;
  }
}

void TopArrayStreamer::step(char c) {
  switch (m_state) {
    case State::start:
      if (is_space(c)) return;
      if (c != '{') fail("expected a JSON object");
      m_state = State::root_key_or_close;
      return;
    case State::root_key_or_close:
    case State::root_key:
      if (is_space(c)) return;
      if (c == '}' && m_state == State::root_key_or_close) {
        m_state = State::done;
        return;
      }
      if (c != '"') fail("expected a member name");
      m_key.clear();
      m_escape = false;
      m_state = State::key;
      return;
    case State::key:
      if (m_escape) {
        m_escape = false;
      } else if (c == '\\') {
        m_escape = true;
      } else if (c == '"') {
        m_state = State::colon;
        return;
      }
      if (m_key.size() < 256) m_key += c;
      return;
    case State::colon:
      if (is_space(c)) return;
      if (c != ':') fail("expected ':' after a member name");
      m_state = State::value;
      return;
    case State::value:
      if (is_space(c)) return;
      m_target = std::find(m_keys.begin(), m_keys.end(), m_key) != m_keys.end();
      if (m_target && c == '[') {
        m_found = true;
        m_state = State::element_or_close;
      } else if (c == '{' || c == '[') {
        m_depth = 1;
        m_in_string = false;
        m_escape = false;
        m_state = State::skip_nested;
      } else if (c == '"') {
        m_escape = false;
        m_state = State::skip_string;
      } else if (is_scalar_char(c)) {
        m_state = State::skip_scalar;
      } else {
        fail("expected a value");
      }
      return;
    case State::element_or_close:
    case State::element:
      if (is_space(c)) return;
      if (c == ']' && m_state == State::element_or_close) {
        m_state = State::after_member;
        return;
      }
      if (c != '{') fail("expected a conversation object");
      m_buffer.clear();
      m_buffer += c;
      m_capture_offset = m_offset;
      m_depth = 1;
      m_in_string = false;
      m_escape = false;
      m_state = State::capture;
      return;
    case State::capture:
      if (m_buffer.size() >= m_max_element) {
        m_offset = m_capture_offset;
        fail("a conversation larger than " + std::to_string(m_max_element >> 20) +
             " MiB (not read)");
      }
      m_buffer += c;
      if (m_in_string) {
        if (m_escape) {
          m_escape = false;
        } else if (c == '\\') {
          m_escape = true;
        } else if (c == '"') {
          m_in_string = false;
        }
        return;
      }
      if (c == '"') {
        m_in_string = true;
      } else if (c == '{' || c == '[') {
        ++m_depth;
      } else if (c == '}' || c == ']') {
        if (--m_depth == 0) {
          m_state = State::comma_or_close;
          m_sink(m_buffer, m_capture_offset);
          // Wiped before it is reused or released: it held message text.
          std::fill(m_buffer.begin(), m_buffer.end(), '\0');
          m_buffer.clear();
        }
      }
      return;
    case State::comma_or_close:
      if (is_space(c)) return;
      if (c == ',') {
        m_state = State::element;
      } else if (c == ']') {
        m_state = State::after_member;
      } else {
        fail("expected ',' or ']' between conversations");
      }
      return;
    case State::skip_nested:
      if (m_in_string) {
        if (m_escape) {
          m_escape = false;
        } else if (c == '\\') {
          m_escape = true;
        } else if (c == '"') {
          m_in_string = false;
        }
        return;
      }
      if (c == '"') {
        m_in_string = true;
      } else if (c == '{' || c == '[') {
        ++m_depth;
      } else if (c == '}' || c == ']') {
        if (--m_depth == 0) m_state = State::after_member;
      }
      return;
    case State::skip_string:
      if (m_escape) {
        m_escape = false;
      } else if (c == '\\') {
        m_escape = true;
      } else if (c == '"') {
        m_state = State::after_member;
      }
      return;
    case State::skip_scalar:
      if (is_scalar_char(c)) return;
      m_state = State::after_member;
      step(c);
      return;
    case State::after_member:
      if (is_space(c)) return;
      if (c == ',') {
        m_state = State::root_key;
      } else if (c == '}') {
        m_state = State::done;
      } else {
        fail("expected ',' or '}' after a member");
      }
      return;
    case State::done:
      if (!is_space(c)) fail("content after the end of the document");
      return;
  }
}

void TopArrayStreamer::finish() {
  if (m_state == State::done) return;
  if (m_state == State::capture) {
    m_offset = m_capture_offset;
    fail("the file ends inside the conversation starting here");
  }
  fail("the file ends before the end of the document");
}

}  // namespace dmvault::formats::google_chat
