#include "io/memory_storage.hpp"

#include "dmvault/error.hpp"
#include "unit/io/io_test_support.hpp"

#include <gtest/gtest.h>

#include <bitset>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace dmvault::io {
namespace {

using testing::bytes_of;
using testing::pattern;

const CrashModel kModels[] = {
    {.reorder = true, .torn_writes = true, .sector_size = 512},
    {.reorder = true, .torn_writes = false, .sector_size = 512},
    {.reorder = false, .torn_writes = true, .sector_size = 512},
    {.reorder = false, .torn_writes = false, .sector_size = 512},
    {.reorder = true, .torn_writes = true, .sector_size = 4096},
};

constexpr std::uint64_t kSeeds = 400;

TEST(MemoryStorage, BehavesLikeAFile) {
  MemoryStorage storage;
  EXPECT_EQ(storage.describe(), "<memory>");
  EXPECT_EQ(storage.size(), 0U);
  storage.write_at(3, bytes_of("abc"));
  EXPECT_EQ(storage.contents(), (std::vector<std::uint8_t>{0, 0, 0, 'a', 'b', 'c'}));
  storage.write_at(0, bytes_of("xy"));
  std::vector<std::uint8_t> out(3);
  storage.read_at(1, out);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{'y', 0, 'a'}));
  storage.truncate(4);
  EXPECT_EQ(storage.contents(), (std::vector<std::uint8_t>{'x', 'y', 0, 'a'}));
  storage.truncate(6);
  EXPECT_EQ(storage.contents(), (std::vector<std::uint8_t>{'x', 'y', 0, 'a', 0, 0}));
}

TEST(MemoryStorage, ShortReadIsAnIoError) {
  MemoryStorage storage(bytes_of("0123456789"));
  std::vector<std::uint8_t> out(4);
  try {
    storage.read_at(8, out);
    FAIL() << "read past the end succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_EQ(std::string(error.what()), "<memory>: unexpected end of file at offset 8");
  }
  EXPECT_THROW(storage.read_at(~std::uint64_t{0}, out), Error);
  std::vector<std::uint8_t> nothing;
  storage.read_at(10, nothing);
}

TEST(MemoryStorage, AbsurdOffsetsFailLikeAFile) {
  MemoryStorage storage;
  try {
    storage.write_at(std::uint64_t{1} << 60, bytes_of("x"));
    FAIL() << "write at 2^60 succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_EQ(std::string(error.what()), "<memory>: write failed: File too large");
  }
  EXPECT_THROW(storage.truncate(std::uint64_t{1} << 60), Error);
  EXPECT_EQ(storage.size(), 0U);
}

TEST(MemoryStorage, CountsMutatingOperationsOnly) {
  MemoryStorage storage;
  storage.write_at(0, bytes_of("abc"));
  storage.sync();
  storage.truncate(1);
  std::vector<std::uint8_t> out(1);
  storage.read_at(0, out);
  (void)storage.size();
  EXPECT_EQ(storage.operation_count(), 3U);
}

TEST(MemoryStorage, InitialImageIsDurable) {
  const std::vector<std::uint8_t> image = pattern(3000, 1);
  MemoryStorage storage(image);
  EXPECT_EQ(storage.contents(), image);
  EXPECT_EQ(storage.durable_image(), image);
  EXPECT_EQ(storage.pending_operation_count(), 0U);
}

TEST(MemoryStorage, SyncMakesContentsDurable) {
  MemoryStorage storage(bytes_of("old"));
  storage.write_at(0, bytes_of("new!"));
  storage.truncate(2);
  EXPECT_EQ(storage.durable_image(), bytes_of("old"));
  EXPECT_EQ(storage.contents(), bytes_of("ne"));
  EXPECT_EQ(storage.pending_operation_count(), 2U);
  storage.sync();
  EXPECT_EQ(storage.durable_image(), bytes_of("ne"));
  EXPECT_EQ(storage.pending_operation_count(), 0U);
}

