#include "dmvault/error.hpp"
#include "query/query.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dmvault::query {
namespace {

std::string ast(std::string_view text) { return to_string(parse(text)); }

// The message of the usage error `text` raises ("" when it parses).
std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
    return error.what();
  }
  return {};
}

TEST(QueryParser, Words) {
  EXPECT_EQ(ast("hello"), "hello");
  EXPECT_EQ(ast("  hello   world "), "(and hello world)");
  EXPECT_EQ(ast("zanzibar-quokka"), "zanzibar-quokka");
  EXPECT_EQ(ast("p\u00e9tanque"), "p\u00e9tanque");
  EXPECT_EQ(ast("http://example.com/a"), "http://example.com/a");
}

TEST(QueryParser, PhrasesAndPrefixes) {
  EXPECT_EQ(ast("\"birthday party\""), "\"birthday party\"");
  EXPECT_EQ(ast("birth* \"a b\" c"), "(and birth* \"a b\" c)");
  const Node node = parse("birth*");
  EXPECT_EQ(node.kind, Node::Kind::prefix);
  EXPECT_EQ(node.text, "birth");
}

TEST(QueryParser, ExcludeBindsTightest) {
  EXPECT_EQ(ast("-spam"), "(not spam)");
  EXPECT_EQ(ast("a -b"), "(and a (not b))");
  EXPECT_EQ(ast("a -(b OR c)"), "(and a (not (or b c)))");
  EXPECT_EQ(ast("-\"x y\""), "(not \"x y\")");
  EXPECT_EQ(ast("-from:ana"), "(not from:ana)");
  EXPECT_EQ(ast("a-b"), "a-b");  // a hyphen inside a word is part of it
}

TEST(QueryParser, OrIsLooserThanAnd) {
  EXPECT_EQ(ast("a b OR c"), "(or (and a b) c)");
  EXPECT_EQ(ast("a OR b c"), "(or a (and b c))");
  EXPECT_EQ(ast("a OR b OR c"), "(or a b c)");
  EXPECT_EQ(ast("a (b OR c)"), "(and a (or b c))");
  EXPECT_EQ(ast("((a))"), "a");
  // Only upper-case OR is the operator; "or" is a word.
  EXPECT_EQ(ast("a or b"), "(and a or b)");
  EXPECT_EQ(ast("ORANGE"), "ORANGE");
}

TEST(QueryParser, Filters) {
  EXPECT_EQ(ast("from:ana"), "from:ana");
  EXPECT_EQ(ast("from:\"Ana P\u00e9rez\" hi"), "(and from:Ana P\u00e9rez hi)");
  EXPECT_EQ(ast("with:bob in:\"Trip 2019\" platform:instagram"),
            "(and with:bob in:Trip 2019 platform:instagram)");
  EXPECT_EQ(ast("has:PHOTO"), "has:photo");
  for (const char* value : {"photo", "video", "audio", "file", "link", "attachment", "reaction"}) {
    EXPECT_EQ(ast(std::string("has:") + value), std::string("has:") + value);
  }
  EXPECT_EQ(ast("is:unsent OR is:system"), "(or is:unsent is:system)");
  EXPECT_EQ(ast("(from:ana OR from:bob) cake"), "(and (or from:ana from:bob) cake)");
  // An unknown key is an ordinary word.
  EXPECT_EQ(ast("note:this"), "note:this");
}

TEST(QueryParser, Dates) {
  Node node = parse("after:2021");
  EXPECT_EQ(node.date.precision, DateSpec::Precision::year);
  EXPECT_EQ(node.date.year, 2021);
  node = parse("before:2021-06");
  EXPECT_EQ(node.date.precision, DateSpec::Precision::month);
  EXPECT_EQ(node.date.month, 6);
  node = parse("on:2020-02-29");
  EXPECT_EQ(node.date.precision, DateSpec::Precision::day);
  EXPECT_EQ(node.date.day, 29);
  node = parse("after:2021-06-05T17:45");
  EXPECT_EQ(node.date.precision, DateSpec::Precision::minute);
  EXPECT_EQ(node.date.hour, 17);
  EXPECT_EQ(node.date.minute, 45);
}

TEST(QueryParser, ErrorsNamePositions) {
  EXPECT_EQ(error_of(""), "query: the query is empty at position 1");
  EXPECT_EQ(error_of("   "), "query: the query is empty at position 1");
  EXPECT_EQ(error_of("a \"b c"), "query: unterminated quote at position 3");
  EXPECT_EQ(error_of("(a b"), "query: unmatched '(' at position 1");
  EXPECT_EQ(error_of("a b)"), "query: unmatched ')' at position 4");
  EXPECT_EQ(error_of("a ()"), "query: empty parentheses at position 3");
  EXPECT_EQ(error_of("a OR"), "query: OR needs a term after it at position 3");
  EXPECT_EQ(error_of("OR a"), "query: OR needs a term before it at position 1");
  EXPECT_EQ(error_of("a OR OR b"), "query: OR needs a term after it at position 3");
  EXPECT_EQ(error_of("a - b"), "query: '-' must be followed by the term to exclude at position 3");
  EXPECT_EQ(error_of("a *"), "query: '*' only ends a prefix at position 3");
  EXPECT_EQ(error_of("a*b"), "query: '*' only ends a prefix at position 1");
  EXPECT_EQ(error_of("\"\""), "query: empty phrase at position 1");
  EXPECT_EQ(error_of("!!"), "query: '!!' has no letter or digit at position 1");
  EXPECT_EQ(error_of("from:"), "query: from: needs a value at position 6");
  EXPECT_EQ(error_of("x from:\"\""), "query: from: needs a value at position 8");
  EXPECT_EQ(error_of("after:2021-13"), "query: after: '2021-13' is not a date at position 7");
  EXPECT_EQ(error_of("on:2021-02-29"), "query: on: '2021-02-29' is not a date at position 4");
  EXPECT_EQ(error_of("before:yesterday"), "query: before: 'yesterday' is not a date at position 8");
  EXPECT_EQ(error_of("on:2021-01-01T24:00"),
            "query: on: '2021-01-01T24:00' is not a date at position 4");
  EXPECT_EQ(error_of("has:pdf"), "query: has: 'pdf' is unknown at position 5");
  EXPECT_EQ(error_of("is:read"), "query: is: 'read' is unknown at position 4");
  EXPECT_EQ(error_of("ab\"cd\""), "query: a quote inside a word at position 3");
}

TEST(QueryParser, ErrorsCarryAHint) {
  try {
    parse("has:pdf");
    FAIL() << "parsed";
  } catch (const Error& error) {
    EXPECT_NE(error.hint().find("has:photo|video|audio|file|link|attachment|reaction"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace dmvault::query
