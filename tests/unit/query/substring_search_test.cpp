// Terms the word index cannot hold (Han, kana, Thai, symbols, emoji) are searched in the
// trigram index, which holds only the messages whose text has such a character. Every search
// here is compared with a scan of every message's text, so a message missing from the index
// would show; and a catalog written when that index held every message (external content over
// messages) must give the same hits, for its old messages and for those added since.
#include "catalog/catalog.hpp"
#include "catalog/sqlite_db.hpp"
#include "catalog/unspaced_text.hpp"
#include "query/query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace dmvault {
namespace {

const std::vector<std::string> kFirstTexts = {
    "see you at \u5317\u4eac tomorrow",                              // 北京 inside Latin text
    "\u6211\u4eec\u660e\u5929\u53bb\u5317\u4eac\u5403\u70e4\u9e2d",  // 我们明天去北京吃烤鸭
    "party \U0001F389\U0001F389\U0001F389 tonight",                  // three party poppers
    "no emoji here, just words",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a",  // สวัสดีครับ
    "\u24b6\u24b7\u24b8 circled capitals",                           // ⒶⒷⒸ
    "\u043f\u0440\u0438\u0432\u0435\u0442 \u2192 next",              // привет → next
    "party tonight, no poppers",
};
const std::vector<std::string> kLaterTexts = {
    "\u5317\u4eac\u5403 again",                  // 北京吃 again
    "\u24d0\u24d1\u24d2 circled small letters",  // ⓐⓑⓒ
    "\U0001F389\U0001F389\U0001F389!",
    "words only, again",
};

void add_run(catalog::Catalog& catalog, const std::vector<std::string>& texts,
             std::int64_t first_ms) {
  const std::int64_t source = catalog.begin_source({0, "instagram", "test", 1, "test", 0, 0, 0, 0});
  Conversation c;
  c.platform = "instagram";
  c.thread_id = "thread";
  c.title = "chat";
  c.source_path = "thread";
  catalog.add_conversation(source, c);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Message m;
    m.sender = "Ana";
    m.timestamp_ms = first_ms + static_cast<std::int64_t>(i) * 1000;
    m.text = texts[i];
    m.raw = "{}";
    m.source_path = "thread";
    catalog.add_message(source, "instagram", "thread", m, {});
  }
  catalog.finish_source(source, {});
}

std::set<std::string> hits(catalog::Catalog& catalog, const std::string& query) {
  std::set<std::string> out;
  for (const catalog::SearchHit& hit : catalog.search(query::translate(query::parse(query)))) {
    out.insert(hit.message.text);
  }
  return out;
}

// The texts holding `needle`, or `folded` (its other case), by a plain scan.
std::set<std::string> scan(const std::vector<std::vector<std::string>>& runs,
                           const std::string& needle, const std::string& folded = "") {
  std::set<std::string> out;
  for (const auto& texts : runs) {
    for (const std::string& text : texts) {
      if (text.find(needle) != std::string::npos ||
          (!folded.empty() && text.find(folded) != std::string::npos)) {
        out.insert(text);
      }
    }
  }
  return out;
}

std::int64_t indexed_rows(catalog::Catalog& catalog) {
  const PlainBytes image = catalog.serialize();
  catalog::sql::Database db = catalog::sql::Database::open(image.span());
  return std::stoll(db.query_text("SELECT count(*) FROM messages_trigram_docsize"));
}

void expect_scan_results(catalog::Catalog& catalog,
                         const std::vector<std::vector<std::string>>& runs) {
  const std::string beijing_eat = "\u5317\u4eac\u5403";
  EXPECT_EQ(hits(catalog, beijing_eat), scan(runs, beijing_eat));
  const std::string poppers = "\U0001F389\U0001F389\U0001F389";
  EXPECT_EQ(hits(catalog, poppers), scan(runs, poppers));
  EXPECT_EQ(hits(catalog, "\"y \U0001F389\""), scan(runs, "y \U0001F389"));
  const std::string thai = "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35";
  EXPECT_EQ(hits(catalog, thai), scan(runs, thai));
  // Circled letters have case: the trigram index folds it, both ways.
  const std::string capitals = "\u24b6\u24b7\u24b8", small = "\u24d0\u24d1\u24d2";
  EXPECT_EQ(hits(catalog, capitals), scan(runs, capitals, small));
  EXPECT_EQ(hits(catalog, small), scan(runs, capitals, small));
  EXPECT_EQ(hits(catalog, "\"\u2192 next\""), scan(runs, "\u2192 next"));
  // Not found anywhere.
  EXPECT_TRUE(hits(catalog, "\u4e0a\u6d77\u5403").empty());  // 上海吃
}

