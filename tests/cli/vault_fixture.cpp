#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace dmvault::testing {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
  std::string pattern = (fs::temp_directory_path() / ("dmvault-" + tag + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::uint64_t json_uint(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  return doc[key].get_uint64().value();
}

void expect_import_adds(const ProcessResult& r, std::uint64_t added,
                        std::optional<std::uint64_t> duplicate) {
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages_added"), added) << r.out;
  if (duplicate) {
    EXPECT_EQ(json_uint(r.out, "messages_duplicate"), *duplicate) << r.out;
  }
}

void expect_import_adds_in(const ProcessResult& r, std::uint64_t added,
                           std::uint64_t conversations) {
  expect_import_adds(r, added);
  if (r.status == 0) {
    EXPECT_EQ(json_uint(r.out, "conversations"), conversations) << r.out;
  }
}

VaultFixture::VaultFixture(const std::string& tag, std::map<std::string, std::string> env,
                           std::vector<std::string> import_args)
    : m_dir(tag),
      m_env(std::move(env)),
      m_import_args(std::move(import_args)),
      m_vault(m_dir.path() / "v.dmv"),
      m_pass(m_dir.path() / "pass") {
  std::ofstream(m_pass) << tag << " test passphrase\n";
  fs::permissions(m_pass, fs::perms::owner_read | fs::perms::owner_write);
  const ProcessResult r = init(m_vault);
  if (r.status != 0) {
    throw std::runtime_error("dmvault init exited " + std::to_string(r.status) + ": " + r.err);
  }
}

ProcessResult VaultFixture::init(const fs::path& vault) const {
  return dm({"init", vault.string(), "--kdf", "interactive"});
}

ProcessResult VaultFixture::dm(std::vector<std::string> args) const {
  args.push_back("--passphrase-file");
  args.push_back(m_pass.string());
  return run_dmvault(args, {.env = m_env});
}

ProcessResult VaultFixture::import(const fs::path& export_path,
                                   const std::vector<std::string>& extra) const {
  std::vector<std::string> args{"import", m_vault.string(), export_path.string(), "--json"};
  args.insert(args.end(), m_import_args.begin(), m_import_args.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return dm(std::move(args));
}

std::string VaultFixture::vault_bytes() const {
  std::ifstream in(m_vault, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ProcessResult VaultFixture::info() const { return dm({"info", m_vault.string(), "--json"}); }

std::string VaultFixture::count(const std::string& query) const {
  return dm({"search", m_vault.string(), query, "--count"}).out;
}

void VaultFixture::expect_reimport_adds_nothing(const fs::path& export_path,
                                                std::optional<std::uint64_t> duplicate) const {
  SCOPED_TRACE("re-import of " + export_path.string());
  expect_import_adds(import(export_path), 0, duplicate);
}

void VaultFixture::expect_cut_file_is_bad_input(const fs::path& export_path,
                                                const std::string& names,
                                                const std::string& secret) const {
  const ProcessResult r = import(export_path);
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  const ProcessResult stats = info();
  ASSERT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(json_uint(stats.out, "messages"), 0u);
}

}  // namespace dmvault::testing
