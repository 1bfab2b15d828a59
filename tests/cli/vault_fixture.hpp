// A fresh vault for the suites that run the real binary: a temporary folder (removed with the
// fixture), a passphrase file only its owner can read, `init` with the fast KDF, and commands run
// with that passphrase file in a controlled environment.
#pragma once

#include "cli/run_process.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
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

// The lines of `text` (--json output has one object a line), without their '\n'.
std::vector<std::string> lines_of(const std::string& text);

// A number member of the JSON object `json` (one line of --json output); throws when absent.
std::uint64_t json_uint(const std::string& json, const char* key);

// Checks (with GoogleTest assertions) that an `import --json` run succeeded adding `added`
// messages and, when given, finding `duplicate` already there.
void expect_import_adds(const ProcessResult& r, std::uint64_t added,
                        std::optional<std::uint64_t> duplicate = std::nullopt);
// The same, adding `added` messages in `conversations` conversations.
void expect_import_adds_in(const ProcessResult& r, std::uint64_t added,
                           std::uint64_t conversations);

class VaultFixture {
 public:
  // Creates the folder and the passphrase file, then the vault (throws when init fails, which
  // fails the test that made the fixture). `env` is the environment every command gets;
  // `import_args` are added to every import() (a --timezone the suite's exports need).
  explicit VaultFixture(const std::string& tag,
                        std::map<std::string, std::string> env = {{"TZ", "UTC"}},
                        std::vector<std::string> import_args = {});

  const std::filesystem::path& dir() const { return m_dir.path(); }
  const std::filesystem::path& vault() const { return m_vault; }
  const std::filesystem::path& pass() const { return m_pass; }

  // `init` of another vault with the same passphrase.
  ProcessResult init(const std::filesystem::path& vault) const;
  // The binary with `args` and --passphrase-file.
  ProcessResult dm(std::vector<std::string> args) const;
  // `import <vault> <export> --json` plus the fixture's import arguments and `extra`.
  ProcessResult import(const std::filesystem::path& export_path,
                       const std::vector<std::string>& extra = {}) const;
  // The vault file's bytes as they are now.
  std::string vault_bytes() const;
  // `info <vault> --json`.
  ProcessResult info() const;
  // What `search <vault> <query> --count` prints ("3\n").
  std::string count(const std::string& query) const;

  // Imports `export_path` again, after a first import of it: it must succeed adding nothing, and
  // find `duplicate` messages already there when that is given.
  void expect_reimport_adds_nothing(const std::filesystem::path& export_path,
                                    std::optional<std::uint64_t> duplicate = std::nullopt) const;
  // Imports `export_path`, an export with a cut (unparseable) file in an otherwise empty vault:
  // exit 5 (bad input), the error naming `names` (the file) but never `secret` (text from inside
  // it), and nothing imported.
  void expect_cut_file_is_bad_input(const std::filesystem::path& export_path,
                                    const std::string& names, const std::string& secret) const;

 private:
  TempDir m_dir;
  std::map<std::string, std::string> m_env;
  std::vector<std::string> m_import_args;
  std::filesystem::path m_vault;
  std::filesystem::path m_pass;
};

}  // namespace dmvault::testing