TEST(SubstringSearch, IndexHoldsOnlyTextsTheWordIndexCannotSplit) {
  catalog::Catalog catalog = catalog::Catalog::create();
  add_run(catalog, kFirstTexts, 1'600'000'000'000);
  std::int64_t expected = 0;
  for (const std::string& text : kFirstTexts) expected += catalog::has_unspaced_text(text);
  EXPECT_EQ(expected, 6);
  EXPECT_EQ(indexed_rows(catalog), expected);
  expect_scan_results(catalog, {kFirstTexts});

  add_run(catalog, kLaterTexts, 1'700'000'000'000);
  EXPECT_EQ(indexed_rows(catalog), expected + 3);
  expect_scan_results(catalog, {kFirstTexts, kLaterTexts});
}

TEST(SubstringSearch, CatalogWhoseIndexHoldsEveryMessageGivesTheSameHits) {
  catalog::Catalog first = catalog::Catalog::create();
  add_run(first, kFirstTexts, 1'600'000'000'000);
  // The index as catalogs written before had it: every message, messages as external content.
  PlainBytes image = first.serialize();
  {
    catalog::sql::Database db = catalog::sql::Database::open(image.span());
    db.exec(
        "DROP TABLE messages_trigram;"
        " CREATE VIRTUAL TABLE messages_trigram USING fts5(text, content = 'messages',"
        " content_rowid = 'id', tokenize = 'trigram');"
        " INSERT INTO messages_trigram(messages_trigram) VALUES ('rebuild');");
    image = db.serialize();
  }
  catalog::Catalog catalog = catalog::Catalog::load(image.span());
  EXPECT_EQ(indexed_rows(catalog), static_cast<std::int64_t>(kFirstTexts.size()));
  expect_scan_results(catalog, {kFirstTexts});

  add_run(catalog, kLaterTexts, 1'700'000'000'000);
  EXPECT_EQ(indexed_rows(catalog), static_cast<std::int64_t>(kFirstTexts.size()) + 3);
  expect_scan_results(catalog, {kFirstTexts, kLaterTexts});
}

TEST(SubstringSearch, UnspacedTextIsFoundWhereverItSits) {
  EXPECT_TRUE(catalog::has_unspaced_text("ok \U0001F44D"));
  EXPECT_TRUE(catalog::has_unspaced_text("\u3053\u3093\u306b\u3061\u306f"));  // こんにちは
  EXPECT_TRUE(catalog::has_unspaced_text("Tokyo \u6771\u4eac"));
  EXPECT_FALSE(catalog::has_unspaced_text(""));
  EXPECT_FALSE(catalog::has_unspaced_text("caf\u00e9 cr\u00e8me, \u00fcber"));
  EXPECT_FALSE(catalog::has_unspaced_text("\uc548\ub155\ud558\uc138\uc694"));  // Hangul
  // A sequence cut short at the end is not a character.
  EXPECT_FALSE(catalog::has_unspaced_text(std::string("abc\xe5\x8c", 5)));
}

