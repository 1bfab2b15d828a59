// Several processes on one vault: one writer at a time (the others exit 6, "vault busy", or wait
// with --wait), nothing lost, readers never see a partial commit, and a writer killed with
// SIGKILL frees the vault at once (the OFD lock dies with its descriptor).
#include "adversarial/adversarial_support.hpp"
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

namespace dmvault::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kExitBusy = 6;  // DESIGN.md §5, include/dmvault/error.hpp ErrorCode::busy
constexpr int kImporters = 8;

std::vector<std::string> with_pass(const VaultFixture& f, std::vector<std::string> args) {
  args.insert(args.begin(), DMVAULT_BINARY);
  args.push_back("--passphrase-file");
  args.push_back(f.pass().string());
  return args;
}

// Eight small exports that share no message (different seeds).
std::vector<fs::path> make_exports(const VaultFixture& f) {
  std::vector<fs::path> exports;
  for (int i = 0; i < kImporters; ++i) {
    const fs::path dir = f.dir() / ("export" + std::to_string(i));
    EXPECT_TRUE(generate_export({"--out", dir.string(), "--conversations", "2", "--messages", "150",
                                 "--media-bytes", "0", "--seed", std::to_string(1000 + i)}));
    exports.push_back(dir);
  }
  return exports;
}

struct Finished {
  ChildEnd end;
  std::string out;
  std::string err;
};

std::vector<Finished> import_all_at_once(const VaultFixture& f,
                                         const std::vector<fs::path>& exports,
                                         const std::vector<std::string>& extra) {
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < exports.size(); ++i) {
    std::vector<std::string> args{"import", f.vault().string(), exports[i].string(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ChildOptions options;
    options.stdout_file = f.dir() / ("out" + std::to_string(i));
    options.stderr_file = f.dir() / ("err" + std::to_string(i));
    pids.push_back(start_child(with_pass(f, args), options));
  }
  std::vector<Finished> results;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    Finished r;
    r.end = wait_child(pids[i]);
    r.out = file_bytes(f.dir() / ("out" + std::to_string(i)));
    r.err = file_bytes(f.dir() / ("err" + std::to_string(i)));
    results.push_back(r);
  }
  return results;
}

std::uint64_t vault_messages(const VaultFixture& f) {
  const ProcessResult info = f.info();
  EXPECT_EQ(info.status, 0) << info.err;
  return info.status == 0 ? json_uint(info.out, "messages") : 0;
}

// Starts a long import and returns once it holds the writer's lock (a reader is then busy).
pid_t start_lock_holder(const VaultFixture& f, const fs::path& big_export) {
  const pid_t pid =
      start_child(with_pass(f, {"import", f.vault().string(), big_export.string(), "--json"}), {});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (f.info().status == kExitBusy) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  wait_child(pid);
  ADD_FAILURE() << "the import never held the vault";
  return -1;
}

// True while `pid` has not ended (it is left to wait_child to reap).
bool still_running(pid_t pid) {
  siginfo_t info = {};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return false;
  }
  return info.si_pid == 0;
}

// The message count of a fresh vault holding `exports`, imported one after the other: what a
// concurrent run must end with (the exports may share messages, which are stored once).
std::uint64_t sequential_count(const std::vector<fs::path>& exports) {
  VaultFixture sequential("seq");
  for (const fs::path& e : exports) {
    EXPECT_EQ(sequential.import(e).status, 0);
  }
  return vault_messages(sequential);
}

TEST(Concurrency, EightImportersOneWriterTheOthersBusy) {
  VaultFixture f("conc8");
  const std::vector<fs::path> exports = make_exports(f);
  const std::vector<Finished> results = import_all_at_once(f, exports, {});
  std::uint64_t added = 0;
  int succeeded = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Finished& r = results[i];
    SCOPED_TRACE("importer " + std::to_string(i));
    ASSERT_TRUE(r.end.status == 0 || r.end.status == kExitBusy) << r.end.status << " " << r.err;
    if (r.end.status == 0) {
      ++succeeded;
      added += json_uint(r.out, "messages_added");
      EXPECT_GT(json_uint(r.out, "messages_added"), 0u);
    } else {
      EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(f.vault().string()), std::string::npos) << r.err;
    }
  }
  EXPECT_GE(succeeded, 1);
  EXPECT_GT(added, 0u);
  EXPECT_EQ(f.dm({"verify", f.vault().string()}).status, 0);
  std::vector<fs::path> imported;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].end.status == 0) imported.push_back(exports[i]);
  }
  EXPECT_EQ(vault_messages(f), sequential_count(imported));
  // Every successful import is whole in the vault: importing it again adds nothing.
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].end.status != 0) continue;
    expect_import_adds(f.import(exports[i]), 0);
  }
}

