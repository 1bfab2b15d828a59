// Every catalog test runs with TMPDIR (and SQLITE_TMPDIR) pointing at a fresh, empty folder set
// before SQLite first reads them, and fails at the end if anything was left in it: nothing the
// catalog does may write a temporary file (DESIGN §2, invariant 4).
#pragma once

#include <filesystem>
#include <vector>

namespace dmvault::catalog::testing {

// The folder TMPDIR points at during the tests.
const std::filesystem::path& temp_dir();

// Names in `dir` (empty when it is empty).
std::vector<std::filesystem::path> entries_of(const std::filesystem::path& dir);

// Files this process holds open whose path lies under `dir` (deleted ones included: SQLite
// unlinks its temporary files as soon as it has opened them).
std::vector<std::filesystem::path> open_files_under(const std::filesystem::path& dir);

// Makes a fresh empty folder the working directory for its lifetime.
class ScopedWorkingDir {
 public:
  ScopedWorkingDir();
  ScopedWorkingDir(const ScopedWorkingDir&) = delete;
  ScopedWorkingDir& operator=(const ScopedWorkingDir&) = delete;
  ~ScopedWorkingDir();
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_previous;
  std::filesystem::path m_path;
};

}  // namespace dmvault::catalog::testing