// The substring index holds only a message's words with such a character, split where a
// query's words are: every other word of the text is left to the word index.
TEST(SubstringSearch, IndexHoldsOnlyTheWordsThatNeedIt) {
  std::string words;
  catalog::append_unspaced_words("see you at \u5317\u4eac\u7ad9 tomorrow,\tok\U0001F44D!\r\n",
                                 words);
  EXPECT_EQ(words, "\u5317\u4eac\u7ad9 ok\U0001F44D!");
  words.clear();
  catalog::append_unspaced_words("no such words here", words);
  EXPECT_EQ(words, "");
  for (const char c : std::string(" \t\n\r")) EXPECT_TRUE(catalog::separates_words(c));
  EXPECT_TRUE(catalog::is_caseless_unspaced("\U0001F389"));
  EXPECT_TRUE(catalog::is_caseless_unspaced("\u5317\u4eac"));
  EXPECT_FALSE(catalog::is_caseless_unspaced("\u24b6"));  // Ⓐ, whose other case is ⓐ
  EXPECT_FALSE(catalog::is_caseless_unspaced("a\U0001F389"));
  EXPECT_FALSE(catalog::is_caseless_unspaced(""));
  EXPECT_FALSE(catalog::separates_words('-'));

  // A first run (its index built on another thread) and a later one (indexed as it finishes).
  catalog::Catalog catalog = catalog::Catalog::create();
  add_run(catalog, kFirstTexts, 1'600'000'000'000);
  add_run(catalog, kLaterTexts, 1'700'000'000'000);
  const PlainBytes image = catalog.serialize();
  catalog::sql::Database db = catalog::sql::Database::open(image.span());
  const auto trigram_hits = [&](const std::string& match) {
    return db.query_text(
        ("SELECT count(*) FROM messages_trigram WHERE messages_trigram MATCH '" + match + "'")
            .c_str());
  };
  EXPECT_EQ(trigram_hits("\"\U0001F389\U0001F389\U0001F389\""), "2");
  EXPECT_EQ(trigram_hits("\"\u5317\u4eac\u5403\""), "2");
  EXPECT_EQ(trigram_hits("\"party\""), "0");     // party 🎉🎉🎉 tonight
  EXPECT_EQ(trigram_hits("\"again\""), "0");     // 北京吃 again (the later run)
  EXPECT_EQ(trigram_hits("\"tomorrow\""), "0");  // see you at 北京 tomorrow
  // Its words with such a character are all the hits need: the same as a scan.
  expect_scan_results(catalog, {kFirstTexts, kLaterTexts});
}

// A quoted phrase with spaces and such characters spans words the index does not hold: it is
// found in the text itself, folded as names are (case, accents, runs of spaces).
TEST(SubstringSearch, APhraseWithSpacesIsFoundAcrossWords) {
  const std::vector<std::string> texts = {
      "see you at the Party \U0001F389 tonight",
      "PARTY  \U0001F389 tonight",  // two spaces
      "party \U0001F389\U0001F389\U0001F389 tonight",
      "party\U0001F389 tonight",
      "caf\u00e9 \u5317\u4eac\u7ad9 bar",  // café 北京站 bar
      "cafe \u5317\u4eac\u7ad9 bar",
      "\u5317\u4eac\u7ad9 cafe",
      "\u24b6\u24b7 x marks",  // ⒶⒷ, circled capitals
  };
  for (const bool first_run : {true, false}) {
    catalog::Catalog catalog = catalog::Catalog::create();
    if (!first_run) add_run(catalog, {"an earlier message"}, 1'500'000'000'000);
    add_run(catalog, texts, 1'600'000'000'000);
    EXPECT_EQ(hits(catalog, "\"party \U0001F389 tonight\""),
              (std::set<std::string>{texts[0], texts[1]}));
    EXPECT_EQ(hits(catalog, "\"caf\u00e9 \u5317\u4eac\u7ad9\""),
              (std::set<std::string>{texts[4], texts[5]}));
    EXPECT_EQ(hits(catalog, "\"\u5317\u4eac\u7ad9 bar\""),
              (std::set<std::string>{texts[4], texts[5]}));
    EXPECT_EQ(hits(catalog, "\"bar \u5317\u4eac\u7ad9\""), std::set<std::string>{});
    // Short words with case are not looked for byte for byte: ⓐⓑ finds ⒶⒷ.
    EXPECT_EQ(hits(catalog, "\"\u24d0\u24d1 x\""), std::set<std::string>{texts[7]});
    EXPECT_EQ(hits(catalog, "tonight -\"party \U0001F389 tonight\""),
              (std::set<std::string>{texts[2], texts[3]}));
  }
}

}  // namespace
}  // namespace dmvault
