// The words top-word statistics count (stats::countable_words).
#include "stats/stats.hpp"

#include <gtest/gtest.h>

namespace dmvault::stats {
namespace {

using Words = std::vector<std::string>;

TEST(CountableWords, SplitsOnPunctuationAndLowerCases) {
  EXPECT_EQ(countable_words("Hello, WORLD! Pizza-night?"),
            (Words{"hello", "world", "pizza", "night"}));
}

TEST(CountableWords, KeepsAccentsAndOtherScripts) {
  EXPECT_EQ(countable_words("Café CAFÉ Ελλάδα Москва"),
            (Words{"café", "café", "ελλάδα", "москва"}));
}

TEST(CountableWords, DropsShortWordsNumbersStopWordsAndLinks) {
  EXPECT_EQ(countable_words("ok so the 2024 plan https://example.com/path www.site.org and x1y"),
            (Words{"plan", "x1y"}));
}

TEST(CountableWords, ApostrophesJoinButDoNotWrap) {
  EXPECT_EQ(countable_words("'quoted' l\u2019été"), (Words{"quoted", "l'été"}));
}

TEST(CountableWords, EmojiAndInvalidBytesSeparate) {
  EXPECT_EQ(countable_words("good\xF0\x9F\x98\x80times bad\xFF"
                            "bytes"),
            (Words{"good", "times", "bad", "bytes"}));
}

}  // namespace
}  // namespace dmvault::stats