TEST(Concurrency, EightImportersWithWaitAllSucceedInTurn) {
  VaultFixture f("conc8w");
  const std::vector<fs::path> exports = make_exports(f);
  const std::vector<Finished> results = import_all_at_once(f, exports, {"--wait=120"});
  std::uint64_t added = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    SCOPED_TRACE("importer " + std::to_string(i));
    ASSERT_EQ(results[i].end.status, 0) << results[i].err;
    EXPECT_GT(json_uint(results[i].out, "messages_added"), 0u);
    added += json_uint(results[i].out, "messages_added");
  }
  EXPECT_GT(added, 0u);
  EXPECT_EQ(f.dm({"verify", f.vault().string()}).status, 0);
  EXPECT_EQ(vault_messages(f), sequential_count(exports));
  for (const fs::path& e : exports) expect_import_adds(f.import(e), 0);
}

class LockHolder : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(generate_export({"--out", small_.string(), "--conversations", "2", "--messages",
                                 "100", "--media-bytes", "0", "--seed", "7"}));
    ASSERT_TRUE(generate_export({"--out", big_.string(), "--conversations", "8", "--messages",
                                 "3000", "--media-bytes", "8M", "--seed", "8"}));
  }
  VaultFixture f_{"holder"};
  fs::path small_ = f_.dir() / "small";
  fs::path big_ = f_.dir() / "big";
};

TEST_F(LockHolder, ReaderDuringAWriteSeesThePreviousCommitOrIsBusy) {
  ASSERT_EQ(f_.import(small_).status, 0);
  const std::uint64_t before = vault_messages(f_);
  const pid_t writer = start_lock_holder(f_, big_);
  ASSERT_GT(writer, 0);
  int busy = 0;
  int previous = 0;
  std::uint64_t after = 0;
  const auto read_once = [&] {
    const ProcessResult info = f_.info();
    EXPECT_TRUE(info.status == 0 || info.status == kExitBusy) << info.status << info.err;
    if (info.status == kExitBusy) {
      ++busy;
      EXPECT_NE(info.err.find("in use"), std::string::npos) << info.err;
      return;
    }
    const std::uint64_t seen = json_uint(info.out, "messages");
    // Never a partial commit: the count before the import, or (once committed) all of it.
    if (seen == before) {
      ++previous;
    } else {
      after = seen;
    }
    const ProcessResult search = f_.dm({"search", f_.vault().string(), "a", "--count"});
    EXPECT_TRUE(search.status == 0 || search.status == 1 || search.status == kExitBusy)
        << search.err;
  };
  // The first readers run while the writer is held still mid-import, so they meet the write
  // however fast the import is on this machine; the rest race the running writer to its end.
  ASSERT_EQ(::kill(writer, SIGSTOP), 0);
  read_once();
  read_once();
  ASSERT_EQ(::kill(writer, SIGCONT), 0);
  const int held_still_readers_saw = busy + previous;
  while (still_running(writer)) read_once();
  const ChildEnd end = wait_child(writer);
  ASSERT_EQ(end.status, 0);
  const std::uint64_t final_count = vault_messages(f_);
  if (after != 0) {
    EXPECT_EQ(after, final_count);
  }
  EXPECT_GT(final_count, before);
  EXPECT_EQ(held_still_readers_saw, 2);
  RecordProperty("reader_busy", busy);
  RecordProperty("reader_saw_previous", previous);
}

TEST_F(LockHolder, KillNineOfTheHolderFreesTheVaultAtOnce) {
  // start_lock_holder returns once a reader was refused (exit 6): the writer holds the vault.
  const pid_t writer = start_lock_holder(f_, big_);
  ASSERT_GT(writer, 0);
  ::kill(writer, SIGKILL);
  ASSERT_EQ(wait_child(writer).status, 128 + SIGKILL) << "the import ended before the kill";
  // No waiting, no stale lock file: the very next writer gets the vault.
  expect_import_adds(f_.import(small_), 100);
  EXPECT_EQ(f_.dm({"verify", f_.vault().string()}).status, 0);
}

TEST_F(LockHolder, WaitGivesUpAfterItsDeadlineWithExitSix) {
  const pid_t writer = start_lock_holder(f_, big_);
  ASSERT_GT(writer, 0);
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult waited = f_.import(small_, {"--wait=1"});
  const auto waited_for = std::chrono::steady_clock::now() - started;
  const bool holder_outlived_the_wait = still_running(writer);
  ::kill(writer, SIGKILL);
  wait_child(writer);
  if (holder_outlived_the_wait) {
    EXPECT_EQ(waited.status, kExitBusy) << waited.err;
    EXPECT_GE(waited_for, std::chrono::seconds(1));
  } else {
    EXPECT_TRUE(waited.status == 0 || waited.status == kExitBusy) << waited.err;
  }
}

}  // namespace
}  // namespace dmvault::testing
