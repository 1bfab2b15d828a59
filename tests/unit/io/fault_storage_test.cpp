#include "io/fault_storage.hpp"

#include "dmvault/error.hpp"
#include "dmvault/storage.hpp"
#include "io/memory_storage.hpp"
#include "unit/io/io_test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace dmvault::io {
namespace {

using testing::bytes_of;
using testing::pattern;

template <typename Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a dmvault::Error";
  return Error(ErrorCode::usage, "<no error thrown>");
}

template <typename Action>
bool crashes(Action&& action) {
  try {
    action();
  } catch (const SimulatedCrash&) {
    return true;
  }
  return false;
}

TEST(FaultStorage, FailsExactlyTheNthWrite) {
  MemoryStorage memory;
  FaultStorage storage(memory, {Fault{.call = StorageCall::write, .nth = 3}});
  storage.write_at(0, bytes_of("a"));
  storage.write_at(1, bytes_of("b"));
  const Error error = error_from([&] { storage.write_at(2, bytes_of("c")); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), "<memory>: write failed: Input/output error");
  storage.write_at(3, bytes_of("d"));
  EXPECT_EQ(memory.contents(), (std::vector<std::uint8_t>{'a', 'b', 0, 'd'}));
  EXPECT_EQ(storage.calls(StorageCall::write), 4U);
  EXPECT_EQ(storage.calls(StorageCall::sync), 0U);
  EXPECT_EQ(storage.failures(), 1U);
}

TEST(FaultStorage, FullDiskStaysFull) {
  MemoryStorage memory;
  FaultStorage storage(
      memory,
      {Fault{.call = StorageCall::write, .nth = 2, .from_then_on = true, .error_number = ENOSPC}});
  storage.write_at(0, bytes_of("ok"));
  for (int i = 0; i < 3; ++i) {
    const Error error = error_from([&] { storage.write_at(2, bytes_of("more")); });
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_EQ(std::string(error.what()), "<memory>: write failed: No space left on device");
    EXPECT_EQ(error.hint(), "free some disk space, then run the command again");
  }
  // Other kinds of calls are unaffected.
  storage.sync();
  storage.truncate(1);
  EXPECT_EQ(memory.durable_image(), bytes_of("ok"));
  EXPECT_EQ(memory.contents(), bytes_of("o"));
  EXPECT_EQ(storage.failures(), 3U);
}

TEST(FaultStorage, PartialWriteLeavesItsFirstHalf) {
  MemoryStorage memory;
  FaultStorage storage(
      memory, {Fault{.call = StorageCall::write, .error_number = ENOSPC, .partial = true}});
  EXPECT_EQ(error_from([&] { storage.write_at(10, bytes_of("abcdefgh")); }).code(), ErrorCode::io);
  EXPECT_EQ(memory.size(), 14U);
  std::vector<std::uint8_t> landed(4);
  memory.read_at(10, landed);
  EXPECT_EQ(landed, bytes_of("abcd"));
}

TEST(FaultStorage, FailedSyncIsFatalAndNothingReachesTheDisk) {
  MemoryStorage memory(bytes_of("committed"));
  FaultStorage storage(memory, {Fault{.call = StorageCall::sync, .nth = 2}});
  storage.write_at(0, bytes_of("C"));
  storage.sync();
  storage.write_at(1, bytes_of("O"));

  const std::string expected =
      "<memory>: fsync failed: Input/output error; nothing after the last commit was saved";
  const Error error = error_from([&] { storage.sync(); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), expected);
  EXPECT_EQ(memory.durable_image(), bytes_of("Committed"));

  std::vector<std::uint8_t> out(1);
  for (const Error& later :
       {error_from([&] { storage.sync(); }), error_from([&] { storage.read_at(0, out); }),
        error_from([&] { storage.write_at(0, out); }), error_from([&] { storage.truncate(0); }),
        error_from([&] { (void)storage.size(); })}) {
    EXPECT_EQ(later.code(), ErrorCode::io);
    EXPECT_EQ(std::string(later.what()), expected);
  }
  EXPECT_EQ(memory.durable_image(), bytes_of("Committed"));
  EXPECT_EQ(memory.contents(), bytes_of("COmmitted"));
}

TEST(FaultStorage, ReadAndTruncateFaults) {
  MemoryStorage memory(bytes_of("0123456789"));
  FaultStorage storage(memory, {Fault{.call = StorageCall::read, .nth = 2},
                                Fault{.call = StorageCall::truncate, .error_number = EDQUOT}});
  std::vector<std::uint8_t> out(2);
  storage.read_at(0, out);
  EXPECT_EQ(out, bytes_of("01"));
  EXPECT_EQ(std::string(error_from([&] { storage.read_at(2, out); }).what()),
            "<memory>: read failed: Input/output error");
  storage.read_at(4, out);
  EXPECT_EQ(out, bytes_of("45"));

  const Error error = error_from([&] { storage.truncate(3); });
  EXPECT_EQ(std::string(error.what()), "<memory>: truncate failed: Disk quota exceeded");
  EXPECT_FALSE(error.hint().empty());
  EXPECT_EQ(memory.size(), 10U);
  storage.truncate(3);
  EXPECT_EQ(memory.contents(), bytes_of("012"));
}

TEST(FaultStorage, OwnsItsInnerStorageWhenGivenOne) {
  auto memory = std::make_unique<MemoryStorage>(bytes_of("xyz"));
  FaultStorage storage(std::move(memory), {});
  EXPECT_EQ(storage.size(), 3U);
  storage.write_at(3, bytes_of("!"));
  EXPECT_EQ(storage.inner().size(), 4U);
  EXPECT_EQ(storage.describe(), "<memory>");
  EXPECT_EQ(storage.failures(), 0U);
}

