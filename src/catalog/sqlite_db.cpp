#include "catalog/sqlite_db.hpp"

#include "dmvault/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string.h>  // explicit_bzero
#include <utility>

namespace dmvault::catalog::sql {

namespace {

// --- The zeroing allocator ------------------------------------------------------------------
// Every block carries its size in a header so that free can wipe the whole block. The header is
// as large as malloc's alignment so the pointer SQLite receives keeps that alignment.
constexpr std::size_t kHeader = 16;
static_assert(kHeader >= sizeof(std::size_t) && kHeader % alignof(std::max_align_t) == 0);

std::size_t block_size(void* p) {
  std::size_t size = 0;
  std::memcpy(&size, static_cast<unsigned char*>(p) - kHeader, sizeof size);
  return size;
}

void* zeroing_malloc(int n) {
  if (n <= 0) return nullptr;
  const auto size = static_cast<std::size_t>(n);
  auto* block = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (block == nullptr) return nullptr;
  std::memcpy(block, &size, sizeof size);
  return block + kHeader;
}

void zeroing_free(void* p) {
  if (p == nullptr) return;
  auto* block = static_cast<unsigned char*>(p) - kHeader;
  explicit_bzero(block, block_size(p) + kHeader);
  std::free(block);
}

// Never realloc in place: libc would free (unwiped) the old block when it moves it.
void* zeroing_realloc(void* p, int n) {
  if (p == nullptr) return zeroing_malloc(n);
  if (n <= 0) {
    zeroing_free(p);
    return nullptr;
  }
  void* fresh = zeroing_malloc(n);
  if (fresh == nullptr) return nullptr;  // the old block stays valid, as realloc promises
  std::memcpy(fresh, p, std::min(block_size(p), static_cast<std::size_t>(n)));
  zeroing_free(p);
  return fresh;
}

int zeroing_size(void* p) { return p == nullptr ? 0 : static_cast<int>(block_size(p)); }
int zeroing_roundup(int n) { return (n + 7) & ~7; }
int zeroing_init(void*) { return SQLITE_OK; }
void zeroing_shutdown(void*) {}

sqlite3_mem_methods zeroing_methods = {zeroing_malloc,   zeroing_free,    zeroing_realloc,
                                       zeroing_size,     zeroing_roundup, zeroing_init,
                                       zeroing_shutdown, nullptr};

// --- The no-file VFS ------------------------------------------------------------------------
// Refuses every file; time, randomness and sleep come from the platform's default VFS.
constexpr const char* kVfsName = "dmvault-nofile";

sqlite3_vfs* base_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int nofile_open(sqlite3_vfs*, sqlite3_filename, sqlite3_file* file, int, int*) {
  file->pMethods = nullptr;
  return SQLITE_CANTOPEN;
}
int nofile_delete(sqlite3_vfs*, const char*, int) { return SQLITE_IOERR_DELETE; }
int nofile_access(sqlite3_vfs*, const char*, int, int* result) {
  *result = 0;
  return SQLITE_OK;
}
int nofile_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  if (size <= 0) return SQLITE_CANTOPEN;
  sqlite3_snprintf(size, out, "%s", name);
  return SQLITE_OK;
}
void* nofile_dlopen(sqlite3_vfs*, const char*) { return nullptr; }
void nofile_dlerror(sqlite3_vfs*, int size, char* out) {
  if (size > 0) sqlite3_snprintf(size, out, "%s", "extensions are disabled");
}
void (*nofile_dlsym(sqlite3_vfs*, void*, const char*))(void) { return nullptr; }
void nofile_dlclose(sqlite3_vfs*, void*) {}
int nofile_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return base_vfs(vfs)->xRandomness(base_vfs(vfs), size, out);
}
int nofile_sleep(sqlite3_vfs* vfs, int microseconds) {
  return base_vfs(vfs)->xSleep(base_vfs(vfs), microseconds);
}
int nofile_current_time(sqlite3_vfs* vfs, double* now) {
  return base_vfs(vfs)->xCurrentTime(base_vfs(vfs), now);
}
int nofile_last_error(sqlite3_vfs*, int size, char* out) {
  if (size > 0) out[0] = '\0';
  return 0;
}
int nofile_current_time64(sqlite3_vfs* vfs, sqlite3_int64* now) {
  sqlite3_vfs* base = base_vfs(vfs);
  if (base->iVersion >= 2 && base->xCurrentTimeInt64 != nullptr) {
    return base->xCurrentTimeInt64(base, now);
  }
  double days = 0;
  const int rc = base->xCurrentTime(base, &days);
  *now = static_cast<sqlite3_int64>(days * 86'400'000.0);
  return rc;
}

