// The acceptance of issue 8 as a new user would try it: an import killed with SIGKILL at eight
// moments always leaves a vault that verifies and a re-run that completes the import with exact
// counts; sixty one-byte flips spread over a whole vault never pass silently, never pose as a
// wrong passphrase outside the keyslots, and never crash the reader.
#include "adversarial/adversarial_support.hpp"
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

namespace dmvault::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kExitWrongPassphrase = 3;
constexpr int kKillMoments = 8;
constexpr int kFlips = 60;
// Superblock layout (src/vault/format.hpp): two 4096-byte copies, keyslots at [128, 1152) of each.
constexpr std::uint64_t kSuperblockSize = 4096;
constexpr std::uint64_t kKeyslotsBegin = 128;
constexpr std::uint64_t kKeyslotsEnd = 128 + 8 * 128;

bool in_keyslot_area(std::uint64_t offset) {
  if (offset >= 2 * kSuperblockSize) return false;
  const std::uint64_t within = offset % kSuperblockSize;
  return within >= kKeyslotsBegin && within < kKeyslotsEnd;
}

std::vector<std::string> with_pass(const VaultFixture& f, std::vector<std::string> args) {
  args.insert(args.begin(), DMVAULT_BINARY);
  args.push_back("--passphrase-file");
  args.push_back(f.pass().string());
  return args;
}

TEST(KillNine, AtEightMomentsOfAnImportVerifiesAndReRunCompletes) {
  VaultFixture f("kill9");
  const fs::path export_dir = f.dir() / "export";
  // Large enough that a Debug import lasts long enough to be hit at eight distinct moments.
  ASSERT_TRUE(
      generate_export({"--out", export_dir.string(), "--conversations", "12", "--messages", "6000",
                       "--media-bytes", "24M", "--messages-per-file", "500", "--seed", "88"}));
  const std::string empty_vault = f.vault_bytes();

  // The reference: an uninterrupted import, its duration and its counts.
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult reference = f.import(export_dir);
  const auto duration = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(reference.status, 0) << reference.err;
  const std::uint64_t total = json_uint(reference.out, "messages_added");
  // What `info` counts for the whole export (it may differ from messages_added, see the report).
  const ProcessResult reference_info = f.info();
  ASSERT_EQ(reference_info.status, 0) << reference_info.err;
  const std::uint64_t stored = json_uint(reference_info.out, "messages");
  ASSERT_GT(total, 2500u);

  int killed = 0;
  for (int moment = 1; moment <= kKillMoments; ++moment) {
    SCOPED_TRACE("kill moment " + std::to_string(moment) + "/" + std::to_string(kKillMoments));
    write_bytes(f.vault(), empty_vault);
    const pid_t pid = start_child(
        with_pass(f, {"import", f.vault().string(), export_dir.string(), "--json"}), {});
    // Spread over the whole import: 1/9 ... 8/9 of the reference duration.
    std::this_thread::sleep_for(duration * moment / (kKillMoments + 1));
    ::kill(pid, SIGKILL);
    const ChildEnd end = wait_child(pid);
    if (end.status == 128 + SIGKILL) ++killed;

    const ProcessResult verify = f.dm({"verify", f.vault().string()});
    EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
    const ProcessResult rerun = f.import(export_dir);
    ASSERT_EQ(rerun.status, 0) << rerun.err;
    EXPECT_EQ(json_uint(rerun.out, "messages_added") + json_uint(rerun.out, "messages_duplicate"),
              total)
        << rerun.out;
    const ProcessResult info = f.info();
    ASSERT_EQ(info.status, 0) << info.err;
    EXPECT_EQ(json_uint(info.out, "messages"), stored) << info.out;
    if (::testing::Test::HasFatalFailure()) return;
  }
  // Most kills must land while the import runs, or the test proves nothing.
  EXPECT_GE(killed, kKillMoments / 2) << "imports ended before the kill: the export is too small";
}

TEST(ByteFlips, SixtySpreadOverAVaultNeverPassSilentlyNorPoseAsAWrongPassphrase) {
  VaultFixture f("flips");
  const fs::path export_dir = f.dir() / "export";
  ASSERT_TRUE(generate_export({"--out", export_dir.string(), "--conversations", "6", "--messages",
                               "400", "--media-bytes", "400K", "--seed", "60"}));
  ASSERT_EQ(f.import(export_dir).status, 0);
  const std::string pristine = f.vault_bytes();
  ASSERT_GT(pristine.size(), 3 * kSuperblockSize);
  const fs::path damaged = f.dir() / "damaged.dmv";
  int keyslot_flips = 0;
  int header_copy_warnings = 0;
  for (int i = 0; i < kFlips; ++i) {
    // Evenly spread, shifted by a varying amount so that the flips do not all land at the same
    // offset within a frame or a superblock.
    const std::uint64_t offset = (pristine.size() * static_cast<std::uint64_t>(i)) / kFlips +
                                 (static_cast<std::uint64_t>(i) * 977) % (pristine.size() / kFlips);
    SCOPED_TRACE("flip at offset " + std::to_string(offset) + " of " +
                 std::to_string(pristine.size()));
    std::string bytes = pristine;
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x5a);
    write_bytes(damaged, bytes);
    const bool keyslot = in_keyslot_area(offset);
    if (keyslot) ++keyslot_flips;

    const ProcessResult verify = f.dm({"verify", damaged.string()});
    EXPECT_LT(verify.status, 128) << "verify crashed";
    if (verify.status == 0) {
      // The only flips verify lets through are in one of the two superblock copies, which the
      // other copy replaces; it must still say so (today as a warning, see the report).
      ++header_copy_warnings;
      EXPECT_LT(offset, 2 * kSuperblockSize) << "the flip passed verify silently";
      EXPECT_NE(verify.err.find("damaged"), std::string::npos)
          << "the flip passed verify silently: " << verify.err;
    }
    if (!keyslot) {
      EXPECT_NE(verify.status, kExitWrongPassphrase) << verify.err;
    }
    // Opening for a query too (on every fifth flip: verify already opened the damaged file).
    if (i % 5 == 0) {
      const ProcessResult search = f.dm({"search", damaged.string(), "a", "--count"});
      EXPECT_LT(search.status, 128) << "search crashed";
      if (!keyslot) {
        EXPECT_NE(search.status, kExitWrongPassphrase) << search.err;
      }
    }
  }
  RecordProperty("header_copy_warnings", header_copy_warnings);
  RecordProperty("keyslot_flips", keyslot_flips);
}

}  // namespace
}  // namespace dmvault::testing
