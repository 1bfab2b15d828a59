// An incremental reader for the XML that SMS Backup & Restore (and signalbackup-tools) write:
// fed the file in pieces of any size, it reports start and end tags with their decoded
// attributes and never holds more than one element's start tag (plus, on request, one record's
// text). It is deliberately not a general XML parser (formats/sms/FORMAT.md says why):
//  - character data between tags is skipped (the format carries everything in attributes);
//  - comments, processing instructions, CDATA and a DOCTYPE (with its internal subset) are
//    skipped; DTD entities are never expanded, so entity bombs cannot grow anything: only the
//    five XML entities and numeric character references are decoded, any other reference is
//    kept literally with a warning;
//  - surrogate pairs written as two numeric references become one code point; a lone surrogate,
//    a reference to U+0000 or beyond U+10FFFF and invalid UTF-8 become U+FFFD with a warning;
//  - a `data` attribute of a <part> (inline base64 media) is never stored: it is checked as
//    base64 and measured while it streams by.
// Malformed structure (a tag cut by the end of the file, a mismatched end tag, a name or nesting
// beyond the caps) is Error(bad_input) "<path>: offset N: problem", never naming content.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::sms {

inline constexpr std::size_t kMaxNameBytes = 64;
inline constexpr std::size_t kMaxDepth = 16;
inline constexpr std::size_t kMaxAttributes = 256;
// Longer values (never seen: an SMS body is at most a few KiB, an MMS text part a few hundred)
// are cut with a warning.
inline constexpr std::size_t kMaxValueBytes = std::size_t{8} << 20;
// A record's raw text keeps inline base64 up to this size; longer data is replaced by a note
// giving its byte offset and length in the stored file.
inline constexpr std::size_t kMaxKeptDataBytes = std::size_t{64} << 10;
inline constexpr std::size_t kMaxCaptureBytes = std::size_t{32} << 20;

struct XmlAttribute {
  std::string name;
  std::string value;  // decoded, valid UTF-8
};

// What was seen of a streamed base64 `data` attribute.
struct Base64Data {
  std::uint64_t offset = 0;         // byte offset of the value in the file
  std::uint64_t length = 0;         // bytes of the value as written
  std::uint64_t decoded_bytes = 0;  // bytes it decodes to (when valid)
  bool valid = true;
};

struct XmlElement {
  std::string name;
  std::uint64_t offset = 0;  // of its '<'
  std::vector<XmlAttribute> attributes;
  std::optional<Base64Data> data;
  bool self_closing = false;
  // The value of an attribute, or nullptr.
  const std::string* find(std::string_view name) const;
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(const XmlElement& element) = 0;
  // After start() for a self-closing element too.
  virtual void end(std::string_view name) = 0;
  // A problem inside the current element's attributes (the reader carries on).
  virtual void warning(std::uint64_t offset, const std::string& what) = 0;
};

class XmlStream {
 public:
  XmlStream(std::string path, XmlHandler& handler);
  void feed(std::span<const std::uint8_t> bytes);
  // The end of the file: Error(bad_input) when it cut a tag or left elements open, or when the
  // file had no element at all.
  void finish();

  // Called from XmlHandler::start: from this element's '<' on, keep the text as written until
  // take_capture() (called from the matching end()).
  void begin_capture();
  // The captured text; `complete` is false when it hit kMaxCaptureBytes.
  std::string take_capture(bool& complete);

  std::uint64_t offset() const { return m_offset; }

 private:
  enum class State {
    text,
    tag_open,
    bang,
    comment,
    cdata,
    doctype,
    pi,
    start_name,
    in_tag,
    self_close,
    attr_name,
    after_attr_name,
    unquoted_value,
    before_value,
    value,
    entity,
    end_name,
    end_after_name,
  };

  [[noreturn]] void fail(const std::string& problem) const;
  void consume(char c);
  void consume_value_again(char c);
  // Starts an attribute value quoted by `quote` ('\0': unquoted).
  void begin_value(char quote);
  void keep(char c);
  void start_tag_done();
  void end_tag_done();
  void value_char(char c, bool literal_ws);
  void value_run(std::string_view run);
  void value_code_point(std::uint32_t cp, bool from_reference);
  void flush_pending_high();
  void value_done();
  void entity_done();
  void base64_char(char c);

  std::string m_path;
  XmlHandler& m_handler;
  State m_state = State::text;
  std::uint64_t m_offset = 0;
  std::vector<std::string> m_stack;
  bool m_seen_root = false;
  bool m_root_closed = false;

  // Markup being skipped: the last characters seen, to find its terminator.
  std::string m_skip;
  int m_doctype_brackets = 0;
  char m_quote = 0;

  XmlElement m_element;
  std::string m_name;
  std::string m_attr_name;
  std::string m_value;
  bool m_value_cut = false;
  std::uint64_t m_value_offset = 0;
  bool m_in_data = false;
  std::string m_entity;
  std::uint32_t m_pending_high = 0;
  bool m_after_reference = false;
  char m_last_literal = 0;

  // Base64 check of a `data` value.
  std::uint64_t m_b64_chars = 0;
  unsigned m_b64_pad = 0;
  bool m_b64_valid = true;
  std::size_t m_data_keep_start = 0;  // where the value starts in m_capture
  bool m_data_elided = false;

  std::string m_capture;  // the current tag, or the whole record while capturing
  bool m_capturing = false;
  bool m_capture_complete = true;
};

// Replaces each invalid UTF-8 sequence with U+FFFD; returns how many were replaced.
std::size_t repair_utf8(std::string& text);

}  // namespace dmvault::formats::sms
