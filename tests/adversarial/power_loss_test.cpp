// Power loss at random moments of random work, 10,000 seeds (issue 8): each seed draws a series
// of commits of random objects, a mutating call at which the power goes (possibly after the last
// one: a crash once everything was acknowledged), and a disk model (reordered or in-order
// writeback, torn or whole writes, 512 B or 4 KiB sectors); the disk left behind must open at a
// commit no older than the last acknowledged one, with every acknowledged object intact, and
// (on a sample, it is the slow check) verify clean. tests/vault/crash_test.cpp walks every call
// of fixed scenarios; this suite covers the space between them.
#include "io/fault_storage.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

namespace dmvault {
namespace {

using namespace dmvault::testing;

constexpr std::uint64_t kSeeds = 10'000;
constexpr std::uint64_t kVerifyEvery = 20;

struct Acknowledged {
  std::uint64_t commits = 0;
  std::map<ObjectId, std::vector<std::uint8_t>> objects;
};

std::vector<std::uint8_t> base_vault() {
  io::MemoryStorage memory;
  Vault::create_on(memory, passphrase("pw"), fast_options());
  Vault v = Vault::open_on(borrow(memory), passphrase("pw"), write_options());
  v.put(text_bytes("committed before the seeds"));
  v.commit();
  return memory.contents();
}

// Random commits of random objects; what was acknowledged goes to `ack` as it is.
void random_work(Storage& storage, std::mt19937_64& rng, Acknowledged& ack) {
  Vault v = Vault::open_on(borrow(storage), passphrase("pw"), write_options());
  const int commits = 1 + static_cast<int>(rng() % 3);
  for (int c = 0; c < commits; ++c) {
    std::map<ObjectId, std::vector<std::uint8_t>> staged;
    const int objects = 1 + static_cast<int>(rng() % 3);
    for (int o = 0; o < objects; ++o) {
      // Mostly small (packed text), sometimes several sectors of incompressible bytes.
      const std::size_t size = rng() % 4 == 0 ? 5000 + rng() % 20000 : 1 + rng() % 600;
      auto bytes = pseudo_random_bytes(size, rng());
      staged[v.put(bytes)] = bytes;
    }
    v.commit();
    ack.commits = v.info().commits;
    ack.objects.insert(staged.begin(), staged.end());
  }
}

TEST(PowerLoss, TenThousandSeedsLoseNoCommitAndAcceptNoDamage) {
  const std::vector<std::uint8_t> initial = base_vault();
  std::uint64_t crashed_midway = 0;
  std::uint64_t verified = 0;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    io::MemoryStorage memory(initial);
    // The work makes ~10-40 mutating calls; a draw past its end crashes after the last ack.
    const std::uint64_t crash_at = 1 + rng() % 24;
    io::CrashingStorage crashing(memory, crash_at, io::CrashOptions{rng() % 2 == 0, rng(), 512});
    Acknowledged ack;
    try {
      std::mt19937_64 work_rng(rng());
      random_work(crashing, work_rng, ack);
    } catch (const io::SimulatedCrash&) {
      ++crashed_midway;
    }
    io::CrashModel model;
    model.reorder = rng() % 2 == 0;
    model.torn_writes = rng() % 3 != 0;
    model.sector_size = rng() % 2 == 0 ? 512 : 4096;
    const std::vector<std::uint8_t> image = memory.crash_image(rng(), model);

    std::optional<Vault> vault;
    try {
      vault.emplace(Vault::open_on(image_storage(image), passphrase("pw"), read_options()));
    } catch (const Error& e) {
      FAIL() << "the vault no longer opens: " << e.what();
    }
    ASSERT_GE(vault->info().commits, ack.commits) << "an acknowledged commit was lost";
    for (const auto& [id, bytes] : ack.objects) {
      ASSERT_TRUE(vault->contains(id)) << "an acknowledged object was lost";
      ASSERT_EQ(to_vector(vault->read(id)), bytes) << "an acknowledged object changed";
    }
    if (seed % kVerifyEvery == 0) {
      const Credential cred = passphrase("pw");
      const auto report = verify_vault(image_storage(image), &cred);
      ASSERT_TRUE(report.clean()) << (report.damage.empty() ? "" : report.damage.front().what);
      ++verified;
    }
  }
  // Most seeds must crash during the work, or the suite would test finished vaults only.
  EXPECT_GT(crashed_midway, kSeeds / 2);
  RecordProperty("crashed_midway", static_cast<int>(crashed_midway));
  RecordProperty("verified", static_cast<int>(verified));
}

}  // namespace
}  // namespace dmvault
