// Whole hand-written exports (tests/data/<platform>/<case>/export, for every registered importer:
// each era, layout, language and date style) against their golden records (expected.jsonl).
// Settings, one "key=value" a line ('#' starts a comment line), come from the platform's
// tests/data/<platform>/expectations.txt, then from the case's options.txt (which wins):
//   timezone=ZONE, self_name=NAME  the import options
//   detect_at_least=N   the importer's detect score may be below 100, but not below N
//                       (default: exactly 100)
//   message_ids=none    the format has no message ids, so none may be invented
//   local_times=all     every message keeps the wall-clock time the export wrote
//   raw=rewritten       raw is the record after a repair, not bytes found as such in the file
//                       (default: raw=verbatim)
// Regenerate the golden files with DMVAULT_UPDATE_GOLDEN=1 and review the diff.
#include "formats/importer_golden.hpp"

#include "common/format_text.hpp"
#include "dmvault/importer.hpp"
#include "formats/memory_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace dmvault::test {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data";

// A zone far from any case's, to show that records of a case without a zone do not depend on
// the machine's.
constexpr const char* kOtherZone = "Asia/Kathmandu";

struct GoldenCase {
  std::string platform;  // an importer's name(), also the folder under tests/data
  std::string name;      // the case's folder
  fs::path dir() const { return kData / platform / name; }
};

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  for (const auto& importer : all_importers()) {
    const fs::path platform_dir = kData / importer->name();
    if (!fs::is_directory(platform_dir)) continue;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(platform_dir)) {
      if (entry.is_directory()) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (std::string& name : names) cases.push_back({importer->name(), std::move(name)});
  }
  return cases;
}

struct CaseSettings {
  ImportOptions options;
  int detect_at_least = 100;
  bool exact_detect = true;
  bool no_message_ids = false;
  bool local_times = false;
  bool raw_verbatim = true;
};

// Adds the settings of `file` (when it exists) to `settings`.
void read_settings(const fs::path& file, CaseSettings& settings) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "timezone") {
      settings.options.timezone = value;
    } else if (key == "self_name") {
      settings.options.self_name = value;
    } else if (key == "detect_at_least") {
      settings.detect_at_least = std::stoi(value);
      settings.exact_detect = false;
    } else if (key == "message_ids" && value == "none") {
      settings.no_message_ids = true;
    } else if (key == "local_times" && value == "all") {
      settings.local_times = true;
    } else if (key == "raw" && (value == "verbatim" || value == "rewritten")) {
      settings.raw_verbatim = value == "verbatim";
    } else {
      ADD_FAILURE() << file << ": unknown setting " << line;
    }
  }
}

std::unique_ptr<Importer> importer_named(const std::string& name) {
  for (auto& importer : all_importers()) {
    if (importer->name() == name) return std::move(importer);
  }
  return nullptr;
}

bool zone_missing(const std::string& zone) {
  return zone.find('/') != std::string::npos && !fs::exists("/usr/share/zoneinfo/" + zone);
}

class ImporterGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ImporterGoldenTest, MatchesExpectedRecords) {
  const GoldenCase& golden = GetParam();
  const fs::path dir = golden.dir();
  CaseSettings settings;
  read_settings(kData / golden.platform / "expectations.txt", settings);
  read_settings(dir / "options.txt", settings);
  const ImportOptions& options = settings.options;
  if (zone_missing(options.timezone)) {
    GTEST_SKIP() << "the tz database has no " << options.timezone;
  }
  const MemoryExport files = MemoryExport::from_directory(dir / "export");
  const auto importer = importer_named(golden.platform);
  ASSERT_NE(importer, nullptr);

  // Detection alone picks this importer: its score as the case expects, every other one below it
  // (on a tie the first registered would win).
  const int score = importer->detect(files);
  if (settings.exact_detect) {
    EXPECT_EQ(score, settings.detect_at_least);
  } else {
    EXPECT_GE(score, settings.detect_at_least);
  }
  for (const auto& other : all_importers()) {
    if (other->name() != golden.platform) {
      EXPECT_LT(other->detect(files), score) << other->name();
    }
  }

  RecordingSink sink;
  importer->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
  for (const auto& c : sink.conversations()) EXPECT_EQ(c.platform, golden.platform);
  ASSERT_FALSE(sink.messages().empty());
  std::size_t spans = 0;
  for (const auto& r : sink.messages()) {
    const Message& m = r.message;
    EXPECT_TRUE(formats::is_nfc(m.text)) << m.raw;
    EXPECT_TRUE(formats::is_nfc(m.sender)) << m.raw;
    EXPECT_FALSE(m.raw.empty());
    EXPECT_FALSE(m.source_path.empty());
    ASSERT_TRUE(files.exists(m.source_path)) << m.source_path;
    if (settings.raw_verbatim) {
      EXPECT_NE(files.bytes(m.source_path).find(m.raw), std::string::npos) << m.raw;
    }
    // A record said to be a span of its file is there byte for byte: the catalog keeps only the
    // span and reads the record back from the stored file.
    if (m.raw_offset) {
      const std::string& bytes = files.bytes(m.source_path);
      ASSERT_LE(*m.raw_offset, bytes.size()) << m.source_path;
      EXPECT_EQ(bytes.substr(*m.raw_offset, m.raw.size()), m.raw) << m.source_path;
      ++spans;
    }
    if (settings.local_times) {
      EXPECT_FALSE(m.local_time.empty()) << m.raw;
    }
    if (settings.no_message_ids) {
      EXPECT_TRUE(m.platform_message_id.empty()) << m.raw;
    }
  }
  RecordProperty("raw_spans", static_cast<int>(spans));
  const std::string actual = to_jsonl(sink);
  const std::string problem = check_golden(dir / "expected.jsonl", actual);
  EXPECT_TRUE(problem.empty()) << problem;

  // Deterministic: the same files give the same records.
  RecordingSink again;
  importer->import(files, again, options);
  EXPECT_EQ(to_jsonl(again), actual);

  // A case without a zone stands for exports whose times carry their own: read in another zone
  // than the machine's, the records must be the same (else the case needs timezone=).
  if (options.timezone.empty() && !zone_missing(kOtherZone)) {
    ImportOptions elsewhere = options;
    elsewhere.timezone = kOtherZone;
    RecordingSink moved;
    importer->import(files, moved, elsewhere);
    EXPECT_EQ(to_jsonl(moved), actual) << "the records depend on the machine's time zone";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ImporterGoldenTest, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
                           std::string name =
                               param_info.param.platform + "_" + param_info.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace dmvault::test
