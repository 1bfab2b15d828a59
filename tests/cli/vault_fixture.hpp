// A fresh vault for the suites that run the real binary: a temporary folder (removed with the
// fixture), a passphrase file only its owner can read, `init` with the fast KDF, and commands run
// with that passphrase file in a controlled environment.
#pragma once

#include "cli/run_process.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dmvault::testing {

// The repository's tests/data (golden exports).
inline const std::filesystem::path kTestData =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "tests/data";

// A folder made with mkdtemp, removed with everything in it when the object goes.
class TempDir {
 public:
  // The folder is <temp>/dmvault-<tag>-XXXXXX.
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// A number member of the JSON object `json` (one line of --json output); throws when absent.
std::uint64_t json_uint(const std::string& json, const char* key);

class VaultFixture {
 public:
  // Creates the folder and the passphrase file, then the vault (throws when init fails, which
  // fails the test that made the fixture). `env` is the environment every command gets.
  explicit VaultFixture(const std::string& tag,
                        std::map<std::string, std::string> env = {{"TZ", "UTC"}});

  const std::filesystem::path& dir() const { return m_dir.path(); }
  const std::filesystem::path& vault() const { return m_vault; }
  const std::filesystem::path& pass() const { return m_pass; }

  // `init` of another vault with the same passphrase.
  ProcessResult init(const std::filesystem::path& vault) const;
  // The binary with `args` and --passphrase-file.
  ProcessResult dm(std::vector<std::string> args) const;
  // `import <vault> <export> --json` plus `extra`.
  ProcessResult import(const std::filesystem::path& export_path,
                       const std::vector<std::string>& extra = {}) const;
  // `info <vault> --json`.
  ProcessResult info() const;
  // What `search <vault> <query> --count` prints ("3\n").
  std::string count(const std::string& query) const;

 private:
  TempDir m_dir;
  std::map<std::string, std::string> m_env;
  std::filesystem::path m_vault;
  std::filesystem::path m_pass;
};

}  // namespace dmvault::testing
