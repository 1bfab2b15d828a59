// A WhatsApp chat end to end through the real binary: a bare .txt given as the export (a one-file
// export), the time zone option and the warning when it is missing, --self, search, and a
// re-import that adds nothing; plus the real iOS sample .zip with its media when present.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
using dmvault::testing::lines_of;
namespace fs = std::filesystem;

const std::string kChat =
    "13/01/2024, 09:00 - Messages and calls are end-to-end encrypted.\n"
    "13/01/2024, 09:01 - Ana P\xc3\xa9rez: did you see the aurora last night?\n"
    "it was green and purple\n"
    "13/01/2024, 09:02 - Sam: <Media omitted>\n"
    "13/01/2024, 09:03 - Sam: no, I slept through it <This message was edited>\n"
    "14/01/2024, 22:30 - Ana P\xc3\xa9rez: This message was deleted\n";

class WhatsAppImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  WhatsAppImportCli()
      : VaultFixture("whatsapp", {{"TZ", "UTC"}}, {"--timezone", "Europe/Lisbon"}),
        m_chat(dir() / "WhatsApp Chat with Ana P\xc3\xa9rez.txt") {
    std::ofstream(m_chat, std::ios::binary) << kChat;
  }

  fs::path m_chat;
};

TEST_F(WhatsAppImportCli, BareTxtImportsSearchesAndReimportsToNothing) {
  auto r = import(m_chat, {"--self", "Sam"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;  // the zone was given
  EXPECT_NE(r.out.find("\"platform\":\"whatsapp\""), std::string::npos) << r.out;
  EXPECT_EQ(json_uint(r.out, "conversations"), 1u);
  EXPECT_EQ(json_uint(r.out, "messages_added"), 5u);
  EXPECT_EQ(json_uint(r.out, "messages_duplicate"), 0u);

  r = info();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages"), 4u);
  EXPECT_EQ(json_uint(r.out, "system_messages"), 1u);

  r = dm({"list", vault().string(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto conversations = lines_of(r.out);
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_NE(conversations[0].find("\"title\":\"Ana P\xc3\xa9rez\""), std::string::npos)
      << conversations[0];
  EXPECT_NE(conversations[0].find("\"first\":\"2024-01-13T09:00:00.000Z\""), std::string::npos)
      << conversations[0];

  r = dm({"search", vault().string(), "aurora", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto hits = lines_of(r.out);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].find("\"sender\":\"Ana P\xc3\xa9rez\""), std::string::npos) << hits[0];
  EXPECT_NE(hits[0].find("\"text\":\"did you see the aurora last night?\\nit was green and "
                         "purple\""),
            std::string::npos)
      << hits[0];
  // WhatsApp times are local: 09:01 in Lisbon in January is 09:01 UTC.
  EXPECT_NE(hits[0].find("\"timestamp\":\"2024-01-13T09:01:00.000Z\""), std::string::npos)
      << hits[0];

  r = dm({"search", vault().string(), "slept", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_EQ(r.out.find("This message was edited"), std::string::npos) << r.out;

  const std::string before = vault_bytes();
  expect_reimport_adds_nothing(m_chat, 5);
  EXPECT_EQ(vault_bytes(), before) << "a re-import that adds nothing leaves the vault as it was";
}

TEST_F(WhatsAppImportCli, MissingTimeZoneIsAWarningNamingTheZoneAssumed) {
  const auto r = dm({"import", vault().string(), m_chat.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("dmvault: warning: WhatsApp Chat with Ana P\xc3\xa9rez.txt: WhatsApp "
                       "writes local times without a zone; read them in UTC (this machine's "
                       "zone); pass --timezone to choose another"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("aurora"), std::string::npos) << "message text in a warning";
}

TEST_F(WhatsAppImportCli, TextFileThatIsNoChatIsExitFive) {
  const fs::path notes = dir() / "notes.txt";
  std::ofstream(notes) << "shopping: milk, eggs\n";
  const auto r = dm({"import", vault().string(), notes.string()});
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("not an export dmvault recognises"), std::string::npos) << r.err;
}

TEST_F(WhatsAppImportCli, RealIosZipWithMedia) {
  const fs::path zip =
      fs::path(DMVAULT_SOURCE_DIR) /
      "../shared/fixtures/whatsapp/pustur-example/whatsapp-chat-parser-example.zip";
  if (!fs::exists(zip)) GTEST_SKIP() << "no shared fixture at " << zip;
  auto r = dm({"import", vault().string(), zip.string(), "--timezone", "Europe/Zurich", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages_added"), 52u);
  EXPECT_EQ(json_uint(r.out, "attachments_added"), 4u);
  r = info();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages"), 48u);
  EXPECT_EQ(json_uint(r.out, "system_messages"), 4u);
  EXPECT_EQ(json_uint(r.out, "media_files"), 4u);
  r = dm({"search", vault().string(), "has:video", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.out.find("\"sender\":\"Loris\""), std::string::npos) << r.out;
  // 16:01:42 in Zurich in June (CEST) is 14:01:42 UTC.
  EXPECT_NE(r.out.find("\"timestamp\":\"2019-06-20T14:01:42.000Z\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace dmvault
