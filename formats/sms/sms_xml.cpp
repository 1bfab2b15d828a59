#include "sms/sms_xml.hpp"

#include "common/format_text.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <cstring>

namespace dmvault::formats::sms {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
  return !is_space(c) && c != '/' && c != '>' && c != '<' && c != '=' && c != '"' && c != '\'' &&
         c != '&';
}

// Names go into error messages: keep them printable ASCII.
std::string printable(std::string_view name) {
  std::string out;
  for (const char c : name) {
    const auto b = static_cast<unsigned char>(c);
    out += (b >= 0x20 && b < 0x7f) ? c : '?';
  }
  return out;
}

constexpr std::uint32_t kReplacement = 0xFFFD;

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

const std::string* XmlElement::find(std::string_view attribute) const {
  for (const XmlAttribute& a : attributes) {
    if (a.name == attribute) return &a.value;
  }
  return nullptr;
}

std::size_t repair_utf8(std::string& text) {
  std::size_t replaced = 0;
  std::string out;
  std::size_t i = 0;
  bool changed = false;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t min = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      cp = b & 0x1Fu;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      cp = b & 0x0Fu;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      cp = b & 0x07u;
      min = 0x10000;
    }
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (cont & 0x3Fu);
      }
    }
    if (ok && len > 1 && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (ok) {
      if (changed) out.append(text, i, len);
      i += len;
      continue;
    }
    if (!changed) {
      out.assign(text, 0, i);
      changed = true;
    }
    append_utf8(out, kReplacement);
    ++replaced;
    ++i;
    // Skip the continuation bytes of this broken sequence so that it costs one U+FFFD.
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  if (changed) text = std::move(out);
  return replaced;
}

XmlStream::XmlStream(std::string path, XmlHandler& handler)
    : m_path(std::move(path)), m_handler(handler) {}

void XmlStream::fail(const std::string& problem) const {
  throw Error(ErrorCode::bad_input,
              m_path + ": offset " + std::to_string(m_offset) + ": " + problem,
              "the file is not a complete SMS Backup & Restore XML file");
}

void XmlStream::begin_capture() { m_capturing = true; }

std::string XmlStream::take_capture(bool& complete) {
  complete = m_capture_complete;
  m_capturing = false;
  std::string out = std::move(m_capture);
  m_capture.clear();
  m_capture_complete = true;
  return out;
}

void XmlStream::keep(char c) {
  if (m_capture.size() < kMaxCaptureBytes) {
    m_capture += c;
  } else {
    m_capture_complete = false;
  }
}

void XmlStream::feed(std::span<const std::uint8_t> bytes) {
  const char* p = reinterpret_cast<const char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast paths for the bulk of a file: runs of an attribute value (bodies, base64 media) and
    // the whitespace between records.
    if (m_state == State::value && m_pending_high == 0) {
      std::size_t j = i;
      while (j < n) {
        const char c = p[j];
        if (c == m_quote || c == '&' || c == '<' || c == '\r' || c == '\n') break;
        ++j;
      }
      if (j > i) {
        value_run(std::string_view(p + i, j - i));
        m_offset += j - i;
        i = j;
        continue;
      }
    } else if (m_state == State::text && !m_capturing) {
      const void* lt = std::memchr(p + i, '<', n - i);
      const std::size_t j =
          lt == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(lt) - p);
      m_offset += j - i;
      i = j;
      if (i == n) break;
    }
    consume(p[i]);
    ++m_offset;
    ++i;
  }
}

void XmlStream::value_run(std::string_view run) {
  m_last_literal = run.back();
  std::string_view stored = run;
  if (m_in_data) {
    const std::size_t limit = m_data_keep_start + kMaxKeptDataBytes;
    const std::size_t room = m_capture.size() < limit ? limit - m_capture.size() : 0;
    if (stored.size() > room) {
      m_data_elided = true;
      stored = stored.substr(0, room);
    }
  }
  const std::size_t capture_room =
      m_capture.size() < kMaxCaptureBytes ? kMaxCaptureBytes - m_capture.size() : 0;
  if (stored.size() > capture_room) {
    m_capture_complete = false;
    stored = stored.substr(0, capture_room);
  }
  m_capture.append(stored);
  if (m_in_data) {
    for (const char c : run) base64_char(c);
    return;
  }
  const std::size_t room = m_value.size() < kMaxValueBytes ? kMaxValueBytes - m_value.size() : 0;
  if (run.size() > room) m_value_cut = true;
  m_value.append(run.substr(0, room));
}

