#include "catalog/search_index_builder.hpp"

#include "catalog/unspaced_text.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string.h>  // explicit_bzero
#include <string>
#include <utility>

namespace dmvault::catalog {

namespace {

// A batch's buffer: a few thousand rows, handed to the thread at once so that the lock is taken
// once per batch, not per row. The thread sorts each batch by id: FTS5 writes its pending terms
// out as a new segment whenever a row's id is below the one before, which within a batch would
// happen at nearly every row (importers emit a conversation newest first, ids follow time).
constexpr std::size_t kBatchBytes = std::size_t{4} << 20;
constexpr std::size_t kBatchRows = 16384;
// How many batches may wait for the thread before add() waits for it (memory stays bounded).
constexpr std::size_t kMaxQueued = 3;

// The tables FTS5 keeps the two indexes in (neither keeps a content table, and the word index
// no column sizes: see SEARCH INDEX in catalog.cpp).
constexpr std::array<const char*, 7> kIndexTables = {
    "messages_fts_data",      "messages_fts_idx",     "messages_fts_config",
    "messages_trigram_data",  "messages_trigram_idx", "messages_trigram_docsize",
    "messages_trigram_config"};

// SQLite's defensive mode makes the tables of a virtual table read-only to ordinary SQL; the
// copy writes them, so it is lifted for the copy alone and set again after it, whatever
// happens (checked when the copy ends normally).
class DefensiveLifted {
 public:
  explicit DefensiveLifted(sql::Database& db) : m_db(&db) { db.set_defensive(false); }
  DefensiveLifted(const DefensiveLifted&) = delete;
  DefensiveLifted& operator=(const DefensiveLifted&) = delete;
  ~DefensiveLifted() {
    if (m_db == nullptr) return;
    try {
      m_db->set_defensive(true);
    } catch (...) {  // already failing: the run is thrown away with its connection
    }
  }
  void restore() { std::exchange(m_db, nullptr)->set_defensive(true); }

 private:
  sql::Database* m_db;
};

std::string index_schema_of(sql::Database& db) {
  return db.query_text(
      "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master"
      " WHERE name IN ('messages_fts', 'messages_trigram') ORDER BY name)");
}

}  // namespace

SearchIndexBuilder::SearchIndexBuilder(std::shared_ptr<ScratchFile> file)
    : m_file(std::move(file)) {
  m_file->truncate(0);  // an earlier run's
  m_db.emplace(sql::Database::open_scratch(m_file));
  // Segments are written once and merged a few at a time: a smaller cache than the catalog's
  // does.
  m_db->exec("PRAGMA cache_size=-16384");
  m_db->exec(kSearchIndexSchema);
  // FTS5 gathers the terms of the rows added in a table in memory and writes them as a new
  // segment when it holds `hashsize` bytes (1 MiB by default), merging segments as they pile up.
  // With 32 MiB a first import writes far fewer segments and merges them far less often: a
  // million-message import took 17.9 to 18.1 s instead of 19.2 (200,000 messages: 3.7 to 3.9 s
  // against 3.8 to 4.2), at the same peak RSS, and searches were as fast or faster. The setting
  // is copied into the catalog with the index (its config table), so the imports after it
  // gather as much before writing.
  m_db->exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('hashsize', 33554432)");
  m_schema = index_schema_of(*m_db);
  m_db->exec("BEGIN");
  m_thread = std::thread([this] { run(); });
}

bool SearchIndexBuilder::builds_the_indexes_of(sql::Database& target) const {
  return index_schema_of(target) == m_schema;
}

SearchIndexBuilder::~SearchIndexBuilder() {
  if (!m_thread.joinable()) return;
  {
    const std::lock_guard lock(m_mutex);
    m_cancelled = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void SearchIndexBuilder::add(const SearchRow& row) {
  if (m_closed) throw std::logic_error("catalog: a row added to a closed search index builder");
  const std::array<std::string_view, 5> values = {row.text, row.sender, row.conversation, row.share,
                                                  row.attachments};
  std::size_t size = 0;
  for (const std::string_view value : values) {
    if (value.size() > UINT32_MAX)
      throw Error(ErrorCode::io, "catalog: a message is too large to index");
    size += value.size();
  }
  if (m_batch.entries.size() == kBatchRows ||
      (!m_batch.entries.empty() && size > m_batch.bytes.size() - m_batch.used)) {
    hand_over_batch();
  }
  if (m_batch.entries.empty() && m_batch.bytes.size() < std::max(size, kBatchBytes)) {
    m_batch.bytes = PlainBytes(std::max(size, kBatchBytes), PlainBytes::Unset{});
    m_batch.entries.reserve(kBatchRows);
  }
  Batch::Entry entry{row.id, m_batch.used, {}};
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::memcpy(m_batch.bytes.data() + m_batch.used, values[i].data(), values[i].size());
    m_batch.used += values[i].size();
    entry.sizes[i] = static_cast<std::uint32_t>(values[i].size());
  }
  m_batch.entries.push_back(entry);
  ++m_rows_added;
}

void SearchIndexBuilder::hand_over_batch() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_queue.size() < kMaxQueued || m_error; });
  if (m_error) std::rethrow_exception(m_error);
  m_queue.push_back(std::exchange(m_batch, Batch{}));
  lock.unlock();
  m_changed.notify_all();
}

