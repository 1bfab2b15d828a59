// The search language (DESIGN §6, man dmvault(1) QUERY LANGUAGE): a Gmail-like query parsed
// into an AST, then translated into the catalog's SearchRequest (SQL over the in-memory catalog,
// with FTS5 for words and the trigram index for scripts written without spaces).
//
// Grammar (OR binds looser than the implicit AND; '-' binds tightest):
//   query   := or_expr
//   or_expr := and_expr ('OR' and_expr)*
//   and_expr:= unary+
//   unary   := '-' unary | primary
//   primary := '(' or_expr ')' | '"' phrase '"' | word ['*'] | key ':' (value | '"' value '"')
// Keys: from with in platform after before on has is. A word with any other "x:" prefix is a
// plain word (so URLs can be searched).
#pragma once

#include "catalog/catalog.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::query {

// A date or time as written in after:/before:/on: with how precise it is.
struct DateSpec {
  enum class Precision { year, month, day, minute };
  int year = 0;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  Precision precision = Precision::day;
};

struct Node {
  enum class Kind { all_of, any_of, negation, word, phrase, prefix, filter };
  Kind kind = Kind::word;
  std::size_t position = 0;  // 1-based character offset (in bytes) in the query
  std::string text;          // word, phrase or prefix text; the filter's value
  std::string key;           // filter key (from, with, in, platform, after, before, on, has, is)
  DateSpec date;             // after/before/on
  std::vector<Node> children;
};

// Error(usage, "query: <what> at position N", hint) when `text` is not a valid query.
Node parse(std::string_view text);

// A compact, unambiguous rendering of the AST (for tests and debugging): (and a b), (or a b),
// (not a), "phrase", pre*, from:value.
std::string to_string(const Node& node);

struct TranslateOptions {
  bool utc = false;  // dates in UTC instead of the local zone (TZ)
};

// The catalog request for `query` (sort, limit and context are left at their defaults).
catalog::SearchRequest translate(const Node& query, const TranslateOptions& options = {});

// Whether `text` holds a character of a script written without spaces between words (Han,
// kana, Thai, Lao, Khmer, Myanmar), which the word index cannot split, or a symbol or emoji,
// which it does not index: such terms are searched as substrings of the text.
bool needs_substring_search(std::string_view text);

}  // namespace dmvault::query
