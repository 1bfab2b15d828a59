// The X (Twitter) importer end to end through the real binary: the golden archives of
// tests/data/x imported by detection alone, found by search under platform:x (texts with their
// entities unescaped, link expansions, senders), re-imports adding nothing, and a header-only
// archive that a later full archive completes instead of being taken for it.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "x";

class XImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  XImportCli() : VaultFixture("x") {}
};

TEST_F(XImportCli, ImportSearchAndReimport) {
  expect_import_adds_in(import(kData / "one-to-one/export"), 4, 1);

  // 2 messages and 7 system records (name change, unknown event, leave, join, orphan reaction,
  // joinConversation).
  expect_import_adds_in(import(kData / "group/export"), 8, 1);

  // "fish &amp; chips" as written in the archive, found as people wrote it.
  EXPECT_EQ(count("platform:x chips"), "1\n");
  EXPECT_EQ(count("platform:x \"fish & chips\""), "1\n");
  // A t.co link's expansion is searchable though the text keeps the short link.
  EXPECT_EQ(count("platform:x porto"), "1\n");
  EXPECT_EQ(count("platform:x from:\"Sam Weber\" look"), "1\n");
  // "it&#39;s fine" and "ok &gt; fine".
  EXPECT_EQ(count("platform:x fine"), "2\n");
  // The group's name (a conversationNameUpdate) matches every record of the conversation.
  EXPECT_EQ(count("platform:x Lisbon"), "8\n");
  EXPECT_EQ(count("platform:telegram chips"), "0\n");

  for (const char* name : {"one-to-one", "group"}) {
    expect_reimport_adds_nothing(kData / name / "export");
  }
}

TEST_F(XImportCli, HeadersFirstThenTheFullArchiveAddsTheTexts) {
  expect_import_adds(import(kData / "headers-only/export"), 5);
  expect_reimport_adds_nothing(kData / "headers-only/export");
  EXPECT_EQ(count("platform:x chips"), "0\n");

  expect_import_adds(import(kData / "one-to-one/export"), 4);
  EXPECT_EQ(count("platform:x chips"), "1\n");
}

TEST_F(XImportCli, CutFileIsBadInputNamingIt) {
  const fs::path data = dir() / "cut/data";
  fs::create_directories(data);
  std::ofstream(data / "direct-messages.js")
      << "window.YTD.direct_messages.part0 = [\n  {\"dmConversation\": {\"conversationId\": "
         "\"1-2\", \"messages\": [{\"messageCreate\": {\"id\": \"5\", \"senderId\": \"2\", "
         "\"text\": \"private words\", \"createdAt\": \"2024-06-02T10:00:00.000Z\"";
  expect_cut_file_is_bad_input(dir() / "cut", "data/direct-messages.js", "private words");
}

}  // namespace
}  // namespace dmvault
