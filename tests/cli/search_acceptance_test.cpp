// Issue 4's acceptance, cross-checked with an independent generator: a 20,000-message Instagram
// export written by ../shared/tools/gen-instagram-export (not the project's own generator) with
// 50 needle words, each in exactly one message. Every needle must be found exactly once, with
// its sender and timestamp, as written, without its accents, and together with
// from:"Sender Name"; a word that is not there exits 1. The queries go through one `shell`
// session, as a script would pipe them. Skipped where ../shared is not present (the project's
// own generator covers the same ground in search_cli_test).
#include "cli/run_process.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace dmvault {
namespace {

using dmvault::testing::ProcessResult;
using dmvault::testing::run_dmvault;
namespace fs = std::filesystem;

const fs::path kTool = fs::path(DMVAULT_SOURCE_DIR) / "../shared/tools/gen-instagram-export";

struct Needle {
  std::string word;
  std::string folded;
  std::string sender;
  std::int64_t timestamp_ms = 0;
  std::string content;  // the message's whole text
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SearchAcceptance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kTool)) GTEST_SKIP() << kTool << " is not present";
    std::string pattern = (fs::temp_directory_path() / "dmvault-accept-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    const std::string command = "python3 '" + kTool.string() + "' --out '" +
                                (m_dir / "export").string() +
                                "' --messages 20000 --threads 50 --media-mb 2 --needles 50"
                                " --seed 7 --truth '" +
                                (m_dir / "truth.json").string() + "' -q";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    std::ofstream(m_dir / "pass") << "acceptance passphrase\n";
    auto r = run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_dmvault({"import", vault(), (m_dir / "export").string(), "--passphrase-file", pass()});
    ASSERT_EQ(r.status, 0) << r.err;

    simdjson::dom::parser parser;
    const std::string json = slurp(m_dir / "truth.json");
    for (simdjson::dom::element n : parser.parse(json)["needle_words"].get_array()) {
      m_needles.push_back({std::string(n["word"].get_string().value()),
                           std::string(n["word_folded"].get_string().value()),
                           std::string(n["sender"].get_string().value()),
                           n["timestamp_ms"].get_int64().value(),
                           std::string(n["content"].get_string().value())});
    }
  }
  void TearDown() override {
    std::error_code ec;
    if (!m_dir.empty()) fs::remove_all(m_dir, ec);
  }
  std::string vault() const { return (m_dir / "v.dmv").string(); }
  std::string pass() const { return (m_dir / "pass").string(); }

  fs::path m_dir;
  std::vector<Needle> m_needles;
};

TEST_F(SearchAcceptance, EveryNeedleIsFoundExactlyOnceWhereItWasPlanted) {
  ASSERT_EQ(m_needles.size(), 50u);
  // Per query: "search --count Q" (always one line) then "search --json Q" (that many lines).
  std::vector<std::string> queries;
  for (const Needle& n : m_needles) {
    queries.push_back(n.word);
    queries.push_back(n.folded);
    queries.push_back(n.word + " from:\"" + n.sender + "\"");
  }
  std::string input;
  for (const std::string& q : queries)
    input += "search --count " + q + "\nsearch --json " + q + "\n";
  const ProcessResult r = run_dmvault({"shell", vault(), "--passphrase-file", pass()},
                                      {.env = {{"TZ", "UTC"}}, .stdin_input = input});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const Needle& n = m_needles[i / 3];
    std::string count;
    ASSERT_TRUE(std::getline(lines, count)) << queries[i];
    ASSERT_EQ(count, "1") << queries[i];
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << queries[i];
    simdjson::dom::element hit = parser.parse(line);
    EXPECT_EQ(std::string(hit["sender"].get_string().value()), n.sender) << queries[i];
    EXPECT_EQ(hit["timestamp_ms"].get_int64().value(), n.timestamp_ms) << queries[i];
    // The whole text, repaired: no Meta mojibake reaches a result.
    EXPECT_EQ(std::string(hit["text"].get_string().value()), n.content) << queries[i];
  }
  std::string rest;
  EXPECT_FALSE(std::getline(lines, rest)) << "unexpected output: " << rest;

  const ProcessResult missing = run_dmvault(
      {"search", vault(), "qqxjzvwkplm", "--passphrase-file", pass()}, {.env = {{"TZ", "UTC"}}});
  EXPECT_EQ(missing.status, 1) << missing.err;
  EXPECT_EQ(missing.out, "");
}

}  // namespace
}  // namespace dmvault
