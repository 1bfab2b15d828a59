// Checks the format v1 encoders and decoders of src/vault/format.hpp against the independent
// vectors of tests/vectors/gen_vectors.py: keyslot wrapping, frame headers and AEAD, payload
// padding, keyed object ids, the key check, footers and the superblock. The vectors are computed
// from the layout in format.hpp's header comment by code that shares nothing with dmvault, so a
// layout slip on either side shows up here. Comparisons are of whole byte strings.
#include "crypto/crypto.hpp"
#include "vault/format.hpp"
#include "vectors/vector_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::vault {
namespace {

using test::to_hex;
using test::Vector;
using Bytes = std::vector<std::uint8_t>;

std::vector<Vector> require_vectors(std::string_view kind, std::size_t at_least) {
  std::vector<Vector> vectors = test::vectors_of_kind(kind);
  EXPECT_GE(vectors.size(), at_least) << "too few '" << kind << "' vectors in vectors.txt";
  return vectors;
}

SecretBytes secret(const Vector& v, const std::string& field) {
  const Bytes bytes = v.bytes(field);
  return SecretBytes::copy_of(std::span<const std::uint8_t>(bytes));
}

SecretBytes subkey(const SecretBytes& master, Subkey id) {
  return crypto::derive_subkey(master, id, kSubkeyContext);
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Bytes concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  Bytes out;
  for (const auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// The keyslot a vector describes, built from its fields (not by decoding its bytes).
Keyslot keyslot_of(const Vector& v) {
  Keyslot slot;
  slot.kind = static_cast<KeyslotKind>(v.u64("slot_kind"));
  slot.kdf_algorithm = 1;
  slot.opslimit = v.u64("opslimit");
  slot.memlimit = v.u64("memlimit");
  slot.salt = v.array<16>("salt");
  slot.nonce = v.array<24>("nonce");
  slot.wrapped_key = v.array<48>("wrapped_key");
  return slot;
}

void expect_same_keyslot(const Keyslot& a, const Keyslot& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.kdf_algorithm, b.kdf_algorithm);
  EXPECT_EQ(a.opslimit, b.opslimit);
  EXPECT_EQ(a.memlimit, b.memlimit);
  EXPECT_EQ(to_hex(a.salt), to_hex(b.salt));
  EXPECT_EQ(to_hex(a.nonce), to_hex(b.nonce));
  EXPECT_EQ(to_hex(a.wrapped_key), to_hex(b.wrapped_key));
}

TEST(FormatVectors, KeyslotUnwrapsTheMasterKey) {
  for (const Vector& v : require_vectors("keyslot", 2)) {
    SCOPED_TRACE(v.where());
    const ObjectId vault_id = v.array<32>("vault_id");
    const auto index = static_cast<std::uint8_t>(v.u64("slot_index"));
    const Keyslot slot = keyslot_of(v);
    const Bytes expected = v.bytes("keyslot");
    ASSERT_EQ(expected.size(), kKeyslotSize);

    std::array<std::uint8_t, kKeyslotSize> encoded{};
    encode_keyslot(slot, encoded);
    EXPECT_EQ(to_hex(encoded), to_hex(expected));
    expect_same_keyslot(decode_keyslot(std::span<const std::uint8_t, kKeyslotSize>(expected)),
                        slot);

    const Bytes ad = keyslot_ad(vault_id, index, slot);
    EXPECT_EQ(to_hex(ad), to_hex(v.bytes("ad")));

    const SecretBytes kek =
        crypto::argon2id(v.bytes("passphrase"), slot.salt, slot.opslimit, slot.memlimit);
    EXPECT_EQ(to_hex(kek.span()), to_hex(v.bytes("kek")));
    SecretBytes master(crypto::kKeyBytes);
    ASSERT_TRUE(crypto::aead_open(kek, slot.nonce, ad, slot.wrapped_key, master.span()));
    EXPECT_EQ(to_hex(master.span()), to_hex(v.bytes("master")));

    // The AD binds the slot's place and parameters: another index or a changed limit fails.
    const Bytes other_index = keyslot_ad(vault_id, static_cast<std::uint8_t>(index ^ 1), slot);
    EXPECT_FALSE(crypto::aead_open(kek, slot.nonce, other_index, slot.wrapped_key, master.span()));
    Keyslot cheaper = slot;
    cheaper.opslimit += 1;
    EXPECT_FALSE(crypto::aead_open(kek, slot.nonce, keyslot_ad(vault_id, index, cheaper),
                                   slot.wrapped_key, master.span()));
  }
}

TEST(FormatVectors, FrameHeaderAdAndPayload) {
  for (const Vector& v : require_vectors("frame", 4)) {
    SCOPED_TRACE(v.where());
    const SecretBytes master = secret(v, "master");
    const ObjectId vault_id = v.array<32>("vault_id");
    const SecretBytes k_object = subkey(master, kSubkeyObject);
    const SecretBytes k_id = subkey(master, kSubkeyId);
    EXPECT_EQ(to_hex(k_object.span()), to_hex(v.bytes("k_object")));
    EXPECT_EQ(to_hex(k_id.span()), to_hex(v.bytes("k_id")));

    const Bytes content = v.bytes("content");
    if (v.has("content_id")) {
      const crypto::Hash32 id = crypto::keyed_hash(k_id, content);
      EXPECT_EQ(to_hex(id), to_hex(v.bytes("content_id")));
      EXPECT_EQ(to_hex(id), to_hex(v.bytes("object_id")));
    }

    FrameHeader header;
    header.type = static_cast<FrameType>(v.u64("frame_type"));
    header.kind = static_cast<ObjectKind>(v.u64("object_kind"));
    header.codec = static_cast<Codec>(v.u64("codec"));
    header.payload_length = static_cast<std::uint32_t>(v.u64("payload_length"));
    header.nonce = v.array<24>("nonce");
    header.object_id = v.array<32>("object_id");
    const auto encoded = encode_frame_header(header);
    const Bytes expected_header = v.bytes("header");
    EXPECT_EQ(to_hex(encoded), to_hex(expected_header));

    ASSERT_EQ(expected_header.size(), kFrameHeaderSize);
    const std::span<const std::uint8_t, kFrameHeaderSize> header_bytes(expected_header);
    const auto decoded = decode_frame_header(header_bytes);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->type, header.type);
    EXPECT_EQ(decoded->kind, header.kind);
    EXPECT_EQ(decoded->codec, header.codec);
    EXPECT_EQ(decoded->payload_length, header.payload_length);
    EXPECT_EQ(to_hex(decoded->nonce), to_hex(header.nonce));
    EXPECT_EQ(to_hex(decoded->object_id), to_hex(header.object_id));
    // Any flipped byte, checksum included, makes the header unreadable.
    for (std::size_t i = 0; i < kFrameHeaderSize; ++i) {
      auto flipped = encoded;
      flipped[i] ^= 0x04;
      EXPECT_FALSE(decode_frame_header(flipped).has_value()) << "header byte " << i;
    }

    const Bytes ad = frame_ad(vault_id, header_bytes);
    EXPECT_EQ(to_hex(ad), to_hex(v.bytes("ad")));

    const Bytes padded = pad_payload(content);
    EXPECT_EQ(to_hex(padded), to_hex(v.bytes("padded")));
    const auto unpadded = unpad_payload(padded);
    ASSERT_TRUE(unpadded.has_value());
    EXPECT_EQ(to_hex(*unpadded), to_hex(content));

    const Bytes payload = v.bytes("payload");
    EXPECT_EQ(payload.size(), header.payload_length);
    EXPECT_EQ(to_hex(crypto::aead_seal(k_object, header.nonce, ad, padded)), to_hex(payload));
    Bytes opened(payload.size() - crypto::kTagBytes);
    ASSERT_TRUE(crypto::aead_open(k_object, header.nonce, ad, payload, opened));
    EXPECT_EQ(to_hex(opened), to_hex(padded));
    // Moving the frame to another vault (other id in the AD) breaks authentication.
    ObjectId other_vault = vault_id;
    other_vault[0] ^= 1;
    EXPECT_FALSE(crypto::aead_open(k_object, header.nonce, frame_ad(other_vault, header_bytes),
                                   payload, opened));
  }
}

TEST(FormatVectors, PayloadPadding) {
  for (const Vector& v : require_vectors("pad", 12)) {
    SCOPED_TRACE(v.where());
    const Bytes content = v.bytes("content");
    const Bytes padded = pad_payload(content);
    EXPECT_EQ(to_hex(padded), to_hex(v.bytes("padded")));
    const auto unpadded = unpad_payload(padded);
    ASSERT_TRUE(unpadded.has_value());
    EXPECT_EQ(to_hex(*unpadded), to_hex(content));
  }
}

TEST(FormatVectors, PaddingOfChunkSizedPayloads) {
  for (const Vector& v : require_vectors("pad_length", 4)) {
    SCOPED_TRACE(v.where());
    Bytes content(v.u64("content_length"));
    for (std::size_t i = 0; i < content.size(); ++i)
      content[i] = static_cast<std::uint8_t>(i % 251);
    const Bytes padded = pad_payload(content);
    ASSERT_EQ(padded.size(), v.u64("padded_length"));
    EXPECT_EQ(get_u32(padded.data()), content.size());
    EXPECT_TRUE(std::equal(content.begin(), content.end(), padded.begin() + 4));
    EXPECT_TRUE(std::all_of(padded.begin() + 4 + static_cast<std::ptrdiff_t>(content.size()),
                            padded.end(), [](std::uint8_t b) { return b == 0; }));
    const auto unpadded = unpad_payload(padded);
    ASSERT_TRUE(unpadded.has_value());
    EXPECT_TRUE(std::equal(unpadded->begin(), unpadded->end(), content.begin(), content.end()));
  }
}

TEST(FormatVectors, UnpadRefusesMalformedPlaintexts) {
  for (const Vector& v : require_vectors("unpad_reject", 7)) {
    SCOPED_TRACE(v.where());
    EXPECT_FALSE(unpad_payload(v.bytes("padded")).has_value());
  }
}

TEST(FormatVectors, KeyedObjectIds) {
  for (const Vector& v : require_vectors("object_id", 3)) {
    SCOPED_TRACE(v.where());
    const SecretBytes k_id = subkey(secret(v, "master"), kSubkeyId);
    EXPECT_EQ(to_hex(k_id.span()), to_hex(v.bytes("k_id")));
    const Bytes content = v.bytes("content");
    const std::string expected = to_hex(v.bytes("object_id"));
    EXPECT_EQ(to_hex(crypto::keyed_hash(k_id, content)), expected);
    crypto::KeyedHasher streamed(k_id);
    const std::span<const std::uint8_t> all(content);
    streamed.update(all.first(content.size() / 2));
    streamed.update(all.subspan(content.size() / 2));
    EXPECT_EQ(to_hex(streamed.finish()), expected);
  }
}

TEST(FormatVectors, KeyCheck) {
  for (const Vector& v : require_vectors("key_check", 1)) {
    SCOPED_TRACE(v.where());
    const SecretBytes k_check = subkey(secret(v, "master"), kSubkeyCheck);
    EXPECT_EQ(to_hex(k_check.span()), to_hex(v.bytes("k_check")));
    const Bytes input = concat({as_bytes(kKeyCheckTag), v.bytes("vault_id")});
    EXPECT_EQ(to_hex(crypto::keyed_hash(k_check, input)), to_hex(v.bytes("key_check")));
  }
}

TEST(FormatVectors, Footer) {
  for (const Vector& v : require_vectors("footer", 2)) {
    SCOPED_TRACE(v.where());
    const SecretBytes k_header = subkey(secret(v, "master"), kSubkeyHeader);
    EXPECT_EQ(to_hex(k_header.span()), to_hex(v.bytes("k_header")));
    const Bytes expected = v.bytes("footer");
    ASSERT_EQ(expected.size(), kFooterSize);
    const std::span<const std::uint8_t> all(expected);

    Footer footer;
    footer.commit_offset = v.u64("commit_offset");
    footer.commit_sequence = v.u64("commit_sequence");
    footer.end_offset = v.u64("end_offset");
    EXPECT_EQ(to_hex(encode_footer_body(footer)), to_hex(all.first(48)));

    const Bytes mac_input = concat({v.bytes("vault_id"), all.first(48)});
    EXPECT_EQ(to_hex(crypto::keyed_hash(k_header, mac_input)), to_hex(all.subspan(48)));

    const auto decoded = decode_footer(std::span<const std::uint8_t, kFooterSize>(expected));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->commit_offset, footer.commit_offset);
    EXPECT_EQ(decoded->commit_sequence, footer.commit_sequence);
    EXPECT_EQ(decoded->end_offset, footer.end_offset);
    // The checksum covers magic and fields: any flip in the first 48 bytes is caught.
    for (std::size_t i = 0; i < 48; ++i) {
      Bytes flipped = expected;
      flipped[i] ^= 0x10;
      EXPECT_FALSE(decode_footer(std::span<const std::uint8_t, kFooterSize>(flipped)).has_value())
          << "footer byte " << i;
    }
  }
}

