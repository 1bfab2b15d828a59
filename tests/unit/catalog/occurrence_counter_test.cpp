#include "catalog/occurrence_counter.hpp"

#include "catalog/dedup_key.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dmvault::catalog {
namespace {

Digest128 digest_of(const std::string& text) {
  return murmur3_x64_128(
      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

TEST(OccurrenceCounter, CountsEachKeyFromZero) {
  OccurrenceCounter counter;
  const Digest128 hello = digest_of("hello");
  const Digest128 bye = digest_of("bye");
  EXPECT_EQ(counter.next(hello), 0u);
  EXPECT_EQ(counter.next(bye), 0u);
  EXPECT_EQ(counter.next(hello), 1u);
  EXPECT_EQ(counter.next(hello), 2u);
  EXPECT_EQ(counter.next(bye), 1u);
  EXPECT_EQ(counter.size(), 2u);
}

// Far more keys than the first table holds: every one is new once and seen again after, with
// the table grown many times between.
TEST(OccurrenceCounter, KeepsEveryKeyAcrossGrowth) {
  OccurrenceCounter counter;
  constexpr int kKeys = 200000;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_EQ(counter.next(digest_of("message " + std::to_string(i))), 0u) << i;
  }
  EXPECT_EQ(counter.size(), static_cast<std::size_t>(kKeys));
  for (int i = kKeys - 1; i >= 0; i -= 7) {
    ASSERT_EQ(counter.next(digest_of("message " + std::to_string(i))), 1u) << i;
  }
  EXPECT_EQ(counter.size(), static_cast<std::size_t>(kKeys));
}

// Keys are told apart by their first 8 bytes (see the class): two digests that share them are one
// key, and digests that differ only there are two. A first half of zeros is a key like any other.
TEST(OccurrenceCounter, KeysAreTheDigestsFirstEightBytes) {
  OccurrenceCounter counter;
  Digest128 zeros{};
  Digest128 zeros_then_other = zeros;
  zeros_then_other[15] = 1;
  Digest128 one_in_first_half = zeros;
  one_in_first_half[7] = 0x80;
  EXPECT_EQ(counter.next(zeros), 0u);
  EXPECT_EQ(counter.next(zeros_then_other), 1u);
  EXPECT_EQ(counter.next(one_in_first_half), 0u);
  EXPECT_EQ(counter.next(zeros), 2u);
  EXPECT_EQ(counter.size(), 2u);
}

TEST(OccurrenceCounter, ClearForgetsEveryKey) {
  OccurrenceCounter counter;
  for (int i = 0; i < 5000; ++i) counter.next(digest_of(std::to_string(i)));
  EXPECT_EQ(counter.next(digest_of("7")), 1u);
  counter.clear();
  EXPECT_EQ(counter.size(), 0u);
  EXPECT_EQ(counter.next(digest_of("7")), 0u);
  EXPECT_EQ(counter.next(digest_of("7")), 1u);
}

}  // namespace
}  // namespace dmvault::catalog
