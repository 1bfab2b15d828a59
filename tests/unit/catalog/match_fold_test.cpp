#include "catalog/match_fold.hpp"

#include <gtest/gtest.h>

namespace dmvault::catalog {
namespace {

TEST(MatchFold, IgnoresCaseAndAccents) {
  EXPECT_EQ(fold_for_match("Caf\xc3\xa9 Soci\xc3\xa9t\xc3\xa9"), "cafe societe");
  EXPECT_EQ(fold_for_match("CAFE"), fold_for_match("caf\xc3\xa9"));
  EXPECT_EQ(fold_for_match("Stra\xc3\x9f"
                           "e"),
            "strasse");  // ß case-folds to ss
  EXPECT_EQ(fold_for_match("\xc3\x85"
                           "sa"),
            fold_for_match("asa"));             // Å
  EXPECT_EQ(fold_for_match("e\xcc\x81"), "e");  // decomposed é
}

TEST(MatchFold, NormalisesWhiteSpaceAndCompatibilityForms) {
  EXPECT_EQ(fold_for_match("  Trip   2019 \t"), "trip 2019");
  EXPECT_EQ(fold_for_match("\xef\xac\x81le"), "file");          // the fi ligature
  EXPECT_EQ(fold_for_match("\xef\xbc\xa1\xef\xbc\xa2"), "ab");  // fullwidth AB
}

TEST(MatchFold, KeepsScriptsWithoutCase) {
  EXPECT_EQ(fold_for_match("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");  // 日本
}

TEST(MatchFold, FoldsInvalidUtf8ByteByByte) {
  EXPECT_EQ(fold_for_match("AB\xff"), "ab\xff");
  EXPECT_EQ(fold_for_match(""), "");
}

}  // namespace
}  // namespace dmvault::catalog
