// Faults: the operating system fails a write, a sync or a truncate (EIO, ENOSPC, a failed
// fsync) at every possible call of a commit and of passwd. Each must end in a clean Error(io),
// leave the Vault object refusing further writes, and leave the previous commit intact.
#include "io/fault_storage.hpp"
#include "vault/format.hpp"
#include "vault_test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace dmvault {
namespace {

using namespace dmvault::testing;

std::vector<std::uint8_t> committed_vault(ObjectId& kept) {
  io::MemoryStorage memory;
  Vault::create_on(memory, passphrase("pw"), fast_options());
  Vault v = Vault::open_on(borrow(memory), passphrase("pw"), write_options());
  kept = v.put(text_bytes("kept across every fault"));
  v.commit();
  return memory.contents();
}

struct Case {
  io::StorageCall call;
  int error_number;
  bool partial;
};

void run_fault_matrix(const std::function<void(Vault&)>& operation,
                      const std::string& new_passphrase, std::uint64_t& cases) {
  ObjectId kept{};
  const auto initial = committed_vault(kept);
  for (const Case c :
       {Case{io::StorageCall::write, EIO, false}, Case{io::StorageCall::write, ENOSPC, true},
        Case{io::StorageCall::sync, EIO, false}, Case{io::StorageCall::truncate, EIO, false}}) {
    for (std::uint64_t nth = 1;; ++nth) {
      io::MemoryStorage memory(initial);
      // The test keeps the fault storage (the vault gets a borrowed view) so it can ask it
      // afterwards how many failures it made.
      auto fault = std::make_unique<io::FaultStorage>(
          memory, std::vector<io::Fault>{{c.call, nth, true, c.error_number, c.partial}});
      bool failed = false;
      try {
        Vault v = Vault::open_on(borrow(*fault), passphrase("pw"), write_options());
        try {
          operation(v);
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::io) << e.what();
          failed = true;
          // A failed write kills the Vault object: no retry, no more writes.
          EXPECT_EQ(code_of([&] { v.put(text_bytes("more")); }), ErrorCode::io);
        }
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::io) << e.what();
        failed = true;
      }
      if (fault->failures() == 0) break;  // the operation made fewer calls than nth
      ++cases;
      SCOPED_TRACE("call kind " + std::to_string(static_cast<int>(c.call)) + " #" +
                   std::to_string(nth));
      EXPECT_TRUE(failed);
      // What is on the disk now (no crash, the process just got an error) must open at the
      // previous commit or later, with the old data, and verify clean.
      const auto image = memory.contents();
      std::optional<Vault> v;
      for (const std::string& pass : {std::string("pw"), new_passphrase}) {
        if (pass.empty() || v) continue;
        try {
          v.emplace(Vault::open_on(image_storage(image), passphrase(pass), read_options()));
        } catch (const Error& e) {
          ASSERT_EQ(e.code(), ErrorCode::wrong_passphrase) << e.what();
        }
      }
      ASSERT_TRUE(v) << "vault unopenable after a fault";
      EXPECT_GE(v->info().commits, 2u);
      EXPECT_EQ(to_vector(v->read(kept)), text_bytes("kept across every fault"));
      const Credential cred = passphrase("pw");
      if (new_passphrase.empty()) {
        EXPECT_TRUE(verify_vault(image_storage(image), &cred).clean());
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(Fault, EveryFailingCallOfACommitIsCleanAndLosesNothing) {
  std::uint64_t cases = 0;
  run_fault_matrix(
      [](Vault& v) {
        v.put(text_bytes("new message"));
        v.put(pseudo_random_bytes(vault::kChunkSize + 10, 31));
        v.commit();
      },
      "", cases);
  EXPECT_GT(cases, 10u);
}

TEST(Fault, EveryFailingCallOfPasswdIsCleanAndLosesNothing) {
  std::uint64_t cases = 0;
  run_fault_matrix([](Vault& v) { v.change_passphrase(passphrase("new"), fast_kdf()); }, "new",
                   cases);
  EXPECT_GE(cases, 4u);
}

TEST(Fault, FailedSyncIsNeverRetried) {
  ObjectId kept{};
  io::MemoryStorage memory(committed_vault(kept));
  auto fault = std::make_unique<io::FaultStorage>(
      memory, std::vector<io::Fault>{{io::StorageCall::sync, 1, false, EIO, false}});
  Vault v = Vault::open_on(borrow(*fault), passphrase("pw"), write_options());
  v.put(text_bytes("x"));
  EXPECT_EQ(code_of([&] { v.commit(); }), ErrorCode::io);
  const auto syncs = fault->calls(io::StorageCall::sync);
  EXPECT_EQ(code_of([&] { v.commit(); }), ErrorCode::io);
  EXPECT_EQ(fault->calls(io::StorageCall::sync), syncs);  // not even attempted again
}

}  // namespace
}  // namespace dmvault