TEST(MemoryStorageCrash, NothingPendingMeansTheDurableImage) {
  MemoryStorage storage(pattern(2000, 2));
  storage.write_at(100, pattern(5000, 3));
  storage.sync();
  for (const CrashModel& model : kModels) {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      EXPECT_EQ(storage.crash_image(seed, model), storage.durable_image());
    }
  }
}

TEST(MemoryStorageCrash, SameSeedSameImage) {
  MemoryStorage storage(pattern(8192, 1));
  for (std::uint8_t i = 0; i < 8; ++i) storage.write_at(i * 1000U, pattern(1500, i));
  for (const CrashModel& model : kModels) {
    std::unordered_set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
      const auto image = storage.crash_image(seed, model);
      EXPECT_EQ(image, storage.crash_image(seed, model));
      distinct.emplace(image.begin(), image.end());
    }
    EXPECT_GT(distinct.size(), 5U);
  }
}

// The core property: a crash invents nothing. Each byte is the durable byte, a byte some pending
// write put at that offset, or (past the durable end) the zero of a hole.
TEST(MemoryStorageCrash, EveryByteIsDurableOrFromAPendingWrite) {
  const std::vector<std::uint8_t> durable = pattern(6000, 1);
  MemoryStorage storage(durable);
  struct Write {
    std::uint64_t offset;
    std::vector<std::uint8_t> bytes;
  };
  const std::vector<Write> writes = {{0, pattern(700, 2)},     {1000, pattern(3000, 3)},
                                     {2500, pattern(10, 4)},   {5900, pattern(2000, 5)},
                                     {9000, pattern(1100, 6)}, {1200, pattern(1300, 7)}};
  std::uint64_t largest_end = durable.size();
  for (const Write& write : writes) {
    storage.write_at(write.offset, write.bytes);
    largest_end = std::max<std::uint64_t>(largest_end, write.offset + write.bytes.size());
  }

  // allowed[i] holds every value byte i may take.
  std::vector<std::bitset<256>> allowed(largest_end);
  for (std::size_t i = 0; i < allowed.size(); ++i)
    allowed[i].set(i < durable.size() ? durable[i] : 0);
  for (const Write& write : writes) {
    for (std::size_t i = 0; i < write.bytes.size(); ++i)
      allowed[write.offset + i].set(write.bytes[i]);
  }

  for (const CrashModel& model : kModels) {
    for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
      const auto image = storage.crash_image(seed, model);
      ASSERT_GE(image.size(), durable.size());
      ASSERT_LE(image.size(), largest_end);
      for (std::size_t i = 0; i < image.size(); ++i) {
        ASSERT_TRUE(allowed[i].test(image[i])) << "byte " << i << " seed " << seed;
      }
    }
  }
}

TEST(MemoryStorageCrash, SyncedDataAlwaysSurvives) {
  MemoryStorage storage;
  const std::vector<std::uint8_t> committed = pattern(4096, 1);
  storage.write_at(0, committed);
  storage.sync();
  storage.write_at(4096, pattern(9000, 2));
  storage.write_at(20000, pattern(100, 3));
  for (const CrashModel& model : kModels) {
    for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
      const auto image = storage.crash_image(seed, model);
      ASSERT_GE(image.size(), committed.size());
      ASSERT_TRUE(std::equal(committed.begin(), committed.end(), image.begin())) << seed;
    }
  }
}

// Writes at two distinct places, each sector-aligned and within one sector so it cannot tear.
struct TwoWrites {
  MemoryStorage storage{std::vector<std::uint8_t>(1024, 0xAA)};
  TwoWrites() {
    storage.write_at(0, std::vector<std::uint8_t>(512, 1));
    storage.write_at(512, std::vector<std::uint8_t>(512, 2));
  }
  // Which writes an image holds: bit 0 the first, bit 1 the second.
  static int landed(const std::vector<std::uint8_t>& image) {
    return (image[0] == 1 ? 1 : 0) | (image[512] == 2 ? 2 : 0);
  }
};

TEST(MemoryStorageCrash, ReorderingLetsALaterWriteLandAlone) {
  TwoWrites two;
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    seen.insert(TwoWrites::landed(two.storage.crash_image(seed, {.reorder = true})));
  }
  EXPECT_EQ(seen, (std::set<int>{0, 1, 2, 3}));
}

