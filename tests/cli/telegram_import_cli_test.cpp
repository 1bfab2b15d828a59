// The Telegram importer end to end through the real binary: the golden exports of
// tests/data/telegram imported by detection alone, found by search under platform:telegram, and
// re-imports (whole, or a later export overlapping an earlier one) add nothing that is there.
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

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data/telegram";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dmvault-telegram-XXXXXX").string();
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

class TelegramImportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(m_dir.path() / "pass") << "telegram test passphrase\n";
    fs::permissions(m_dir.path() / "pass", fs::perms::owner_read | fs::perms::owner_write);
    const auto r =
        run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const fs::path& dir() const { return m_dir.path(); }
  std::string vault() const { return (m_dir.path() / "v.dmv").string(); }
  std::string pass() const { return (m_dir.path() / "pass").string(); }
  ProcessResult dm(std::vector<std::string> args) const {
    args.push_back("--passphrase-file");
    args.push_back(pass());
    return run_dmvault(args, {.env = {{"TZ", "UTC"}}});
  }
  ProcessResult import(const fs::path& export_dir) const {
    return dm({"import", vault(), export_dir.string(), "--json", "--timezone", "Europe/Paris"});
  }
  std::string count(const std::string& query) const {
    return dm({"search", vault(), query, "--count"}).out;
  }

 private:
  TempDir m_dir;
};

TEST_F(TelegramImportCli, ImportSearchAndReimport) {
  const auto single = import(kData / "single-chat/export");
  ASSERT_EQ(single.status, 0) << single.err;
  EXPECT_EQ(json_uint(single.out, "messages_added"), 10u);
  EXPECT_EQ(json_uint(single.out, "conversations"), 1u);

  const auto account = import(kData / "account-export/export");
  ASSERT_EQ(account.status, 0) << account.err;
  EXPECT_EQ(json_uint(account.out, "messages_added"), 9u);
  EXPECT_EQ(json_uint(account.out, "conversations"), 4u);

  // Text from an entity array, an NFC-repaired word, and a sender.
  EXPECT_EQ(count("platform:telegram menu"), "2\n");
  EXPECT_EQ(count("platform:telegram lumière"), "1\n");
  EXPECT_EQ(count("platform:telegram from:\"Jo Park\" route"), "1\n");
  EXPECT_EQ(count("platform:instagram menu"), "0\n");

  const auto again = import(kData / "single-chat/export");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(json_uint(again.out, "messages_added"), 0u);
  EXPECT_EQ(json_uint(again.out, "messages_duplicate"), 10u);

  // A later export of the same chat: message 8 again (its reactions changed since) and one new
  // message. Ids merge the overlap.
  const fs::path later = dir() / "later/ChatExport_2024-05-02";
  fs::create_directories(later);
  std::ofstream(later / "result.json")
      << R"({"name": "Léa Martin", "type": "personal_chat", "id": 4242, "messages": [)"
      << R"({"id": 8, "type": "message", "date_unixtime": "1714555870", "from": "Sam Weber",)"
      << R"( "from_id": "user1001", "text": "looks good", "reactions": []},)"
      << R"({"id": 17, "type": "message", "date_unixtime": "1714640000", "from": "Sam Weber",)"
      << R"( "from_id": "user1001", "text": "see you thursday"}]})";
  const auto overlap = import(dir() / "later");
  ASSERT_EQ(overlap.status, 0) << overlap.err;
  EXPECT_EQ(json_uint(overlap.out, "messages_added"), 1u);
  EXPECT_EQ(json_uint(overlap.out, "messages_duplicate"), 1u);
  // The new message and the account export's poll ("Thursday or Friday?").
  EXPECT_EQ(count("platform:telegram thursday"), "2\n");

  // The single chat and the account export's chat with Léa are one conversation (chat 4242).
  const auto info = dm({"info", vault(), "--json"});
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_EQ(json_uint(info.out, "messages") + json_uint(info.out, "system_messages"), 20u);
  EXPECT_EQ(json_uint(info.out, "conversations"), 4u);
}

TEST_F(TelegramImportCli, BrokenResultJsonIsBadInputNamingIt) {
  const fs::path broken = dir() / "broken/ChatExport_2024-05-03";
  fs::create_directories(broken);
  std::ofstream(broken / "result.json")
      << R"({"name": "X", "type": "personal_chat", "id": 1, "date_unixtime": "1", "messages": [)"
      << R"({"id": 1, "type": "message", "date_unixtime": "1", "text": "private words")";
  const auto r = import(dir() / "broken");
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("ChatExport_2024-05-03/result.json"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("private words"), std::string::npos) << r.err;
  const auto info = dm({"info", vault(), "--json"});
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_EQ(json_uint(info.out, "messages"), 0u);
}

}  // namespace
}  // namespace dmvault
