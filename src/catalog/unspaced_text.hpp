// Which texts the substring (trigram) index holds: those with a character that the word index
// cannot split or does not index. The search side asks the same question of a term, so a
// message outside the index can never match a term that is searched there.
#pragma once

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

}  // namespace dmvault::catalog
