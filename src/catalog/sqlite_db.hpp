// A thin, hardened SQLite layer for the catalog (internal to src/catalog; no <sqlite3.h> here, so
// tests can use it without seeing SQLite's types).
//
// Every connection is an in-memory database that cannot reach a file, whatever SQL runs on it:
//  - It is opened on the "dmvault-nofile" VFS, whose xOpen refuses every file. The statement
//    journal, the sorter's spill files and temporary databases open their files through the
//    connection's VFS, so were temp_store ever ignored they would fail instead of writing
//    plaintext to TMPDIR ("fail closed"). The main database is ":memory:" or, after
//    sqlite3_deserialize, the built-in memdb VFS, which keeps the image in SQLite's own heap.
//  - PRAGMA temp_store=MEMORY, journal_mode=MEMORY and secure_delete=ON, read back after they are
//    set (and again after a deserialize, which replaces the main schema's pager).
//  - SQLITE_DBCONFIG_DEFENSIVE=1, TRUSTED_SCHEMA=0, ENABLE_LOAD_EXTENSION=0 and
//    SQLITE_LIMIT_ATTACHED=0 (no ATTACH of a file; sqlite3_deserialize's internal re-open of
//    "main" is exempt from that limit by SQLite's design).
//  - SQLite's allocator zeroes every block before it is freed (SQLITE_CONFIG_MALLOC), so the
//    decrypted index does not linger in freed heap memory. It is installed once, before
//    sqlite3_initialize, from a thread-safe once-initializer. If something else in the process
//    initialised SQLite first, the call is refused by SQLite and the default allocator stays: the
//    catalog still works, freed pages are then not wiped (nothing in dmvault does that; a library
//    that did would have to be linked in on purpose).
//
// Errors: Error(corrupted) for a damaged or unexpected database, Error(io) when SQLite runs out of
// memory or a limit; the message carries SQLite's own message, which names tables and columns
// but never a bound value, so it never contains message text.
#pragma once

#include "catalog/image_source.hpp"
#include "catalog/scratch_file.hpp"
#include "dmvault/secret.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace dmvault::catalog::sql {

// Installs the zeroing allocator and the no-file VFS, then initialises SQLite. Idempotent and
// thread-safe; Database::open calls it. Returns whether the zeroing allocator is in use.
bool initialize();

// A prepared statement. Columns and parameters are numbered as in SQLite (parameters from 1,
// columns from 0).
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void bind_int(int index, std::int64_t value);
  void bind_optional_int(int index, std::optional<std::int64_t> value);
  void bind_text(int index, std::string_view value);
  // The same without SQLite's copy of the bytes: `value` must stay as it is until the
  // statement is reset (a Query's end). For the rows of a bulk insert, whose every string SQLite
  // otherwise copies into memory of its own and wipes on free.
  void bind_text_unowned(int index, std::string_view value);
  void bind_optional_text(int index, const std::optional<std::string>& value);
  void bind_blob(int index, std::span<const std::uint8_t> value);
  void bind_null(int index);

  // Runs to the next row: true when a row is ready, false when done. Throws Error on failure.
  bool step();
  // Runs a statement that returns no row (or whose rows are not wanted).
  void run();
  // Ready to run again, with every parameter cleared. Never throws.
  void reset() noexcept;

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  std::span<const std::uint8_t> column_blob(int column) const;  // valid until the next step

 private:
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
};

// A use of a cached statement: resets it when the use ends, so a statement never stays active
// (holding its cursor open) after the code that ran it.
class Query {
 public:
  explicit Query(Statement& statement) noexcept : m_statement(&statement) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() { m_statement->reset(); }
  Statement* operator->() const noexcept { return m_statement; }
  Statement& operator*() const noexcept { return *m_statement; }

 private:
  Statement* m_statement;
};

