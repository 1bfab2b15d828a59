#include "cli/vault_fixture.hpp"

#include <simdjson.h>

#include <cerrno>
#include <fstream>
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

std::uint64_t json_uint(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  return doc[key].get_uint64().value();
}

VaultFixture::VaultFixture(const std::string& tag, std::map<std::string, std::string> env)
    : m_dir(tag),
      m_env(std::move(env)),
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
  args.insert(args.end(), extra.begin(), extra.end());
  return dm(std::move(args));
}

ProcessResult VaultFixture::info() const { return dm({"info", m_vault.string(), "--json"}); }

std::string VaultFixture::count(const std::string& query) const {
  return dm({"search", m_vault.string(), query, "--count"}).out;
}

}  // namespace dmvault::testing
