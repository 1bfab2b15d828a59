#include "imessage/imessage_database.hpp"

#include "dmvault/error.hpp"

#include <sqlite3.h>

#include <cstring>
#include <utility>

namespace dmvault::formats::imessage {

namespace {

constexpr std::string_view kMagic{"SQLite format 3\0", 16};
constexpr const char* kDamagedHint =
    "the database may be damaged or cut short; copy ~/Library/Messages/chat.db again with "
    "Messages closed";

std::uint32_t big_endian(const std::uint8_t* p, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

}  // namespace

bool is_sqlite_header(std::span<const std::uint8_t> head) {
  return head.size() >= kMagic.size() &&
         std::memcmp(head.data(), kMagic.data(), kMagic.size()) == 0;
}

Database::Database(std::string path, PlainBytes& bytes) : m_path(std::move(path)) {
  constexpr std::size_t kHeaderBytes = 100;
  if (bytes.size() < kHeaderBytes || !is_sqlite_header({bytes.data(), bytes.size()})) {
    throw Error(ErrorCode::bad_input, m_path + ": byte 0: not a SQLite database",
                "give the Messages database chat.db as macOS wrote it");
  }
  std::uint32_t page_size = big_endian(bytes.data() + 16, 2);
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0) {
    throw Error(ErrorCode::bad_input, m_path + ": byte 16: invalid page size", kDamagedHint);
  }
  // SQLite itself would only notice a missing page when a query reaches it: a cut file is
  // refused up front instead.
  const std::uint64_t pages = bytes.size() / page_size;
  const std::uint32_t header_pages = big_endian(bytes.data() + 28, 4);
  if (bytes.size() % page_size != 0 || header_pages > pages) {
    throw Error(ErrorCode::bad_input,
                m_path + ": byte " + std::to_string(bytes.size()) +
                    ": the database is cut short (not a whole number of its pages)",
                kDamagedHint);
  }
  // macOS keeps chat.db in write-ahead-log mode (bytes 18 and 19 = 2); an in-memory database
  // has no log to open, so it is read as a rollback-journal one, which the pages are.
  std::uint8_t* header = bytes.data();
  if (header[18] == 2) header[18] = 1;
  if (header[19] == 2) header[19] = 1;

  if (sqlite3_open_v2(":memory:", &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(m_db);
    m_db = nullptr;
    throw Error(ErrorCode::io, m_path + ": cannot open an in-memory SQLite database");
  }
  try {
    configure(bytes);
  } catch (...) {
    // The destructor does not run for a constructor that throws.
    sqlite3_close(m_db);
    m_db = nullptr;
    throw;
  }
}

void Database::configure(PlainBytes& bytes) {
  // The file comes from elsewhere: no trigger, view or schema function of it runs, and nothing
  // spills to a temporary file on disk.
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(m_db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  if (sqlite3_exec(m_db, "PRAGMA temp_store=MEMORY", nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail("configuring");
  }
  if (sqlite3_deserialize(m_db, "main", bytes.data(), static_cast<sqlite3_int64>(bytes.size()),
                          static_cast<sqlite3_int64>(bytes.size()),
                          SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
    fail("opening");
  }
  if (sqlite3_exec(m_db, "PRAGMA query_only=1; PRAGMA cell_size_check=1", nullptr, nullptr,
                   nullptr) != SQLITE_OK) {
    fail("opening");
  }
  Query schema(*this, "SELECT count(*) FROM sqlite_master");
  schema.step();
}

Database::~Database() { sqlite3_close(m_db); }

void Database::fail(const std::string& doing) const {
  const char* what = m_db != nullptr ? sqlite3_errmsg(m_db) : "out of memory";
  throw Error(ErrorCode::bad_input, m_path + ": " + doing + ": " + what, kDamagedHint);
}

bool Database::has_table(const std::string& name) const {
  Query q(*this, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'");
  return q.step();
}

std::vector<std::string> Database::table_columns(const std::string& name) const {
  std::vector<std::string> out;
  Query q(*this, "PRAGMA table_info(\"" + name + "\")");
  while (q.step()) out.emplace_back(q.text(1));
  return out;
}

Query::Query(const Database& db, const std::string& sql) : m_db(db) {
  if (sqlite3_prepare_v2(db.m_db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    db.fail("reading the schema");
  }
}

Query::~Query() { sqlite3_finalize(m_stmt); }

bool Query::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  m_db.fail("reading");
}

int Query::columns() const { return sqlite3_column_count(m_stmt); }

std::string Query::column_name(int i) const {
  const char* name = sqlite3_column_name(m_stmt, i);
  return name != nullptr ? name : "";
}

bool Query::is_null(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }
bool Query::is_integer(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_INTEGER; }
bool Query::is_real(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_FLOAT; }
bool Query::is_blob(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_BLOB; }

std::int64_t Query::integer(int i) const { return sqlite3_column_int64(m_stmt, i); }
double Query::real(int i) const { return sqlite3_column_double(m_stmt, i); }

std::string_view Query::text(int i) const {
  const unsigned char* p = sqlite3_column_text(m_stmt, i);
  const int n = sqlite3_column_bytes(m_stmt, i);
  if (p == nullptr || n <= 0) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
}

std::span<const std::uint8_t> Query::blob(int i) const {
  const void* p = sqlite3_column_blob(m_stmt, i);
  const int n = sqlite3_column_bytes(m_stmt, i);
  if (p == nullptr || n <= 0) return {};
  return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
}

}  // namespace dmvault::formats::imessage