sqlite3_vfs nofile_vfs = {2,
                          sizeof(sqlite3_file),
                          512,
                          nullptr,
                          kVfsName,
                          nullptr,
                          nofile_open,
                          nofile_delete,
                          nofile_access,
                          nofile_full_pathname,
                          nofile_dlopen,
                          nofile_dlerror,
                          nofile_dlsym,
                          nofile_dlclose,
                          nofile_randomness,
                          nofile_sleep,
                          nofile_current_time,
                          nofile_last_error,
                          nofile_current_time64,
                          nullptr,
                          nullptr,
                          nullptr};

// How large a loaded (deserialized) catalog may grow. A deserialized database is one block of
// SQLite's memory, and SQLite allocates no block of 2 GiB or more (0x7fffff00 bytes): the limit
// sits just below that, so that SQLite's doubling growth stops there instead of failing.
constexpr sqlite3_int64 kMaxLoadedCatalog = 0x7fff0000;

// The page cache of a scratch catalog (negative: KiB): large enough that an import's inserts
// mostly hit it, small enough that the import's memory stays flat in the catalog's size.
constexpr const char* kScratchCacheSize = "PRAGMA cache_size=-65536";

// --- The paged VFS -------------------------------------------------------------------------
// The main file of a paged connection is an catalog::ImageSource: read-only, immutable (no locks,
// no journal, no change counter to watch), answered from the source page by page. Any other file
// (journal, temporary, spill) is refused like on the no-file VFS. Which source a new connection
// reads is handed over in a thread-local slot for the length of sqlite3_open_v2, which opens the
// main file before it returns.
constexpr const char* kPagedVfsName = "dmvault-paged";
thread_local catalog::ImageSource* t_opening_source = nullptr;

struct PagedFile {
  sqlite3_file base;
  catalog::ImageSource* source;
  // The Error a read threw, rethrown by fail() in place of SQLite's generic I/O error.
  std::optional<Error>* pending;
};

// What the paged and the scratch file handles share: the handle holds its object (`Object`, a
// member pointer) and the Error an operation threw, which fail() rethrows in place of SQLite's
// generic I/O error.

