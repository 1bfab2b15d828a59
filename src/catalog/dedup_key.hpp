// The message dedup key (the rule is described at the top of catalog.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::catalog {

using Digest128 = std::array<std::uint8_t, 16>;

// MurmurHash3_x64_128 (Austin Appleby's public-domain reference, SMHasher), with its 128-bit
// result written as h1 then h2, each little-endian: the bytes the reference writes on x86-64.
// Not cryptographic: a match is always confirmed by comparing the canonical keys themselves.
Digest128 murmur3_x64_128(std::span<const std::uint8_t> data, std::uint32_t seed = 0);

// The fields of a message that decide whether two records are the same message.
struct DedupFields {
  std::string_view platform;
  std::string_view thread_id;
  std::string_view platform_message_id;
  std::string_view sender;
  std::int64_t timestamp_ms = 0;
  std::string_view kind;
  std::string_view text;
  std::vector<std::string_view> attachment_uris;
  std::optional<std::string_view> share_link;
};

// The last '/'-separated component of an attachment uri: the part of the reference that stays
// the same when an export's folder layout changes.
std::string_view attachment_file_name(std::string_view uri);

// The canonical byte string of `fields` (see catalog.cpp). Holds message text: wipe it after use.
std::string canonical_key(const DedupFields& fields);

// The stored key: the first kStoredDigestSize bytes of the digest of the canonical key, then the
// occurrence ordinal big-endian without its leading zero bytes (none at all for the first
// occurrence, as for most messages). The key only finds candidates, each confirmed by its
// canonical key, so a short prefix costs a rare extra comparison and saves 16 random bytes a
// message in the sealed catalog (see DEDUP RULE in catalog.cpp).
inline constexpr std::size_t kStoredDigestSize = 4;
struct StoredKey {
  std::array<std::uint8_t, kStoredDigestSize + 4> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> span() const noexcept { return {bytes.data(), size}; }
};
StoredKey stored_key(const Digest128& digest, std::uint32_t ordinal);

}  // namespace dmvault::catalog
