// `dmvault people` end to end: Sam writes as "Sam Kowalski" on Instagram and from a work phone on
// WhatsApp (the golden exports of tests/data); once the phone is linked to him, from: and with:
// find both, refusals leave the vault byte for byte as it was, and unlinking undoes it.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace dmvault {
namespace {

namespace fs = std::filesystem;
using dmvault::testing::lines_of;

const fs::path kData = dmvault::testing::kTestData;

std::uint64_t number(const std::string& count_output) { return std::stoull(count_output); }

class PeopleCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  PeopleCli() : VaultFixture("people", {{"TZ", "UTC"}}, {"--timezone", "UTC"}) {}

  void SetUp() override {
    ASSERT_EQ(import(kData / "instagram/json-2020-22/export").status, 0);
    ASSERT_EQ(
        import(kData / "whatsapp/android-24h-dmy/export/WhatsApp Chat with Ana P\u00e9rez.txt")
            .status,
        0);
    // The phone number as WhatsApp's messages name it, from `people accounts`.
    const auto accounts =
        dm({"people", "accounts", vault().string(), "--platform", "whatsapp", "--json"});
    ASSERT_EQ(accounts.status, 0) << accounts.err;
    for (const std::string& line : lines_of(accounts.out)) {
      simdjson::dom::parser parser;
      const simdjson::dom::element account = parser.parse(line);
      const std::string sender{std::string_view(account["sender"])};
      EXPECT_EQ(std::string_view(account["platform"]), "whatsapp");
      EXPECT_EQ(std::string_view(account["person"]), "");
      if (sender.find("912") != std::string::npos) m_phone = sender;
    }
    ASSERT_FALSE(m_phone.empty()) << accounts.out;
  }

  std::string m_phone;
};

TEST_F(PeopleCli, LinkedAccountsSearchAsOnePerson) {
  const std::uint64_t on_instagram = number(count("from:\"Sam Kowalski\""));
  const std::uint64_t from_phone = number(count("platform:whatsapp from:\"" + m_phone + "\""));
  ASSERT_GT(on_instagram, 0U);
  ASSERT_GT(from_phone, 0U);
  EXPECT_EQ(number(count("platform:whatsapp from:\"Sam Kowalski\"")), 0U);
  const std::uint64_t in_whatsapp_chat = number(count("platform:whatsapp"));

  const auto link = dm({"people", "link", vault().string(), "Sam Kowalski", "whatsapp:" + m_phone});
  ASSERT_EQ(link.status, 0) << link.err;
  EXPECT_EQ(number(count("from:\"Sam Kowalski\"")), on_instagram + from_phone);
  EXPECT_EQ(number(count("from:\"sam kowalski\" platform:whatsapp")), from_phone);
  // with: now takes in the WhatsApp chat, where the phone is a participant.
  EXPECT_EQ(number(count("with:\"Sam Kowalski\" platform:whatsapp")), in_whatsapp_chat);

  const auto people = dm({"people", "list", vault().string(), "--json"});
  ASSERT_EQ(people.status, 0);
  ASSERT_EQ(lines_of(people.out).size(), 1U);
  simdjson::dom::parser parser;
  const simdjson::dom::element person = parser.parse(lines_of(people.out)[0]);
  EXPECT_EQ(std::string_view(person["name"]), "Sam Kowalski");
  EXPECT_EQ(std::string_view(person["handles"].at(0)["platform"]), "whatsapp");
  EXPECT_EQ(std::string_view(person["handles"].at(0)["handle"]), m_phone);

  const auto accounts = dm({"people", "accounts", vault().string(), "--platform", "whatsapp"});
  EXPECT_NE(accounts.out.find("-> Sam Kowalski"), std::string::npos) << accounts.out;

  // Unlinking undoes it; unlinking again finds nothing (exit 1).
  ASSERT_EQ(dm({"people", "unlink", vault().string(), "sam kowalski"}).status, 0);
  EXPECT_EQ(number(count("from:\"Sam Kowalski\"")), on_instagram);
  EXPECT_EQ(dm({"people", "unlink", vault().string(), "Sam Kowalski"}).status, 1);
  EXPECT_EQ(dm({"people", "list", vault().string()}).status, 1);
  EXPECT_EQ(dm({"verify", vault().string()}).status, 0);
}

TEST_F(PeopleCli, RefusalsLeaveTheVaultUnchanged) {
  ASSERT_EQ(dm({"people", "link", vault().string(), "Sam Kowalski", "whatsapp:" + m_phone}).status,
            0);
  const std::string before = vault_bytes();

  // The phone is Sam's: linking it to someone else is refused, naming him.
  const auto taken = dm({"people", "link", vault().string(), "Work Phone", "whatsapp:" + m_phone});
  EXPECT_EQ(taken.status, 2);
  EXPECT_NE(taken.err.find("Sam Kowalski"), std::string::npos) << taken.err;
  EXPECT_EQ(vault_bytes(), before);

  // A broken alias file is refused before anything is linked, naming the file and the line.
  const fs::path aliases = dir() / "aliases.txt";
  std::ofstream(aliases) << "# who is who\nAna = instagram:Ana P\u00e9rez\nno equals sign here\n";
  const auto broken = dm({"people", "import", vault().string(), aliases.string()});
  EXPECT_EQ(broken.status, 5);
  EXPECT_NE(broken.err.find("aliases.txt: line 3"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.err.find("no equals sign"), std::string::npos) << "the line's text leaked";
  EXPECT_EQ(vault_bytes(), before);

  // A good one links everyone in it.
  std::ofstream(aliases)
      << "\n# who is who\nAna = instagram:Ana P\u00e9rez, whatsapp:Ana P\u00e9rez\n"
         "Chlo\u00e9 = Chlo\u00e9 Martin\n";
  const auto imported = dm({"people", "import", vault().string(), aliases.string()});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(lines_of(dm({"people", "list", vault().string()}).out).size(), 3U);
  EXPECT_EQ(count("from:chlo\u00e9"), count("from:\"Chlo\u00e9 Martin\""));
}

}  // namespace
}  // namespace dmvault
