#include "catalog/sqlite_db.hpp"

#include "catalog/memory_scratch_file.hpp"
#include "dmvault/error.hpp"
#include "temp_dir_guard.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dmvault::catalog::sql {
namespace {

using catalog::testing::entries_of;
using catalog::testing::open_files_under;
using catalog::testing::ScopedWorkingDir;
using catalog::testing::temp_dir;

// 200k rows of 64 random bytes sorted by those bytes: ~16 MB through the sorter, eight times its
// in-memory budget (cache_size -2000 = 2 MB), so with temp_store=FILE SQLite would spill it to
// temporary files.
constexpr const char* kLargeSort =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
    " SELECT i, randomblob(64) AS r FROM n ORDER BY r";

void expect_hardened(Database& db) {
  EXPECT_EQ(db.query_text("PRAGMA temp_store"), "2");  // MEMORY
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "memory");
  EXPECT_EQ(db.query_text("PRAGMA secure_delete"), "1");
  EXPECT_EQ(db.query_text("PRAGMA trusted_schema"), "0");
}

TEST(SqliteDb, InstallsTheZeroingAllocator) { EXPECT_TRUE(initialize()); }

TEST(SqliteDb, FreshDatabaseIsHardened) {
  Database db = Database::open();
  expect_hardened(db);
}

TEST(SqliteDb, DeserializedDatabaseIsHardenedAndKeepsItsContent) {
  PlainBytes image;
  {
    Database db = Database::open();
    db.exec("CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('kept');");
    image = db.serialize();
  }
  Database db = Database::open(image.span());
  expect_hardened(db);
  EXPECT_EQ(db.query_text("SELECT x FROM t"), "kept");
  // The image is writable and can grow (RESIZEABLE), and serializes back to what it holds.
  db.exec("INSERT INTO t SELECT hex(randomblob(1000)) FROM (SELECT 1 UNION ALL SELECT 2)");
  Database again = Database::open(db.serialize().span());
  EXPECT_EQ(again.query_text("SELECT count(*) FROM t"), "3");
}

TEST(SqliteDb, ADeserializedDatabaseMayGrowPastSqlitesDefaultLimit) {
  // SQLite caps a deserialized database at 1 GiB (or the image's size) unless told otherwise:
  // a catalog that large would refuse every further import as "full".
  PlainBytes image;
  {
    Database db = Database::open();
    db.exec("CREATE TABLE t(x TEXT)");
    image = db.serialize();
  }
  Database db = Database::open(image.span());
  sqlite3_int64 limit = -1;  // negative: only read the limit
  ASSERT_EQ(sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_SIZE_LIMIT, &limit), SQLITE_OK);
  // As far as SQLite can allocate one block (just under 2 GiB), not its default 1 GiB.
  EXPECT_GT(limit, sqlite3_int64{2000} * 1000 * 1000);
  EXPECT_LT(limit, sqlite3_int64{0x7fffff00});
}

TEST(SqliteDb, RefusesAttachAndExtensions) {
  ScopedWorkingDir cwd;
  Database db = Database::open();
  EXPECT_THROW(db.exec("ATTACH DATABASE 'leak.db' AS leak"), Error);
  EXPECT_THROW(db.exec("ATTACH DATABASE ':memory:' AS other"), Error);
  EXPECT_THROW(db.exec("ATTACH DATABASE 'file:leak.db?vfs=unix' AS leak"), Error);
  EXPECT_THROW(db.query_text("SELECT load_extension('libleak')"), Error);
  EXPECT_TRUE(entries_of(cwd.path()).empty());
}

// A scratch database attached to another connection is read there (a whole table copied by
// INSERT ... SELECT), stays attached until the transaction that read it has ended, and once
// detached leaves the connection refusing attachments as before.
TEST(SqliteDb, AnAttachedScratchDatabaseIsReadThenDetached) {
  ScopedWorkingDir cwd;
  auto file = std::make_shared<MemoryScratchFile>();
  {
    Database built = Database::open_scratch(file);
    built.exec(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
        " INSERT INTO t SELECT i, randomblob(300) FROM n;");
  }
  for (const bool scratch_target : {false, true}) {
    Database db = scratch_target ? Database::open_scratch(std::make_shared<MemoryScratchFile>())
                                 : Database::open();
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB); BEGIN");
    db.attach_scratch(file, "built");
    // One attachment is all the limit lets in.
    EXPECT_THROW(db.exec("ATTACH DATABASE 'file:leak.db?vfs=unix' AS leak"), Error);
    db.exec("INSERT INTO main.t SELECT * FROM built.t");
    EXPECT_THROW(db.detach("built"), Error);  // read within the open transaction
    db.exec("COMMIT");
    db.detach("built");
    db.detach("built");  // no longer attached: nothing to do
    EXPECT_EQ(db.query_text("SELECT count(*) || ' ' || sum(length(body)) FROM t"), "3000 900000");
    EXPECT_THROW(db.query_text("SELECT count(*) FROM built.t"), Error);
    EXPECT_THROW(db.exec("ATTACH DATABASE 'file:leak.db?vfs=unix' AS leak"), Error);
    EXPECT_THROW(db.exec("ATTACH DATABASE 'file:x?vfs=dmvault-scratch' AS other"), Error);
  }
  EXPECT_TRUE(entries_of(cwd.path()).empty());
}

