// Which texts the substring (trigram) index holds: those with a character that the word index
// cannot split or does not index. The search side asks the same question of a term, so a
// message outside the index can never match a term that is searched there. And which part of
// such a text it holds: the words (runs between the spaces a query's words never hold) with
// such a character, since a word of a query can only be found inside one of them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dmvault::catalog {

// Whether `text` holds a character of a script written without spaces between words (Han,
// kana, Thai, Lao, Khmer, Myanmar), which the word index cannot split, or a symbol or emoji,
// which it does not index.
//
// A text that matches a substring holding such a character holds such a character itself: the
// trigram tokenizer folds case, and the only case pairs among these characters (circled
// letters) are both inside them. So indexing only the texts for which this is true loses no hit.
bool has_unspaced_text(std::string_view text);

// Whether `text` is made only of such characters, none of which has case (circled letters do):
// a text that holds it with case folded then holds these very bytes.
bool is_caseless_unspaced(std::string_view text);

// The characters that end a word of a query (query/query_parser splits on them), so a word
// searched never holds one.
constexpr bool separates_words(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Calls use(word) for each word of `text`: the runs between separates_words characters.
template <typename Use>
void for_each_word(std::string_view text, Use&& use) {
  for (std::size_t at = 0; at < text.size();) {
    if (separates_words(text[at])) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && !separates_words(text[end])) ++end;
    use(text.substr(at, end - at));
    at = end;
  }
}

// Appends to `out` the words of `text` (runs between separates_words characters) that
// has_unspaced_text, joined by single spaces: what the substring index holds of the message.
// A query word (no separator) with such a character occurs in `text` exactly when it occurs in
// this: its occurrence lies within one run, which holds that character, and the joining spaces
// are in no query word. It is at most as long as `text`: reserve that in `out` first, and
// nothing is reallocated (a wiped string stays the only copy).
void append_unspaced_words(std::string_view text, std::string& out);

}  // namespace dmvault::catalog
