// The iMessage importer end to end through the real binary: the golden chat.db databases of
// tests/data/imessage imported by detection alone (one with its Attachments folder), texts found
// by search whether they came from `text` or only from attributedBody, re-imports adding
// nothing, and a cut database refused without storing anything.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "imessage";

class IMessageImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  IMessageImportCli() : VaultFixture("imessage") {}
};

TEST_F(IMessageImportCli, ImportSearchAndReimport) {
  // 14 rows, 4 of them tapbacks folded into reactions; the iMessage and SMS chats with one
  // person are one conversation.
  expect_import_adds_in(import(kData / "ventura-direct/export"), 10, 1);
  // 11 rows: a removal without target is not a record; a tapback on a missing message is; the
  // SMS in no chat makes a second conversation.
  expect_import_adds_in(import(kData / "legacy-group/export"), 9, 2);

  EXPECT_EQ(count("platform:imessage snacks"), "1\n");
  // Only in attributedBody (text NULL): "Yes 😀 see you at 10", the edited "See you at 10:30",
  // and one with a damaged length.
  EXPECT_EQ(count("platform:imessage yes"), "1\n");
  EXPECT_EQ(count("platform:imessage \"see you at 10\""), "2\n");
  EXPECT_EQ(count("platform:imessage running"), "1\n");
  // Decomposed in the database, NFC in the vault.
  EXPECT_EQ(count("platform:imessage caf\xC3\xA9"), "1\n");
  EXPECT_EQ(count("platform:imessage chapter"), "1\n");
  EXPECT_EQ(count("platform:whatsapp snacks"), "0\n");

  for (const char* name : {"ventura-direct", "legacy-group"}) {
    expect_reimport_adds_nothing(kData / name / "export");
  }
}

TEST_F(IMessageImportCli, CutDatabaseIsBadInputNamingIt) {
  std::ifstream in(kData / "legacy-group/export/chat.db", std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(whole.size(), 4096u);
  fs::create_directories(dir() / "cut/Messages");
  std::ofstream(dir() / "cut/Messages/chat.db", std::ios::binary)
      << whole.substr(0, whole.size() / 2 + 100);
  expect_cut_file_is_bad_input(dir() / "cut", "Messages/chat.db", "Chapter 3");
}

}  // namespace
}  // namespace dmvault
