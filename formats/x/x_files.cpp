// The archive's files: their names, the JavaScript assignment around the JSON, the top-level
// split, and HTML entities (see x_internal.hpp).
#include "dmvault/error.hpp"
#include "x/x_internal.hpp"

#include <cstdint>

namespace dmvault::formats::x {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string byte_error(const std::string& path, std::size_t at, const std::string& what) {
  return path + ": byte " + std::to_string(at) + ": " + what;
}

const char* const kDamagedHint =
    "the file is damaged or incomplete (an interrupted download or extraction); download the "
    "archive again and re-import it";

}  // namespace

std::optional<DmFile> classify_dm_file(std::string_view name) {
  if (name.size() < 3 || name.substr(name.size() - 3) != ".js") return std::nullopt;
  name.remove_suffix(3);
  DmFile file;
  const std::size_t dash = name.rfind("-part");
  if (dash != std::string_view::npos && dash + 5 < name.size()) {
    const std::string_view digits = name.substr(dash + 5);
    unsigned part = 0;
    bool ok = digits.size() <= 6;
    for (const char c : digits) {
      if (!is_digit(c)) ok = false;
      part = part * 10 + static_cast<unsigned>(c - '0');
    }
    if (ok) {
      file.part = part;
      name = name.substr(0, dash);
    }
  }
  if (name == "direct-messages") {
    file.kind = FileKind::messages;
  } else if (name == "direct-messages-group") {
    file.kind = FileKind::group_messages;
  } else if (name == "direct-message-headers") {
    file.kind = FileKind::headers;
  } else if (name == "direct-message-group-headers") {
    file.kind = FileKind::group_headers;
  } else {
    return std::nullopt;
  }
  return file;
}

std::optional<std::size_t> js_payload_start(std::string_view bytes) {
  std::size_t pos = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < bytes.size() && is_space(bytes[pos])) ++pos;
  const std::string_view rest = bytes.substr(pos);
  if (rest.substr(0, 7) != "window.") return std::nullopt;
  // The name is a dotted identifier ("window.YTD.direct_messages.part0"): nothing else may sit
  // before the '='.
  std::size_t i = 7;
  while (i < rest.size() && i < 256) {
    const char c = rest[i];
    if (c == '=') return pos + i + 1;
    const bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                       c == '_' || c == '.' || c == '$' || is_space(c);
    if (!ident) return std::nullopt;
    ++i;
  }
  return std::nullopt;
}

std::vector<std::pair<std::size_t, std::size_t>> split_top_array(const std::string& path,
                                                                 std::string_view text,
                                                                 std::size_t start) {
  std::size_t pos = start;
  const auto space = [&] {
    while (pos < text.size() && is_space(text[pos])) ++pos;
  };
  const auto fail = [&](const std::string& what) {
    throw Error(ErrorCode::bad_input, byte_error(path, pos, what), kDamagedHint);
  };
  space();
  if (pos >= text.size()) fail("the file ends before its list of conversations");
  if (text[pos] != '[') fail("expected the list of conversations ('[')");
  ++pos;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  bool expect_element = false;  // after a ','
  while (true) {
    space();
    if (pos >= text.size()) fail("the file ends inside its list of conversations");
    const char c = text[pos];
    if (c == ']' && !expect_element) {
      ++pos;
      break;
    }
    if (!spans.empty() && !expect_element) {
      if (c != ',') fail("expected ',' or ']' between conversations");
      ++pos;
      expect_element = true;
      continue;
    }
    if (c != '{' && c != '[') fail("expected a conversation object");
    const std::size_t begin = pos;
    std::size_t depth = 0;
    while (true) {
      if (pos >= text.size()) {
        pos = begin;
        fail("the file ends inside a conversation");
      }
      const char d = text[pos];
      if (d == '"') {
        ++pos;
        while (pos < text.size() && text[pos] != '"') {
          if (text[pos] == '\\') ++pos;
          ++pos;
        }
        ++pos;  // the closing quote (or past the end: caught above)
        continue;
      }
      ++pos;
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) break;
      }
    }
    spans.emplace_back(begin, pos);
    expect_element = false;
  }
  space();
  if (pos < text.size() && text[pos] == ';') {
    ++pos;
    space();
  }
  if (pos != text.size()) fail("unexpected content after the list of conversations");
  return spans;
}

}  // namespace dmvault::formats::x
