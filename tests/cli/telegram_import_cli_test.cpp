// The Telegram importer end to end through the real binary: the golden exports of
// tests/data/telegram imported by detection alone, found by search under platform:telegram, and
// re-imports (whole, or a later export overlapping an earlier one) add nothing that is there.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "telegram";

class TelegramImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  TelegramImportCli() : VaultFixture("telegram", {{"TZ", "UTC"}}, {"--timezone", "Europe/Paris"}) {}
};

TEST_F(TelegramImportCli, ImportSearchAndReimport) {
  expect_import_adds_in(import(kData / "single-chat/export"), 10, 1);

  expect_import_adds_in(import(kData / "account-export/export"), 9, 4);

  // Text from an entity array, an NFC-repaired word, and a sender.
  EXPECT_EQ(count("platform:telegram menu"), "2\n");
  EXPECT_EQ(count("platform:telegram lumière"), "1\n");
  EXPECT_EQ(count("platform:telegram from:\"Jo Park\" route"), "1\n");
  EXPECT_EQ(count("platform:instagram menu"), "0\n");

  expect_reimport_adds_nothing(kData / "single-chat/export", 10);

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
  expect_import_adds(import(dir() / "later"), 1, 1);
  // The new message and the account export's poll ("Thursday or Friday?").
  EXPECT_EQ(count("platform:telegram thursday"), "2\n");

  // The single chat and the account export's chat with Léa are one conversation (chat 4242).
  const auto stats = info();
  ASSERT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(json_uint(stats.out, "messages") + json_uint(stats.out, "system_messages"), 20u);
  EXPECT_EQ(json_uint(stats.out, "conversations"), 4u);
}

TEST_F(TelegramImportCli, BrokenResultJsonIsBadInputNamingIt) {
  const fs::path broken = dir() / "broken/ChatExport_2024-05-03";
  fs::create_directories(broken);
  std::ofstream(broken / "result.json")
      << R"({"name": "X", "type": "personal_chat", "id": 1, "date_unixtime": "1", "messages": [)"
      << R"({"id": 1, "type": "message", "date_unixtime": "1", "text": "private words")";
  expect_cut_file_is_bad_input(dir() / "broken", "ChatExport_2024-05-03/result.json",
                               "private words");
}

}  // namespace
}  // namespace dmvault
