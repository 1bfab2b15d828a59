#include "dmvault/secret.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace dmvault {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(std::is_nothrow_move_assignable_v<SecretBytes>);

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

TEST(SecretBytes, DefaultAndZeroSizeHoldNothing) {
  const SecretBytes none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.data(), nullptr);
  const SecretBytes zero(0);
  EXPECT_TRUE(zero.empty());
  EXPECT_EQ(zero.data(), nullptr);
  EXPECT_TRUE(zero.span().empty());
  EXPECT_TRUE(zero.view().empty());
}

TEST(SecretBytes, SizedIsZeroFilledAndWritable) {
  for (const std::size_t n : {1u, 32u, 4095u, 4096u, 100000u}) {
    SecretBytes secret(n);
    ASSERT_EQ(secret.size(), n);
    ASSERT_NE(secret.data(), nullptr);
    EXPECT_FALSE(secret.empty());
    EXPECT_TRUE(all_zero(secret.span()));
    std::fill(secret.span().begin(), secret.span().end(), std::uint8_t{0x5a});
    EXPECT_EQ(secret.data()[n - 1], 0x5a);
  }
}

TEST(SecretBytes, CopyOfCopiesIntoItsOwnMemory) {
  std::array<std::uint8_t, 4> source = {1, 2, 3, 4};
  const SecretBytes secret = SecretBytes::copy_of(source);
  ASSERT_EQ(secret.size(), 4u);
  EXPECT_NE(secret.data(), source.data());
  source[0] = 9;  // the caller's copy is independent
  EXPECT_EQ(secret.data()[0], 1);
  EXPECT_EQ(secret.data()[3], 4);

  const SecretBytes text = SecretBytes::copy_of(std::string_view("pässword"));
  EXPECT_EQ(text.view(), "pässword");
  EXPECT_EQ(text.size(), std::string_view("pässword").size());

  EXPECT_TRUE(SecretBytes::copy_of(std::string_view()).empty());
  EXPECT_EQ(SecretBytes::copy_of(std::span<const std::uint8_t>()).data(), nullptr);
}

TEST(SecretBytes, MoveConstructionTransfersTheBuffer) {
  SecretBytes a = SecretBytes::copy_of(std::string_view("secret"));
  const std::uint8_t* buffer = a.data();
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.data(), buffer);
  EXPECT_EQ(b.view(), "secret");
  // The moved-from object is empty, not a second owner of the buffer.
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.size(), 0u);       // NOLINT(bugprone-use-after-move)
}

TEST(SecretBytes, MoveAssignmentReleasesTheOldBuffer) {
  SecretBytes a = SecretBytes::copy_of(std::string_view("first"));
  SecretBytes b = SecretBytes::copy_of(std::string_view("second one"));
  const std::uint8_t* buffer = b.data();
  a = std::move(b);
  EXPECT_EQ(a.data(), buffer);
  EXPECT_EQ(a.view(), "second one");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  a = SecretBytes();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.data(), nullptr);
}

TEST(SecretBytes, SelfMoveAssignmentKeepsTheContents) {
  SecretBytes a = SecretBytes::copy_of(std::string_view("keep"));
  SecretBytes& alias = a;
  a = std::move(alias);
  EXPECT_EQ(a.view(), "keep");
}

TEST(SecretBytes, LivesInAVector) {
  std::vector<SecretBytes> secrets;
  for (int i = 0; i < 64; ++i) {
    secrets.push_back(SecretBytes::copy_of(std::string_view("k")));
    secrets.back().data()[0] = static_cast<std::uint8_t>(i);
  }
  for (int i = 0; i < 64; ++i) EXPECT_EQ(secrets[static_cast<std::size_t>(i)].data()[0], i);
}

TEST(SecretBytes, EqualsComparesContentsAndSize) {
  const SecretBytes secret = SecretBytes::copy_of(std::string_view("abcd"));
  const std::array<std::uint8_t, 4> same = {'a', 'b', 'c', 'd'};
  std::array<std::uint8_t, 4> last = same;
  last[3] = 'e';
  std::array<std::uint8_t, 4> first = same;
  first[0] = 'A';
  EXPECT_TRUE(secret.equals(same));
  EXPECT_FALSE(secret.equals(last));
  EXPECT_FALSE(secret.equals(first));
  EXPECT_FALSE(secret.equals(std::span(same).first(3)));
  EXPECT_FALSE(secret.equals({}));
  EXPECT_TRUE(SecretBytes().equals({}));
  EXPECT_FALSE(SecretBytes().equals(same));
}

}  // namespace
}  // namespace dmvault
