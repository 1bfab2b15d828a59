#include "query/query.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace dmvault::query {
namespace {

catalog::SearchRequest utc(std::string_view text) { return translate(parse(text), {true}); }

TEST(QueryTranslate, WordsGoToTheWordIndexAsQuotedStrings) {
  const auto words = utc("zanzibar-quokka p\u00e9tanque*");
  ASSERT_EQ(words.params.size(), 2U);
  EXPECT_EQ(words.params[0].text, "\"zanzibar-quokka\"");
  EXPECT_EQ(words.params[1].text, "\"p\u00e9tanque\" *");
  EXPECT_NE(words.where.find("messages_fts MATCH ?1"), std::string::npos);
  EXPECT_NE(words.where.find(" AND "), std::string::npos);
  EXPECT_EQ(words.rank_match, "\"zanzibar-quokka\" OR \"p\u00e9tanque\" *");
}

TEST(QueryTranslate, PhrasesKeepTheirWords) {
  const auto request = utc("\"birthday party\"");
  ASSERT_EQ(request.params.size(), 1U);
  EXPECT_EQ(request.params[0].text, "\"birthday party\"");
}

TEST(QueryTranslate, ExcludedWordsDoNotRankOrHighlight) {
  const auto request = utc("cake -spam");
  EXPECT_EQ(request.rank_match, "\"cake\"");
  EXPECT_NE(request.where.find("(NOT (m.id IN"), std::string::npos);
}

TEST(QueryTranslate, OrBecomesSqlOr) {
  const auto request = utc("a OR b");
  EXPECT_NE(request.where.find(" OR "), std::string::npos);
  EXPECT_EQ(request.params.size(), 2U);
}

TEST(QueryTranslate, SpacelessScriptsGoToTheTrigramIndex) {
  EXPECT_TRUE(needs_substring_search("\u91cf\u5b50\u30ab\u30e2\u30ce\u30cf\u30b7"));
  EXPECT_TRUE(needs_substring_search("\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35"));   // Thai
  EXPECT_FALSE(needs_substring_search("\u043a\u0432\u043e\u043a\u043a\u0430"));  // Cyrillic
  EXPECT_FALSE(needs_substring_search("\uc548\ub155"));  // Hangul has spaces between words
  EXPECT_TRUE(needs_substring_search("\U0001F371"));     // emoji are not indexed as words
  EXPECT_FALSE(needs_substring_search("caf\u00e9"));
  const auto request = utc("\u30ab\u30e2\u30ce");
  EXPECT_NE(request.where.find("messages_trigram MATCH ?1"), std::string::npos);
  EXPECT_EQ(request.params[0].text, "\"\u30ab\u30e2\u30ce\"");
  EXPECT_TRUE(request.rank_match.empty());
  ASSERT_EQ(request.highlight.size(), 1U);
  EXPECT_EQ(request.highlight[0], "\u30ab\u30e2\u30ce");
  // Under three characters the trigram index cannot help: a scan.
  const auto short_one = utc("\u91cf\u5b50");
  EXPECT_NE(short_one.where.find("instr(m.text, ?1)"), std::string::npos);
  EXPECT_EQ(short_one.params[0].text, "\u91cf\u5b50");
}

TEST(QueryTranslate, ATermEveryHitMustMatchDrivesTheSearch) {
  // The query itself, or the first word-index term of a top-level AND: its parameter, and the
  // condition without it.
  const auto alone = utc("zanzibar");
  EXPECT_EQ(alone.driver_param, 1);
  EXPECT_EQ(alone.driven_where, "(1)");

  const auto with_filter = utc("from:sam \"good morning\" kiwi");
  ASSERT_EQ(with_filter.driver_param, 2);
  EXPECT_EQ(with_filter.params[1].text, "\"good morning\"");
  EXPECT_EQ(with_filter.driven_where.find("MATCH ?2"), std::string::npos);
  EXPECT_NE(with_filter.driven_where.find("MATCH ?3"), std::string::npos);
  EXPECT_NE(with_filter.driven_where.find("dm_fold(m.sender), ?1"), std::string::npos);
  EXPECT_NE(with_filter.where.find("MATCH ?2"), std::string::npos);

  // None when no single term is required of every hit.
  EXPECT_EQ(utc("a OR b").driver_param, 0);
  EXPECT_EQ(utc("-spam").driver_param, 0);
  EXPECT_EQ(utc("cake -spam").driver_param, 1);
  EXPECT_EQ(utc("\u30ab\u30e2\u30ce").driver_param, 0);  // the trigram side
  EXPECT_EQ(utc("from:sam after:2020").driver_param, 0);
  EXPECT_EQ(utc("(a OR b) kiwi").driver_param, 3);
}

TEST(QueryTranslate, NamesAreFolded) {
  const auto request = utc("from:\"ANA P\u00c9REZ\"");
  ASSERT_EQ(request.params.size(), 1U);
  EXPECT_EQ(request.params[0].text, "ana perez");
  EXPECT_NE(request.where.find("dm_fold(m.sender)"), std::string::npos);
  EXPECT_NE(utc("with:bob").where.find("dm_fold(p.name)"), std::string::npos);
  EXPECT_NE(utc("in:trip").where.find("dm_fold(c.title)"), std::string::npos);
}

TEST(QueryTranslate, DatePeriods) {
  // after:D is at or after the start of D; before:D is before the start of D; on:D is within D.
  auto request = utc("after:2021-06");
  ASSERT_EQ(request.params.size(), 1U);
  EXPECT_TRUE(request.params[0].is_int);
  EXPECT_EQ(request.params[0].number, 1622505600000);  // 2021-06-01T00:00Z
  EXPECT_NE(request.where.find("m.timestamp_ms >= ?1"), std::string::npos);
  request = utc("before:2021");
  EXPECT_EQ(request.params[0].number, 1609459200000);  // 2021-01-01T00:00Z
  EXPECT_NE(request.where.find("m.timestamp_ms < ?1"), std::string::npos);
  request = utc("on:2021-12-31");
  ASSERT_EQ(request.params.size(), 2U);
  EXPECT_EQ(request.params[0].number, 1640908800000);  // 2021-12-31T00:00Z
  EXPECT_EQ(request.params[1].number, 1640995200000);  // 2022-01-01T00:00Z
  request = utc("on:2021-12");
  EXPECT_EQ(request.params[1].number, 1640995200000);
  request = utc("on:2021-06-05T17:45");
  EXPECT_EQ(request.params[1].number - request.params[0].number, 60000);
}

TEST(QueryTranslate, LocalDatesFollowTz) {
  ::setenv("TZ", "Europe/Lisbon", 1);
  ::tzset();
  const auto local = translate(parse("after:2021-06-01"), {false});
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  EXPECT_EQ(local.params[0].number, 1622505600000 - 3600000);  // Lisbon is UTC+1 in summer
}

TEST(QueryTranslate, HasAndIs) {
  EXPECT_NE(utc("has:photo").where.find("'photo', 'gif', 'sticker'"), std::string::npos);
  auto request = utc("has:video");
  EXPECT_EQ(request.params[0].text, "video");
  EXPECT_NE(utc("has:reaction").where.find("FROM reactions"), std::string::npos);
  EXPECT_NE(utc("has:link").where.find("share_link"), std::string::npos);
  request = utc("is:unsent");
  EXPECT_EQ(request.params[0].text, "unsent");
  EXPECT_NE(request.where.find("m.kind = ?1"), std::string::npos);
}

}  // namespace
}  // namespace dmvault::query