void XmlStream::finish() {
  switch (m_state) {
    case State::text:
      break;
    case State::comment:
      fail("the file ends inside a comment");
    case State::cdata:
    case State::doctype:
    case State::pi:
    case State::bang:
      fail("the file ends inside a markup declaration");
    default:
      fail("the file ends inside a tag");
  }
  if (!m_stack.empty()) fail("the file ends before </" + printable(m_stack.back()) + ">");
  if (!m_seen_root) fail("no XML element");
}

void XmlStream::consume(char c) {
  // What a record's raw text keeps: every tag, and everything between a captured record's tags.
  bool store = false;
  if (m_state == State::text) {
    if (c == '<') {
      if (!m_capturing) {
        m_capture.clear();
        m_capture_complete = true;
      }
      store = true;
    } else {
      store = m_capturing;
    }
  } else if (m_state == State::comment || m_state == State::cdata || m_state == State::pi ||
             m_state == State::doctype || m_state == State::bang) {
    store = m_capturing;
  } else {
    store = true;
    if (m_state == State::value && m_in_data && c != m_quote &&
        m_capture.size() >= m_data_keep_start + kMaxKeptDataBytes) {
      m_data_elided = true;
      store = false;
    }
  }
  if (store) keep(c);

  switch (m_state) {
    case State::text:
      if (c == '<') {
        m_state = State::tag_open;
        m_element = XmlElement{};
        m_element.offset = m_offset;
      }
      return;
    case State::tag_open:
      if (c == '?') {
        m_state = State::pi;
        m_skip.clear();
      } else if (c == '!') {
        m_state = State::bang;
        m_skip.clear();
      } else if (c == '/') {
        m_state = State::end_name;
        m_name.clear();
      } else if (is_name_char(c)) {
        m_state = State::start_name;
        m_name.assign(1, c);
      } else {
        fail("'<' not followed by a name");
      }
      return;
    case State::bang: {
      m_skip += c;
      if (m_skip == "--") {
        m_state = State::comment;
        m_skip.clear();
      } else if (m_skip == "[CDATA[") {
        m_state = State::cdata;
        m_skip.clear();
      } else if (m_skip == "DOCTYPE") {
        m_state = State::doctype;
        m_doctype_brackets = 0;
        m_quote = 0;
      } else {
        const auto prefix_of = [&](std::string_view word) {
          return word.substr(0, m_skip.size()) == m_skip;
        };
        if (!prefix_of("--") && !prefix_of("[CDATA[") && !prefix_of("DOCTYPE")) {
          fail("unknown markup declaration");
        }
      }
      return;
    }
    case State::comment:
    case State::cdata:
    case State::pi: {
      const char* end = m_state == State::comment ? "--" : m_state == State::cdata ? "]]" : "?";
      const std::string_view tail(end);
      if (c == '>' && m_skip.size() >= tail.size() &&
          std::string_view(m_skip).substr(m_skip.size() - tail.size()) == tail) {
        m_state = State::text;
        m_skip.clear();
        return;
      }
      m_skip += c;
      if (m_skip.size() > 2) m_skip.erase(0, m_skip.size() - 2);
      return;
    }
    case State::doctype:
      // The internal subset is skipped whole: its entity declarations are never used.
      if (m_quote != 0) {
        if (c == m_quote) m_quote = 0;
      } else if (c == '"' || c == '\'') {
        m_quote = c;
      } else if (c == '[') {
        ++m_doctype_brackets;
      } else if (c == ']') {
        if (m_doctype_brackets > 0) --m_doctype_brackets;
      } else if (c == '>' && m_doctype_brackets == 0) {
        m_state = State::text;
      }
      return;
    case State::start_name:
      if (is_name_char(c)) {
        if (m_name.size() >= kMaxNameBytes) fail("element name longer than 64 bytes");
        m_name += c;
        return;
      }
      m_element.name = m_name;
      if (is_space(c)) {
        m_state = State::in_tag;
      } else if (c == '/') {
        m_state = State::self_close;
      } else if (c == '>') {
        start_tag_done();
      } else {
        fail("malformed start tag <" + printable(m_name) + ">");
      }
      return;
    case State::in_tag:
      if (is_space(c)) return;
      if (c == '/') {
        m_state = State::self_close;
      } else if (c == '>') {
        start_tag_done();
      } else if (is_name_char(c)) {
        m_state = State::attr_name;
        m_attr_name.assign(1, c);
      } else {
        fail("malformed attribute in <" + printable(m_element.name) + ">");
      }
      return;
    case State::self_close:
      if (c != '>') fail("'/' not followed by '>' in <" + printable(m_element.name) + ">");
      m_element.self_closing = true;
      start_tag_done();
      return;
    case State::attr_name:
      if (is_name_char(c)) {
        if (m_attr_name.size() >= kMaxNameBytes) fail("attribute name longer than 64 bytes");
        m_attr_name += c;
      } else if (is_space(c)) {
        m_state = State::after_attr_name;
      } else if (c == '=') {
        m_state = State::before_value;
      } else {
        fail("attribute without a value in <" + printable(m_element.name) + ">");
      }
      return;
    case State::after_attr_name:
      if (is_space(c)) return;
      if (c != '=') fail("attribute without a value in <" + printable(m_element.name) + ">");
      m_state = State::before_value;
      return;
    case State::before_value:
      if (is_space(c)) return;
      if (c != '"' && c != '\'') {
        // Unquoted values (invalid XML) come from old signalbackup-tools versions, which wrote
        // <smses count=12 ...>: read up to the next space, '/' or '>'.
        if (c == '<' || c == '>' || c == '/' || c == '=' || c == '`') {
          fail("attribute value not quoted in <" + printable(m_element.name) + ">");
        }
        m_handler.warning(m_offset, "attribute " + printable(m_attr_name) + " of <" +
                                        printable(m_element.name) +
                                        "> not quoted: read as written");
        begin_value('\0');
        m_state = State::unquoted_value;
        value_char(c, true);
        return;
      }
      begin_value(c);
      m_state = State::value;
      return;
    case State::unquoted_value:
      if (c == '<') fail("'<' inside an attribute value of <" + printable(m_element.name) + ">");
      if (is_space(c) || c == '>' || c == '/') {
        value_done();
        if (c == '>') {
          start_tag_done();
        } else {
          m_state = c == '/' ? State::self_close : State::in_tag;
        }
        return;
      }
      value_char(c, true);
      return;
    case State::value:
      if (c == m_quote) {
        value_done();
        m_state = State::in_tag;
      } else if (c == '<') {
        fail("'<' inside an attribute value of <" + printable(m_element.name) + ">");
      } else if (c == '&') {
        m_entity.clear();
        m_state = State::entity;
      } else {
        value_char(c, true);
      }
      return;
    case State::entity:
      if (c == ';') {
        m_state = State::value;
        entity_done();
        return;
      }
      if (m_entity.size() < 12 && c != '&' && c != '<' && c != m_quote && !is_space(c)) {
        m_entity += c;
        return;
      }
      // Not a reference: a bare '&' (invalid XML that some writers produce), kept as written.
      m_handler.warning(m_offset, "a bare '&' kept as written");
      m_state = State::value;
      value_char('&', false);
      for (const char e : m_entity) value_char(e, false);
      m_entity.clear();
      consume_value_again(c);
      return;
    case State::end_name:
      if (is_name_char(c)) {
        if (m_name.size() >= kMaxNameBytes) fail("element name longer than 64 bytes");
        m_name += c;
      } else if (is_space(c)) {
        m_state = State::end_after_name;
      } else if (c == '>') {
        end_tag_done();
      } else {
        fail("malformed end tag </" + printable(m_name) + ">");
      }
      return;
    case State::end_after_name:
      if (is_space(c)) return;
      if (c != '>') fail("malformed end tag </" + printable(m_name) + ">");
      end_tag_done();
      return;
  }
}

