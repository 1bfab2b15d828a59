// import, list, show and info end to end, on exports made by the project's own generator:
// counts equal the generator's ground truth, re-imports add nothing, a zip equals its folder,
// bad input leaves the vault byte-identical, and a kill -9 mid-import loses nothing.
#include "cli/generated_export.hpp"
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace dmvault {
namespace {

using dmvault::testing::json_uint;
using dmvault::testing::read_file;
using dmvault::testing::run_generator;
namespace fs = std::filesystem;

// A vault and a generated export beside it, with the generator's ground truth (truth.json).
struct Fixture : dmvault::testing::VaultFixture {
  fs::path export_dir = dir() / "export";
  fs::path truth = dir() / "truth.json";
  explicit Fixture(const std::vector<std::string>& gen_args) : VaultFixture("import", {}) {
    std::vector<std::string> args{"--out", export_dir.string(), "--truth", truth.string()};
    args.insert(args.end(), gen_args.begin(), gen_args.end());
    EXPECT_EQ(run_generator(args), 0);
  }
};

TEST(ImportCli, CountsEqualGroundTruthAndReimportAddsNothing) {
  Fixture f(
      {"--conversations", "50", "--messages", "20000", "--media-bytes", "4000000", "--seed", "7"});
  const auto first = f.import(f.export_dir);
  ASSERT_EQ(first.status, 0) << first.err;
  const std::string truth = read_file(f.truth);
  EXPECT_EQ(json_uint(first.out, "messages_added"),
            json_uint(truth, "messages") + json_uint(truth, "system_messages"));
  EXPECT_EQ(json_uint(first.out, "conversations"), json_uint(truth, "conversations"));

  const auto info = f.info();
  ASSERT_EQ(info.status, 0) << info.err;
  for (const char* key : {"conversations", "messages", "system_messages", "attachments",
                          "media_files", "media_bytes"}) {
    EXPECT_EQ(json_uint(info.out, key), json_uint(truth, key)) << key;
  }

  const auto size_before = fs::file_size(f.vault());
  const auto again = f.import(f.export_dir);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(json_uint(again.out, "messages_added"), 0u);
  EXPECT_EQ(json_uint(again.out, "messages_duplicate"), json_uint(first.out, "messages_added"));
  EXPECT_LT(static_cast<double>(fs::file_size(f.vault()) - size_before),
            0.01 * static_cast<double>(size_before));

  const auto verify = f.dm({"verify", f.vault().string()});
  EXPECT_EQ(verify.status, 0) << verify.err;
}

TEST(ImportCli, AZipGivesTheSameConversationsAsTheFolder) {
  Fixture f(
      {"--conversations", "12", "--messages", "3000", "--media-bytes", "500000", "--seed", "11"});
  const fs::path zip_dir = f.dir() / "zipped";
  ASSERT_EQ(run_generator({"--out", zip_dir.string(), "--conversations", "12", "--messages", "3000",
                           "--media-bytes", "500000", "--seed", "11", "--zip"}),
            0);
  std::vector<std::string> zips;
  for (const auto& e : fs::directory_iterator(zip_dir)) zips.push_back(e.path().string());
  std::sort(zips.begin(), zips.end());
  ASSERT_FALSE(zips.empty());

  ASSERT_EQ(f.dm({"import", f.vault().string(), f.export_dir.string()}).status, 0);
  const fs::path zip_vault = f.dir() / "zip.dmv";
  f.init(zip_vault);
  std::vector<std::string> args{"import", zip_vault.string()};
  args.insert(args.end(), zips.begin(), zips.end());
  const auto imported = f.dm(args);
  ASSERT_EQ(imported.status, 0) << imported.err;
  const auto from_folder = f.dm({"list", f.vault().string(), "--json"});
  const auto from_zip = f.dm({"list", zip_vault.string(), "--json"});
  ASSERT_EQ(from_folder.status, 0);
  EXPECT_EQ(from_folder.out, from_zip.out);
}

TEST(ImportCli, ListAndShowReadBack) {
  Fixture f({"--conversations", "3", "--messages", "200", "--media-bytes", "20000", "--seed", "5"});
  ASSERT_EQ(f.dm({"import", f.vault().string(), f.export_dir.string()}).status, 0);
  const auto list = f.dm({"list", f.vault().string(), "--json"});
  ASSERT_EQ(list.status, 0) << list.err;
  simdjson::dom::parser parser;
  std::istringstream lines(list.out);
  std::string line;
  std::uint64_t total = 0;
  std::int64_t first_id = 0;
  while (std::getline(lines, line)) {
    simdjson::dom::element c = parser.parse(line);
    total += c["messages"].get_uint64().value();
    if (first_id == 0) first_id = c["id"].get_int64().value();
  }
  const std::string truth = read_file(f.truth);
  EXPECT_EQ(total, json_uint(truth, "messages") + json_uint(truth, "system_messages"));
  const auto show = f.dm({"show", f.vault().string(), std::to_string(first_id), "--json"});
  ASSERT_EQ(show.status, 0) << show.err;
  std::istringstream shown(show.out);
  std::int64_t previous = INT64_MIN;
  while (std::getline(shown, line)) {
    simdjson::dom::element m = parser.parse(line);
    const std::int64_t ts = m["timestamp_ms"].get_int64().value();
    EXPECT_GE(ts, previous);  // transcripts run in time order
    previous = ts;
    EXPECT_EQ(m["conversation_id"].get_int64().value(), first_id);
  }
  EXPECT_EQ(f.dm({"show", f.vault().string(), "no such conversation"}).status, 1);
}

TEST(ImportCli, ATruncatedMessageFileIsExitFiveAndLeavesTheVaultByteIdentical) {
  Fixture f({"--conversations", "4", "--messages", "400", "--media-bytes", "10000", "--seed", "3"});
  fs::path victim;
  for (const auto& e : fs::recursive_directory_iterator(f.export_dir)) {
    if (e.path().filename() == "message_1.json") {
      victim = e.path();
      break;
    }
  }
  ASSERT_FALSE(victim.empty());
  fs::resize_file(victim, fs::file_size(victim) / 2);
  const std::string before = read_file(f.vault());
  const auto r = f.dm({"import", f.vault().string(), f.export_dir.string()});
  EXPECT_EQ(r.status, 5) << r.err;
  EXPECT_NE(r.err.find("message_1.json"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(f.vault()), before);
}

TEST(ImportCli, UnknownExportIsExitFiveWithAHint) {
  Fixture f({"--conversations", "1", "--messages", "10", "--seed", "1"});
  const fs::path other = f.dir() / "notes";
  fs::create_directories(other);
  std::ofstream(other / "readme.txt") << "not an export\n";
  const auto r = f.dm({"import", f.vault().string(), other.string()});
  EXPECT_EQ(r.status, 5);
  EXPECT_NE(r.err.find("dmvault: hint:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("instagram"), std::string::npos) << r.err;
}

TEST(ImportCli, KillDuringImportLosesNothingAndARerunCompletes) {
  Fixture f(
      {"--conversations", "30", "--messages", "30000", "--media-bytes", "30000000", "--seed", "9"});
  const auto empty_verify = f.dm({"verify", f.vault().string()});
  ASSERT_EQ(empty_verify.status, 0);
  int killed = 0;
  for (int delay_ms : {50, 150, 400}) {
    std::vector<std::string> argv_s{
        DMVAULT_BINARY,      "import",          f.vault().string(), f.export_dir.string(),
        "--passphrase-file", f.pass().string(), "--no-progress"};
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, DMVAULT_BINARY, nullptr, nullptr, argv.data(), environ), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed;
    const auto verify = f.dm({"verify", f.vault().string()});
    EXPECT_EQ(verify.status, 0) << verify.err;
  }
  EXPECT_GT(killed, 0);
  const auto rerun = f.import(f.export_dir);
  ASSERT_EQ(rerun.status, 0) << rerun.err;
  const auto info = f.info();
  const std::string truth = read_file(f.truth);
  EXPECT_EQ(json_uint(info.out, "messages"), json_uint(truth, "messages"));
  EXPECT_EQ(json_uint(info.out, "conversations"), json_uint(truth, "conversations"));
  EXPECT_EQ(f.dm({"verify", f.vault().string()}).status, 0);
}

}  // namespace
}  // namespace dmvault
