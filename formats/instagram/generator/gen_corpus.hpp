// The vocabulary of the synthetic exports: names in many scripts, chat words in several
// languages, emoji, group titles, share captions. Everything is UTF-8 here; the JSON writer
// applies Meta's mojibake. None of these words may contain a planted word (gen_corpus.cpp checks
// nothing at run time: the test suite does, by searching every generated message).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace dmvault::formats::instagram::generator {

struct NamePart {
  std::string_view display;  // as the person writes it
  std::string_view roman;    // ASCII, lowercase: for usernames and folder slugs
};

enum class NameOrder {
  given_family,         // "José Pérez"
  family_given,         // "Nguyễn Hoa"
  family_given_joined,  // "山田花子"
};

struct Culture {
  std::span<const NamePart> given;
  std::span<const NamePart> family;
  NameOrder order;
  std::size_t language;  // index into languages()
};

struct Language {
  std::span<const std::string_view> words;
  bool spaced;  // false for Japanese: words are written without spaces
};

std::span<const Culture> cultures();
std::span<const Language> languages();
// English chat words: everybody mixes some in, whatever their language.
std::span<const std::string_view> english_words();
std::span<const std::string_view> emoji();
// The reactions people put on messages ("❤" without the variation selector is the common one).
std::span<const std::string_view> reactions();
std::span<const std::string_view> name_emoji();
std::span<const std::string_view> group_titles();
std::span<const std::string_view> share_owners();
std::span<const std::string_view> share_captions();
std::span<const std::string_view> calls_answered();  // with a non-zero call_duration
std::span<const std::string_view> calls_missed();    // call_duration 0
// Rare words planted in known messages for search tests (see --help).
std::span<const std::string_view> planted_words();

}  // namespace dmvault::formats::instagram::generator
