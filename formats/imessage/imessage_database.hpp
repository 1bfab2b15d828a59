// A read-only SQLite database opened from bytes in memory (sqlite3_deserialize): the only place
// in formats/ that includes <sqlite3.h>. Nothing is written to disk: the database is never a file,
// temporary tables and sorts stay in memory, and a write-ahead-log header is read as a rollback
// journal one (the log itself is not in the bytes).
#pragma once

#include "dmvault/secret.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace dmvault::formats::imessage {

class Database;

// One row-by-row query. Errors are Error(bad_input) naming the database's path.
class Query {
 public:
  Query(const Database& db, const std::string& sql);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  bool step();
  int columns() const;
  std::string column_name(int i) const;
  bool is_null(int i) const;
  bool is_integer(int i) const;
  bool is_real(int i) const;
  bool is_blob(int i) const;
  std::int64_t integer(int i) const;
  double real(int i) const;
  std::string_view text(int i) const;  // the bytes as stored (UTF-8 not checked)
  std::span<const std::uint8_t> blob(int i) const;

 private:
  const Database& m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

class Database {
 public:
  // `bytes` must outlive the database (SQLite reads them in place, patching nothing but the
  // journal-mode bytes of the header). Error(bad_input) "<path>: problem" when they are not a
  // whole SQLite database.
  Database(std::string path, PlainBytes& bytes);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return m_path; }
  bool has_table(const std::string& name) const;
  std::vector<std::string> table_columns(const std::string& name) const;
  [[noreturn]] void fail(const std::string& doing) const;

 private:
  friend class Query;
  void configure(PlainBytes& bytes);
  std::string m_path;
  sqlite3* m_db = nullptr;
};

// Whether `head` starts with the 16-byte SQLite header "SQLite format 3\0".
bool is_sqlite_header(std::span<const std::uint8_t> head);

}  // namespace dmvault::formats::imessage