TEST(SqliteDb, DefensiveModeProtectsTheSchema) {
  Database db = Database::open();
  db.exec("CREATE TABLE t(x)");
  db.exec("PRAGMA writable_schema=ON");
  EXPECT_THROW(db.exec("UPDATE sqlite_schema SET sql = 'CREATE TABLE t(y)' WHERE name = 't'"),
               Error);
}

TEST(SqliteDb, LargeSortStaysInMemory) {
  ScopedWorkingDir cwd;
  Database db = Database::open();
  auto q = db.query(kLargeSort);
  ASSERT_TRUE(q->step());
  // The sort is complete once the first row is out: spilled runs would be open files now.
  EXPECT_TRUE(open_files_under(temp_dir()).empty());
  EXPECT_TRUE(open_files_under(cwd.path()).empty());
  std::int64_t rows = 1;
  std::vector<std::uint8_t> previous(q->column_blob(1).begin(), q->column_blob(1).end());
  while (q->step()) {
    const auto blob = q->column_blob(1);
    std::vector<std::uint8_t> current(blob.begin(), blob.end());
    ASSERT_LE(previous, current);
    previous = std::move(current);
    ++rows;
  }
  EXPECT_EQ(rows, 200000);
  EXPECT_TRUE(entries_of(temp_dir()).empty());
  EXPECT_TRUE(entries_of(cwd.path()).empty());
}

TEST(SqliteDb, ASpillToDiskFailsClosed) {
  // Were temp_store ever FILE, the sorter's spill would go through the connection's VFS, which
  // refuses every file: the query fails instead of writing plaintext to TMPDIR.
  ScopedWorkingDir cwd;
  Database db = Database::open();
  db.exec("PRAGMA temp_store=FILE");
  auto q = db.query(kLargeSort);
  try {
    q->step();
    ADD_FAILURE() << "the sort spilled without error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
  }
  EXPECT_TRUE(entries_of(temp_dir()).empty());
  EXPECT_TRUE(entries_of(cwd.path()).empty());
}

TEST(SqliteDb, CachedStatementsAreResetAfterEachUse) {
  Database db = Database::open();
  db.exec("CREATE TABLE t(x INTEGER)");
  for (int i = 0; i < 3; ++i) {
    auto q = db.query("INSERT INTO t VALUES (?1)");
    q->bind_int(1, i);
    q->run();
  }
  {
    auto q = db.query("SELECT x FROM t ORDER BY x");
    ASSERT_TRUE(q->step());  // left mid-way: the Query resets it
  }
  auto q = db.query("SELECT x FROM t ORDER BY x");
  std::vector<std::int64_t> seen;
  while (q->step()) seen.push_back(q->column_int(0));
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(SqliteDb, EmptyTextIsNotNull) {
  Database db = Database::open();
  auto q = db.query("SELECT ?1 IS NULL, length(?1)");
  q->bind_text(1, std::string());
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->column_int(0), 0);
  EXPECT_EQ(q->column_int(1), 0);
}

// Text bound in place is stored as it was when the row was written, and a statement's next
// use does not read the buffer it was given before.
TEST(SqliteDb, TextBoundInPlaceIsStoredThenLetGo) {
  Database db = Database::open();
  db.exec("CREATE TABLE t(x TEXT)");
  std::string value = "first";
  for (const char* next : {"second", ""}) {
    auto q = db.query("INSERT INTO t VALUES (?1)");
    q->bind_text_unowned(1, value);
    q->run();
    value.assign(next);
  }
  {
    auto q = db.query("INSERT INTO t VALUES (?1)");  // reset: no parameter left bound
    q->run();
  }
  value.assign("changed");
  auto q = db.query("SELECT coalesce(x, 'NULL') FROM t ORDER BY rowid");
  std::vector<std::string> seen;
  while (q->step()) seen.push_back(q->column_text(0));
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second", "NULL"}));
  auto empty = db.query("SELECT ?1 IS NULL, length(?1)");
  empty->bind_text_unowned(1, std::string_view());
  ASSERT_TRUE(empty->step());
  EXPECT_EQ(empty->column_int(0), 0);
  EXPECT_EQ(empty->column_int(1), 0);
}

