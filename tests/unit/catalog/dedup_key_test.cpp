#include "catalog/dedup_key.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dmvault::catalog {
namespace {

// SMHasher's verification of MurmurHash3_x64_128: hash the keys {}, {0}, {0,1}, ... {0..254}
// with seeds 256, 255, ... 2, concatenate the digests, hash that with seed 0 and read the first
// four bytes as a little-endian integer. The reference gives 0x6384BA69; it covers every tail
// length and both lanes, so a digest that changed (and with it every stored dedup key) fails.
TEST(Murmur3, MatchesTheReferenceVerificationValue) {
  std::vector<std::uint8_t> key(256);
  std::vector<std::uint8_t> hashes(256 * 16);
  for (std::size_t i = 0; i < 256; ++i) {
    key[i] = static_cast<std::uint8_t>(i);
    const Digest128 digest = murmur3_x64_128(std::span<const std::uint8_t>(key.data(), i),
                                             static_cast<std::uint32_t>(256 - i));
    std::copy(digest.begin(), digest.end(), hashes.begin() + static_cast<std::ptrdiff_t>(i * 16));
  }
  const Digest128 final = murmur3_x64_128(hashes, 0);
  const std::uint32_t verification =
      static_cast<std::uint32_t>(final[0]) | static_cast<std::uint32_t>(final[1]) << 8 |
      static_cast<std::uint32_t>(final[2]) << 16 | static_cast<std::uint32_t>(final[3]) << 24;
  EXPECT_EQ(verification, 0x6384BA69u);
}

TEST(Murmur3, EmptyInputWithSeedZeroIsZero) { EXPECT_EQ(murmur3_x64_128({}, 0), Digest128{}); }

DedupFields sample() {
  DedupFields f;
  f.platform = "instagram";
  f.thread_id = "ana_123";
  f.sender = "Ana";
  f.timestamp_ms = 1'600'000'000'000;
  f.kind = "text";
  f.text = "hello";
  return f;
}

TEST(CanonicalKey, EveryFieldCounts) {
  const std::string base = canonical_key(sample());
  std::vector<DedupFields> variants(9, sample());
  variants[0].platform = "messenger";
  variants[1].thread_id = "ana_124";
  variants[2].sender = "Bo";
  variants[3].timestamp_ms += 1;
  variants[4].kind = "unsent";
  variants[5].text = "hello!";
  variants[6].attachment_uris = {"photos/1.jpg"};
  variants[7].share_link = "";
  variants[8].platform_message_id = "m1";
  for (const DedupFields& variant : variants) EXPECT_NE(canonical_key(variant), base);
}

TEST(CanonicalKey, FieldsAreLengthPrefixedSoBoundariesCannotShift) {
  DedupFields a = sample();
  DedupFields b = sample();
  a.sender = "Ana";
  a.text = "Bhello";
  b.sender = "AnaB";
  b.text = "hello";
  EXPECT_NE(canonical_key(a), canonical_key(b));
}

TEST(CanonicalKey, AttachmentsMatchByFileNameOnly) {
  DedupFields a = sample();
  DedupFields b = sample();
  a.attachment_uris = {"messages/inbox/ana_123/photos/1.jpg"};
  b.attachment_uris = {"your_instagram_activity/messages/inbox/ana_123/photos/1.jpg"};
  EXPECT_EQ(canonical_key(a), canonical_key(b));
  b.attachment_uris = {"your_instagram_activity/messages/inbox/ana_123/photos/2.jpg"};
  EXPECT_NE(canonical_key(a), canonical_key(b));
  EXPECT_EQ(attachment_file_name("a/b/c.jpg"), "c.jpg");
  EXPECT_EQ(attachment_file_name("c.jpg"), "c.jpg");
  EXPECT_EQ(attachment_file_name("https://example.com/x"), "x");
}

TEST(CanonicalKey, PlatformIdReplacesTheContent) {
  DedupFields a = sample();
  DedupFields b = sample();
  a.platform_message_id = b.platform_message_id = "wamid.1";
  b.text = "edited text";
  b.sender = "Someone";
  EXPECT_EQ(canonical_key(a), canonical_key(b));
  b.thread_id = "other";
  EXPECT_NE(canonical_key(a), canonical_key(b));
}

TEST(StoredKey, DigestPrefixThenOrdinalWithoutLeadingZeroBytes) {
  Digest128 digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i + 10);
  const auto bytes_of = [](const StoredKey& key) {
    return std::vector<int>(key.span().begin(), key.span().end());
  };
  EXPECT_EQ(bytes_of(stored_key(digest, 0)), (std::vector<int>{10, 11, 12, 13}));
  EXPECT_EQ(bytes_of(stored_key(digest, 1)), (std::vector<int>{10, 11, 12, 13, 1}));
  EXPECT_EQ(bytes_of(stored_key(digest, 0x0100)), (std::vector<int>{10, 11, 12, 13, 1, 0}));
  EXPECT_EQ(bytes_of(stored_key(digest, 0x01020304)),
            (std::vector<int>{10, 11, 12, 13, 1, 2, 3, 4}));
  // Ordinals whose bytes are alike but not their count stay apart.
  EXPECT_NE(bytes_of(stored_key(digest, 0x01)), bytes_of(stored_key(digest, 0x0101)));
  EXPECT_NE(bytes_of(stored_key(digest, 0)), bytes_of(stored_key(digest, 1)));
}

}  // namespace
}  // namespace dmvault::catalog
