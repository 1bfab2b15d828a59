#include "util/padme.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace dmvault::util {
namespace {

// Computed independently with the PURBs paper's formula in Python (tests/vectors/gen_vectors.py
// covers many more lengths; these are the ones worth reading).
TEST(Padme, KnownValues) {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> known = {
      {0, 0},
      {1, 1},
      {2, 2},
      {3, 3},
      {8, 8},
      {9, 10},
      {17, 18},
      {33, 36},
      {100, 104},
      {255, 256},
      {256, 256},
      {257, 272},
      {1000, 1024},
      {1023, 1024},
      {1024, 1024},
      {1025, 1088},
      {4096, 4096},
      {65537, 67584},
      {1000000, 1015808},
      {1048576, 1048576},
      {1048580, 1081344},
      {std::uint64_t{1} << 30, std::uint64_t{1} << 30},
      {(std::uint64_t{1} << 30) + 1, 1107296256},
      {1000000000000, 1005022347264},
  };
  for (const auto& [length, padded] : known) {
    EXPECT_EQ(padme_length(length), padded) << "length " << length;
  }
}

TEST(Padme, NeverShrinksAndIsMonotonic) {
  std::uint64_t previous = 0;
  for (std::uint64_t length = 0; length <= (std::uint64_t{1} << 20); ++length) {
    const std::uint64_t padded = padme_length(length);
    ASSERT_GE(padded, length);
    ASSERT_GE(padded, previous) << "length " << length;
    previous = padded;
  }
  // Sparse check far beyond: powers of two and their neighbours.
  previous = 0;
  for (unsigned e = 1; e < 63; ++e) {
    for (const std::uint64_t length :
         {(std::uint64_t{1} << e) - 1, std::uint64_t{1} << e, (std::uint64_t{1} << e) + 1}) {
      const std::uint64_t padded = padme_length(length);
      ASSERT_GE(padded, length);
      ASSERT_GE(padded, previous) << "length " << length;
      previous = padded;
    }
  }
}

TEST(Padme, OverheadAtMostTwelvePercent) {
  for (std::uint64_t length = 2; length <= (std::uint64_t{1} << 24); ++length) {
    const std::uint64_t padded = padme_length(length);
    // (padded - length) / length <= 0.12, in integers.
    ASSERT_LE((padded - length) * 100, length * 12) << "length " << length;
  }
}

TEST(Padme, LeaksOnlyTheTopBitsAndIsIdempotent) {
  for (std::uint64_t length = 2; length <= (std::uint64_t{1} << 16); ++length) {
    const std::uint64_t padded = padme_length(length);
    ASSERT_EQ(padme_length(padded), padded) << "length " << length;
    // A padded length of exponent E keeps its leading one and at most floor(log2 E) + 1 more
    // significant bits; everything below is zero.
    const unsigned exponent = static_cast<unsigned>(std::bit_width(padded) - 1);
    const unsigned kept = static_cast<unsigned>(std::bit_width(exponent));
    const unsigned significant = static_cast<unsigned>(std::bit_width(padded)) -
                                 static_cast<unsigned>(std::countr_zero(padded));
    ASSERT_LE(significant, kept + 1) << "length " << length;
  }
}

}  // namespace
}  // namespace dmvault::util