void XmlStream::begin_value(char quote) {
  m_quote = quote;
  m_value.clear();
  m_value_cut = false;
  m_value_offset = quote == '\0' ? m_offset : m_offset + 1;
  m_pending_high = 0;
  m_last_literal = 0;
  m_in_data = m_element.name == "part" && m_attr_name == "data";
  if (m_in_data) {
    m_b64_chars = 0;
    m_b64_pad = 0;
    m_b64_valid = true;
    m_data_keep_start = m_capture.size();
    m_data_elided = false;
  }
}

void XmlStream::consume_value_again(char c) {
  if (c == m_quote) {
    value_done();
    m_state = State::in_tag;
  } else if (c == '<') {
    fail("'<' inside an attribute value of <" + printable(m_element.name) + ">");
  } else if (c == '&') {
    m_entity.clear();
    m_state = State::entity;
  } else {
    value_char(c, true);
  }
}

void XmlStream::value_char(char c, bool literal_ws) {
  flush_pending_high();
  // Line ends inside a value are kept (a message's line breaks matter more than XML's
  // attribute-value normalisation), with CR LF and a lone CR read as LF.
  if (literal_ws && c == '\n' && m_last_literal == '\r') {
    m_last_literal = c;
    return;
  }
  m_last_literal = literal_ws ? c : 0;
  if (literal_ws && c == '\r') c = '\n';
  if (m_in_data) {
    base64_char(c);
    return;
  }
  if (m_value.size() >= kMaxValueBytes) {
    m_value_cut = true;
    return;
  }
  m_value += c;
}

