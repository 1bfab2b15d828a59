// `search --regex`: Perl-compatible patterns (PCRE2, UTF-8 and Unicode properties on) matched
// against message texts and shares, as the SQL function dm_regexp(pattern, text) over the
// candidates the rest of the query leaves. Case-sensitive like grep; "(?i)" at the start makes it
// not.
#pragma once

#include "dmvault/error.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;

namespace dmvault::catalog {

class Regex {
 public:
  // Error(usage, "--regex: <what> at position N") when `pattern` is not a valid pattern.
  static Regex compile(std::string_view pattern);

  // Error(usage) when the pattern needs more backtracking on `text` than the match limit allows
  // (a pattern like (a+)+$ on a long message): better a clear error than a hang or a silent miss.
  bool matches(std::string_view text) const;
  // [begin, end) byte ranges of the first `max` non-empty, non-overlapping matches.
  std::vector<std::pair<std::size_t, std::size_t>> find(std::string_view text,
                                                        std::size_t max) const;

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  struct Code;

 private:
  explicit Regex(std::unique_ptr<Code> code);
  std::unique_ptr<Code> m_code;
};

// Registers dm_regexp(pattern, text) on `db`: 1 when `text` matches, 0 when not or NULL. Each
// statement compiles its pattern once (SQLite auxiliary data). An invalid pattern or a match
// over the limit fails the statement; take_regexp_error() then gives the Error to throw instead
// of SQLite's generic one.
void register_regexp_function(sqlite3* db);
// The Error behind the last failure of dm_regexp on this thread (cleared by taking it).
std::optional<Error> take_regexp_error();

}  // namespace dmvault::catalog