// Runs `op` on the handle's object; an Error is kept and SQLite gets `failure`.
template <typename Handle, auto Object, typename Op>
int call_keeping_error(sqlite3_file* file, int failure, Op&& op) {
  auto* handle = reinterpret_cast<Handle*>(file);
  try {
    op(*(handle->*Object));
    return SQLITE_OK;
  } catch (const Error& error) {
    *handle->pending = error;
    return failure;
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
}

template <typename Handle>
int close_handle(sqlite3_file* file) {
  auto* handle = reinterpret_cast<Handle*>(file);
  delete handle->pending;
  handle->pending = nullptr;
  return SQLITE_OK;
}

// xRead from the handle's object; past its end, the bytes read as zeros (a short read).
template <typename Handle, auto Object>
int read_handle(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  if (amount < 0 || offset < 0) return SQLITE_IOERR_READ;
  auto* out = static_cast<std::uint8_t*>(buffer);
  const auto begin = static_cast<std::uint64_t>(offset);
  const auto wanted = static_cast<std::uint64_t>(amount);
  std::uint64_t available = 0;
  const int rc = call_keeping_error<Handle, Object>(file, SQLITE_IOERR_READ, [&](auto& object) {
    const std::uint64_t size = object.size();
    available = begin >= size ? 0 : std::min(wanted, size - begin);
    if (available > 0) object.read(begin, {out, static_cast<std::size_t>(available)});
  });
  if (rc != SQLITE_OK) return rc;
  if (available < wanted) {
    // SQLite requires the missing part zeroed on a short read.
    std::memset(out + available, 0, static_cast<std::size_t>(wanted - available));
    return SQLITE_IOERR_SHORT_READ;
  }
  return SQLITE_OK;
}

constexpr auto paged_close = close_handle<PagedFile>;
constexpr auto paged_read = read_handle<PagedFile, &PagedFile::source>;

int paged_write(sqlite3_file*, const void*, int, sqlite3_int64) { return SQLITE_READONLY; }
int paged_truncate(sqlite3_file*, sqlite3_int64) { return SQLITE_READONLY; }
int paged_sync(sqlite3_file*, int) { return SQLITE_OK; }
int paged_file_size(sqlite3_file* file, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(reinterpret_cast<PagedFile*>(file)->source->size());
  return SQLITE_OK;
}
int paged_lock(sqlite3_file*, int) { return SQLITE_OK; }
int paged_check_reserved_lock(sqlite3_file*, int* reserved) {
  *reserved = 0;
  return SQLITE_OK;
}
int paged_file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int paged_sector_size(sqlite3_file*) { return 4096; }
int paged_device_characteristics(sqlite3_file*) { return SQLITE_IOCAP_IMMUTABLE; }

const sqlite3_io_methods paged_methods = {1,
                                          paged_close,
                                          paged_read,
                                          paged_write,
                                          paged_truncate,
                                          paged_sync,
                                          paged_file_size,
                                          paged_lock,
                                          paged_lock,
                                          paged_check_reserved_lock,
                                          paged_file_control,
                                          paged_sector_size,
                                          paged_device_characteristics,
                                          nullptr,
                                          nullptr,
                                          nullptr,
                                          nullptr,
                                          nullptr,
                                          nullptr};

// Opens the main file of a connection over an object handed over in `slot` for the length of
// sqlite3_open_v2 (which opens the main file before it returns); any other file is refused.
template <typename Handle, typename Object>
int open_handed_over(sqlite3_file* file, int flags, int* out_flags, Object*& slot,
                     Object* Handle::*object, const sqlite3_io_methods* methods, int opened) {
  file->pMethods = nullptr;
  if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || slot == nullptr) return SQLITE_CANTOPEN;
  auto* handle = reinterpret_cast<Handle*>(file);
  handle->pending = new (std::nothrow) std::optional<Error>();
  if (handle->pending == nullptr) return SQLITE_NOMEM;
  handle->*object = std::exchange(slot, nullptr);
  handle->base.pMethods = methods;
  if (out_flags != nullptr) *out_flags = opened | SQLITE_OPEN_MAIN_DB;
  return SQLITE_OK;
}

int paged_open(sqlite3_vfs*, sqlite3_filename, sqlite3_file* file, int flags, int* out_flags) {
  return open_handed_over(file, flags, out_flags, t_opening_source, &PagedFile::source,
                          &paged_methods, SQLITE_OPEN_READONLY);
}

// The no-file VFS with its own xOpen and file size (set up in initialize_once).
sqlite3_vfs paged_vfs;

// --- The scratch VFS ------------------------------------------------------------------------
// The main file of a scratch connection is a catalog::ScratchFile: read and written page by page,
// so that the connection keeps only its page cache in memory. Any other file is refused like on
// the no-file VFS (the journal is off: a scratch catalog is thrown away when its run fails).
constexpr const char* kScratchVfsName = "dmvault-scratch";
thread_local catalog::ScratchFile* t_opening_scratch = nullptr;

