// Text helpers shared by the importers: UTF-8 checks, NFC (model texts are NFC, DESIGN §4),
// trimming and grapheme clusters. formats/ may not use src/util, so these sit on utf8proc
// directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dmvault::formats {

bool is_valid_utf8(std::string_view text);

// Offset of the first byte that does not start a well-formed UTF-8 sequence; text.size() when
// the whole text is valid.
std::size_t first_invalid_utf8(std::string_view text);

// NFC form of valid UTF-8 text. Invalid input is returned unchanged: callers hand in text that a
// parser has already validated, and losing text is worse than leaving it unnormalised.
std::string to_nfc(std::string_view text);

// Whether `text` is valid UTF-8 already in NFC (used by tests and assertions).
bool is_nfc(std::string_view text);

// Without leading and trailing ASCII whitespace and U+00A0 / U+202F (HTML exports pad with them).
std::string_view trim(std::string_view text);

// Byte length of the first extended grapheme cluster of valid UTF-8 text (an emoji with its
// modifiers, ZWJ sequence and variation selectors counts as one); 0 for empty text.
std::size_t first_grapheme_length(std::string_view text);

bool starts_with_ascii_ci(std::string_view text, std::string_view prefix);
std::string ascii_lower(std::string_view text);

// The last '/'-separated component of a path or URL, without any "?query" or "#fragment".
std::string_view base_name(std::string_view path);

// Appends the UTF-8 encoding of the Unicode scalar value `cp`.
void append_utf8(std::string& out, std::uint32_t cp);

// HTML and XML character references decoded: &amp; &lt; &gt; &quot; &apos; and numeric ones
// (&#NN; &#xHH;); references to NUL, surrogates or beyond U+10FFFF and every other '&' stay as
// written (X and Snapchat escape their texts this way).
std::string unescape_html_entities(std::string_view text);

}  // namespace dmvault::formats
