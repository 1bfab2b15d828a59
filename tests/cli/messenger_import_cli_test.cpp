// The Messenger importer end to end through the real binary: the golden exports of
// tests/data/messenger imported by detection alone, found by search under platform:messenger,
// kept apart from an Instagram export in the same vault, and re-imports add nothing.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
using dmvault::testing::kTestData;
namespace fs = std::filesystem;

class MessengerImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  MessengerImportCli() : VaultFixture("messenger") {}
};

TEST_F(MessengerImportCli, ImportSearchAndReimport) {
  const fs::path json2024 = kTestData / "messenger/json-2024/export";
  expect_import_adds_in(import(json2024), 12, 5);

  expect_import_adds(import(kTestData / "messenger/e2ee-2024/export"), 7);

  // Repaired text is searchable: the filtered thread's line, the E2EE thread's café.
  EXPECT_EQ(count("platform:messenger available"), "1\n");
  EXPECT_EQ(count("platform:messenger café"), "1\n");
  EXPECT_EQ(count("platform:messenger from:\"Nguyễn Văn Khánh\" gặp"), "1\n");

  expect_reimport_adds_nothing(json2024, 12);
  expect_reimport_adds_nothing(kTestData / "messenger/e2ee-2024/export");

  const auto stats = info();
  ASSERT_EQ(stats.status, 0) << stats.err;
  // 19 in all, of which 4 are notices (a rename, an "added", a reaction line, "connected").
  EXPECT_EQ(json_uint(stats.out, "messages"), 15u);
  EXPECT_EQ(json_uint(stats.out, "system_messages"), 4u);
  EXPECT_EQ(json_uint(stats.out, "conversations"), 7u);
}

TEST_F(MessengerImportCli, InstagramAndMessengerExportsStayUnderTheirPlatforms) {
  expect_import_adds(import(kTestData / "messenger/json-2018/export"), 13);
  const auto ig = import(kTestData / "instagram/json-2023-multipart/export");
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
