// search and shell output, exactly: a hand-written Instagram export (tests/data/instagram/
// json-2020-22) sealed into a vault, a fixed list of commands, and their stdout and exit statuses
// compared with tests/data/search-golden/expected.txt. DMVAULT_UPDATE_GOLDEN=1 rewrites that
// file instead; review the diff before keeping it.
#include "cli/run_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dmvault {
namespace {

using dmvault::testing::ProcessResult;
using dmvault::testing::run_dmvault;
namespace fs = std::filesystem;

const fs::path kSource = DMVAULT_SOURCE_DIR;
const fs::path kExpected = kSource / "tests/data/search-golden/expected.txt";

struct Case {
  std::vector<std::string> args;  // after "search VAULT" (or the shell's stdin for shell cases)
  std::string shell_input;        // non-empty: run `shell VAULT` with this on stdin
};

const std::vector<Case> kCases{
    {{"cafe", "--utc"}, ""},
    {{"café", "--tz", "Europe/Lisbon"}, ""},
    {{"cafe", "-C", "1", "--sort", "oldest", "--utc"}, ""},
    {{"has:photo", "--utc"}, ""},
    {{"from:\"ana perez\"", "--limit", "2", "--utc"}, ""},
    {{"from:ana", "--json", "--limit", "2", "--utc"}, ""},
    {{"--regex", "p[ãa]o de", "--utc"}, ""},
    {{"\"video chat\" OR hey", "--count"}, ""},
    {{"on:2022-06-11", "--utc"}, ""},
    {{"on:2022-06-11", "--tz", "Asia/Tokyo"}, ""},
    {{"--regex", "(?i)^BOM", "from:ana", "--utc"}, ""},
    {{"zzzznotthere", "--utc"}, ""},
    {{"--utc"}, "cafe\nsearch --count queijo\nlist\nshow --limit 2 weekend crew\nquit\nhey\n"},
};

class SearchGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dmvault-golden-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    std::ofstream(m_dir / "pass") << "golden passphrase\n";
    auto r = run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_dmvault({"import", vault(),
                     (kSource / "tests/data/instagram/json-2020-22/export").string(),
                     "--passphrase-file", pass()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  std::string vault() const { return (m_dir / "v.dmv").string(); }
  std::string pass() const { return (m_dir / "pass").string(); }

  fs::path m_dir;
};

// info names each import, as export --source takes them.
TEST_F(SearchGolden, InfoListsTheSources) {
  const ProcessResult r = run_dmvault({"info", vault(), "--passphrase-file", pass()});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string export_dir = (kSource / "tests/data/instagram/json-2020-22/export").string();
  EXPECT_NE(r.out.find("source 1        instagram, " + export_dir + ", imported "),
            std::string::npos)
      << r.out;
  const ProcessResult json = run_dmvault({"info", vault(), "--json", "--passphrase-file", pass()});
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"sources\":[{\"id\":1,\"platform\":\"instagram\",\"export\":\"" +
                          export_dir + "\""),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"messages_added\":21,\"messages_duplicate\":0}]"), std::string::npos)
      << json.out;
}

TEST_F(SearchGolden, OutputMatchesExpected) {
  std::ostringstream transcript;
  for (const Case& c : kCases) {
    std::vector<std::string> args{c.shell_input.empty() ? "search" : "shell", vault()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--passphrase-file", pass()});
    testing::RunOptions options{.env = {{"TZ", "America/New_York"}}};
    if (!c.shell_input.empty()) options.stdin_input = c.shell_input;
    const ProcessResult r = run_dmvault(args, options);
    transcript << "$ dmvault " << args.front() << " VAULT";
    for (const std::string& a : c.args) transcript << " " << a;
    transcript << "\n";
    if (!c.shell_input.empty()) transcript << "< " << c.shell_input.size() << " bytes of input\n";
    transcript << r.out << "[exit " << r.status << "]\n\n";
    EXPECT_EQ(r.err.find("error"), std::string::npos) << r.err;
  }
  const char* update = std::getenv("DMVAULT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(kExpected.parent_path());
    std::ofstream(kExpected, std::ios::binary) << transcript.str();
    GTEST_SKIP() << "rewrote " << kExpected;
  }
  std::ifstream in(kExpected, std::ios::binary);
  ASSERT_TRUE(in) << kExpected << " is missing: run with DMVAULT_UPDATE_GOLDEN=1";
  std::ostringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(transcript.str(), expected.str());
}

}  // namespace
}  // namespace dmvault
