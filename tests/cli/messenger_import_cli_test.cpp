// The Messenger importer end to end through the real binary: the golden exports of
// tests/data/messenger imported by detection alone, found by search under platform:messenger,
// kept apart from an Instagram export in the same vault, and re-imports add nothing.
#include "cli/run_process.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace dmvault {
namespace {

using dmvault::testing::ProcessResult;
using dmvault::testing::run_dmvault;
namespace fs = std::filesystem;

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dmvault-messenger-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

std::uint64_t json_uint(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json);
  return doc[key].get_uint64().value();
}

class MessengerImportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(m_dir.path() / "pass") << "messenger test passphrase\n";
    fs::permissions(m_dir.path() / "pass", fs::perms::owner_read | fs::perms::owner_write);
    const auto r =
        run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  std::string vault() const { return (m_dir.path() / "v.dmv").string(); }
  std::string pass() const { return (m_dir.path() / "pass").string(); }
  ProcessResult dm(std::vector<std::string> args) const {
    args.push_back("--passphrase-file");
    args.push_back(pass());
    return run_dmvault(args, {.env = {{"TZ", "UTC"}}});
  }
  ProcessResult import(const fs::path& export_dir) const {
    return dm({"import", vault(), export_dir.string(), "--json"});
  }
  // The number `search --count` prints.
  std::string count(const std::string& query) const {
    return dm({"search", vault(), query, "--count"}).out;
  }

 private:
  TempDir m_dir;
};

TEST_F(MessengerImportCli, ImportSearchAndReimport) {
  const fs::path json2024 = kData / "messenger/json-2024/export";
  const auto first = import(json2024);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(json_uint(first.out, "messages_added"), 12u);
  EXPECT_EQ(json_uint(first.out, "conversations"), 5u);

  const auto e2ee = import(kData / "messenger/e2ee-2024/export");
  ASSERT_EQ(e2ee.status, 0) << e2ee.err;
  EXPECT_EQ(json_uint(e2ee.out, "messages_added"), 7u);

  // Repaired text is searchable: the filtered thread's line, the E2EE thread's café.
  EXPECT_EQ(count("platform:messenger available"), "1\n");
  EXPECT_EQ(count("platform:messenger café"), "1\n");
  EXPECT_EQ(count("platform:messenger from:\"Nguyễn Văn Khánh\" gặp"), "1\n");

  const auto again = import(json2024);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(json_uint(again.out, "messages_added"), 0u);
  EXPECT_EQ(json_uint(again.out, "messages_duplicate"), 12u);
  const auto e2ee_again = import(kData / "messenger/e2ee-2024/export");
  ASSERT_EQ(e2ee_again.status, 0) << e2ee_again.err;
  EXPECT_EQ(json_uint(e2ee_again.out, "messages_added"), 0u);

  const auto info = dm({"info", vault(), "--json"});
  ASSERT_EQ(info.status, 0) << info.err;
  // 19 in all, of which 4 are notices (a rename, an "added", a reaction line, "connected").
  EXPECT_EQ(json_uint(info.out, "messages"), 15u);
  EXPECT_EQ(json_uint(info.out, "system_messages"), 4u);
  EXPECT_EQ(json_uint(info.out, "conversations"), 7u);
}

TEST_F(MessengerImportCli, InstagramAndMessengerExportsStayUnderTheirPlatforms) {
  const auto fb = import(kData / "messenger/json-2018/export");
  ASSERT_EQ(fb.status, 0) << fb.err;
  EXPECT_EQ(json_uint(fb.out, "messages_added"), 13u);
  const auto ig = import(kData / "instagram/json-2023-multipart/export");
  ASSERT_EQ(ig.status, 0) << ig.err;
  EXPECT_GT(json_uint(ig.out, "messages_added"), 0u);

  // "Café um 5?" is in the Messenger export only, "Até amanhã" in the Instagram one only.
  EXPECT_EQ(count("platform:messenger café"), "1\n");
  EXPECT_EQ(count("platform:instagram café"), "0\n");
  EXPECT_EQ(count("platform:instagram amanhã"), "1\n");
  EXPECT_EQ(count("platform:messenger amanhã"), "0\n");
  EXPECT_EQ(count("platform:messenger from:\"Facebook User\" hei"), "1\n");
}

}  // namespace
}  // namespace dmvault
