// Crash safety: the power goes (or the process is killed) at every mutating call of init, a
// commit, a writer's recovery and passwd. After each, the vault must open at its last commit,
// lose no commit that was acknowledged, and verify clean.
//
// Power loss is simulated in memory: io::CrashingStorage stops the world at the k-th write,
// sync or truncate, and MemoryStorage::crash_image() then yields disks that keep any subset of
// the unsynced writes, reordered, with torn sectors. A process kill is real: a child process is
// _exit()ed at the k-th call on a real file.
#include "io/fault_storage.hpp"
#include "vault/create.hpp"
#include "vault/format.hpp"
#include "vault_test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace dmvault {
namespace {

using namespace dmvault::testing;

constexpr int kSeedsPerKillPoint = 16;

// What a scenario had been told was durable when the power went.
struct Acknowledged {
  std::uint64_t commits = 0;  // commit count the last commit() returned with
  std::map<ObjectId, std::vector<std::uint8_t>> objects;  // contents of acknowledged objects
  bool passwd_done = false;
};

struct Scenario {
  std::string name;
  std::vector<std::uint8_t> initial;
  std::string old_passphrase;
  std::string new_passphrase;  // for passwd scenarios
  std::function<void(Storage&, Acknowledged&)> run;
};

struct Totals {
  std::uint64_t kill_points = 0;
  std::uint64_t images = 0;
};
Totals g_totals;

std::vector<std::uint8_t> base_vault(const std::string& pass, bool with_data) {
  io::MemoryStorage memory;
  Vault::create_on(memory, passphrase(pass), fast_options(true));
  if (with_data) {
    Vault v = Vault::open_on(borrow(memory), passphrase(pass), write_options());
    v.put(text_bytes("an old message"));
    v.put(pseudo_random_bytes(vault::kChunkSize + 999, 11));
    v.commit();
  }
  return memory.contents();
}

Vault open_image(const std::vector<std::uint8_t>& image, const std::string& pass) {
  return Vault::open_on(image_storage(image), passphrase(pass), read_options());
}

// Every disk state reachable after a crash at this point must pass these checks.
void check_image(const Scenario& s, const std::vector<std::uint8_t>& image, const Acknowledged& ack,
                 const std::string& where) {
  SCOPED_TRACE(where);
  std::optional<Vault> vault;
  std::string used;
  for (const std::string& pass : {s.old_passphrase, s.new_passphrase}) {
    if (pass.empty()) continue;
    try {
      vault.emplace(open_image(image, pass));
      used = pass;
      break;
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), ErrorCode::wrong_passphrase) << e.what();
    }
  }
  ASSERT_TRUE(vault) << "the vault no longer opens";
  if (ack.passwd_done) {
    EXPECT_EQ(used, s.new_passphrase) << "the old passphrase still works";
  }
  EXPECT_GE(vault->info().commits, ack.commits) << "an acknowledged commit was lost";
  for (const auto& [id, bytes] : ack.objects) {
    ASSERT_TRUE(vault->contains(id));
    EXPECT_EQ(to_vector(vault->read(id)), bytes);
  }
  const Credential cred = passphrase(used);
  const auto report = verify_vault(image_storage(image), &cred);
  EXPECT_TRUE(report.clean()) << (report.damage.empty() ? "" : report.damage.front().what);
  // A writer must be able to carry on from this state (checked on a quarter of the images: it
  // is the slowest check and the states repeat).
  if (where.back() % 4 != 0) return;
  io::MemoryStorage reopened(image);
  Vault writer = Vault::open_on(borrow(reopened), cred, write_options());
  const ObjectId id = writer.put(text_bytes("after the crash " + where));
  writer.commit();
  Vault again = Vault::open_on(borrow(reopened), cred, read_options());
  EXPECT_TRUE(again.contains(id));
}

