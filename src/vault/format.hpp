// The on-disk layout of a vault, format version 1. man/dmvault-vault.5 is the normative text;
// this file is its constants and byte-exact encoders/decoders (no I/O, no policy), so that the
// test vectors in tests/vectors/vectors.txt (generated independently with PyNaCl, checked by
// tests/unit/vault/format_vectors_test.cpp) exercise the same functions the vault uses.
//
// All integers are little-endian. Offsets are from the start of the file.
//
//   [superblock copy A: 4096][superblock copy B: 4096][frame][frame]...[commit frame][footer]...
//
// Superblock (4096 bytes, plaintext; the only region ever rewritten, always B first, then A):
//     0  8  magic "DMVAULT\0"
//     8  2  format version (1)
//    10  2  header size (4096)
//    12  4  incompatible feature flags (none defined: any set bit -> refuse)
//    16  4  read-only-compatible feature flags (none defined: any set bit -> refuse to write)
//    20  4  compatible feature flags (ignored)
//    24  8  superblock sequence (the copy with the highest valid sequence wins)
//    32 32  vault id (random)
//    64  1  KDF algorithm (1 = Argon2id v1.3)
//    65  1  AEAD algorithm (1 = XChaCha20-Poly1305-IETF)
//    66  1  hash algorithm (1 = BLAKE2b)
//    67  1  compression (1 = zstd)
//    68  4  reserved (0)
//    72  8  last commit sequence known to be durable (a floor: a file ending earlier is truncated)
//    80  8  end offset of that commit's footer
//    88 32  key check: BLAKE2b-256 keyed with K_check of "dmvault-key-check-v1" || vault id
//   120  8  reserved (0)
//   128 8*128  keyslots
//  1152 .. 4032  reserved (0)
//  4032 32  checksum: unkeyed BLAKE2b-256 of bytes [0, 4032) -- only tells "damaged" from
//           "wrong passphrase"; not a security control
//  4064 32  MAC: BLAKE2b-256 keyed with K_header of bytes [0, 4064)
//
// Keyslot (128 bytes):
//     0  1  kind (0 = empty, 1 = passphrase, 2 = recovery key)
//     1  1  KDF algorithm (1 = Argon2id v1.3)
//     2  6  reserved (0)
//     8  8  Argon2id opslimit
//    16  8  Argon2id memlimit (bytes)
//    24 16  salt
//    40 24  nonce
//    64 48  wrapped master key: XChaCha20-Poly1305(KEK, nonce, AD, master key) = 32 + 16 tag
//   112 16  reserved (0)
//   AD = "dmvault-keyslot-v1" || vault id || slot index (1 byte) || keyslot bytes [0, 40)
//
// Frame: a 96-byte plaintext header, then `payload length` bytes of ciphertext || tag.
//     0  4  magic "DMVf"
//     4  1  frame type (1 = object, 2 = commit)
//     5  1  object kind (1 = blob: a whole small object or one chunk; 2 = manifest; 0 for commits)
//     6  1  codec of the plaintext (0 = stored, 1 = zstd)
//     7  1  reserved (0)
//     8  4  payload length (ciphertext + 16-byte tag)
//    12  4  reserved (0)
//    16 24  nonce
//    40 32  object id (zero for commits)
//    72  8  reserved (0)
//    80 16  header checksum: unkeyed BLAKE2b-128 of bytes [0, 80)
//   AD = "dmvault-frame-v1" || vault id || header bytes [0, 80)
//   Plaintext = 4-byte length n || n bytes of the (compressed or stored) object || zero padding;
//   padding brings 4 + n to the Padmé length of 4 + n, except for full 1 MiB stored chunks (all
//   of one size already). The id binds the content: verify recomputes it from the plaintext.
//
// Manifest (the object of a large file): "DMVm" || u64 total size || u32 chunk count ||
//   count * (32-byte chunk id || u32 chunk size). Chunks are 1 MiB except the last.
//
// Commit frame plaintext (zstd, padded like any frame):
//   "DMVc" || u32 record version (1) || u64 commit sequence || u64 previous commit offset ||
//   32 previous commit hash (BLAKE2b-256 of the previous commit frame's bytes, header included)
//   || i64 unix time ms || u32 root count || roots (u16 name length, name, 32-byte id) ||
//   u64 entry count || entries, each: 32 id || u8 kind || u64 frame offset || u32 frame length
//   || 16 tag (the frame's last 16 bytes) || u64 plaintext size.
//   Every commit carries the whole index, so opening reads one commit, and an old damaged
//   commit costs nothing but its own history.
//
// Footer (80 bytes, right after each commit frame):
//     0  8  magic "DMVEND\0\1"
//     8  8  commit frame offset
//    16  8  commit sequence
//    24  8  end offset of this footer (= offset of footer + 80)
//    32 16  checksum: unkeyed BLAKE2b-128 of bytes [0, 32)
//    48 32  MAC: BLAKE2b-256 keyed with K_header of vault id || bytes [0, 48)
//
// Keys: the 32-byte master key is random; subkeys come from crypto_kdf with context "DMVAULT1":
//   1 = K_object (frame AEAD), 2 = K_id (object ids), 3 = K_header (superblock, footer MACs),
//   4 = K_check (key check).
#pragma once