struct ScratchHandle {
  sqlite3_file base;
  catalog::ScratchFile* file;
  std::optional<Error>* pending;  // as PagedFile::pending
};

template <typename F>
int scratch_call(sqlite3_file* file, int failure, F&& op) {
  return call_keeping_error<ScratchHandle, &ScratchHandle::file>(file, failure,
                                                                 std::forward<F>(op));
}

constexpr auto scratch_close = close_handle<ScratchHandle>;
constexpr auto scratch_read = read_handle<ScratchHandle, &ScratchHandle::file>;

int scratch_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (amount < 0 || offset < 0) return SQLITE_IOERR_WRITE;
  return scratch_call(file, SQLITE_IOERR_WRITE, [&](catalog::ScratchFile& scratch) {
    scratch.write(static_cast<std::uint64_t>(offset),
                  {static_cast<const std::uint8_t*>(buffer), static_cast<std::size_t>(amount)});
  });
}

int scratch_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (size < 0) return SQLITE_IOERR_TRUNCATE;
  return scratch_call(file, SQLITE_IOERR_TRUNCATE, [&](catalog::ScratchFile& scratch) {
    scratch.truncate(static_cast<std::uint64_t>(size));
  });
}

int scratch_file_size(sqlite3_file* file, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(reinterpret_cast<ScratchHandle*>(file)->file->size());
  return SQLITE_OK;
}
int scratch_device_characteristics(sqlite3_file*) {
  return SQLITE_IOCAP_ATOMIC4K | SQLITE_IOCAP_SAFE_APPEND | SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

const sqlite3_io_methods scratch_methods = {1,
                                            scratch_close,
                                            scratch_read,
                                            scratch_write,
                                            scratch_truncate,
                                            paged_sync,
                                            scratch_file_size,
                                            paged_lock,
                                            paged_lock,
                                            paged_check_reserved_lock,
                                            paged_file_control,
                                            paged_sector_size,
                                            scratch_device_characteristics,
                                            nullptr,
                                            nullptr,
                                            nullptr,
                                            nullptr,
                                            nullptr,
                                            nullptr};

int scratch_open(sqlite3_vfs*, sqlite3_filename, sqlite3_file* file, int flags, int* out_flags) {
  return open_handed_over(file, flags, out_flags, t_opening_scratch, &ScratchHandle::file,
                          &scratch_methods, SQLITE_OPEN_READWRITE);
}

sqlite3_vfs scratch_vfs;

// The Error a paged read stored for `db`'s main file, taken (empty for any other connection).
std::optional<Error> take_paged_error(sqlite3* db) {
  if (db == nullptr) return std::nullopt;
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr) {
    return std::nullopt;
  }
  std::optional<Error>* pending = nullptr;
  if (file->pMethods == &paged_methods) pending = reinterpret_cast<PagedFile*>(file)->pending;
  if (file->pMethods == &scratch_methods) pending = reinterpret_cast<ScratchHandle*>(file)->pending;
  if (pending == nullptr) return std::nullopt;
  return std::exchange(*pending, std::nullopt);
}

// Throws for a failed open of a paged or scratch connection: the Error its file stored first.
[[noreturn]] void open_failed(sqlite3* handle, int rc, const char* what, ErrorCode code) {
  if (std::optional<Error> cause = take_paged_error(handle)) throw std::move(*cause);
  std::string message = "catalog: cannot open ";
  message += what;
  message += ": ";
  message += handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
  throw Error(code, std::move(message));
}

bool g_zeroing = false;
int g_init_rc = SQLITE_OK;

