// One vault holding an import of every platform dmvault reads: each import is detected as its
// own platform, and list, search (with platform:), show and export work over all of them
// together. The exports are the hand-written golden cases of tests/data.
#include "cli/run_process.hpp"

#include <gtest/gtest.h>

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

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data";

struct Import {
  std::string platform;
  fs::path export_path;
  std::vector<std::string> extra;
};

const std::vector<Import> kImports{
    {"instagram", kData / "instagram/json-2020-22/export", {}},
    {"messenger", kData / "messenger/json-2024/export", {}},
    {"whatsapp",
     kData / "whatsapp/android-24h-dmy/export/WhatsApp Chat with Ana P\u00e9rez.txt",
     {"--timezone", "UTC"}},
    {"telegram", kData / "telegram/single-chat/export", {}},
    {"x", kData / "x/one-to-one/export", {}},
    {"discord", kData / "discord/dce-guild/export", {}},
    {"sms", kData / "sms/phone-threads/export", {"--self", "Sam"}},
    {"signal", kData / "signal/sigtop-json/export", {"--self", "Sam"}},
    {"imessage", kData / "imessage/ventura-direct/export", {}},
    {"tiktok", kData / "tiktok/current/export", {}},
    {"snapchat", kData / "snapchat/current/export", {}},
    {"google_chat", kData / "google_chat/chat-dm-space/export", {}},
    {"slack", kData / "slack/workspace/export", {"--self", "U0600ANA01"}},
    {"linkedin", kData / "linkedin/basic/export", {}},
};

class MixedVault : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dmvault-mixed-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    std::ofstream(m_dir / "pass") << "mixed vault passphrase\n";
    ASSERT_EQ(run({"init", vault(), "--kdf", "interactive"}).status, 0);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  std::string vault() const { return (m_dir / "v.dmv").string(); }
  ProcessResult run(std::vector<std::string> args) const {
    args.push_back("--passphrase-file");
    args.push_back((m_dir / "pass").string());
    return run_dmvault(args, {.env = {{"TZ", "UTC"}}});
  }
  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path m_dir;
};

TEST_F(MixedVault, EveryPlatformListsSearchesShowsAndExportsTogether) {
  for (const Import& import : kImports) {
    ASSERT_TRUE(fs::exists(import.export_path)) << import.export_path;
    std::vector<std::string> args{"import", vault(), import.export_path.string()};
    args.insert(args.end(), import.extra.begin(), import.extra.end());
    const ProcessResult r = run(args);
    ASSERT_EQ(r.status, 0) << import.platform << ": " << r.err;
    // Detected as its own platform, without --platform.
    EXPECT_NE(r.out.find("imported " + import.platform + " export"), std::string::npos)
        << import.platform << ": " << r.out;
  }

  const ProcessResult sources = run({"list", vault(), "--sources", "--json"});
  ASSERT_EQ(sources.status, 0) << sources.err;
  EXPECT_EQ(lines_of(sources.out).size(), kImports.size()) << sources.out;

  const ProcessResult list = run({"list", vault(), "--json"});
  ASSERT_EQ(list.status, 0) << list.err;
  for (const Import& import : kImports) {
    EXPECT_NE(list.out.find("\"platform\":\"" + import.platform + "\""), std::string::npos)
        << import.platform << " missing from list: " << list.out;
  }

  std::size_t total = 0;
  for (const Import& import : kImports) {
    // Every platform's messages are found by platform: and only its own.
    const ProcessResult count = run({"search", vault(), "platform:" + import.platform, "--count"});
    ASSERT_EQ(count.status, 0) << import.platform << ": " << count.err;
    const std::size_t n = std::stoul(count.out);
    EXPECT_GT(n, 0u) << import.platform;
    total += n;
    const ProcessResult hits =
        run({"search", vault(), "platform:" + import.platform, "--json", "--limit", "0"});
    ASSERT_EQ(hits.status, 0) << hits.err;
    const auto json_lines = lines_of(hits.out);
    EXPECT_EQ(json_lines.size(), n) << import.platform;
    for (const std::string& line : json_lines) {
      EXPECT_NE(line.find("\"platform\":\"" + import.platform + "\""), std::string::npos) << line;
    }
  }
  // The platforms split the vault: together they are all of it.
  const ProcessResult every = run({"search", vault(), "after:1970-01-01", "--count"});
  ASSERT_EQ(every.status, 0) << every.err;
  EXPECT_EQ(std::stoul(every.out), total);

  // A conversation of each platform can be shown by its id.
  for (const std::string& line : lines_of(list.out)) {
    const std::size_t at = line.find("\"id\":");
    ASSERT_NE(at, std::string::npos) << line;
    const std::string id = line.substr(at + 5, line.find(',', at) - at - 5);
    const ProcessResult show = run({"show", vault(), id, "--json"});
    EXPECT_TRUE(show.status == 0 || show.status == 1) << show.err;
  }

  // Export one platform's conversations as JSON: only that platform's messages come out.
  const fs::path out = m_dir / "whatsapp-json";
  const ProcessResult exported = run({"export", vault(), "--format", "json", "--out", out.string(),
                                      "--platform", "whatsapp", "--no-progress"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file() || entry.path().filename() == "index.json") continue;
    ++files;
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str().find("\"platform\":\"instagram\""), std::string::npos) << entry.path();
    EXPECT_EQ(text.str().find("\"platform\":\"telegram\""), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace dmvault
