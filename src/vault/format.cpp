#include "vault/format.hpp"

#include "crypto/crypto.hpp"
#include "util/padme.hpp"

#include <algorithm>
#include <cstring>

namespace dmvault::vault {

void put_u16(std::uint8_t* p, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get_u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
std::uint64_t get_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

void encode_keyslot(const Keyslot& slot, std::span<std::uint8_t, kKeyslotSize> out) {
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  out[0] = static_cast<std::uint8_t>(slot.kind);
  out[1] = slot.kdf_algorithm;
  put_u64(&out[8], slot.opslimit);
  put_u64(&out[16], slot.memlimit);
  std::copy(slot.salt.begin(), slot.salt.end(), &out[24]);
  std::copy(slot.nonce.begin(), slot.nonce.end(), &out[40]);
  std::copy(slot.wrapped_key.begin(), slot.wrapped_key.end(), &out[64]);
}

Keyslot decode_keyslot(std::span<const std::uint8_t, kKeyslotSize> in) {
  Keyslot slot;
  slot.kind = static_cast<KeyslotKind>(in[0]);
  slot.kdf_algorithm = in[1];
  slot.opslimit = get_u64(&in[8]);
  slot.memlimit = get_u64(&in[16]);
  std::copy_n(&in[24], slot.salt.size(), slot.salt.begin());
  std::copy_n(&in[40], slot.nonce.size(), slot.nonce.begin());
  std::copy_n(&in[64], slot.wrapped_key.size(), slot.wrapped_key.begin());
  return slot;
}

std::vector<std::uint8_t> keyslot_ad(const ObjectId& vault_id, std::uint8_t slot_index,
                                     const Keyslot& slot) {
  std::array<std::uint8_t, kKeyslotSize> encoded{};
  encode_keyslot(slot, encoded);
  std::vector<std::uint8_t> ad(kKeyslotAdTag.begin(), kKeyslotAdTag.end());
  ad.insert(ad.end(), vault_id.begin(), vault_id.end());
  ad.push_back(slot_index);
  ad.insert(ad.end(), encoded.begin(), encoded.begin() + 40);
  return ad;
}

std::array<std::uint8_t, kSuperblockSize> encode_superblock_body(const Superblock& sb) {
  std::array<std::uint8_t, kSuperblockSize> out{};
  std::copy(kSuperblockMagic.begin(), kSuperblockMagic.end(), out.begin());
  put_u16(&out[8], sb.version);
  put_u16(&out[10], static_cast<std::uint16_t>(kSuperblockSize));
  put_u32(&out[12], sb.incompat_flags);
  put_u32(&out[16], sb.ro_compat_flags);
  put_u32(&out[20], sb.compat_flags);
  put_u64(&out[24], sb.sequence);
  std::copy(sb.vault_id.begin(), sb.vault_id.end(), &out[32]);
  out[64] = 1;  // Argon2id v1.3
  out[65] = 1;  // XChaCha20-Poly1305-IETF
  out[66] = 1;  // BLAKE2b
  out[67] = 1;  // zstd
  put_u64(&out[72], sb.durable_commit_sequence);
  put_u64(&out[80], sb.durable_commit_end);
  std::copy(sb.key_check.begin(), sb.key_check.end(), &out[88]);
  for (std::size_t i = 0; i < kKeyslotCount; ++i) {
    encode_keyslot(sb.keyslots[i], std::span<std::uint8_t, kKeyslotSize>(
                                       &out[kKeyslotOffset + i * kKeyslotSize], kKeyslotSize));
  }
  return out;
}

Superblock decode_superblock(std::span<const std::uint8_t, kSuperblockSize> in) {
  Superblock sb;
  sb.version = get_u16(&in[8]);
  sb.incompat_flags = get_u32(&in[12]);
  sb.ro_compat_flags = get_u32(&in[16]);
  sb.compat_flags = get_u32(&in[20]);
  sb.sequence = get_u64(&in[24]);
  std::copy_n(&in[32], sb.vault_id.size(), sb.vault_id.begin());
  sb.durable_commit_sequence = get_u64(&in[72]);
  sb.durable_commit_end = get_u64(&in[80]);
  std::copy_n(&in[88], sb.key_check.size(), sb.key_check.begin());
  for (std::size_t i = 0; i < kKeyslotCount; ++i) {
    sb.keyslots[i] = decode_keyslot(std::span<const std::uint8_t, kKeyslotSize>(
        &in[kKeyslotOffset + i * kKeyslotSize], kKeyslotSize));
  }
  return sb;
}

std::array<std::uint8_t, kFrameHeaderSize> encode_frame_header(const FrameHeader& header) {
  std::array<std::uint8_t, kFrameHeaderSize> out{};
  std::copy(kFrameMagic.begin(), kFrameMagic.end(), out.begin());
  out[4] = static_cast<std::uint8_t>(header.type);
  out[5] = static_cast<std::uint8_t>(header.kind);
  out[6] = static_cast<std::uint8_t>(header.codec);
  put_u32(&out[8], header.payload_length);
  std::copy(header.nonce.begin(), header.nonce.end(), &out[16]);
  std::copy(header.object_id.begin(), header.object_id.end(), &out[40]);
  crypto::plain_hash(std::span<const std::uint8_t>(out.data(), kFrameChecksumOffset),
                     std::span<std::uint8_t>(&out[kFrameChecksumOffset], 16));
  return out;
}

std::optional<FrameHeader> decode_frame_header(std::span<const std::uint8_t, kFrameHeaderSize> in) {
  if (!std::equal(kFrameMagic.begin(), kFrameMagic.end(), in.begin())) return std::nullopt;
  std::array<std::uint8_t, 16> checksum{};
  crypto::plain_hash(in.first(kFrameChecksumOffset), checksum);
  if (!crypto::equal_constant_time(checksum, in.subspan(kFrameChecksumOffset, 16))) {
    return std::nullopt;
  }
  FrameHeader header;
  const std::uint8_t type = in[4], kind = in[5], codec = in[6];
  if (type != 1 && type != 2) return std::nullopt;
  if (kind > 2 || codec > 1 || in[7] != 0) return std::nullopt;
  header.type = static_cast<FrameType>(type);
  header.kind = static_cast<ObjectKind>(kind);
  header.codec = static_cast<Codec>(codec);
  if ((header.type == FrameType::commit) != (header.kind == ObjectKind::none)) return std::nullopt;
  header.payload_length = get_u32(&in[8]);
  const std::uint32_t limit = header.type == FrameType::commit      ? kMaxCommitPayload
                              : header.kind == ObjectKind::manifest ? kMaxManifestFramePayload
                                                                    : kMaxObjectPayload;
  if (header.payload_length < kTagSize + 4 || header.payload_length > limit) return std::nullopt;
  if (get_u32(&in[12]) != 0 || get_u64(&in[72]) != 0) return std::nullopt;
  std::copy_n(&in[16], header.nonce.size(), header.nonce.begin());
  std::copy_n(&in[40], header.object_id.size(), header.object_id.begin());
  return header;
}

std::vector<std::uint8_t> frame_ad(const ObjectId& vault_id,
                                   std::span<const std::uint8_t, kFrameHeaderSize> header) {
  std::vector<std::uint8_t> ad(kFrameAdTag.begin(), kFrameAdTag.end());
  ad.insert(ad.end(), vault_id.begin(), vault_id.end());
  ad.insert(ad.end(), header.begin(), header.begin() + kFrameChecksumOffset);
  return ad;
}

std::uint64_t padded_length(std::uint64_t content_size) {
  const std::uint64_t framed = 4 + content_size;
  return content_size == kChunkSize ? framed : util::padme_length(framed);
}

std::vector<std::uint8_t> pad_payload(std::span<const std::uint8_t> content) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(padded_length(content.size())), 0);
  put_u32(out.data(), static_cast<std::uint32_t>(content.size()));
  std::copy(content.begin(), content.end(), out.begin() + 4);
  return out;
}

