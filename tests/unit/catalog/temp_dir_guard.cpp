#include "temp_dir_guard.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <system_error>

namespace dmvault::catalog::testing {

namespace fs = std::filesystem;

namespace {

// The TMPDIR the tests were started with (read before the environment replaces it).
const std::string& original_tmpdir() {
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    return std::string(base != nullptr && *base != '\0' ? base : "/tmp");
  }();
  return dir;
}

fs::path make_fresh_dir(const char* prefix) {
  std::string pattern = original_tmpdir();
  pattern += "/";
  pattern += prefix;
  pattern += "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "cannot create a temporary folder from " << pattern;
    std::abort();
  }
  return pattern;
}

class TempDirEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    m_dir = make_fresh_dir("dmvault-catalog-tmpdir");
    setenv("TMPDIR", m_dir.c_str(), 1);
    setenv("SQLITE_TMPDIR", m_dir.c_str(), 1);
  }
  void TearDown() override {
    EXPECT_TRUE(entries_of(m_dir).empty()) << "files were left in TMPDIR " << m_dir;
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }
  const fs::path& dir() const { return m_dir; }

 private:
  fs::path m_dir;
};

TempDirEnvironment* const g_environment = [] {
  auto* environment = new TempDirEnvironment;
  ::testing::AddGlobalTestEnvironment(environment);  // gtest owns it
  return environment;
}();

}  // namespace

const fs::path& temp_dir() { return g_environment->dir(); }

std::vector<fs::path> entries_of(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

std::vector<fs::path> open_files_under(const fs::path& dir) {
  std::vector<fs::path> out;
  const std::string prefix = fs::weakly_canonical(dir).string() + "/";
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const fs::path target = fs::read_symlink(entry.path(), error);
    if (!error && target.string().starts_with(prefix)) out.push_back(target);
  }
  return out;
}

ScopedWorkingDir::ScopedWorkingDir()
    : m_previous(fs::current_path()), m_path(make_fresh_dir("dmvault-catalog-cwd")) {
  fs::current_path(m_path);
}

ScopedWorkingDir::~ScopedWorkingDir() {
  std::error_code ignored;
  fs::current_path(m_previous, ignored);
  fs::remove_all(m_path, ignored);
}

}  // namespace dmvault::catalog::testing