TEST(FormatVectors, Superblock) {
  std::map<std::uint64_t, Keyslot> slots;
  for (const Vector& v : require_vectors("keyslot", 2)) slots[v.u64("slot_index")] = keyslot_of(v);

  for (const Vector& v : require_vectors("superblock", 1)) {
    SCOPED_TRACE(v.where());
    const Bytes expected = v.bytes("superblock");
    ASSERT_EQ(expected.size(), kSuperblockSize);
    const std::span<const std::uint8_t> all(expected);

    Superblock sb;
    sb.sequence = v.u64("sequence");
    sb.vault_id = v.array<32>("vault_id");
    sb.durable_commit_sequence = v.u64("durable_commit_sequence");
    sb.durable_commit_end = v.u64("durable_commit_end");
    sb.key_check = v.array<32>("key_check");
    for (std::size_t i = 0; i < kKeyslotCount; ++i) {
      // An empty slot is all zeros on disk.
      Keyslot empty;
      empty.kdf_algorithm = 0;
      sb.keyslots[i] = slots.count(i) != 0 ? slots[i] : empty;
    }
    const auto body = encode_superblock_body(sb);
    EXPECT_EQ(to_hex(std::span(body).first(kSuperblockChecksumOffset)),
              to_hex(all.first(kSuperblockChecksumOffset)));

    std::array<std::uint8_t, 32> checksum{};
    crypto::plain_hash(all.first(kSuperblockChecksumOffset), checksum);
    EXPECT_EQ(to_hex(checksum), to_hex(all.subspan(kSuperblockChecksumOffset, 32)));
    const SecretBytes k_header = subkey(secret(v, "master"), kSubkeyHeader);
    EXPECT_EQ(to_hex(k_header.span()), to_hex(v.bytes("k_header")));
    EXPECT_EQ(to_hex(crypto::keyed_hash(k_header, all.first(kSuperblockMacOffset))),
              to_hex(all.subspan(kSuperblockMacOffset)));

    const Superblock decoded =
        decode_superblock(std::span<const std::uint8_t, kSuperblockSize>(expected));
    EXPECT_EQ(decoded.version, kFormatVersion);
    EXPECT_EQ(decoded.incompat_flags, 0u);
    EXPECT_EQ(decoded.ro_compat_flags, 0u);
    EXPECT_EQ(decoded.compat_flags, 0u);
    EXPECT_EQ(decoded.sequence, sb.sequence);
    EXPECT_EQ(to_hex(decoded.vault_id), to_hex(sb.vault_id));
    EXPECT_EQ(decoded.durable_commit_sequence, sb.durable_commit_sequence);
    EXPECT_EQ(decoded.durable_commit_end, sb.durable_commit_end);
    EXPECT_EQ(to_hex(decoded.key_check), to_hex(sb.key_check));
    for (std::size_t i = 0; i < kKeyslotCount; ++i) {
      SCOPED_TRACE("keyslot " + std::to_string(i));
      expect_same_keyslot(decoded.keyslots[i], sb.keyslots[i]);
    }
  }
}

}  // namespace
}  // namespace dmvault::vault