void SearchIndexBuilder::run() noexcept {
  try {
    for (;;) {
      Batch batch;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return !m_queue.empty() || m_closing || m_cancelled; });
        if (m_cancelled) return;
        if (m_queue.empty()) break;  // closing, and everything indexed
        batch = std::move(m_queue.front());
        m_queue.pop_front();
      }
      m_changed.notify_all();  // room in the queue
      index(batch);
    }
    m_db->exec("COMMIT");
  } catch (...) {
    {
      const std::lock_guard lock(m_mutex);
      m_error = std::current_exception();
    }
    m_changed.notify_all();
  }
}

void SearchIndexBuilder::index(Batch& batch) {
  std::vector<std::uint32_t> order(batch.entries.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return batch.entries[a].id < batch.entries[b].id;
  });
  const auto* bytes = reinterpret_cast<const char*>(batch.bytes.data());
  for (const std::uint32_t at : order) {
    const Batch::Entry& entry = batch.entries[at];
    std::array<std::string_view, 5> values;
    std::size_t offset = entry.offset;
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = std::string_view(bytes + offset, entry.sizes[i]);
      offset += entry.sizes[i];
    }
    {
      auto q = m_db->query(
          "INSERT INTO messages_fts(rowid, text, sender, conversation, share, attachments)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      q->bind_int(1, entry.id);
      for (std::size_t i = 0; i < values.size(); ++i) {
        q->bind_text_unowned(static_cast<int>(i) + 2, values[i]);  // the batch outlives q
      }
      q->run();
    }
    if (has_unspaced_text(values[0])) {
      std::string words;
      words.reserve(values[0].size());
      append_unspaced_words(values[0], words);
      auto q = m_db->query("INSERT INTO messages_trigram(rowid, text) VALUES (?1, ?2)");
      q->bind_int(1, entry.id);
      q->bind_text_unowned(2, words);
      q->run();
      explicit_bzero(words.data(), words.capacity());
    }
  }
}

void SearchIndexBuilder::close() {
  m_closed = true;
  if (!m_batch.entries.empty()) hand_over_batch();
  {
    const std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_changed.notify_all();
}

void SearchIndexBuilder::finish_into(sql::Database& target) {
  close();
  m_thread.join();
  if (m_error) std::rethrow_exception(m_error);

  // The builder's connection closes (its last transaction committed), and its file is read
  // through the catalog's own: INSERT ... SELECT * between two databases of one connection
  // copies whole records (SQLite's transfer optimisation), which took a third of the time of
  // binding and inserting them row by row.
  m_db.reset();
  target.attach_scratch(m_file, kBuiltSchema);
  DefensiveLifted lifted(target);
  for (const char* table : kIndexTables) {
    const std::string name = table;
    target.exec(("DELETE FROM main." + name).c_str());
    target.exec(
        ("INSERT INTO main." + name + " SELECT * FROM " + kBuiltSchema + "." + name).c_str());
  }
  lifted.restore();
}

void SearchIndexBuilder::detach_from(sql::Database& target) { target.detach(kBuiltSchema); }

}  // namespace dmvault::catalog
