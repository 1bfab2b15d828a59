// The Google Chat importer end to end through the real binary: the golden Takeouts of
// tests/data/google_chat (Google Chat groups, Hangouts.json in both layouts) imported by
// detection alone, one Takeout holding both Google Chat and Hangouts imported at once, search
// under platform:google_chat, re-imports adding nothing, and a cut Hangouts.json refused naming
// the file.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "google_chat";

class GoogleChatImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  GoogleChatImportCli() : VaultFixture("google-chat") {}
};

TEST_F(GoogleChatImportCli, ImportSearchAndReimport) {
  // 7 messages in the DM, 4 in the space.
  expect_import_adds_in(import(kData / "chat-dm-space/export"), 11, 2);
  // 5 events in the one-to-one conversation, 5 in the group.
  expect_import_adds_in(import(kData / "hangouts/export"), 10, 2);
  expect_import_adds_in(import(kData / "hangouts-legacy/export"), 2, 1);

  EXPECT_EQ(count("platform:google_chat café"), "1\n");
  EXPECT_EQ(count("platform:google_chat from:\"Sam Weber\" beach"), "1\n");
  // A Hangouts LINK segment's text, and a link preview's title (the share).
  EXPECT_EQ(count("platform:google_chat fireworks"), "1\n");
  EXPECT_EQ(count("platform:google_chat Comboios"), "1\n");
  EXPECT_EQ(count("platform:google_chat obrigado"), "1\n");
  EXPECT_EQ(count("platform:slack café"), "0\n");

  for (const char* name : {"chat-dm-space", "hangouts", "hangouts-legacy"}) {
    expect_reimport_adds_nothing(kData / name / "export");
  }
}

TEST_F(GoogleChatImportCli, OneTakeoutWithChatAndHangoutsIsOneImport) {
  const fs::path takeout = dir() / "takeout";
  fs::create_directories(takeout);
  fs::copy(kData / "chat-dm-space/export", takeout, fs::copy_options::recursive);
  fs::copy(kData / "hangouts/export", takeout, fs::copy_options::recursive);
  expect_import_adds_in(import(takeout), 21, 4);
  expect_reimport_adds_nothing(takeout);
}

TEST_F(GoogleChatImportCli, CutHangoutsFileIsBadInputNamingIt) {
  const fs::path hangouts = dir() / "cut/Takeout/Hangouts";
  fs::create_directories(hangouts);
  std::ofstream(hangouts / "Hangouts.json")
      << "{\"conversations\": [{\"conversation\": {\"conversation_id\": {\"id\": \"C1\"}}, "
         "\"events\": [{\"event_id\": \"e1\", \"timestamp\": \"1420070400000000\", "
         "\"chat_message\": {\"message_content\": {\"segment\": [{\"type\": \"TEXT\", \"text\": "
         "\"private words";
  expect_cut_file_is_bad_input(dir() / "cut", "Takeout/Hangouts/Hangouts.json", "private words");
}

}  // namespace
}  // namespace dmvault