TEST(FaultStorage, RejectsAZerothCall) {
  MemoryStorage memory;
  EXPECT_THROW(FaultStorage(memory, {Fault{.nth = 0}}), std::invalid_argument);
}

static_assert(!std::is_base_of_v<std::exception, SimulatedCrash>);
static_assert(!std::is_base_of_v<Error, SimulatedCrash>);

TEST(CrashingStorage, CrashesAtTheKthMutationAndFreezesTheDisk) {
  MemoryStorage memory;
  CrashingStorage storage(memory, 3);
  storage.write_at(0, bytes_of("ab"));
  std::vector<std::uint8_t> out(1);
  storage.read_at(0, out);  // reads do not count
  (void)storage.size();
  storage.write_at(2, bytes_of("cd"));
  EXPECT_FALSE(storage.crashed());

  try {
    storage.sync();
    FAIL() << "third mutation did not crash";
  } catch (const SimulatedCrash& crash) {
    EXPECT_EQ(crash.operation, 3U);
  }
  EXPECT_TRUE(storage.crashed());
  EXPECT_EQ(storage.mutating_operations(), 3U);
  EXPECT_TRUE(memory.durable_image().empty());  // the sync never happened
  EXPECT_EQ(memory.contents(), bytes_of("abcd"));

  const std::uint64_t operations = memory.operation_count();
  EXPECT_TRUE(crashes([&] { storage.write_at(0, bytes_of("zz")); }));
  EXPECT_TRUE(crashes([&] { storage.truncate(0); }));
  EXPECT_TRUE(crashes([&] { storage.sync(); }));
  EXPECT_TRUE(crashes([&] { storage.read_at(0, out); }));
  EXPECT_TRUE(crashes([&] { (void)storage.size(); }));
  EXPECT_EQ(memory.operation_count(), operations);
  EXPECT_EQ(memory.contents(), bytes_of("abcd"));
  EXPECT_EQ(storage.describe(), "<memory>");
}

TEST(CrashingStorage, CrashingWriteAndTruncateChangeNothing) {
  {
    MemoryStorage memory(bytes_of("old"));
    CrashingStorage storage(memory, 1);
    EXPECT_TRUE(crashes([&] { storage.write_at(0, bytes_of("new")); }));
    EXPECT_EQ(memory.contents(), bytes_of("old"));
  }
  {
    MemoryStorage memory(bytes_of("old"));
    CrashingStorage storage(memory, 1);
    EXPECT_TRUE(crashes([&] { storage.truncate(0); }));
    EXPECT_EQ(memory.contents(), bytes_of("old"));
  }
}

TEST(CrashingStorage, NoOrdinaryHandlerCatchesTheCrash) {
  MemoryStorage memory;
  CrashingStorage storage(memory, 1);
  bool seen_as_crash = false;
  try {
    try {
      storage.sync();
    } catch (const std::exception&) {
      FAIL() << "a SimulatedCrash was caught as std::exception";
    }
  } catch (const SimulatedCrash&) {
    seen_as_crash = true;
  }
  EXPECT_TRUE(seen_as_crash);
}

TEST(CrashingStorage, TornCrashWriteLandsWholeSectorsOnly) {
  bool partly = false;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    MemoryStorage memory(std::vector<std::uint8_t>(4 * 512, 0xAA));
    CrashingStorage storage(memory, 1, {.torn_write = true, .seed = seed});
    EXPECT_TRUE(crashes([&] { storage.write_at(0, std::vector<std::uint8_t>(4 * 512, 0x55)); }));
    const auto contents = memory.contents();
    ASSERT_EQ(contents.size(), 4U * 512);
    int landed = 0;
    for (std::size_t sector = 0; sector < 4; ++sector) {
      for (std::size_t i = 0; i < 512; ++i) {
        ASSERT_EQ(contents[sector * 512 + i], contents[sector * 512]) << "seed " << seed;
      }
      landed += contents[sector * 512] == 0x55 ? 1 : 0;
    }
    partly = partly || (landed > 0 && landed < 4);
  }
  EXPECT_TRUE(partly);
}

TEST(CrashingStorage, RejectsCrashingBeforeTheFirstOperation) {
  MemoryStorage memory;
  EXPECT_THROW(CrashingStorage(memory, 0), std::invalid_argument);
}

// The harness the vault's crash suite uses, on a toy commit protocol: write data, sync, write a
// marker, sync. Crash at every step, then check every disk a reboot could find: a marker is
// never there without all of its data.
TEST(CrashingStorage, CrashAtEveryStepOfAToyCommit) {
  const std::vector<std::uint8_t> data = pattern(3000, 9);
  const auto commit = [&](Storage& storage) {
    storage.write_at(512, data);
    storage.sync();
    storage.write_at(0, bytes_of("COMMITTED"));
    storage.sync();
  };

  std::uint64_t crash_at = 1;
  for (;; ++crash_at) {
    MemoryStorage memory(std::vector<std::uint8_t>(512, 0));
    CrashingStorage storage(memory, crash_at, {.torn_write = true, .seed = crash_at});
    const bool crashed = crashes([&] { commit(storage); });
    EXPECT_EQ(crashed, storage.crashed());
    if (!crashed) {
      EXPECT_EQ(memory.durable_image().size(), 3512U);
      break;
    }
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      const auto image = memory.crash_image(seed);
      if (image[0] != 'C') continue;
      ASSERT_GE(image.size(), 3512U) << "crash at " << crash_at << ", seed " << seed;
      ASSERT_TRUE(std::equal(data.begin(), data.end(), image.begin() + 512));
    }
  }
  EXPECT_EQ(crash_at, 5U);  // four mutations, so the fifth run completes
}

}  // namespace
}  // namespace dmvault::io
