// Words for the top-word counts: split and lower-cased per code point (utf8proc), keeping the
// accents people wrote ("café" stays "café", unlike search folding), with links and common
// function words of the languages exports are most often in left out, so the list says
// something about the conversations rather than about grammar.
#include "stats/stats.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>

namespace dmvault::stats {

namespace {

constexpr std::string_view kStopWords[] = {
    // English
    "the", "and", "you", "for", "that", "this", "with", "are", "was", "but", "not", "have", "what",
    "just", "your", "its", "it's", "i'm", "can", "all", "out", "get", "they", "there", "about",
    "from", "will", "one", "yes", "how", "has", "had", "him", "her", "she", "his", "our", "who",
    "did", "were", "been", "then", "them", "when", "would", "could", "don't",
    // Portuguese, Spanish, Italian
    "que", "não", "uma", "com", "para", "por", "mas", "mais", "como", "isso", "está", "los", "las",
    "del", "una", "pero", "con", "esto", "muy", "che", "non", "per", "sono",
    // French
    "les", "des", "est", "pas", "une", "qui", "dans", "sur", "avec", "mais", "tout", "suis",
    // German
    "der", "die", "das", "und", "ich", "nicht", "ist", "mit", "sie", "ein", "eine", "auch", "den",
    "dem", "sich", "aber", "wie", "was"};

bool is_stop_word(std::string_view word) {
  return std::find(std::begin(kStopWords), std::end(kStopWords), word) != std::end(kStopWords);
}

bool is_word_character(utf8proc_int32_t cp) {
  if (cp == '\'' || cp == 0x2019) return true;  // "don't", "l'été": apostrophes join
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool is_link_start(std::string_view text, std::size_t at) {
  const std::string_view rest = text.substr(at);
  return rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.");
}

}  // namespace

std::vector<std::string> countable_words(std::string_view text) {
  constexpr std::size_t kMinLength = 3;
  std::vector<std::string> out;
  std::string word;
  std::size_t length = 0;  // in code points
  bool digits_only = true;
  const auto flush = [&] {
    // Apostrophes only join letters: trim them at the edges ("'hello'").
    while (!word.empty() && (word.front() == '\'')) {
      word.erase(0, 1);
      --length;
    }
    while (!word.empty() && word.back() == '\'') {
      word.pop_back();
      --length;
    }
    if (length >= kMinLength && !digits_only && !is_stop_word(word)) out.push_back(word);
    word.clear();
    length = 0;
    digits_only = true;
  };
  std::size_t at = 0;
  while (at < text.size()) {
    if (word.empty() && is_link_start(text, at)) {
      while (at < text.size() && text[at] != ' ' && text[at] != '\n' && text[at] != '\t') ++at;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at),
                         static_cast<utf8proc_ssize_t>(text.size() - at), &cp);
    if (n <= 0) {  // not UTF-8: a separator, one byte at a time
      flush();
      ++at;
      continue;
    }
    at += static_cast<std::size_t>(n);
    if (!is_word_character(cp)) {
      flush();
      continue;
    }
    if (cp == 0x2019) cp = '\'';
    if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ND) digits_only = false;
    std::array<utf8proc_uint8_t, 4> encoded{};
    const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), encoded.data());
    word.append(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(m));
    ++length;
  }
  flush();
  return out;
}

}  // namespace dmvault::stats