void initialize_once() {
  // Refused with SQLITE_MISUSE when SQLite is already initialised: see the header.
  g_zeroing = sqlite3_config(SQLITE_CONFIG_MALLOC, &zeroing_methods) == SQLITE_OK;
  if (g_zeroing) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  g_init_rc = sqlite3_initialize();
  if (g_init_rc != SQLITE_OK) return;
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr) {
    g_init_rc = SQLITE_ERROR;
    return;
  }
  nofile_vfs.pAppData = base;
  paged_vfs = nofile_vfs;
  paged_vfs.szOsFile = sizeof(PagedFile);
  paged_vfs.zName = kPagedVfsName;
  paged_vfs.xOpen = paged_open;
  scratch_vfs = nofile_vfs;
  scratch_vfs.szOsFile = sizeof(ScratchHandle);
  scratch_vfs.zName = kScratchVfsName;
  scratch_vfs.xOpen = scratch_open;
  g_init_rc = sqlite3_vfs_register(&nofile_vfs, 0);
  if (g_init_rc == SQLITE_OK) g_init_rc = sqlite3_vfs_register(&paged_vfs, 0);
  if (g_init_rc == SQLITE_OK) g_init_rc = sqlite3_vfs_register(&scratch_vfs, 0);
}

bool is_io_failure(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOMEM:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_TOOBIG:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return true;
    default:
      return false;
  }
}

// Sets one connection setting and reads it back; fail closed when it does not hold.
void apply_setting(sqlite3* db, int op, int value) {
  int now = -1;
  const int rc = sqlite3_db_config(db, op, value, &now);
  if (rc != SQLITE_OK) fail(db, rc, "configuring the catalog database");
  if (now != value) throw Error(ErrorCode::io, "catalog: SQLite refused a hardening setting");
}

// The Database's connection settings.
void harden_connection(sqlite3* db) {
  struct Setting {
    int op;
    int value;
  };
  constexpr Setting kSettings[] = {
      {SQLITE_DBCONFIG_DEFENSIVE, 1},
      {SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0},
      {SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0},
      // The catalog uses no trigger; one in a loaded image would run our writes through it.
      {SQLITE_DBCONFIG_ENABLE_TRIGGER, 0},
  };
  for (const Setting& setting : kSettings) apply_setting(db, setting.op, setting.value);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
}

}  // namespace

bool initialize() {
  static std::once_flag once;
  std::call_once(once, initialize_once);
  if (g_init_rc != SQLITE_OK) {
    throw Error(ErrorCode::io,
                std::string("catalog: cannot initialise SQLite: ") + sqlite3_errstr(g_init_rc));
  }
  return g_zeroing;
}

void fail(sqlite3* db, int rc, std::string_view what) {
  if (std::optional<Error> cause = take_paged_error(db)) throw std::move(*cause);
  if ((rc & 0xff) == SQLITE_FULL) {
    // Only an in-memory catalog at its largest can be full: nothing here has a file.
    throw Error(ErrorCode::io,
                "catalog: " + std::string(what) +
                    ": the catalog has reached the 2 GiB that SQLite holds in one block of "
                    "memory (about 1.4 million messages)",
                "nothing was stored; import the rest into a second vault");
  }
  std::string message = "catalog: ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw Error(is_io_failure(rc) ? ErrorCode::io : ErrorCode::corrupted, std::move(message));
}

// --- Statement ------------------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql) : m_db(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    fail(db, rc, "preparing a query");
  }
}

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(m_stmt);
    m_db = std::exchange(other.m_db, nullptr);
    m_stmt = std::exchange(other.m_stmt, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

void Statement::bind_int(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK) fail(m_db, rc, "binding a query parameter");
}

void Statement::bind_optional_int(int index, std::optional<std::int64_t> value) {
  if (value) {
    bind_int(index, *value);
  } else {
    bind_null(index);
  }
}

