#include "catalog/unspaced_text.hpp"

#include <cstddef>

namespace dmvault::catalog {

namespace {

// The code point starting at text[i], advancing i past it. Lenient: a sequence cut short by the
// end of the text ends the walk.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 1;
  char32_t value = lead;
  if (lead >= 0xF0) {
    length = 4;
    value = lead & 0x07U;
  } else if (lead >= 0xE0) {
    length = 3;
    value = lead & 0x0FU;
  } else if (lead >= 0xC0) {
    length = 2;
    value = lead & 0x1FU;
  }
  if (i + length > text.size()) {
    i = text.size();
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) value = (value << 6) | (byte(i + k) & 0x3FU);
  i += length;
  return value;
}

bool is_unspaced(char32_t c) {
  return (c >= 0x0E00 && c <= 0x0EFF) ||    // Thai, Lao
         (c >= 0x1000 && c <= 0x109F) ||    // Myanmar
         (c >= 0x1780 && c <= 0x17FF) ||    // Khmer
         (c >= 0x3040 && c <= 0x30FF) ||    // Hiragana, Katakana
         (c >= 0x3400 && c <= 0x4DBF) ||    // Han extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // Han
         (c >= 0xF900 && c <= 0xFAFF) ||    // Han compatibility
         (c >= 0xFF66 && c <= 0xFF9F) ||    // half-width Katakana
         (c >= 0x20000 && c <= 0x3134F) ||  // Han extensions B-G
         // Symbols and emoji: the word index drops them (they are not letters or digits).
         (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF);
}

}  // namespace

bool has_unspaced_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    // Every character of interest is outside ASCII: skip ASCII runs cheaply, since this runs on
    // every imported message.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    if (is_unspaced(next_code_point(text, i))) return true;
  }
  return false;
}

bool is_caseless_unspaced(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char32_t c = next_code_point(text, i);
    const bool circled_letter = c >= 0x24B6 && c <= 0x24E9;
    if (!is_unspaced(c) || circled_letter) return false;
  }
  return !text.empty();
}

void append_unspaced_words(std::string_view text, std::string& out) {
  bool first = true;
  for_each_word(text, [&](std::string_view word) {
    if (!has_unspaced_text(word)) return;
    if (!first) out += ' ';
    out += word;
    first = false;
  });
}

}  // namespace dmvault::catalog
