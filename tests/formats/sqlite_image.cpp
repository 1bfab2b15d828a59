#include "formats/sqlite_image.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace dmvault::test {

std::string sqlite_image(const std::string& sql) {
  sqlite3* raw_db = nullptr;
  if (sqlite3_open(":memory:", &raw_db) != SQLITE_OK) {
    sqlite3_close(raw_db);
    throw std::runtime_error("sqlite_image: cannot open an in-memory database");
  }
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw_db, sqlite3_close);
  char* error = nullptr;
  if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string what = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("sqlite_image: " + what);
  }
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db.get(), "main", &size, 0);
  if (bytes == nullptr) throw std::runtime_error("sqlite_image: cannot serialise");
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  return out;
}

}  // namespace dmvault::test