std::optional<std::span<const std::uint8_t>> unpad_payload(std::span<const std::uint8_t> padded) {
  if (padded.size() < 4) return std::nullopt;
  const std::uint32_t n = get_u32(padded.data());
  if (n > padded.size() - 4) return std::nullopt;
  // The padding must be exactly what pad_payload writes, so there is one valid encoding.
  if (padded_length(n) != padded.size()) return std::nullopt;
  const auto padding = padded.subspan(4 + n);
  if (!std::all_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b == 0; })) {
    return std::nullopt;
  }
  return padded.subspan(4, n);
}

std::array<std::uint8_t, 48> encode_footer_body(const Footer& footer) {
  std::array<std::uint8_t, 48> out{};
  std::copy(kFooterMagic.begin(), kFooterMagic.end(), out.begin());
  put_u64(&out[8], footer.commit_offset);
  put_u64(&out[16], footer.commit_sequence);
  put_u64(&out[24], footer.end_offset);
  crypto::plain_hash(std::span<const std::uint8_t>(out.data(), 32),
                     std::span<std::uint8_t>(&out[32], 16));
  return out;
}

std::optional<Footer> decode_footer(std::span<const std::uint8_t, kFooterSize> in) {
  if (!std::equal(kFooterMagic.begin(), kFooterMagic.end(), in.begin())) return std::nullopt;
  std::array<std::uint8_t, 16> checksum{};
  crypto::plain_hash(in.first(32), checksum);
  if (!crypto::equal_constant_time(checksum, in.subspan(32, 16))) return std::nullopt;
  Footer footer;
  footer.commit_offset = get_u64(&in[8]);
  footer.commit_sequence = get_u64(&in[16]);
  footer.end_offset = get_u64(&in[24]);
  if (footer.end_offset < kDataStart + kFrameHeaderSize + kFooterSize) return std::nullopt;
  if (footer.commit_offset < kDataStart || footer.commit_offset >= footer.end_offset) {
    return std::nullopt;
  }
  return footer;
}

}  // namespace dmvault::vault
