#include "common/format_text.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <optional>

namespace dmvault::formats {

namespace {

const utf8proc_uint8_t* bytes_of(std::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Code points that NFC leaves as they are whatever surrounds them, as long as every other code
// point of the text is one too: none has a canonical decomposition that NFC would not put back,
// none is a combining mark (which canonical ordering could move), and no two of them compose
// (Hangul syllables compose only with conjoining jamo, kana only with U+3099/U+309A, all left
// out). tests/formats/formats_helpers_test checks every one of them against utf8proc.
bool is_nfc_inert(utf8proc_int32_t cp) {
  return cp < 0x300 ||                      // Latin-1, Latin Extended, IPA
         (cp >= 0x400 && cp <= 0x482) ||    // Cyrillic letters
         (cp >= 0x48A && cp <= 0x4FF) ||    // (0483..0489 are combining)
         (cp >= 0x2010 && cp <= 0x2027) ||  // dashes, quotes, bullets, ellipsis
         cp == 0x200D ||                    // ZWJ
         (cp >= 0x3000 && cp <= 0x3029) ||  // CJK punctuation
         (cp >= 0x3030 && cp <= 0x303F) ||  // (302A..302F are combining)
         (cp >= 0x3040 && cp <= 0x3098) ||  // hiragana
         (cp >= 0x309B && cp <= 0x30FF) ||  // (3099, 309A combine) katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // Han extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // Han
         (cp >= 0xAC00 && cp <= 0xD7A3) ||  // Hangul syllables
         cp == 0xFE0F ||                    // VS16
         (cp >= 0xFF01 && cp <= 0xFFEE) ||  // full- and half-width forms
         (cp >= 0x1F000 && cp <= 0x1FAFF);  // emoji
}

// True when valid UTF-8 text is certainly NFC without asking utf8proc: every code point is
// is_nfc_inert. Most chat text is, and full normalisation is the importers' largest cost.
bool trivially_nfc(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      ++pos;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(
        bytes_of(text.substr(pos)), static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0 || !is_nfc_inert(cp)) return false;
    pos += static_cast<std::size_t>(n);
  }
  return true;
}

// utf8proc_map with an explicit length, since texts may hold NUL.
std::string nfc_or_original(std::string_view text, bool& changed) {
  changed = false;
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(bytes_of(text), static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) {
    std::free(out);
    return std::string(text);
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  changed = result != text;
  return result;
}

// The character of a numeric reference body ("#39", "#x1F600"), or nullopt.
std::optional<std::uint32_t> numeric_reference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') return std::nullopt;
  const bool hex = body[1] == 'x' || body[1] == 'X';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t cp = 0;
  for (const char c : digits) {
    std::uint32_t d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<std::uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      d = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      d = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    cp = cp * (hex ? 16 : 10) + d;
    if (cp > 0x10FFFF) return std::nullopt;
  }
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return cp;
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(
        bytes_of(text.substr(pos)), static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) return pos;
    pos += static_cast<std::size_t>(n);
  }
  return text.size();
}

bool is_valid_utf8(std::string_view text) { return first_invalid_utf8(text) == text.size(); }

std::string to_nfc(std::string_view text) {
  if (is_ascii(text) || trivially_nfc(text) || !is_valid_utf8(text)) return std::string(text);
  bool changed = false;
  return nfc_or_original(text, changed);
}

bool is_nfc(std::string_view text) {
  if (is_ascii(text)) return true;
  if (!is_valid_utf8(text)) return false;
  if (trivially_nfc(text)) return true;
  bool changed = false;
  nfc_or_original(text, changed);
  return !changed;
}

std::string_view trim(std::string_view text) {
  const auto space_at_front = [&]() -> std::size_t {
    if (text.empty()) return 0;
    const auto c = static_cast<unsigned char>(text.front());
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (text.size() >= 2 && c == 0xC2 && static_cast<unsigned char>(text[1]) == 0xA0) return 2;
    if (text.size() >= 3 && c == 0xE2 && static_cast<unsigned char>(text[1]) == 0x80 &&
        static_cast<unsigned char>(text[2]) == 0xAF)
      return 3;
    return 0;
  };
  const auto space_at_back = [&]() -> std::size_t {
    if (text.empty()) return 0;
    const auto c = static_cast<unsigned char>(text.back());
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    const std::size_t n = text.size();
    if (n >= 2 && c == 0xA0 && static_cast<unsigned char>(text[n - 2]) == 0xC2) return 2;
    if (n >= 3 && c == 0xAF && static_cast<unsigned char>(text[n - 2]) == 0x80 &&
        static_cast<unsigned char>(text[n - 3]) == 0xE2)
      return 3;
    return 0;
  };
  for (std::size_t n = space_at_front(); n != 0; n = space_at_front()) text.remove_prefix(n);
  for (std::size_t n = space_at_back(); n != 0; n = space_at_back()) text.remove_suffix(n);
  return text;
}

std::size_t first_grapheme_length(std::string_view text) {
  utf8proc_int32_t previous = -1;
  utf8proc_int32_t state = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(
        bytes_of(text.substr(pos)), static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) return pos == 0 ? 1 : pos;  // invalid byte: a cluster of its own
    if (previous >= 0 && utf8proc_grapheme_break_stateful(previous, cp, &state)) return pos;
    previous = cp;
    pos += static_cast<std::size_t>(n);
  }
  return pos;
}

bool starts_with_ascii_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i];
    char b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view base_name(std::string_view path) {
  const std::size_t cut = path.find_first_of("?#");
  if (cut != std::string_view::npos) path = path.substr(0, cut);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string unescape_html_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    const std::size_t semi = text.find(';', amp + 1);
    const std::string_view body = semi == std::string_view::npos || semi - amp > 12
                                      ? std::string_view()
                                      : text.substr(amp + 1, semi - amp - 1);
    const char* named = body == "amp"    ? "&"
                        : body == "lt"   ? "<"
                        : body == "gt"   ? ">"
                        : body == "quot" ? "\""
                        : body == "apos" ? "'"
                                         : nullptr;
    if (named != nullptr) {
      out += named;
      i = semi + 1;
    } else if (const auto cp = numeric_reference(body)) {
      append_utf8(out, *cp);
      i = semi + 1;
    } else {
      out += '&';
      i = amp + 1;
    }
  }
  return out;
}

}  // namespace dmvault::formats