void XmlStream::flush_pending_high() {
  if (m_pending_high == 0) return;
  m_handler.warning(
      m_offset, "a lone surrogate &#" + std::to_string(m_pending_high) + "; replaced by U+FFFD");
  m_pending_high = 0;
  if (m_in_data) {
    m_b64_valid = false;
  } else if (m_value.size() < kMaxValueBytes) {
    append_utf8(m_value, kReplacement);
  }
}

void XmlStream::value_code_point(std::uint32_t cp, bool from_reference) {
  m_last_literal = 0;
  if (from_reference && cp >= 0xD800 && cp <= 0xDBFF) {
    flush_pending_high();
    m_pending_high = cp;
    return;
  }
  if (from_reference && cp >= 0xDC00 && cp <= 0xDFFF) {
    if (m_pending_high != 0) {
      cp = 0x10000 + ((m_pending_high - 0xD800) << 10) + (cp - 0xDC00);
      m_pending_high = 0;
    } else {
      m_handler.warning(m_offset,
                        "a lone surrogate &#" + std::to_string(cp) + "; replaced by U+FFFD");
      cp = kReplacement;
    }
  } else {
    flush_pending_high();
  }
  if (cp == 0 || cp > 0x10FFFF) {
    m_handler.warning(m_offset, "a character reference outside Unicode replaced by U+FFFD");
    cp = kReplacement;
  }
  if (m_in_data) {
    if (cp < 0x80) {
      base64_char(static_cast<char>(cp));
    } else {
      m_b64_valid = false;
    }
    return;
  }
  if (m_value.size() + 4 > kMaxValueBytes) {
    m_value_cut = true;
    return;
  }
  append_utf8(m_value, cp);
}

