// Catalog::search and Catalog::count_matches: runs a SearchRequest (built by src/query) over
// the in-memory catalog. The request's condition is SQL text with numbered parameters; it is
// prepared here, never cached (each query is different), and its parameters are bound, so no
// value of the user's query is ever spliced into SQL.
#include "catalog/catalog.hpp"
#include "catalog/catalog_internal.hpp"
#include "catalog/match_fold.hpp"
#include "catalog/regex_match.hpp"
#include "catalog/sqlite_db.hpp"
#include "dmvault/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::catalog {

namespace {

void fold_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = sqlite3_value_text(argv[0]);
  const int bytes = sqlite3_value_bytes(argv[0]);
  const std::string folded = fold_for_match(
      std::string_view(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes)));
  sqlite3_result_text64(context, folded.data(), folded.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// "?N", SQL's numbered parameter N. (Built by appending: GCC 12 at -O2 warns, falsely, about
// `literal + std::string&&` concatenations.)
std::string parameter(std::size_t number) {
  std::string out = "?";
  out += std::to_string(number);
  return out;
}

std::string parenthesised(const std::string& condition) {
  std::string out = "(";
  out += condition;
  out += ')';
  return out;
}

// The request with its --regex pattern as one more condition, checked last: SQLite evaluates
// the cheap indexed terms first, so the pattern runs only over their candidates. The pattern is
// compiled here first so that a mistake in it is reported with its position.
SearchRequest with_regex(const SearchRequest& request) {
  if (request.regex.empty()) return request;
  (void)Regex::compile(request.regex);
  SearchRequest out = request;
  out.params.push_back({false, 0, request.regex});
  const std::string pattern = parameter(out.params.size());
  // The text people wrote: the message's and a shared post's caption and link.
  std::string condition = " AND (dm_regexp(";
  condition += pattern;
  condition += ", m.text) OR dm_regexp(";
  condition += pattern;
  condition += ", m.share_text) OR dm_regexp(";
  condition += pattern;
  condition += ", m.share_link))";
  out.where = parenthesised(request.where) + condition;
  if (out.driver_param != 0) out.driven_where = parenthesised(request.driven_where) + condition;
  return out;
}

// Runs `step` (which steps a statement using dm_regexp); a failure inside the pattern match
// comes out as its own Error rather than SQLite's generic one.
template <typename Step>
void stepping(Step&& step) {
  (void)take_regexp_error();
  try {
    step();
  } catch (const Error&) {
    if (auto error = take_regexp_error()) throw *error;
    throw;
  }
}

void bind_params(sql::Statement& statement, const SearchRequest& request) {
  int index = 1;
  for (const SearchRequest::Param& param : request.params) {
    if (param.is_int) {
      statement.bind_int(index, param.number);
    } else {
      statement.bind_text(index, param.text);
    }
    ++index;
  }
}

std::uint64_t to_count(std::int64_t value) {
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

std::int64_t to_limit(std::size_t value) {
  if (value == 0 || value > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
    return -1;
  }
  return static_cast<std::int64_t>(value);
}

std::vector<MessageView> neighbours(Catalog::Impl& impl, const MessageView& message,
                                    std::size_t count, bool before) {
  sql::Database& db = database_of(impl);
  std::vector<std::int64_t> ids;
  {
    auto q = db.query(before ? "SELECT id FROM messages WHERE conversation_id = ?1 AND id < ?2"
                               " ORDER BY id DESC LIMIT ?3"
                             : "SELECT id FROM messages WHERE conversation_id = ?1 AND id > ?2"
                               " ORDER BY id LIMIT ?3");
    q->bind_int(1, message.conversation_id);
    q->bind_int(2, message.message_id);
    q->bind_int(3, to_limit(count));
    while (q->step()) ids.push_back(q->column_int(0));
  }
  if (before) std::reverse(ids.begin(), ids.end());
  std::vector<MessageView> out;
  for (const std::int64_t id : ids) out.push_back(message_view_of(impl, id));
  return out;
}

// Keeps whole UTF-8 characters: moves `at` back to the start of the character it is in.
std::size_t char_start(std::string_view text, std::size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
    --at;
  }
  return at;
}

// A snippet of `text` around the first of `needles`, each occurrence marked (used where FTS5
// cannot mark: substring hits of the trigram side, and matches outside the text column).
std::string substring_snippet(std::string_view text, const std::vector<std::string>& needles) {
  constexpr std::size_t kBefore = 40;
  constexpr std::size_t kLength = 160;
  std::size_t first = std::string_view::npos;
  for (const std::string& needle : needles) {
    if (!needle.empty()) first = std::min(first, text.find(needle));
  }
  std::size_t begin = 0;
  if (first != std::string_view::npos && first > kBefore) begin = char_start(text, first - kBefore);
  std::size_t end = std::min(text.size(), begin + kLength);
  if (first != std::string_view::npos)
    end = std::max(end, std::min(text.size(), first + kLength / 2));
  end = end < text.size() ? char_start(text, end) : end;
  std::string out = begin > 0 ? "…" : "";
  std::size_t at = begin;
  while (at < end) {
    std::size_t next = std::string_view::npos;
    const std::string* found = nullptr;
    for (const std::string& needle : needles) {
      if (needle.empty()) continue;
      const std::size_t hit = text.find(needle, at);
      if (hit < next && hit + needle.size() <= end) {
        next = hit;
        found = &needle;
      }
    }
    if (found == nullptr) {
      out.append(text.substr(at, end - at));
      break;
    }
    out.append(text.substr(at, next - at));
    out += kMatchStart;
    out += *found;
    out += kMatchEnd;
    at = next + found->size();
  }
  if (end < text.size()) out += "…";
  return out;
}

// Marks the needles (and the pattern's matches) in `text`; "" when none occurs in it.
std::string marked_snippet(std::string_view source, std::vector<std::string> needles,
                           const Regex* regex) {
  std::string text(source);
  std::erase_if(text, [](char c) { return c == kMatchStart || c == kMatchEnd; });
  if (regex != nullptr) {
    for (const auto& [begin, end] : regex->find(text, 16)) {
      needles.push_back(text.substr(begin, end - begin));
    }
  }
  std::string snippet = substring_snippet(text, needles);
  return snippet.find(kMatchStart) != std::string::npos ? snippet : std::string();
}

// FTS5's snippets of the text, a shared post's caption and the names of the attachments (its
// columns 0, 3 and 4), for each of `ids` that `match` matches, marked, by message id. One pass
// over the ids' range of the postings: a MATCH narrowed to one rowid seeks in every segment of
// the index, and for a common word fifty such seeks took most of a search's time.
using FtsSnippets = std::map<std::int64_t, std::vector<std::string>>;
FtsSnippets fts_snippets(sql::Database& db, const std::string& match,
                         const std::vector<std::int64_t>& ids) {
  FtsSnippets snippets;
  if (match.empty() || ids.empty()) return snippets;
  std::string id_list = "[";
  for (const std::int64_t id : ids) {
    if (id_list.size() > 1) id_list += ',';
    id_list += std::to_string(id);
  }
  id_list += ']';
  auto q = db.query(
      "SELECT rowid, snippet(messages_fts, 0, char(2), char(3), '…', 24),"
      " snippet(messages_fts, 3, char(2), char(3), '…', 24),"
      " snippet(messages_fts, 4, char(2), char(3), '…', 24) FROM messages_fts"
      " WHERE messages_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3"
      " AND +rowid IN (SELECT value FROM json_each(?4))");
  q->bind_text(1, match);
  q->bind_int(2, *std::min_element(ids.begin(), ids.end()));
  q->bind_int(3, *std::max_element(ids.begin(), ids.end()));
  q->bind_text(4, id_list);
  while (q->step()) {
    snippets[q->column_int(0)] = {q->column_text(1), q->column_text(2), q->column_text(3)};
  }
  return snippets;
}

// The snippet shows where the message matched: its text, else a shared post's caption, else
// the names of its attachments (FTS5's snippets first, where the request has a MATCH); the text
// unmarked when the match was elsewhere (a sender or a title).
std::string make_snippet(const FtsSnippets& fts, const SearchRequest& request, const Regex* regex,
                         const MessageView& message) {
  if (const auto found = fts.find(message.message_id); found != fts.end()) {
    for (const std::string& snippet : found->second) {
      if (snippet.find(kMatchStart) != std::string::npos) return snippet;
    }
  }
  if (std::string s = marked_snippet(message.text, request.highlight, regex); !s.empty()) return s;
  if (message.share) {
    for (const std::string* field : {&message.share->text, &message.share->link}) {
      if (std::string s = marked_snippet(*field, request.highlight, regex); !s.empty()) return s;
    }
  }
  std::string text = message.text;
  std::erase_if(text, [](char c) { return c == kMatchStart || c == kMatchEnd; });
  return substring_snippet(text, {});
}

}  // namespace

