// Sealing and opening frames, and the records that live inside them (manifests, commits).
// Pure functions of keys and bytes: no I/O, no vault state. Every decoder is strict and bounded,
// because it also runs on frames from a hostile or damaged file (after authentication, but a
// vault's key holder can still be the attacker of a shared file).
#pragma once

#include "dmvault/secret.hpp"
#include "dmvault/vault.hpp"
#include "vault/format.hpp"
#include "vault/keys.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace dmvault::vault {

struct ObjectIdHash {
  std::size_t operator()(const ObjectId& id) const noexcept {
    std::size_t h = 0;
    for (std::size_t i = 0; i < sizeof(h); ++i) h = h << 8 | id[i];
    return h;  // ids are keyed hashes: their bytes are already uniform
  }
};

// Where an object's frame is and what it must look like.
struct IndexEntry {
  ObjectKind kind = ObjectKind::blob;
  std::uint64_t offset = 0;
  std::uint32_t frame_length = 0;  // header + payload
  std::array<std::uint8_t, kTagSize> tag{};
  std::uint64_t size = 0;  // plaintext size of the object
};
using Index = std::unordered_map<ObjectId, IndexEntry, ObjectIdHash>;

struct CommitRecord {
  std::uint64_t sequence = 0;
  std::uint64_t previous_offset = 0;
  std::array<std::uint8_t, 32> previous_hash{};
  std::int64_t unix_ms = 0;
  std::map<std::string, ObjectId> roots;
  Index index;
};
std::vector<std::uint8_t> encode_commit_record(const CommitRecord& record);
std::optional<CommitRecord> decode_commit_record(std::span<const std::uint8_t> bytes);

struct Manifest {
  std::uint64_t total_size = 0;
  std::vector<std::pair<ObjectId, std::uint32_t>> chunks;
};
std::vector<std::uint8_t> encode_manifest(const Manifest& manifest);
std::optional<Manifest> decode_manifest(std::span<const std::uint8_t> bytes);
inline constexpr std::uint32_t kMaxManifestPayload = 8u << 20;

// A sealed frame: header || ciphertext || tag, ready to append.
std::vector<std::uint8_t> seal_frame(const KeySet& keys, const ObjectId& vault_id, FrameType type,
                                     ObjectKind kind, const ObjectId& object_id,
                                     std::span<const std::uint8_t> content, bool try_compress);
// The same into `frame` (its old content dropped, its storage reused).
void seal_frame_into(std::vector<std::uint8_t>& frame, const KeySet& keys, const ObjectId& vault_id,
                     FrameType type, ObjectKind kind, const ObjectId& object_id,
                     std::span<const std::uint8_t> content, bool try_compress);

enum class OpenFailure { header, authentication, encoding };
struct OpenedFrame {
  FrameHeader header;
  PlainBytes content;
};
// Opens a whole frame (header included). `max_content` bounds the decompressed size.
// On failure returns the reason instead.
struct OpenResult {
  std::optional<OpenedFrame> frame;
  OpenFailure failure = OpenFailure::header;
};
OpenResult open_frame(const KeySet& keys, const ObjectId& vault_id,
                      std::span<const std::uint8_t> frame_bytes, std::size_t max_content);
// The same, decrypting in `frame_bytes` itself (whose plaintext is wiped before returning).
OpenResult open_frame_in_place(const KeySet& keys, const ObjectId& vault_id,
                               std::span<std::uint8_t> frame_bytes, std::size_t max_content);

// Upper bound on a frame's decompressed content, by kind.
std::size_t max_content_for(FrameType type, ObjectKind kind);

std::array<std::uint8_t, 32> frame_hash(std::span<const std::uint8_t> frame_bytes);

}  // namespace dmvault::vault