void XmlStream::entity_done() {
  const std::string& e = m_entity;
  std::uint32_t cp = 0;
  bool numeric = false;
  bool ok = true;
  if (e == "lt") {
    cp = '<';
  } else if (e == "gt") {
    cp = '>';
  } else if (e == "amp") {
    cp = '&';
  } else if (e == "quot") {
    cp = '"';
  } else if (e == "apos") {
    cp = '\'';
  } else if (e.size() >= 2 && e[0] == '#') {
    numeric = true;
    const bool hex = e[1] == 'x' || e[1] == 'X';
    const std::size_t first = hex ? 2 : 1;
    ok = e.size() > first;
    std::uint64_t v = 0;
    for (std::size_t i = first; ok && i < e.size(); ++i) {
      const char d = e[i];
      unsigned digit = 0;
      if (d >= '0' && d <= '9') {
        digit = static_cast<unsigned>(d - '0');
      } else if (hex && d >= 'a' && d <= 'f') {
        digit = static_cast<unsigned>(d - 'a' + 10);
      } else if (hex && d >= 'A' && d <= 'F') {
        digit = static_cast<unsigned>(d - 'A' + 10);
      } else {
        ok = false;
        break;
      }
      v = v * (hex ? 16u : 10u) + digit;
      if (v > 0x10FFFF) v = 0x110000;  // stays out of range without overflowing
    }
    cp = static_cast<std::uint32_t>(v);
  } else {
    ok = false;
  }
  if (!ok) {
    // DTD entities are never expanded; an unknown or malformed reference stays as written.
    m_handler.warning(m_offset,
                      numeric ? "a malformed character reference kept as written"
                              : "an undeclared entity &" + printable(e) + "; kept as written");
    value_char('&', false);
    for (const char c : e) value_char(c, false);
    value_char(';', false);
    return;
  }
  if (numeric) {
    value_code_point(cp, true);
  } else {
    flush_pending_high();
    value_char(static_cast<char>(cp), false);
  }
}

void XmlStream::base64_char(char c) {
  if (is_space(c)) return;
  if (c == '=') {
    if (++m_b64_pad > 2) m_b64_valid = false;
    return;
  }
  if (m_b64_pad > 0 || !is_base64_char(c)) {
    m_b64_valid = false;
    return;
  }
  ++m_b64_chars;
}

void XmlStream::value_done() {
  flush_pending_high();
  if (m_in_data) {
    Base64Data data;
    data.offset = m_value_offset;
    data.length = m_offset - m_value_offset;
    const std::uint64_t total = m_b64_chars + m_b64_pad;
    data.valid = m_b64_valid && m_b64_chars % 4 != 1 && (m_b64_pad == 0 || total % 4 == 0);
    data.decoded_bytes = data.valid ? m_b64_chars * 3 / 4 : 0;
    if (m_data_elided) {
      m_capture.resize(std::min(m_capture.size(), m_data_keep_start));
      m_capture += "[" + std::to_string(data.length) + " bytes of base64 at byte offset " +
                   std::to_string(data.offset) + " of this file, not repeated here]";
    }
    m_element.data = data;
    m_in_data = false;
    return;
  }
  if (m_value_cut) {
    m_handler.warning(m_offset, "attribute " + printable(m_attr_name) + " longer than " +
                                    std::to_string(kMaxValueBytes) + " bytes: cut");
  }
  if (const std::size_t n = repair_utf8(m_value); n != 0) {
    m_handler.warning(m_offset, "attribute " + printable(m_attr_name) + ": " + std::to_string(n) +
                                    " invalid UTF-8 sequence(s) replaced by U+FFFD");
  }
  if (m_element.attributes.size() >= kMaxAttributes) {
    m_handler.warning(m_offset, "more than " + std::to_string(kMaxAttributes) + " attributes in <" +
                                    printable(m_element.name) + ">: the rest ignored");
    return;
  }
  m_element.attributes.push_back({m_attr_name, std::move(m_value)});
  m_value.clear();
}

void XmlStream::start_tag_done() {
  m_state = State::text;
  if (m_root_closed) fail("a second root element <" + printable(m_element.name) + ">");
  if (m_stack.size() >= kMaxDepth) fail("elements nested deeper than 16");
  m_seen_root = true;
  m_handler.start(m_element);
  if (m_element.self_closing) {
    m_handler.end(m_element.name);
    if (m_stack.empty()) m_root_closed = true;
  } else {
    m_stack.push_back(m_element.name);
  }
}

void XmlStream::end_tag_done() {
  m_state = State::text;
  if (m_stack.empty() || m_stack.back() != m_name) {
    fail("end tag </" + printable(m_name) + "> does not match " +
         (m_stack.empty() ? std::string("any open element")
                          : "<" + printable(m_stack.back()) + ">"));
  }
  m_stack.pop_back();
  m_handler.end(m_name);
  if (m_stack.empty()) m_root_closed = true;
}

}  // namespace dmvault::formats::sms