TEST(MemoryStorageCrash, WithoutReorderingOnlyPrefixesSurvive) {
  MemoryStorage storage(std::vector<std::uint8_t>(5 * 512, 0));
  for (std::uint8_t i = 0; i < 5; ++i) {
    storage.write_at(i * 512U, std::vector<std::uint8_t>(512, static_cast<std::uint8_t>(i + 1)));
  }
  std::set<std::size_t> prefixes;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    const auto image = storage.crash_image(seed, {.reorder = false, .torn_writes = false});
    std::size_t landed = 0;
    while (landed < 5 && image[landed * 512] == landed + 1) ++landed;
    for (std::size_t i = landed; i < 5; ++i) ASSERT_EQ(image[i * 512], 0) << "seed " << seed;
    prefixes.insert(landed);
  }
  EXPECT_EQ(prefixes.size(), 6U);
}

// A write spanning [100, 1100) splits at 512 and 1024: each of its three pieces lands whole or
// not at all, and with tearing on, some images hold some pieces but not others.
TEST(MemoryStorageCrash, TornWritesTearOnlyAtSectorBoundaries) {
  for (const std::uint32_t sector : {512U, 4096U}) {
    const std::uint64_t offset = sector / 5;
    const std::size_t length = 2 * sector + 50;
    MemoryStorage storage(std::vector<std::uint8_t>(3 * sector, 0xAA));
    storage.write_at(offset, std::vector<std::uint8_t>(length, 0x55));
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> pieces = {
        {offset, sector}, {sector, 2 * sector}, {2 * sector, offset + length}};

    bool torn = false;
    for (const bool reorder : {true, false}) {
      for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
        const auto image = storage.crash_image(
            seed, {.reorder = reorder, .torn_writes = true, .sector_size = sector});
        int landed = 0;
        for (const auto& [begin, end] : pieces) {
          const std::uint8_t first = image[begin];
          for (std::uint64_t i = begin; i < end; ++i) ASSERT_EQ(image[i], first) << i;
          landed += first == 0x55 ? 1 : 0;
        }
        torn = torn || (landed == 1 || landed == 2);
      }
    }
    EXPECT_TRUE(torn) << "sector " << sector;

    for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
      const auto image = storage.crash_image(seed, {.torn_writes = false, .sector_size = sector});
      ASSERT_TRUE(image == storage.durable_image() || image == storage.contents()) << seed;
    }
  }
}

TEST(MemoryStorageCrash, AppendsMayLeaveAZeroFilledTail) {
  MemoryStorage storage(bytes_of("header"));
  const std::vector<std::uint8_t> tail(3000, 0x77);
  storage.write_at(6, tail);
  std::set<std::size_t> sizes;
  bool zero_tail = false;
  for (std::uint64_t seed = 0; seed < kSeeds; ++seed) {
    const auto image = storage.crash_image(seed);
    sizes.insert(image.size());
    zero_tail = zero_tail || (image.size() == 3006 && image.back() == 0);
  }
  EXPECT_TRUE(sizes.count(6) == 1 && sizes.count(3006) == 1);
  EXPECT_GT(sizes.size(), 2U);  // torn appends end at a sector boundary
  EXPECT_TRUE(zero_tail);
}

TEST(MemoryStorageCrash, PendingTruncateMayOrMayNotLand) {
  MemoryStorage storage(pattern(1000, 1));
  storage.truncate(10);
  std::set<std::size_t> sizes;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const auto image = storage.crash_image(seed);
    sizes.insert(image.size());
    const auto durable = storage.durable_image();
    ASSERT_TRUE(std::equal(image.begin(), image.end(), durable.begin()));
  }
  EXPECT_EQ(sizes, (std::set<std::size_t>{10, 1000}));
}

TEST(MemoryStorageCrash, ZeroSectorSizeIsRejected) {
  MemoryStorage storage;
  EXPECT_THROW((void)storage.crash_image(1, {.sector_size = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace dmvault::io
