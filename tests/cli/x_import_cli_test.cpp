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
using dmvault::testing::ProcessResult;
namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "x";

class XImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  XImportCli() : VaultFixture("x") {}
};

TEST_F(XImportCli, ImportSearchAndReimport) {
  const auto one = import(kData / "one-to-one/export");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(json_uint(one.out, "messages_added"), 4u);
  EXPECT_EQ(json_uint(one.out, "conversations"), 1u);

  const auto group = import(kData / "group/export");
  ASSERT_EQ(group.status, 0) << group.err;
  // 2 messages and 7 system records (name change, unknown event, leave, join, orphan reaction,
  // joinConversation).
  EXPECT_EQ(json_uint(group.out, "messages_added"), 8u);
  EXPECT_EQ(json_uint(group.out, "conversations"), 1u);

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
    const auto again = import(kData / name / "export");
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(json_uint(again.out, "messages_added"), 0u) << name;
  }
}

TEST_F(XImportCli, HeadersFirstThenTheFullArchiveAddsTheTexts) {
  const auto headers = import(kData / "headers-only/export");
  ASSERT_EQ(headers.status, 0) << headers.err;
  EXPECT_EQ(json_uint(headers.out, "messages_added"), 5u);
  const auto again = import(kData / "headers-only/export");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(json_uint(again.out, "messages_added"), 0u);
  EXPECT_EQ(count("platform:x chips"), "0\n");

  const auto full = import(kData / "one-to-one/export");
  ASSERT_EQ(full.status, 0) << full.err;
  EXPECT_EQ(json_uint(full.out, "messages_added"), 4u);
  EXPECT_EQ(count("platform:x chips"), "1\n");
}

TEST_F(XImportCli, CutFileIsBadInputNamingIt) {
  const fs::path data = dir() / "cut/data";
  fs::create_directories(data);
  std::ofstream(data / "direct-messages.js")
      << "window.YTD.direct_messages.part0 = [\n  {\"dmConversation\": {\"conversationId\": "
         "\"1-2\", \"messages\": [{\"messageCreate\": {\"id\": \"5\", \"senderId\": \"2\", "
         "\"text\": \"private words\", \"createdAt\": \"2024-06-02T10:00:00.000Z\"";
  const auto r = import(dir() / "cut");
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("data/direct-messages.js"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("private words"), std::string::npos) << r.err;
  const auto stats = info();
  ASSERT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(json_uint(stats.out, "messages"), 0u);
}

}  // namespace
}  // namespace dmvault
