// The Signal importer end to end through the real binary: the golden exports of tests/data/signal
// of each tool (signal-export's data.json and HTML, sigtop's JSON and text) imported by detection
// alone, found by search, and re-imported adding nothing; a cut sigtop file stores nothing.
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

const fs::path kData = dmvault::testing::kTestData / "signal";

class SignalImportCli : public ::testing::Test, protected dmvault::testing::VaultFixture {
 protected:
  SignalImportCli() : VaultFixture("signal") {}
};

TEST_F(SignalImportCli, EachToolsOutputImportsSearchesAndReimportsToNothing) {
  // data.json is read and the chat.md beside it left (a warning says so).
  const auto json = import(kData / "signal-export-json/export", {"--timezone", "Europe/Dublin"});
  expect_import_adds_in(json, 7, 1);
  EXPECT_NE(json.err.find("chat.md"), std::string::npos) << json.err;
  EXPECT_EQ(json.err.find("chapter"), std::string::npos) << "message text in a warning";
  expect_import_adds_in(
      import(kData / "signal-export-html/export", {"--timezone", "Europe/Lisbon"}), 5, 1);
  expect_import_adds_in(import(kData / "sigtop-json/export", {"--self", "Sam"}), 11, 2);
  expect_import_adds_in(import(kData / "sigtop-text/export", {"--self", "Sam"}), 6, 1);

  EXPECT_EQ(count("platform:signal \"chapter 3\""), "1\n");
  EXPECT_EQ(count("platform:signal guarda"), "1\n");
  EXPECT_EQ(count("platform:signal aurora"), "2\n");  // sigtop's JSON and text of one message
  EXPECT_EQ(count("platform:signal from:Sam dormi"), "2\n");
  EXPECT_EQ(count("platform:signal cabeçalho"), "1\n");

  // Read again with the same options, each export adds nothing.
  expect_import_adds(import(kData / "signal-export-json/export", {"--timezone", "Europe/Dublin"}),
                     0, 7);
  expect_import_adds(import(kData / "signal-export-html/export", {"--timezone", "Europe/Lisbon"}),
                     0, 5);
  expect_import_adds(import(kData / "sigtop-text/export", {"--self", "Sam"}), 0, 6);
  // sigtop's JSON has message ids: they dedup even when the user is named differently.
  expect_import_adds(import(kData / "sigtop-json/export"), 0, 11);
}

TEST_F(SignalImportCli, CutSigtopJsonIsBadInputNamingIt) {
  const fs::path out = dir() / "cut";
  fs::create_directories(out);
  std::ofstream(out / "Ana (+351912345678).json", std::ios::binary)
      << "[\n{\"id\":\"a\",\"type\":\"incoming\",\"sent_at\":1717321402123,"
         "\"conversationId\":\"c\",\"body\":\"segredo guardado\"},\n{\"id\":\"b\",\"ty";
  expect_cut_file_is_bad_input(out, "Ana (+351912345678).json", "segredo");
}

}  // namespace
}  // namespace dmvault