TEST(SqliteDb, GarbageImageIsCorrupted) {
  std::vector<std::uint8_t> garbage(4096, 0x5a);
  try {
    Database db = Database::open(std::span<const std::uint8_t>(garbage));
    db.query_text("SELECT count(*) FROM sqlite_schema");
    ADD_FAILURE() << "garbage was accepted as a database";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::corrupted);
  }
}

// An image in memory, read through the paged VFS; counts what was read and can fail one page.
class CountingSource final : public ImageSource {
 public:
  explicit CountingSource(PlainBytes image) : m_image(std::move(image)) {}
  std::uint64_t size() const override { return m_image.size(); }
  void read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (failing_from && offset >= *failing_from) {
      throw Error(ErrorCode::corrupted,
                  "test image: page at " + std::to_string(offset) + " is damaged");
    }
    std::memcpy(out.data(), m_image.data() + offset, out.size());
    bytes_read += out.size();
  }
  std::uint64_t bytes_read = 0;
  std::optional<std::uint64_t> failing_from;

 private:
  PlainBytes m_image;
};

// A 4 MB database of 2,000 rows with an index on `k`.
PlainBytes sample_image() {
  Database db = Database::open();
  db.exec(
      "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, body TEXT); CREATE INDEX t_by_k ON t(k);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
      " INSERT INTO t SELECT i, 'key' || i, hex(randomblob(1000)) FROM n;");
  return db.serialize();
}

TEST(SqliteDb, PagedDatabaseReadsOnlyThePagesAQueryNeeds) {
  auto source = std::make_shared<CountingSource>(sample_image());
  const std::uint64_t image_size = source->size();
  Database db = Database::open_paged(source);
  expect_hardened(db);
  EXPECT_EQ(db.query_text("SELECT length(body) FROM t WHERE k = 'key1234'"), "2000");
  // The schema, two index pages and the row's pages: a small fraction of the image.
  EXPECT_GT(source->bytes_read, 0u);
  EXPECT_LT(source->bytes_read * 20, image_size);
  EXPECT_EQ(db.query_text("SELECT count(*) FROM t"), "2000");
}

TEST(SqliteDb, PagedDatabaseRefusesWritesAndFiles) {
  ScopedWorkingDir cwd;
  Database db = Database::open_paged(std::make_shared<CountingSource>(sample_image()));
  EXPECT_THROW(db.exec("INSERT INTO t(k, body) VALUES ('new', '')"), Error);
  EXPECT_THROW(db.exec("ATTACH DATABASE 'leak.db' AS leak"), Error);
  // Temporary data stays in memory: a large sort writes no file.
  auto q = db.query(kLargeSort);
  ASSERT_TRUE(q->step());
  EXPECT_TRUE(open_files_under(temp_dir()).empty());
  EXPECT_TRUE(open_files_under(cwd.path()).empty());
  EXPECT_TRUE(entries_of(cwd.path()).empty());
  EXPECT_EQ(db.query_text("SELECT count(*) FROM t"), "2000");
}

TEST(SqliteDb, PagedReadFailureComesOutAsTheSourcesError) {
  auto source = std::make_shared<CountingSource>(sample_image());
  Database db = Database::open_paged(source);
  ASSERT_EQ(db.query_text("SELECT count(*) FROM sqlite_schema"), "2");
  // Every page but the first (the schema, already read) fails: the query that needs one fails
  // with the source's own error, not SQLite's generic one.
  source->failing_from = 4096;
  try {
    db.query_text("SELECT sum(length(body)) FROM t");
    ADD_FAILURE() << "a damaged page was read without error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::corrupted);
    EXPECT_NE(std::string(error.what()).find("test image: page at"), std::string::npos)
        << error.what();
  }
}

TEST(SqliteDb, PagedGarbageIsCorrupted) {
  PlainBytes garbage(8192);
  std::memset(garbage.data(), 0x5a, garbage.size());
  try {
    Database db = Database::open_paged(std::make_shared<CountingSource>(std::move(garbage)));
    db.query_text("SELECT count(*) FROM sqlite_schema");
    ADD_FAILURE() << "garbage was accepted as a database";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::corrupted);
  }
}

}  // namespace
}  // namespace dmvault::catalog::sql
