// An SMS Backup & Restore file end to end through the real binary: a bare sms-*.xml given as the
// export, with an MMS carrying 3 MiB of inline base64 (streamed across several stored chunks),
// --self, search, and a re-import that adds nothing; plus a signal-export chat.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string backup() {
  std::string xml =
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
      "<smses count=\"4\" backup_set=\"x\" backup_date=\"1717322400000\" type=\"full\">\n"
      "  <sms protocol=\"0\" address=\"+351912345678\" date=\"1717321402123\" type=\"1\" "
      "body=\"viste a aurora ontem? &#55357;&#56832;\" readable_date=\"2 Jun 2024 10:43:22\" "
      "contact_name=\"Ana P\xc3\xa9rez\" />\n"
      "  <sms protocol=\"0\" address=\"+351912345678\" date=\"1717321460500\" type=\"2\" "
      "body=\"n\xc3\xa3o, dormi&#10;conta tudo\" readable_date=\"2 Jun 2024 10:44:20\" "
      "contact_name=\"Ana P\xc3\xa9rez\" />\n"
      "  <mms date=\"1717322200000\" msg_box=\"1\" address=\"+351912345678\" "
      "readable_date=\"2 Jun 2024 10:56:40\" contact_name=\"Ana P\xc3\xa9rez\"><parts>"
      "<part seq=\"0\" ct=\"image/jpeg\" name=\"ceu.jpg\" data=\"";
  xml += std::string(std::size_t{3} << 20, 'Q');
  xml +=
      "\" /><part seq=\"1\" ct=\"text/plain\" text=\"o c\xc3\xa9u verde\" /></parts>"
      "<addrs><addr address=\"+351912345678\" type=\"137\" /></addrs></mms>\n"
      "</smses>\n";
  return xml;
}

class SmsImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  SmsImportCli() : VaultFixture("sms"), m_file(dir() / "sms-20240602120000.xml") {
    std::ofstream(m_file, std::ios::binary) << backup();
  }
  fs::path m_file;
};

TEST_F(SmsImportCli, XmlImportsSearchesAndReimportsToNothing) {
  auto r = dm({"import", vault().string(), m_file.string(), "--self", "Sam", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"platform\":\"sms\""), std::string::npos) << r.out;
  EXPECT_EQ(json_uint(r.out, "conversations"), 1u);
  EXPECT_EQ(json_uint(r.out, "messages_added"), 3u);
  // The wrong count="4" is the only warning; it names no text.
  EXPECT_NE(r.err.find("count attribute says 4"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("aurora"), std::string::npos) << r.err;

  r = dm({"search", vault().string(), "aurora", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto hits = lines_of(r.out);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].find("\"sender\":\"Ana P\xc3\xa9rez\""), std::string::npos) << hits[0];
  EXPECT_NE(hits[0].find("ontem? \xf0\x9f\x98\x80"), std::string::npos) << hits[0];
  EXPECT_NE(hits[0].find("\"timestamp\":\"2024-06-02T09:43:22.123Z\""), std::string::npos)
      << hits[0];

  r = dm({"search", vault().string(), "from:Sam", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;

  r = dm({"search", vault().string(), "verde", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  hits = lines_of(r.out);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].find("ceu.jpg"), std::string::npos) << hits[0];

  const std::string before = [&] {
    std::ifstream in(vault(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  r = dm({"import", vault().string(), m_file.string(), "--self", "Sam", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages_added"), 0u);
  EXPECT_EQ(json_uint(r.out, "messages_duplicate"), 3u);
  std::ifstream in(vault(), std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), before)
      << "a re-import that adds nothing leaves the vault as it was";
}

TEST_F(SmsImportCli, CutXmlIsExitFiveAndStoresNothing) {
  const std::string whole = backup();
  std::ofstream(m_file, std::ios::binary | std::ios::trunc) << whole.substr(0, whole.size() - 20);
  const auto r = dm({"import", vault().string(), m_file.string()});
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("sms-20240602120000.xml: offset "), std::string::npos) << r.err;
  const auto i = info();
  ASSERT_EQ(i.status, 0) << i.err;
  EXPECT_EQ(json_uint(i.out, "messages"), 0u);
}

TEST_F(SmsImportCli, SignalExportChat) {
  const fs::path chat_dir = dir() / "signal" / "Book Club";
  fs::create_directories(chat_dir);
  std::ofstream(chat_dir / "chat.md", std::ios::binary)
      << "[2019-05-29, 15:04] Me: anyone read the aurora chapter?\n"
         "[2019-05-29, 15:05] J\xc3\xbcrgen: yes\nloved it\n";
  auto r =
      dm({"import", vault().string(), (dir() / "signal").string(), "--timezone", "UTC", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"platform\":\"signal\""), std::string::npos) << r.out;
  EXPECT_EQ(json_uint(r.out, "messages_added"), 2u);
  r = dm({"search", vault().string(), "loved", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(lines_of(r.out).size(), 1u);
  EXPECT_NE(r.out.find("\"timestamp\":\"2019-05-29T15:05:00.000Z\""), std::string::npos) << r.out;
  r = dm({"import", vault().string(), (dir() / "signal").string(), "--timezone", "UTC", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_uint(r.out, "messages_added"), 0u);
}

}  // namespace
}  // namespace dmvault