#include "dmvault/vault.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::vault {

inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::size_t kSuperblockSize = 4096;
inline constexpr std::size_t kDataStart = 2 * kSuperblockSize;
inline constexpr std::size_t kKeyslotCount = 8;
inline constexpr std::size_t kKeyslotSize = 128;
inline constexpr std::size_t kKeyslotOffset = 128;
inline constexpr std::size_t kSuperblockChecksumOffset = 4032;
inline constexpr std::size_t kSuperblockMacOffset = 4064;
inline constexpr std::size_t kFrameHeaderSize = 96;
inline constexpr std::size_t kFrameChecksumOffset = 80;
inline constexpr std::size_t kFooterSize = 80;
inline constexpr std::size_t kChunkSize = 1 << 20;
inline constexpr std::size_t kTagSize = 16;
// Largest payload we accept in a frame header: a chunk plus padding, or a commit (whole index).
inline constexpr std::uint32_t kMaxObjectPayload = kChunkSize + 64 * 1024 + 4 + kTagSize;
inline constexpr std::uint32_t kMaxCommitPayload = 1u << 30;
inline constexpr std::uint32_t kMaxManifestFramePayload = 9u << 20;

inline constexpr std::array<std::uint8_t, 8> kSuperblockMagic = {'D', 'M', 'V', 'A',
                                                                 'U', 'L', 'T', 0};
inline constexpr std::array<std::uint8_t, 4> kFrameMagic = {'D', 'M', 'V', 'f'};
inline constexpr std::array<std::uint8_t, 8> kFooterMagic = {'D', 'M', 'V', 'E', 'N', 'D', 0, 1};
inline constexpr std::string_view kKeyslotAdTag = "dmvault-keyslot-v1";
inline constexpr std::string_view kFrameAdTag = "dmvault-frame-v1";
inline constexpr std::string_view kKeyCheckTag = "dmvault-key-check-v1";
inline constexpr std::string_view kSubkeyContext = "DMVAULT1";

enum Subkey : std::uint64_t {
  kSubkeyObject = 1,
  kSubkeyId = 2,
  kSubkeyHeader = 3,
  kSubkeyCheck = 4
};

enum class FrameType : std::uint8_t { object = 1, commit = 2 };
enum class ObjectKind : std::uint8_t { none = 0, blob = 1, manifest = 2 };
enum class Codec : std::uint8_t { stored = 0, zstd = 1 };
enum class KeyslotKind : std::uint8_t { empty = 0, passphrase = 1, recovery = 2 };