void register_search_functions(sql::Database& db) {
  const int rc = sqlite3_create_function_v2(db.handle(), "dm_fold", 1,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                            nullptr, fold_function, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) sql::fail(db.handle(), rc, "registering dm_fold");
  register_regexp_function(db.handle());
}

std::vector<SearchHit> Catalog::search(const SearchRequest& original) {
  sql::Database& db = database_of(*m_impl);
  register_search_functions(db);
  const SearchRequest request = with_regex(original);
  const std::optional<Regex> regex =
      original.regex.empty() ? std::nullopt : std::optional<Regex>(Regex::compile(original.regex));
  const bool rank = request.sort == SearchRequest::Sort::relevance && !request.rank_match.empty();
  const std::string rank_param = parameter(request.params.size() + 1);
  const std::string limit_param = parameter(request.params.size() + (rank ? 2 : 1));
  const bool driven = request.driver_param != 0 && !rank;
  std::string sql =
      driven ? "SELECT m.id FROM messages_fts CROSS JOIN messages AS m ON m.id ="
               " messages_fts.rowid JOIN conversations AS c ON c.id = m.conversation_id"
             : "SELECT m.id FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id";
  if (driven) {
    // The driving term's postings in id order (FTS5 walks them either way and consumes the
    // ORDER BY), each joined to its message: the first `limit` that pass the rest are the answer.
    sql += " WHERE messages_fts MATCH ";
    sql += parameter(static_cast<std::size_t>(request.driver_param));
    sql += " AND ";
    sql += request.driven_where;
    sql += " ORDER BY messages_fts.rowid";
    if (request.sort != SearchRequest::Sort::oldest) sql += " DESC";
  } else {
    if (rank) {
      sql +=
          " LEFT JOIN (SELECT rowid AS id, bm25(messages_fts) AS score FROM messages_fts"
          " WHERE messages_fts MATCH ";
      sql += rank_param;
      sql += ") AS f ON f.id = m.id";
    }
    sql += " WHERE ";
    sql += request.where;
    sql += " ORDER BY ";
    if (rank) {
      sql += "coalesce(f.score, 0), m.id DESC";  // bm25: lower is better
    } else {
      sql += request.sort == SearchRequest::Sort::oldest ? "m.id" : "m.id DESC";
    }
  }
  sql += " LIMIT ";
  sql += limit_param;

  std::vector<std::int64_t> ids;
  {
    sql::Statement q(db.handle(), sql);
    bind_params(q, request);
    int next = static_cast<int>(request.params.size()) + 1;
    if (rank) q.bind_text(next++, request.rank_match);
    q.bind_int(next, to_limit(request.limit));
    stepping([&] {
      while (q.step()) ids.push_back(q.column_int(0));
    });
  }
  const FtsSnippets fts = fts_snippets(db, original.rank_match, ids);
  std::vector<SearchHit> hits;
  hits.reserve(ids.size());
  for (const std::int64_t id : ids) {
    SearchHit hit;
    hit.message = message_view_of(*m_impl, id);
    hit.snippet = make_snippet(fts, original, regex ? &*regex : nullptr, hit.message);
    if (request.context > 0) {
      hit.before = neighbours(*m_impl, hit.message, request.context, true);
      hit.after = neighbours(*m_impl, hit.message, request.context, false);
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

std::uint64_t Catalog::count_matches(const SearchRequest& original) {
  sql::Database& db = database_of(*m_impl);
  register_search_functions(db);
  const SearchRequest request = with_regex(original);
  if (request.driver_param != 0 && request.driven_where == "(1)") {
    // Nothing but the term: its postings are the answer, without reading a message (every
    // row of the word index is a message of a conversation).
    auto q = db.query("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1");
    q->bind_text(1, request.params.at(static_cast<std::size_t>(request.driver_param) - 1).text);
    return q->step() ? to_count(q->column_int(0)) : 0;
  }
  const std::string sql =
      "SELECT count(*) FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id"
      " WHERE " +
      request.where;
  sql::Statement q(db.handle(), sql);
  bind_params(q, request);
  std::uint64_t count = 0;
  stepping([&] {
    if (q.step()) count = to_count(q.column_int(0));
  });
  return count;
}

}  // namespace dmvault::catalog
