// Whole hand-written Messenger exports (tests/data/messenger/<case>/export: JSON 2018 and 2024
// with every section, the E2EE flat files, HTML in both designs) against their golden records
// (expected.jsonl). Options for a case sit in options.txt ("timezone=...", "self_name=...").
// Regenerate with DMVAULT_UPDATE_GOLDEN=1 and review the diff.
#include "common/format_text.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "instagram/instagram_importer.hpp"
#include "messenger/messenger_importer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace dmvault::test {
namespace {

const std::filesystem::path kCases =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "tests/data/messenger";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kCases)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ImportOptions read_options(const std::filesystem::path& file) {
  ImportOptions options;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    if (line.substr(0, eq) == "timezone") options.timezone = line.substr(eq + 1);
    if (line.substr(0, eq) == "self_name") options.self_name = line.substr(eq + 1);
  }
  return options;
}

class MessengerGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MessengerGoldenTest, MatchesExpectedRecords) {
  const std::filesystem::path dir = kCases / GetParam();
  const ImportOptions options = read_options(dir / "options.txt");
  if (!options.timezone.empty() &&
      !std::filesystem::exists("/usr/share/zoneinfo/" + options.timezone)) {
    GTEST_SKIP() << "the tz database has no " << options.timezone;
  }
  const MemoryExport files = MemoryExport::from_directory(dir / "export");
  const auto importer = formats::make_messenger_importer();
  EXPECT_EQ(importer->detect(files), 100);
  // Instagram reads the same evidence and never claims a Messenger export as strongly.
  EXPECT_LT(formats::make_instagram_importer()->detect(files), 100);
  RecordingSink sink;
  importer->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
  for (const auto& c : sink.conversations()) EXPECT_EQ(c.platform, "messenger");
  for (const auto& r : sink.messages()) {
    EXPECT_TRUE(formats::is_nfc(r.message.text)) << r.message.raw;
    EXPECT_TRUE(formats::is_nfc(r.message.sender)) << r.message.raw;
    EXPECT_FALSE(r.message.raw.empty());
    EXPECT_TRUE(files.exists(r.message.source_path)) << r.message.source_path;
    EXPECT_NE(files.bytes(r.message.source_path).find(r.message.raw), std::string::npos);
  }
  const std::string actual = to_jsonl(sink);
  const std::string problem = check_golden(dir / "expected.jsonl", actual);
  EXPECT_TRUE(problem.empty()) << problem;
  RecordingSink again;
  importer->import(files, again, options);
  EXPECT_EQ(to_jsonl(again), actual);
}

INSTANTIATE_TEST_SUITE_P(Cases, MessengerGoldenTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace dmvault::test