void run_scenario(const Scenario& s) {
  // A dry run counts the mutating calls.
  std::uint64_t total = 0;
  {
    io::MemoryStorage memory(s.initial);
    io::CrashingStorage counting(memory, UINT64_MAX);
    Acknowledged ack;
    s.run(counting, ack);
    total = counting.mutating_operations();
  }
  ASSERT_GT(total, 0u);
  for (std::uint64_t k = 1; k <= total; ++k) {
    for (const bool torn : {false, true}) {
      io::MemoryStorage memory(s.initial);
      io::CrashingStorage crashing(memory, k, io::CrashOptions{torn, k, 512});
      Acknowledged ack;
      bool crashed = false;
      try {
        s.run(crashing, ack);
      } catch (const io::SimulatedCrash&) {
        crashed = true;
      }
      ASSERT_TRUE(crashed) << s.name << ": no crash at call " << k << " of " << total;
      ++g_totals.kill_points;
      for (int seed = 0; seed < kSeedsPerKillPoint; ++seed) {
        io::CrashModel model;
        model.reorder = seed % 2 == 0;
        model.torn_writes = seed % 3 != 0;
        model.sector_size = seed % 4 < 2 ? 512 : 4096;
        const auto image = memory.crash_image(static_cast<std::uint64_t>(seed) * 7919 + k, model);
        check_image(s, image, ack,
                    s.name + " call " + std::to_string(k) + "/" + std::to_string(total) +
                        (torn ? " torn" : "") + " seed " + std::to_string(seed));
        ++g_totals.images;
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(Crash, DuringCommits) {
  Scenario s;
  s.name = "commit";
  s.old_passphrase = "pw";
  s.initial = base_vault("pw", true);
  s.run = [](Storage& storage, Acknowledged& ack) {
    Vault v = Vault::open_on(borrow(storage), passphrase("pw"), write_options());
    std::map<ObjectId, std::vector<std::uint8_t>> staged;
    for (int i = 0; i < 3; ++i) {
      auto bytes = text_bytes("message number " + std::to_string(i));
      staged[v.put(bytes)] = bytes;
    }
    auto big = pseudo_random_bytes(vault::kChunkSize + 5, 12);
    staged[v.put(big)] = big;
    v.set_root("catalog", staged.begin()->first);
    v.commit();
    ack.commits = v.info().commits;
    ack.objects.insert(staged.begin(), staged.end());
    auto more = text_bytes("second commit");
    const ObjectId id = v.put(more);
    v.commit();
    ack.commits = v.info().commits;
    ack.objects[id] = more;
  };
  run_scenario(s);
}

TEST(Crash, DuringPasswd) {
  Scenario s;
  s.name = "passwd";
  s.old_passphrase = "old secret";
  s.new_passphrase = "new secret";
  s.initial = base_vault("old secret", true);
  s.run = [](Storage& storage, Acknowledged& ack) {
    Vault v = Vault::open_on(borrow(storage), passphrase("old secret"), write_options());
    v.change_passphrase(passphrase("new secret"), fast_kdf());
    ack.passwd_done = true;
  };
  run_scenario(s);
}

TEST(Crash, DuringRecoveryFromAnInterruptedWrite) {
  // The starting state is itself a crash leftover: a torn tail after the last commit and a
  // damaged header copy A. Opening for write cuts the tail and rewrites the header; the power
  // may go during that too.
  auto image = base_vault("pw", true);
  const auto tail = pseudo_random_bytes(3000, 13);
  image.insert(image.end(), tail.begin(), tail.end());
  image[100] ^= 0x40;
  Scenario s;
  s.name = "recovery";
  s.old_passphrase = "pw";
  s.initial = image;
  s.run = [](Storage& storage, Acknowledged& ack) {
    Vault v = Vault::open_on(borrow(storage), passphrase("pw"), write_options());
    const auto bytes = text_bytes("written after recovery");
    const ObjectId id = v.put(bytes);
    v.commit();
    ack.commits = v.info().commits;
    ack.objects[id] = bytes;
  };
  run_scenario(s);
}

// Wraps a file storage and ends the process at the k-th mutating call, like kill -9 there.
class KillingStorage final : public Storage {
 public:
  KillingStorage(Storage& inner, std::uint64_t kill_at) : m_inner(inner), m_kill_at(kill_at) {}
  std::uint64_t size() override { return m_inner.size(); }
  void read_at(std::uint64_t o, std::span<std::uint8_t> out) override { m_inner.read_at(o, out); }
  void write_at(std::uint64_t o, std::span<const std::uint8_t> d) override {
    tick();
    m_inner.write_at(o, d);
  }
  void sync() override {
    tick();
    m_inner.sync();
  }
  void truncate(std::uint64_t s) override {
    tick();
    m_inner.truncate(s);
  }
  std::string describe() const override { return m_inner.describe(); }

 private:
  void tick() {
    if (++m_calls == m_kill_at) _exit(137);
  }
  Storage& m_inner;
  std::uint64_t m_kill_at;
  std::uint64_t m_calls = 0;
};

// Runs `body` in a child process; returns its exit status (137 when it was "killed").
int in_child(const std::function<void()>& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      body();
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Crash, KillDuringInitNeverLeavesAPartialVault) {
  TempDir dir;
  int completed = 0;
  for (std::uint64_t k = 1; k <= 12; ++k) {
    const auto path = dir.path() / ("v" + std::to_string(k) + ".dmv");
    const int status = in_child([&] {
      vault::create_vault_file(path, passphrase("pw"), fast_options(), [k](Storage& file) {
        return std::make_unique<KillingStorage>(file, k);
      });
    });
    ++g_totals.kill_points;
    if (status == 137) {
      EXPECT_FALSE(std::filesystem::exists(path)) << "a killed init left " << path;
    } else {
      ASSERT_EQ(status, 0);
      ++completed;
      Vault v = Vault::open(path, passphrase("pw"), read_options());
      EXPECT_EQ(v.info().commits, 1u);
    }
    // The name stays usable: init again succeeds.
    if (!std::filesystem::exists(path)) {
      Vault::create(path, passphrase("pw"), fast_options());
      EXPECT_NO_THROW(Vault::open(path, passphrase("pw"), read_options()));
    }
  }
  EXPECT_GT(completed, 0);  // the last kill points lie beyond the end of init
  // The re-inits removed what the killed ones left (all but empty files, which a concurrent
  // init could be about to lock).
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().filename().string().rfind(".v", 0) == 0) {
      EXPECT_EQ(entry.file_size(), 0u) << "abandoned " << entry.path();
    }
  }
}

TEST(Crash, KillDuringCommitOnARealFile) {
  TempDir dir;
  const auto path = dir.path() / "v.dmv";
  Vault::create(path, passphrase("pw"), fast_options());
  const auto payload = pseudo_random_bytes(vault::kChunkSize + 4321, 14);
  std::uint64_t commits_seen = 1;
  for (std::uint64_t k = 1; k <= 16; ++k) {
    const int status = in_child([&] {
      auto file = open_file_storage(path, LockMode::exclusive);
      auto killing = std::make_unique<KillingStorage>(*file, k);
      Vault v = Vault::open_on(std::move(killing), passphrase("pw"), write_options());
      v.put(payload);
      v.put(text_bytes("kill point " + std::to_string(k)));
      v.commit();
    });
    ++g_totals.kill_points;
    ASSERT_TRUE(status == 137 || status == 0) << status;
    Vault v = Vault::open(path, passphrase("pw"), read_options());
    EXPECT_GE(v.info().commits, commits_seen);
    commits_seen = v.info().commits;
    if (status == 0) {
      EXPECT_TRUE(v.contains(v.id_of(text_bytes("kill point " + std::to_string(k)))));
    }
    const Credential cred = passphrase("pw");
    EXPECT_TRUE(verify_vault(open_file_storage(path, LockMode::shared), &cred).clean());
  }
}

TEST(Crash, Summary) {
  // Printed for the record (the closing note quotes it); the suites above assert.
  std::printf("crash suite: %llu kill points, %llu crash images checked\n",
              static_cast<unsigned long long>(g_totals.kill_points),
              static_cast<unsigned long long>(g_totals.images));
}

}  // namespace
}  // namespace dmvault
