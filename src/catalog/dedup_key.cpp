#include "catalog/dedup_key.hpp"

#include <algorithm>
#include <cstring>

namespace dmvault::catalog {

namespace {

constexpr std::uint64_t rotl64(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr std::uint64_t fmix64(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

// Explicitly little-endian, so the digest does not depend on the host's byte order.
std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void append_u64(std::string& out, std::uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
  out.append(bytes, sizeof bytes);
}

void append_field(std::string& out, std::string_view field) {
  append_u64(out, field.size());
  out.append(field);
}

}  // namespace

Digest128 murmur3_x64_128(std::span<const std::uint8_t> data, std::uint32_t seed) {
  constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t c2 = 0x4cf5ad432745937fULL;
  const std::size_t len = data.size();
  const std::size_t nblocks = len / 16;
  std::uint64_t h1 = seed;
  std::uint64_t h2 = seed;

  for (std::size_t i = 0; i < nblocks; ++i) {
    std::uint64_t k1 = load_le64(data.data() + i * 16);
    std::uint64_t k2 = load_le64(data.data() + i * 16 + 8);
    k1 *= c1;
    k1 = rotl64(k1, 31);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl64(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= c2;
    k2 = rotl64(k2, 33);
    k2 *= c1;
    h2 ^= k2;
    h2 = rotl64(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  const std::uint8_t* tail = data.data() + nblocks * 16;
  const std::size_t rest = len & 15;
  std::uint64_t k1 = 0;
  std::uint64_t k2 = 0;
  for (std::size_t i = rest; i > 8; --i) k2 = (k2 << 8) | tail[i - 1];
  if (rest > 8) {
    k2 *= c2;
    k2 = rotl64(k2, 33);
    k2 *= c1;
    h2 ^= k2;
  }
  for (std::size_t i = std::min<std::size_t>(rest, 8); i > 0; --i) k1 = (k1 << 8) | tail[i - 1];
  if (rest > 0) {
    k1 *= c1;
    k1 = rotl64(k1, 31);
    k1 *= c2;
    h1 ^= k1;
  }

  h1 ^= static_cast<std::uint64_t>(len);
  h2 ^= static_cast<std::uint64_t>(len);
  h1 += h2;
  h2 += h1;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 += h2;
  h2 += h1;

  Digest128 out{};
  store_le64(out.data(), h1);
  store_le64(out.data() + 8, h2);
  return out;
}

std::string_view attachment_file_name(std::string_view uri) {
  const std::size_t slash = uri.find_last_of('/');
  return slash == std::string_view::npos ? uri : uri.substr(slash + 1);
}

std::string canonical_key(const DedupFields& fields) {
  std::string out;
  out.reserve(64 + fields.platform.size() + fields.thread_id.size() + fields.sender.size() +
              fields.text.size());
  append_field(out, "dmvault-dedup-1");
  append_field(out, fields.platform);
  append_field(out, fields.thread_id);
  if (!fields.platform_message_id.empty()) {
    out.push_back('i');
    append_field(out, fields.platform_message_id);
    return out;
  }
  out.push_back('c');
  append_field(out, fields.sender);
  append_u64(out, static_cast<std::uint64_t>(fields.timestamp_ms));
  append_field(out, fields.kind);
  append_field(out, fields.text);
  append_u64(out, fields.attachment_uris.size());
  for (std::string_view uri : fields.attachment_uris) {
    append_field(out, attachment_file_name(uri));
  }
  if (fields.share_link) {
    out.push_back('s');
    append_field(out, *fields.share_link);
  } else {
    out.push_back('-');
  }
  return out;
}

StoredKey stored_key(const Digest128& digest, std::uint32_t ordinal) {
  StoredKey key;
  std::memcpy(key.bytes.data(), digest.data(), kStoredDigestSize);
  key.size = kStoredDigestSize;
  bool leading = true;
  for (int i = 3; i >= 0; --i) {
    const auto byte = static_cast<std::uint8_t>(ordinal >> (8 * i));
    if (leading && byte == 0) continue;
    leading = false;
    key.bytes[key.size++] = byte;
  }
  return key;
}

}  // namespace dmvault::catalog
