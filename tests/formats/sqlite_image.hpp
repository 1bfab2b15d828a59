// SQLite databases for importer tests, built in memory from SQL and returned as the bytes of a
// database file (what an export holds), so tests need neither the sqlite3 tool nor temp files.
#pragma once

#include <string>

namespace dmvault::test {

// The database file that running `sql` on an empty database gives.
std::string sqlite_image(const std::string& sql);

}  // namespace dmvault::test
