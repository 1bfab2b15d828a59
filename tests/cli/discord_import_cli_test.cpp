// The Discord importer end to end through the real binary: the golden exports of
// tests/data/discord (a data package, DiscordChatExporter files) imported by detection alone,
// found by search under platform:discord, and re-imports adding nothing that is there.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
namespace fs = std::filesystem;

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data/discord";

class DiscordImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  DiscordImportCli() : VaultFixture("discord") {}
};

TEST_F(DiscordImportCli, ImportSearchAndReimport) {
  expect_import_adds_in(import(kData / "package-csv/export"), 7, 3);

  expect_import_adds_in(import(kData / "dce-guild/export"), 8, 1);

  // A quoted CSV field with doubled quotes, a multi-line one, an NFD word found in NFC (and a title
  // word), an author by nickname, and an embed's title.
  EXPECT_EQ(count("platform:discord usual"), "1\n");
  EXPECT_EQ(count("platform:discord \"third line\""), "1\n");
  EXPECT_EQ(count("platform:discord \"café at\""), "1\n");
  // The guild's name is in the channel's title, so its three messages match.
  EXPECT_EQ(count("platform:discord café"), "3\n");
  EXPECT_EQ(count("platform:discord from:kai editor"), "1\n");
  EXPECT_EQ(count("platform:discord faster"), "1\n");
  EXPECT_EQ(count("platform:telegram usual"), "0\n");

  expect_reimport_adds_nothing(kData / "package-csv/export", 7);

  // A later DiscordChatExporter run over the same channel: message 3 again (edited since) and
  // one new message. The ids merge the overlap.
  const fs::path later = dir() / "later";
  fs::create_directories(later);
  std::ofstream(later / "Indie Devs - general [960000000000000001].json")
      << R"({"guild": {"id": "930000000000000003", "name": "Indie Devs"}, "channel": {"id": )"
      << R"("960000000000000001", "type": "GuildTextChat", "name": "general"}, "messages": [)"
      << R"({"id": "1270000000000000003", "type": "Reply", "timestamp": )"
      << R"("2024-06-30T09:10:00.000-04:00", "timestampEdited": "2024-06-30T10:00:00.000-04:00",)"
      << R"( "content": "congrats! the editor looks great!!", "author": {"id": )"
      << R"("770000000000000001", "name": "kai"}},)"
      << R"({"id": "1270000000000000009", "type": "Default", "timestamp": )"
      << R"("2024-07-01T08:00:00.000-04:00", "content": "see you at the meetup", "author": )"
      << R"({"id": "770000000000000001", "name": "kai"}}]})";
  expect_import_adds(import(later), 1, 1);
  EXPECT_EQ(count("platform:discord meetup"), "1\n");

  const auto stats = info();
  ASSERT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(json_uint(stats.out, "conversations"), 4u);
}

TEST_F(DiscordImportCli, CutCsvIsBadInputNamingIt) {
  const fs::path broken = dir() / "broken/messages/c11";
  fs::create_directories(broken);
  std::ofstream(broken / "channel.json") << R"({"id": "11", "type": 1})";
  std::ofstream(broken / "messages.csv")
      << "ID,Timestamp,Contents,Attachments\n1,2020-05-01 10:00:00+00:00,\"private words";
  expect_cut_file_is_bad_input(dir() / "broken", "messages/c11/messages.csv: line 2",
                               "private words");
}

}  // namespace
}  // namespace dmvault