class Database {
 public:
  // A new hardened in-memory database; with `image`, the main schema is the deserialized copy
  // of it (the caller validates the content). Error(corrupted) when SQLite refuses the image.
  static Database open(std::optional<std::span<const std::uint8_t>> image = std::nullopt);
  // A read-only database over `image` itself, without a copy: the image must outlive the
  // Database and stay unchanged. Loading a large catalog this way costs no second buffer (for a
  // million messages, the copy alone took seconds of page faults).
  static Database open_read_only(std::span<const std::uint8_t> image);
  // A read-only database whose pages are read from `source` only when a query needs them, so
  // opening costs nothing whatever the image's size (the "dmvault-paged" VFS: an immutable main
  // file over the source; every other file is refused, as on the no-file VFS). An Error thrown
  // by the source comes out of the query that needed the page.
  static Database open_paged(std::shared_ptr<catalog::ImageSource> source);
  // A read-write database in `file` (empty: a new database; else the image it holds), through
  // the "dmvault-scratch" VFS, with a bounded page cache, no journal (a failed transaction leaves
  // the database unusable: throw it away) and every other file refused. An Error thrown by the
  // file comes out of the statement that needed it.
  static Database open_scratch(std::shared_ptr<catalog::ScratchFile> file);
  bool has_scratch() const noexcept;

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements without parameters (schema, transactions, pragmas).
  void exec(const char* sql);
  // The statement for `sql`, prepared on first use and kept: `sql` must be a string that lives as
  // long as the database (a literal).
  Query query(std::string_view sql);
  // The first column of the first row of `sql` as text ("" when there is no row).
  std::string query_text(const char* sql);
  // SQLITE_DBCONFIG_DEFENSIVE, on for every connection, read back after it is set. Only the
  // search index copy turns it off (to write the tables of a virtual table), for the copy alone.
  void set_defensive(bool on);
  // Attaches `file`, a database written through open_scratch and closed since, as schema
  // `name` (an identifier of ours), to be read in this connection's statements: copying a table
  // from it with INSERT ... SELECT * moves whole records, without decoding them. The hardening
  // allows no attached database; the limit is raised for each attached here. `file` lives
  // until detach(name).
  void attach_scratch(std::shared_ptr<catalog::ScratchFile> file, const std::string& name);
  // Detaches `name` if it is attached. Outside a transaction only: SQLite keeps a read lock on
  // an attached database until the transaction that read it ends.
  void detach(const std::string& name);
  std::int64_t last_insert_rowid() const;
  std::int64_t changes() const;
  bool in_transaction() const;

  // The main schema as bytes (sqlite3_serialize); the intermediate copy is wiped and freed.
  PlainBytes serialize();
  // Hands the main schema's bytes to `use` without a copy of ours: a loaded catalog's own
  // buffer, or SQLite's copy of a fresh one (wiped and freed after). The span is valid only
  // during the call, which must not change the database.
  void with_image(const std::function<void(std::span<const std::uint8_t>)>& use);
  // The main schema's bytes handed to `sink` in order, in one piece or (a scratch database,
  // outside a transaction) in 1 MiB pieces read back from its file.
  void stream_image(const std::function<void(std::span<const std::uint8_t>)>& sink);

  sqlite3* handle() const noexcept { return m_db; }

 private:
  explicit Database(sqlite3* db) noexcept : m_db(db) {}
  void apply_memory_settings();
  void close() noexcept;

  // The image a paged connection reads; declared first so the connection closes before it goes.
  std::shared_ptr<catalog::ImageSource> m_source;
  std::shared_ptr<catalog::ScratchFile> m_scratch;  // likewise, for a scratch connection
  // Likewise, the files of attached databases, by schema name.
  std::vector<std::pair<std::string, std::shared_ptr<catalog::ScratchFile>>> m_attached;
  sqlite3* m_db = nullptr;
  std::unordered_map<std::string_view, std::unique_ptr<Statement>> m_cache;
};

// Throws the Error for a failed SQLite call (`rc`) while doing `what`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

}  // namespace dmvault::catalog::sql