void Statement::bind_text(int index, std::string_view value) {
  // A null pointer would bind SQL NULL, not an empty string.
  const char* data = value.empty() ? "" : value.data();
  const int rc =
      sqlite3_bind_text64(m_stmt, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(m_db, rc, "binding a query parameter");
}

void Statement::bind_text_unowned(int index, std::string_view value) {
  const char* data = value.empty() ? "" : value.data();
  const int rc = sqlite3_bind_text64(m_stmt, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(m_db, rc, "binding a query parameter");
}

void Statement::bind_optional_text(int index, const std::optional<std::string>& value) {
  if (value) {
    bind_text(index, *value);
  } else {
    bind_null(index);
  }
}

void Statement::bind_blob(int index, std::span<const std::uint8_t> value) {
  const int rc = value.empty() ? sqlite3_bind_zeroblob(m_stmt, index, 0)
                               : sqlite3_bind_blob64(m_stmt, index, value.data(), value.size(),
                                                     SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(m_db, rc, "binding a query parameter");
}

void Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(m_stmt, index);
  if (rc != SQLITE_OK) fail(m_db, rc, "binding a query parameter");
}

bool Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(m_db, rc, "query failed");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() noexcept {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column));
  return {reinterpret_cast<const char*>(text), size};
}

std::span<const std::uint8_t> Statement::column_blob(int column) const {
  const void* blob = sqlite3_column_blob(m_stmt, column);
  if (blob == nullptr) return {};
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column));
  return {static_cast<const std::uint8_t*>(blob), size};
}

// --- Database -------------------------------------------------------------------------------

Database Database::open_read_only(std::span<const std::uint8_t> image) {
  Database db = open();
  if (image.empty()) throw Error(ErrorCode::corrupted, "catalog is damaged: it is empty");
  const auto size = static_cast<sqlite3_int64>(image.size());
  // SQLITE_DESERIALIZE_READONLY: SQLite never writes to the buffer, so dropping const is sound.
  const int drc = sqlite3_deserialize(db.m_db, "main", const_cast<unsigned char*>(image.data()),
                                      size, size, SQLITE_DESERIALIZE_READONLY);
  if (drc != SQLITE_OK) fail(db.m_db, drc, "loading the catalog");
  // A deserialize replaces the main schema's pager: apply the connection settings again.
  db.apply_memory_settings();
  return db;
}

Database Database::open_paged(std::shared_ptr<catalog::ImageSource> source) {
  initialize();
  if (source == nullptr || source->size() == 0) {
    throw Error(ErrorCode::corrupted, "catalog is damaged: it is empty");
  }
  sqlite3* handle = nullptr;
  const int flags =
      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  t_opening_source = source.get();
  const int rc = sqlite3_open_v2("file:catalog?immutable=1", &handle, flags, kPagedVfsName);
  t_opening_source = nullptr;
  Database db(handle);
  db.m_source = std::move(source);
  if (rc != SQLITE_OK) {
    open_failed(handle, rc, "the catalog",
                is_io_failure(rc) ? ErrorCode::io : ErrorCode::corrupted);
  }
  harden_connection(handle);
  db.apply_memory_settings();
  // Pages come from the source's decrypted chunks; SQLite keeps the hot ones parsed (32 MiB).
  db.exec("PRAGMA cache_size=-32768");
  return db;
}

Database Database::open_scratch(std::shared_ptr<catalog::ScratchFile> file) {
  initialize();
  if (file == nullptr) throw std::logic_error("catalog: open_scratch without a file");
  sqlite3* handle = nullptr;
  // URI filenames: attach_scratch names the VFS in one.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                    SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI;
  t_opening_scratch = file.get();
  const int rc = sqlite3_open_v2("catalog", &handle, flags, kScratchVfsName);
  t_opening_scratch = nullptr;
  Database db(handle);
  db.m_scratch = std::move(file);
  if (rc != SQLITE_OK) open_failed(handle, rc, "the catalog's scratch file", ErrorCode::io);
  // No journal: a run that fails throws the whole scratch catalog away (it was never stored),
  // so a rollback journal would only copy every changed page, in memory. The page cache is
  // bounded: that is the point of the scratch file. Set before the hardening, since defensive
  // mode ignores journal_mode=OFF.
  db.exec(
      "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
      " PRAGMA temp_store=MEMORY; PRAGMA secure_delete=ON;");
  harden_connection(handle);
  db.exec(kScratchCacheSize);
  if (db.query_text("PRAGMA temp_store") != "2" || db.query_text("PRAGMA journal_mode") != "off" ||
      db.query_text("PRAGMA secure_delete") != "1") {
    throw Error(ErrorCode::io, "catalog: SQLite refused the scratch catalog's settings");
  }
  return db;
}

