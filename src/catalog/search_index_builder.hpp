// Builds a first import's search indexes on a thread of their own. Indexing the words of a run's
// messages took as long as parsing them, on one core while the other idled; a run into an empty
// catalog (whose indexes are empty) hands each message's index row to a SearchIndexBuilder
// instead, which writes them into its own database while the run goes on, and at the end of the
// run replaces the catalog's empty index tables by the ones it built.
//
// The rows must be what the catalog's message_search view shows when the builder finishes (FTS5
// deletes a row by repeating its values): the catalog finishes it before a title changes.
#pragma once

#include "catalog/scratch_file.hpp"
#include "catalog/sqlite_db.hpp"
#include "dmvault/secret.hpp"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dmvault::catalog {

// The search indexes (their schema is the catalog's; see SEARCH INDEX in catalog.cpp).
inline constexpr const char* kSearchIndexSchema = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
  text, sender, conversation, share, attachments,
  content = 'message_search', content_rowid = 'id', columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE messages_trigram USING fts5(
  text, content = '', tokenize = 'trigram');
)sql";

// One message as the word index sees it: the columns of the message_search view.
struct SearchRow {
  std::int64_t id = 0;
  std::string_view text;
  std::string_view sender;
  std::string_view conversation;
  std::string_view share;
  std::string_view attachments;
};

class SearchIndexBuilder {
 public:
  // Starts the thread, which creates the index tables in a database in `file` (emptied first)
  // and fills them as rows arrive.
  explicit SearchIndexBuilder(std::shared_ptr<ScratchFile> file);
  SearchIndexBuilder(const SearchIndexBuilder&) = delete;
  SearchIndexBuilder& operator=(const SearchIndexBuilder&) = delete;
  // Stops the thread; what it built is dropped.
  ~SearchIndexBuilder();

  // Copies the row's values (the caller's may go at once). Rows come in any order. Waits when
  // the thread is several batches behind, so memory stays bounded; throws the thread's Error.
  void add(const SearchRow& row);
  std::uint64_t rows_added() const noexcept { return m_rows_added; }
  // Whether `target`'s index tables are declared as the ones built here (those of catalogs
  // from before the current schema are not).
  bool builds_the_indexes_of(sql::Database& target) const;

  // Hands the last rows to the thread, which finishes them and commits while the caller goes
  // on; add() may not follow. finish_into closes the builder if this was not called.
  void close();
  // Waits until every row is indexed, then replaces the index tables of `target` (empty ones,
  // created from kSearchIndexSchema, in a transaction that target holds open) by the ones
  // built. Throws the thread's Error, or one of `target`. The database built stays attached to
  // `target` (its file kept alive by `target`) until detach_from, once the transaction ends.
  void finish_into(sql::Database& target);
  static void detach_from(sql::Database& target);

 private:
  // Rows in one wiped buffer: each row's five values back to back, their sizes beside them.
  struct Batch {
    struct Entry {
      std::int64_t id = 0;
      std::size_t offset = 0;
      std::uint32_t sizes[5] = {};
    };
    PlainBytes bytes;
    std::size_t used = 0;
    std::vector<Entry> entries;
  };

  void hand_over_batch();
  void run() noexcept;
  void index(Batch& batch);

  static constexpr const char* kBuiltSchema = "built_search_index";

  std::shared_ptr<ScratchFile> m_file;
  std::optional<sql::Database> m_db;  // closed once the thread is done
  std::string m_schema;               // the index tables' declarations
  Batch m_batch;
  std::uint64_t m_rows_added = 0;
  bool m_closed = false;  // close() was called (the caller's thread only)

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Batch> m_queue;   // guarded by m_mutex
  bool m_closing = false;      // no more batches (guarded)
  bool m_cancelled = false;    // stop now, drop the work (guarded)
  std::exception_ptr m_error;  // the thread's failure (guarded)
  std::thread m_thread;        // last: starts once everything above exists
};

}  // namespace dmvault::catalog
