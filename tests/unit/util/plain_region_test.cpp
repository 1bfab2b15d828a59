#include "util/plain_region.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace dmvault::util {
namespace {

std::vector<std::uint8_t> bytes_of(std::size_t size, std::uint8_t first) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(first + i * 7);
  return bytes;
}

// The VmFlags line of the mapping that holds `address`, from /proc/self/smaps.
std::string flags_of_mapping(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto wanted = reinterpret_cast<std::uintptr_t>(address);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long long from = 0;
    unsigned long long to = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx ", &from, &to) == 2 && line.find(' ') > 8) {
      inside = wanted >= from && wanted < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return {};
}

TEST(PlainRegion, PiecesWrittenAnywhereReadBackAndTheRestIsZero) {
  constexpr std::size_t kMiB = 1u << 20;
  PlainRegion region(5 * kMiB + 100, PlainRegion::Filling::in_parts);
  EXPECT_EQ(region.size(), 5 * kMiB + 100);
  const auto third = bytes_of(kMiB, 3);
  const auto last = bytes_of(100, 9);
  region.write(2 * kMiB, third);  // out of order, as pages are needed
  region.write(5 * kMiB, last);
  const auto read_third = region.view(2 * kMiB, kMiB);
  EXPECT_TRUE(std::equal(read_third.begin(), read_third.end(), third.begin(), third.end()));
  const auto read_last = region.view(5 * kMiB, 100);
  EXPECT_TRUE(std::equal(read_last.begin(), read_last.end(), last.begin(), last.end()));
  const auto never_written = region.view(0, kMiB);
  EXPECT_TRUE(std::all_of(never_written.begin(), never_written.end(),
                          [](std::uint8_t b) { return b == 0; }));
}

TEST(PlainRegion, RefusesToReachBeyondItsEnd) {
  PlainRegion region(4096, PlainRegion::Filling::whole);
  const auto bytes = bytes_of(10, 1);
  EXPECT_THROW(region.write(4090, bytes), std::out_of_range);
  EXPECT_THROW((void)region.view(4000, 97), std::out_of_range);
  EXPECT_NO_THROW(region.write(4086, bytes));
  PlainRegion empty(0, PlainRegion::Filling::in_parts);
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_THROW(empty.write(0, bytes), std::out_of_range);
}

// The mapping is left out of core dumps ("dd"), and asks for huge pages ("hg") only when it
// is to be filled whole: see smaps in proc(5).
TEST(PlainRegion, IsLeftOutOfCoreDumpsAndAsksForHugePagesToBeFilledWhole) {
  const PlainRegion whole(8u << 20, PlainRegion::Filling::whole);
  const PlainRegion in_parts(8u << 20, PlainRegion::Filling::in_parts);
  const std::string whole_flags = flags_of_mapping(whole.address());
  const std::string in_parts_flags = flags_of_mapping(in_parts.address());
  ASSERT_FALSE(whole_flags.empty()) << "no mapping found for the region";
  ASSERT_FALSE(in_parts_flags.empty()) << "no mapping found for the region";
  EXPECT_NE(whole_flags.find(" dd"), std::string::npos) << whole_flags;
  EXPECT_NE(in_parts_flags.find(" dd"), std::string::npos) << in_parts_flags;
  EXPECT_EQ(in_parts_flags.find(" hg"), std::string::npos) << in_parts_flags;
  // Where the kernel has transparent huge pages at all (then the advice is taken, even when
  // they are switched off).
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) {
    EXPECT_NE(whole_flags.find(" hg"), std::string::npos) << whole_flags;
  }
}

TEST(PlainRegion, MovesKeepTheBytes) {
  PlainRegion first(1 << 16, PlainRegion::Filling::in_parts);
  const auto bytes = bytes_of(300, 5);
  first.write(1000, bytes);
  PlainRegion second = std::move(first);
  const auto read = second.view(1000, 300);
  EXPECT_TRUE(std::equal(read.begin(), read.end(), bytes.begin(), bytes.end()));
  PlainRegion third(10, PlainRegion::Filling::whole);
  third = std::move(second);
  EXPECT_EQ(third.size(), 1u << 16);
  EXPECT_EQ(third.view(1000, 1)[0], bytes[0]);
}

}  // namespace
}  // namespace dmvault::util
