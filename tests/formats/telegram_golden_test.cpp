// Whole hand-written Telegram Desktop exports (tests/data/telegram/<case>/export: a single chat,
// a whole-account export, one with missing files and an old one without unix times) against
// their golden records (expected.jsonl). Options for a case sit in options.txt ("timezone=...",
// "self_name=..."). Regenerate with DMVAULT_UPDATE_GOLDEN=1 and review the diff.
#include "common/format_text.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "telegram/telegram_importer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace dmvault::test {
namespace {

const std::filesystem::path kCases =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "tests/data/telegram";

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
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "timezone") options.timezone = value;
    if (key == "self_name") options.self_name = value;
  }
  return options;
}

class TelegramGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TelegramGoldenTest, MatchesExpectedRecords) {
  const std::filesystem::path dir = kCases / GetParam();
  const ImportOptions options = read_options(dir / "options.txt");
  if (!options.timezone.empty() && options.timezone.find('/') != std::string::npos &&
      !std::filesystem::exists("/usr/share/zoneinfo/" + options.timezone)) {
    GTEST_SKIP() << "the tz database has no " << options.timezone;
  }
  const MemoryExport files = MemoryExport::from_directory(dir / "export");
  const auto importer = formats::make_telegram_importer();
  EXPECT_EQ(importer->detect(files), 100);
  RecordingSink sink;
  importer->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
  for (const auto& r : sink.messages()) {
    EXPECT_TRUE(formats::is_nfc(r.message.text)) << r.message.raw;
    EXPECT_TRUE(formats::is_nfc(r.message.sender)) << r.message.raw;
    EXPECT_FALSE(r.message.raw.empty());
    EXPECT_FALSE(r.message.source_path.empty());
    EXPECT_TRUE(files.exists(r.message.source_path));
  }
  const std::string actual = to_jsonl(sink);
  const std::string problem = check_golden(dir / "expected.jsonl", actual);
  EXPECT_TRUE(problem.empty()) << problem;
  // Deterministic: the same files give the same records.
  RecordingSink again;
  importer->import(files, again, options);
  EXPECT_EQ(to_jsonl(again), actual);
}

INSTANTIATE_TEST_SUITE_P(Cases, TelegramGoldenTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace dmvault::test