bool Database::has_scratch() const noexcept { return m_scratch != nullptr; }

Database Database::open(std::optional<std::span<const std::uint8_t>> image) {
  initialize();
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_MEMORY | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_URI;
  const int rc = sqlite3_open_v2(":memory:", &handle, flags, kVfsName);
  if (rc != SQLITE_OK) {
    // Even a failed open returns a handle (for its message) unless memory ran out.
    std::string message = "catalog: cannot open an in-memory database: ";
    message += handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    throw Error(ErrorCode::io, std::move(message));
  }
  Database db(handle);
  harden_connection(handle);

  if (image) {
    if (image->empty()) throw Error(ErrorCode::corrupted, "catalog is damaged: it is empty");
    // SQLite owns (and, through the zeroing allocator, wipes) its copy; it may grow it.
    auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(image->size()));
    if (copy == nullptr) throw Error(ErrorCode::io, "catalog: out of memory loading the catalog");
    std::memcpy(copy, image->data(), image->size());
    const auto size = static_cast<sqlite3_int64>(image->size());
    const int drc = sqlite3_deserialize(
        handle, "main", copy, size, size,
        SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);  // frees on failure too
    if (drc != SQLITE_OK) fail(handle, drc, "loading the catalog");
    // A deserialized database may grow only to SQLite's memdb limit, by default the larger of
    // 1 GiB and the image: a catalog past that (some 700,000 messages) refused every further
    // import with "database or disk is full".
    sqlite3_int64 limit = kMaxLoadedCatalog;
    const int lrc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit);
    if (lrc != SQLITE_OK) fail(handle, lrc, "lifting the catalog's size limit");
  }

  db.apply_memory_settings();
  return db;
}

void Database::apply_memory_settings() {
  exec("PRAGMA temp_store=MEMORY; PRAGMA journal_mode=MEMORY; PRAGMA secure_delete=ON;");
  if (query_text("PRAGMA temp_store") != "2" || query_text("PRAGMA journal_mode") != "memory" ||
      query_text("PRAGMA secure_delete") != "1") {
    throw Error(ErrorCode::io, "catalog: SQLite refused to keep its temporary data in memory");
  }
}

Database::Database(Database&& other) noexcept
    : m_source(std::move(other.m_source)),
      m_scratch(std::move(other.m_scratch)),
      m_attached(std::move(other.m_attached)),
      m_db(std::exchange(other.m_db, nullptr)),
      m_cache(std::move(other.m_cache)) {
  other.m_cache.clear();
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    m_source = std::move(other.m_source);
    m_scratch = std::move(other.m_scratch);
    m_attached = std::move(other.m_attached);
    m_db = std::exchange(other.m_db, nullptr);
    m_cache = std::move(other.m_cache);
    other.m_cache.clear();
  }
  return *this;
}

Database::~Database() { close(); }

void Database::close() noexcept {
  m_cache.clear();  // statements first: they belong to the connection
  if (m_db != nullptr) sqlite3_close_v2(m_db);
  m_db = nullptr;
  m_source.reset();
  m_scratch.reset();
  m_attached.clear();
}

void Database::exec(const char* sql) {
  const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(m_db, rc, "query failed");
}

Query Database::query(std::string_view sql) {
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    it = m_cache.emplace(sql, std::make_unique<Statement>(m_db, sql)).first;
  }
  return Query(*it->second);
}

std::string Database::query_text(const char* sql) {
  Statement statement(m_db, sql);
  return statement.step() ? statement.column_text(0) : std::string();
}

void Database::set_defensive(bool on) {
  apply_setting(m_db, SQLITE_DBCONFIG_DEFENSIVE, on ? 1 : 0);
}

