// The TikTok, Snapchat and LinkedIn importers end to end through the real binary: the golden
// exports of tests/data/{tiktok,snapchat,linkedin} imported by detection alone, found by search
// under their platform (accents, HTML entities and tags gone from the searched text, senders),
// re-imports adding nothing though none of these formats has message ids, and cut files refused
// without storing anything.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData;

class SocialImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  SocialImportCli() : VaultFixture("social") {}
};

TEST_F(SocialImportCli, TikTokImportSearchAndReimport) {
  // Two chats (the null one has no messages); the repeated message is kept twice.
  expect_import_adds_in(import(kData / "tiktok/current/export"), 8, 2);
  EXPECT_EQ(count("platform:tiktok cafe"), "1\n");
  EXPECT_EQ(count("platform:tiktok from:carla.m"), "1\n");
  EXPECT_EQ(count("platform:tiktok \"second line\""), "2\n");
  EXPECT_EQ(count("platform:snapchat cafe"), "0\n");
  expect_reimport_adds_nothing(kData / "tiktok/current/export", 8);
}

TEST_F(SocialImportCli, SnapchatImportSearchAndReimport) {
  expect_import_adds_in(import(kData / "snapchat/current/export"), 10, 2);
  // "it&#39;s café time &amp; you know it" as people wrote it.
  EXPECT_EQ(count("platform:snapchat \"it's cafe time\""), "1\n");
  EXPECT_EQ(count("platform:snapchat from:bruno_l"), "1\n");
  // The group's title names every record of the conversation.
  EXPECT_EQ(count("platform:snapchat Summer"), "3\n");
  expect_reimport_adds_nothing(kData / "snapchat/current/export");

  expect_import_adds_in(import(kData / "snapchat/legacy/export", {"--self", "Sam K"}), 5, 2);
  EXPECT_EQ(count("platform:snapchat welcome"), "1\n");
}

TEST_F(SocialImportCli, LinkedInImportSearchAndReimport) {
  expect_import_adds_in(import(kData / "linkedin/basic/export"), 5, 3);
  // HTML content is searched as the text it shows, with the subject above it.
  EXPECT_EQ(count("platform:linkedin \"data engineer\""), "1\n");
  EXPECT_EQ(count("platform:linkedin Opportunity"), "1\n");
  EXPECT_EQ(count("platform:linkedin href"), "0\n");
  EXPECT_EQ(count("platform:linkedin from:\"Ana Pérez\""), "2\n");
  expect_reimport_adds_nothing(kData / "linkedin/basic/export");
}

TEST_F(SocialImportCli, CutFilesAreBadInputNamingThem) {
  const fs::path linkedin = dir() / "cut-linkedin";
  fs::create_directories(linkedin);
  std::ofstream(linkedin / "messages.csv")
      << "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE "
         "URLS,DATE,SUBJECT,CONTENT,FOLDER\n2-YQ==,,Ana,,Sam,,2024-06-02 09:43:22 UTC,,\"private "
         "words\n";
  expect_cut_file_is_bad_input(linkedin, "messages.csv: line 2", "private words");

  const fs::path tiktok = dir() / "cut-tiktok";
  fs::create_directories(tiktok);
  std::ofstream(tiktok / "user_data_tiktok.json")
      << "{\"Direct Message\": {\"Direct Messages\": {\"ChatHistory\": {\"Chat History with "
         "ana:\": "
         "[{\"Date\": \"2024-06-02 09:43:22\", \"From\": \"ana\", \"Content\": \"private words";
  expect_cut_file_is_bad_input(tiktok, "user_data_tiktok.json", "private words");
}

}  // namespace
}  // namespace dmvault
