// The Slack importer end to end through the real binary: the golden workspace export of
// tests/data/slack imported by detection alone, its mentions, links and link previews found by
// search under platform:slack, a re-import adding nothing, and a cut day file refused naming it.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "slack";

class SlackImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  SlackImportCli() : VaultFixture("slack") {}
};

TEST_F(SlackImportCli, ImportSearchAndReimport) {
  // #general 10, the DM 2, the group DM 1, the private channel 2.
  expect_import_adds_in(import(kData / "workspace/export"), 15, 4);

  // "<https://example.com/docs|the wiki>" is searchable by its label and its address.
  EXPECT_EQ(count("platform:slack wiki"), "1\n");
  EXPECT_EQ(count("platform:slack \"example.com/docs\""), "1\n");
  // A mention rendered as the user's name, and a thread reply by its sender.
  EXPECT_EQ(count("platform:slack \"Welcome @Sam W\""), "1\n");
  EXPECT_EQ(count("platform:slack from:\"Sam W\" works"), "1\n");
  // "count me in &lt;3" as people wrote it; a link preview's text.
  EXPECT_EQ(count("platform:slack \"in <3\""), "1\n");
  EXPECT_EQ(count("platform:slack shipped"), "1\n");
  EXPECT_EQ(count("platform:google_chat wiki"), "0\n");

  expect_reimport_adds_nothing(kData / "workspace/export");
}

TEST_F(SlackImportCli, CutDayFileIsBadInputNamingIt) {
  const fs::path root = dir() / "cut";
  fs::create_directories(root / "general");
  std::ofstream(root / "users.json") << "[{\"id\": \"U1\", \"name\": \"ana\"}]";
  std::ofstream(root / "channels.json") << "[{\"id\": \"C1\", \"name\": \"general\"}]";
  std::ofstream(root / "general/2024-06-02.json")
      << "[{\"type\": \"message\", \"user\": \"U1\", \"ts\": \"1717321402.000100\", \"text\": "
         "\"private words";
  expect_cut_file_is_bad_input(root, "general/2024-06-02.json", "private words");
}

}  // namespace
}  // namespace dmvault