void Database::attach_scratch(std::shared_ptr<catalog::ScratchFile> file, const std::string& name) {
  if (file == nullptr) throw std::logic_error("catalog: attach_scratch without a file");
  sqlite3_limit(m_db, SQLITE_LIMIT_ATTACHED, static_cast<int>(m_attached.size()) + 1);
  // The URI names the scratch VFS, which opens the file handed over here, whatever VFS the
  // connection's own main file is on; mode=rw, or an in-memory connection would attach an
  // empty database in memory.
  Statement attach(
      m_db, "ATTACH 'file:attached?mode=rw&vfs=" + std::string(kScratchVfsName) + "' AS " + name);
  t_opening_scratch = file.get();
  try {
    attach.run();
  } catch (...) {
    t_opening_scratch = nullptr;
    sqlite3_limit(m_db, SQLITE_LIMIT_ATTACHED, static_cast<int>(m_attached.size()));
    throw;
  }
  t_opening_scratch = nullptr;
  m_attached.emplace_back(name, std::move(file));
}

void Database::detach(const std::string& name) {
  const auto it = std::find_if(m_attached.begin(), m_attached.end(),
                               [&](const auto& attached) { return attached.first == name; });
  if (it == m_attached.end()) return;
  Statement(m_db, "DETACH " + name).run();
  m_attached.erase(it);
  sqlite3_limit(m_db, SQLITE_LIMIT_ATTACHED, static_cast<int>(m_attached.size()));
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db); }

std::int64_t Database::changes() const { return sqlite3_changes64(m_db); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(m_db) == 0; }

void Database::stream_image(const std::function<void(std::span<const std::uint8_t>)>& sink) {
  if (m_scratch == nullptr) {
    with_image(sink);
    return;
  }
  if (in_transaction()) throw std::logic_error("catalog: stream_image inside a transaction");
  // Everything is in the file once the last transaction committed (journal off, no WAL).
  PlainBytes piece(std::size_t{1} << 20);
  const std::uint64_t size = m_scratch->size();
  for (std::uint64_t at = 0; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), size - at));
    m_scratch->read(at, piece.span().first(n));
    sink(piece.span().first(n));
    at += n;
  }
}

void Database::with_image(const std::function<void(std::span<const std::uint8_t>)>& use) {
  if (m_scratch != nullptr) throw std::logic_error("catalog: with_image on a scratch catalog");
  sqlite3_int64 size = 0;
  // A deserialized (memdb) database hands out its own buffer; a fresh ":memory:" one only a copy,
  // which is wiped and freed once used.
  if (const unsigned char* own = sqlite3_serialize(m_db, "main", &size, SQLITE_SERIALIZE_NOCOPY);
      own != nullptr) {
    use({own, static_cast<std::size_t>(size)});
    return;
  }
  unsigned char* copy = sqlite3_serialize(m_db, "main", &size, 0);
  if (copy == nullptr || size < 0) {
    sqlite3_free(copy);
    throw Error(ErrorCode::io, "catalog: cannot serialize the catalog (out of memory)");
  }
  struct Release {
    unsigned char* bytes;
    std::size_t size;
    ~Release() {
      explicit_bzero(bytes, size);
      sqlite3_free(bytes);
    }
  } release{copy, static_cast<std::size_t>(size)};
  use({copy, static_cast<std::size_t>(size)});
}

PlainBytes Database::serialize() {
  PlainBytes out;
  if (m_scratch != nullptr) {
    out = PlainBytes(static_cast<std::size_t>(m_scratch->size()));
    std::size_t at = 0;
    stream_image([&](std::span<const std::uint8_t> piece) {
      std::memcpy(out.data() + at, piece.data(), piece.size());
      at += piece.size();
    });
    return out;
  }
  with_image([&](std::span<const std::uint8_t> image) {
    out = PlainBytes(image.size());
    std::memcpy(out.data(), image.data(), image.size());
  });
  return out;
}

}  // namespace dmvault::catalog::sql
