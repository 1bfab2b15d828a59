#include "catalog/memory_scratch_file.hpp"

#include "dmvault/error.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace dmvault::catalog {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

std::vector<std::uint8_t> read(MemoryScratchFile& file, std::uint64_t offset, std::size_t size) {
  std::vector<std::uint8_t> out(size);
  file.read(offset, out);
  return out;
}

// Writes that straddle the file's internal blocks read back byte for byte; a gap reads as zeros.
TEST(MemoryScratchFile, ReadsBackWhatWasWrittenAcrossBlocks) {
  MemoryScratchFile file;
  EXPECT_EQ(file.size(), 0u);
  std::vector<std::uint8_t> bytes(3 * kMiB / 2);
  std::iota(bytes.begin(), bytes.end(), std::uint8_t{1});
  file.write(kMiB - 1000, bytes);
  EXPECT_EQ(file.size(), kMiB - 1000 + bytes.size());
  EXPECT_EQ(read(file, kMiB - 1000, bytes.size()), bytes);
  EXPECT_EQ(read(file, 0, 1000), std::vector<std::uint8_t>(1000, 0));
  // Overwriting in place changes only those bytes.
  file.write(kMiB, std::vector<std::uint8_t>(10, 0xee));
  const std::vector<std::uint8_t> around = read(file, kMiB - 2, 14);
  EXPECT_EQ(around[0], bytes[998]);
  EXPECT_EQ(around[2], 0xee);
  EXPECT_EQ(around[11], 0xee);
  EXPECT_EQ(around[12], bytes[1010]);
}

TEST(MemoryScratchFile, AReadPastTheEndIsAnError) {
  MemoryScratchFile file;
  file.write(0, std::vector<std::uint8_t>(4096, 7));
  EXPECT_THROW(read(file, 4000, 97), Error);
  EXPECT_THROW(read(file, UINT64_MAX - 10, 20), Error);
  EXPECT_EQ(read(file, 4000, 96), std::vector<std::uint8_t>(96, 7));
}

// What a truncation cut off reads as zeros once the file grows again, by a write or by a
// truncation to a larger size.
TEST(MemoryScratchFile, TruncatedBytesComeBackAsZeros) {
  MemoryScratchFile file;
  file.write(0, std::vector<std::uint8_t>(2 * kMiB + 5, 0xab));
  file.truncate(kMiB + 10);
  EXPECT_EQ(file.size(), kMiB + 10);
  file.truncate(3 * kMiB);
  EXPECT_EQ(file.size(), 3 * kMiB);
  EXPECT_EQ(read(file, kMiB, 10), std::vector<std::uint8_t>(10, 0xab));
  EXPECT_EQ(read(file, kMiB + 10, kMiB), std::vector<std::uint8_t>(kMiB, 0));
  file.truncate(0);
  file.write(100, std::vector<std::uint8_t>(1, 1));
  EXPECT_EQ(read(file, 0, 100), std::vector<std::uint8_t>(100, 0));
}

}  // namespace
}  // namespace dmvault::catalog
