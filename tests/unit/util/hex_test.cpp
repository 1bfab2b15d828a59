#include "util/hex.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dmvault::util {
namespace {

TEST(Hex, EncodesLowerCase) {
  EXPECT_EQ(hex_encode(std::vector<std::uint8_t>{}), "");
  EXPECT_EQ(hex_encode(std::vector<std::uint8_t>{0x00, 0xff, 0x10, 0xab, 0x09}), "00ff10ab09");
}

TEST(Hex, RoundTripsEveryByte) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string text = hex_encode(all);
  ASSERT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 8), "00010203");
  EXPECT_EQ(text.substr(504), "fcfdfeff");
  const auto decoded = hex_decode(text);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, all);
}

TEST(Hex, DecodesEitherCase) {
  const auto lower = hex_decode("deadbeef");
  const auto upper = hex_decode("DEADBEEF");
  const auto mixed = hex_decode("DeAdBeEf");
  const std::vector<std::uint8_t> expected = {0xde, 0xad, 0xbe, 0xef};
  ASSERT_TRUE(lower && upper && mixed);
  EXPECT_EQ(*lower, expected);
  EXPECT_EQ(*upper, expected);
  EXPECT_EQ(*mixed, expected);
  const auto empty = hex_decode("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(Hex, RejectsOddLengthAndNonDigits) {
  for (const char* bad :
       {"0", "abc", "0g", "g0", "0x00", " 00", "00 ", "0-", "zz", "\xff\xff", "12:34", "ab\n"}) {
    EXPECT_FALSE(hex_decode(bad).has_value()) << '"' << bad << '"';
  }
  EXPECT_FALSE(hex_decode(std::string("00\0"
                                      "0",
                                      4))
                   .has_value());
}

}  // namespace
}  // namespace dmvault::util