// --- little-endian helpers ------------------------------------------------------------------
void put_u16(std::uint8_t* p, std::uint16_t v);
void put_u32(std::uint8_t* p, std::uint32_t v);
void put_u64(std::uint8_t* p, std::uint64_t v);
std::uint16_t get_u16(const std::uint8_t* p);
std::uint32_t get_u32(const std::uint8_t* p);
std::uint64_t get_u64(const std::uint8_t* p);

// --- keyslots -----------------------------------------------------------------------------
struct Keyslot {
  KeyslotKind kind = KeyslotKind::empty;
  std::uint8_t kdf_algorithm = 1;
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  std::array<std::uint8_t, 16> salt{};
  std::array<std::uint8_t, 24> nonce{};
  std::array<std::uint8_t, 48> wrapped_key{};
};
void encode_keyslot(const Keyslot& slot, std::span<std::uint8_t, kKeyslotSize> out);
Keyslot decode_keyslot(std::span<const std::uint8_t, kKeyslotSize> in);
// The associated data that binds a keyslot's parameters and place to its wrapped key.
std::vector<std::uint8_t> keyslot_ad(const ObjectId& vault_id, std::uint8_t slot_index,
                                     const Keyslot& slot);

// --- superblock ---------------------------------------------------------------------------
struct Superblock {
  std::uint16_t version = kFormatVersion;
  std::uint32_t incompat_flags = 0;
  std::uint32_t ro_compat_flags = 0;
  std::uint32_t compat_flags = 0;
  std::uint64_t sequence = 0;
  ObjectId vault_id{};
  std::uint64_t durable_commit_sequence = 0;
  std::uint64_t durable_commit_end = 0;
  std::array<std::uint8_t, 32> key_check{};
  std::array<Keyslot, kKeyslotCount> keyslots{};
};
// Encodes everything but the checksum and MAC (bytes [0, 4032)); the caller seals it.
std::array<std::uint8_t, kSuperblockSize> encode_superblock_body(const Superblock& sb);
// Structural decode, no checks beyond the magic (callers check checksum, version, flags).
Superblock decode_superblock(std::span<const std::uint8_t, kSuperblockSize> in);

// --- frames -------------------------------------------------------------------------------
struct FrameHeader {
  FrameType type = FrameType::object;
  ObjectKind kind = ObjectKind::blob;
  Codec codec = Codec::stored;
  std::uint32_t payload_length = 0;
  std::array<std::uint8_t, 24> nonce{};
  ObjectId object_id{};
};
// Encodes with the header checksum filled in.
std::array<std::uint8_t, kFrameHeaderSize> encode_frame_header(const FrameHeader& header);
// nullopt when the magic or the checksum is wrong, or a field is out of range.
std::optional<FrameHeader> decode_frame_header(std::span<const std::uint8_t, kFrameHeaderSize> in);
std::vector<std::uint8_t> frame_ad(const ObjectId& vault_id,
                                   std::span<const std::uint8_t, kFrameHeaderSize> header);
// Frame plaintext framing: 4-byte length, content, zero padding (Padmé unless a full chunk).
std::vector<std::uint8_t> pad_payload(std::span<const std::uint8_t> content);
// The size pad_payload gives a content of `content_size` bytes.
std::uint64_t padded_length(std::uint64_t content_size);
// The content inside a padded plaintext; nullopt when the length prefix is out of range, the
// padded size is not exactly the one pad_payload gives for that length, or the padding is not all
// zero (so every content has exactly one valid encoding).
std::optional<std::span<const std::uint8_t>> unpad_payload(std::span<const std::uint8_t> padded);

// --- footer -------------------------------------------------------------------------------
struct Footer {
  std::uint64_t commit_offset = 0;
  std::uint64_t commit_sequence = 0;
  std::uint64_t end_offset = 0;
};
// Only the first 48 bytes (magic, fields, checksum); the caller appends the MAC.
std::array<std::uint8_t, 48> encode_footer_body(const Footer& footer);
// Checks magic and checksum (not the MAC).
std::optional<Footer> decode_footer(std::span<const std::uint8_t, kFooterSize> in);

}  // namespace dmvault::vault
