#include "vault/frames.hpp"

#include "crypto/crypto.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string.h>  // explicit_bzero

namespace dmvault::vault {

namespace {

// zstd only when it pays: JPEG, MP4 and Opus do not shrink, and storing them raw saves the
// decompression on every read.
constexpr int kZstdLevel = 3;
constexpr double kMinSaving = 0.03;
// Content larger than two samples is compressed only when its first sample shrinks by
// kMinSaving: media (JPEG, MP4, ...) never do, and compressing a megabyte to throw the result
// away cost more than sealing it.
constexpr std::size_t kSampleSize = 64 * 1024;

// The sealing thread's zstd context and output buffers, kept between frames: a fresh context
// and a fresh compressBound-sized buffer for every chunk cost more than compressing it.
struct Compressor {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context{ZSTD_createCCtx(), &ZSTD_freeCCtx};
  PlainBytes out;

  // The compressed size when `content` shrinks by kMinSaving (the bytes are in `out`), else 0.
  // The caller wipes `out` after use.
  std::size_t shrink(std::span<const std::uint8_t> content) {
    const std::size_t bound = ZSTD_compressBound(content.size());
    if (out.size() < bound) out = PlainBytes(bound);
    if (context == nullptr) return 0;
    const std::size_t size = ZSTD_compressCCtx(context.get(), out.data(), out.size(),
                                               content.data(), content.size(), kZstdLevel);
    const bool pays =
        !ZSTD_isError(size) &&
        static_cast<double>(size) <= static_cast<double>(content.size()) * (1.0 - kMinSaving);
    if (!pays) {
      explicit_bzero(out.data(), ZSTD_isError(size) ? out.size() : size);
      return 0;
    }
    return size;
  }
};

Compressor& compressor() {
  thread_local Compressor instance;
  return instance;
}

bool sample_shrinks(std::span<const std::uint8_t> content) {
  if (content.size() <= 2 * kSampleSize) return true;
  const std::size_t size = compressor().shrink(content.first(kSampleSize));
  explicit_bzero(compressor().out.data(), size);
  return size != 0;
}
constexpr std::size_t kMaxCommitContent = std::size_t{2} << 30;

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : m_bytes(bytes) {}
  bool take(std::size_t n, const std::uint8_t*& out) {
    if (m_bytes.size() - m_pos < n) return false;
    out = m_bytes.data() + m_pos;
    m_pos += n;
    return true;
  }
  bool u8(std::uint8_t& v) {
    const std::uint8_t* p = nullptr;
    if (!take(1, p)) return false;
    v = *p;
    return true;
  }
  bool u16(std::uint16_t& v) {
    const std::uint8_t* p = nullptr;
    if (!take(2, p)) return false;
    v = get_u16(p);
    return true;
  }
  bool u32(std::uint32_t& v) {
    const std::uint8_t* p = nullptr;
    if (!take(4, p)) return false;
    v = get_u32(p);
    return true;
  }
  bool u64(std::uint64_t& v) {
    const std::uint8_t* p = nullptr;
    if (!take(8, p)) return false;
    v = get_u64(p);
    return true;
  }
  template <std::size_t N>
  bool bytes(std::array<std::uint8_t, N>& out) {
    const std::uint8_t* p = nullptr;
    if (!take(N, p)) return false;
    std::copy_n(p, N, out.begin());
    return true;
  }
  std::size_t remaining() const { return m_bytes.size() - m_pos; }

 private:
  std::span<const std::uint8_t> m_bytes;
  std::size_t m_pos = 0;
};

class Writer {
 public:
  // Grown and copied by hand: GCC 12 at -O2/-O3 falsely reports vector::insert of a small
  // array here as an overflow.
  void raw(std::span<const std::uint8_t> b) {
    if (b.empty()) return;
    const std::size_t at = m_out.size();
    m_out.resize(at + b.size());
    std::memcpy(m_out.data() + at, b.data(), b.size());
  }
  void u8(std::uint8_t v) { m_out.push_back(v); }
  void u16(std::uint16_t v) {
    std::uint8_t b[2];
    put_u16(b, v);
    raw(b);
  }
  void u32(std::uint32_t v) {
    std::uint8_t b[4];
    put_u32(b, v);
    raw(b);
  }
  void u64(std::uint64_t v) {
    std::uint8_t b[8];
    put_u64(b, v);
    raw(b);
  }
  std::vector<std::uint8_t>& out() { return m_out; }

 private:
  std::vector<std::uint8_t> m_out;
};

constexpr std::array<std::uint8_t, 4> kCommitMagic = {'D', 'M', 'V', 'c'};
constexpr std::array<std::uint8_t, 4> kManifestMagic = {'D', 'M', 'V', 'm'};
constexpr std::uint32_t kCommitRecordVersion = 1;
constexpr std::size_t kIndexEntrySize = 32 + 1 + 8 + 4 + 16 + 8;

}  // namespace

std::vector<std::uint8_t> encode_commit_record(const CommitRecord& record) {
  Writer w;
  w.raw(kCommitMagic);
  w.u32(kCommitRecordVersion);
  w.u64(record.sequence);
  w.u64(record.previous_offset);
  w.raw(record.previous_hash);
  w.u64(static_cast<std::uint64_t>(record.unix_ms));
  w.u32(static_cast<std::uint32_t>(record.roots.size()));
  for (const auto& [name, id] : record.roots) {
    w.u16(static_cast<std::uint16_t>(name.size()));
    w.raw({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()});
    w.raw(id);
  }
  // Sorted by offset so the record is deterministic and compresses its offsets well.
  std::vector<std::pair<ObjectId, IndexEntry>> entries(record.index.begin(), record.index.end());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.second.offset < b.second.offset; });
  w.u64(entries.size());
  w.out().reserve(w.out().size() + entries.size() * kIndexEntrySize);
  for (const auto& [id, e] : entries) {
    w.raw(id);
    w.u8(static_cast<std::uint8_t>(e.kind));
    w.u64(e.offset);
    w.u32(e.frame_length);
    w.raw(e.tag);
    w.u64(e.size);
  }
  return std::move(w.out());
}

std::optional<CommitRecord> decode_commit_record(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  CommitRecord record;
  std::array<std::uint8_t, 4> magic{};
  std::uint32_t version = 0, root_count = 0;
  std::uint64_t unix_ms = 0, entry_count = 0;
  if (!r.bytes(magic) || magic != kCommitMagic) return std::nullopt;
  if (!r.u32(version) || version != kCommitRecordVersion) return std::nullopt;
  if (!r.u64(record.sequence) || !r.u64(record.previous_offset) || !r.bytes(record.previous_hash) ||
      !r.u64(unix_ms) || !r.u32(root_count)) {
    return std::nullopt;
  }
  record.unix_ms = static_cast<std::int64_t>(unix_ms);
  if (root_count > 1024) return std::nullopt;
  for (std::uint32_t i = 0; i < root_count; ++i) {
    std::uint16_t length = 0;
    const std::uint8_t* name = nullptr;
    ObjectId id{};
    if (!r.u16(length) || !r.take(length, name) || !r.bytes(id)) return std::nullopt;
    record.roots.emplace(std::string(reinterpret_cast<const char*>(name), length), id);
  }
  if (!r.u64(entry_count) || entry_count > r.remaining() / kIndexEntrySize) return std::nullopt;
  record.index.reserve(static_cast<std::size_t>(entry_count));
  for (std::uint64_t i = 0; i < entry_count; ++i) {
    ObjectId id{};
    IndexEntry e;
    std::uint8_t kind = 0;
    if (!r.bytes(id) || !r.u8(kind) || !r.u64(e.offset) || !r.u32(e.frame_length) ||
        !r.bytes(e.tag) || !r.u64(e.size)) {
      return std::nullopt;
    }
    if (kind != static_cast<std::uint8_t>(ObjectKind::blob) &&
        kind != static_cast<std::uint8_t>(ObjectKind::manifest)) {
      return std::nullopt;
    }
    e.kind = static_cast<ObjectKind>(kind);
    if (e.offset < kDataStart || e.frame_length <= kFrameHeaderSize + kTagSize) return std::nullopt;
    if (!record.index.emplace(id, e).second) return std::nullopt;
  }
  if (r.remaining() != 0) return std::nullopt;
  return record;
}

std::vector<std::uint8_t> encode_manifest(const Manifest& manifest) {
  Writer w;
  w.raw(kManifestMagic);
  w.u64(manifest.total_size);
  w.u32(static_cast<std::uint32_t>(manifest.chunks.size()));
  for (const auto& [id, size] : manifest.chunks) {
    w.raw(id);
    w.u32(size);
  }
  return std::move(w.out());
}

std::optional<Manifest> decode_manifest(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  Manifest m;
  std::array<std::uint8_t, 4> magic{};
  std::uint32_t count = 0;
  if (!r.bytes(magic) || magic != kManifestMagic || !r.u64(m.total_size) || !r.u32(count)) {
    return std::nullopt;
  }
  if (count != r.remaining() / 36 || r.remaining() % 36 != 0) return std::nullopt;
  // A manifest is only written for objects larger than one chunk, cut into full chunks.
  if (m.total_size <= kChunkSize) return std::nullopt;
  if (count != (m.total_size + kChunkSize - 1) / kChunkSize) return std::nullopt;
  std::uint64_t sum = 0;
  m.chunks.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    ObjectId id{};
    std::uint32_t size = 0;
    if (!r.bytes(id) || !r.u32(size)) return std::nullopt;
    const bool last = i + 1 == count;
    if (size == 0 || size > kChunkSize || (!last && size != kChunkSize)) return std::nullopt;
    sum += size;
    m.chunks.emplace_back(id, size);
  }
  if (sum != m.total_size) return std::nullopt;
  return m;
}

std::size_t max_content_for(FrameType type, ObjectKind kind) {
  if (type == FrameType::commit) return kMaxCommitContent;
  if (kind == ObjectKind::manifest) return kMaxManifestPayload;
  return kChunkSize;
}

std::vector<std::uint8_t> seal_frame(const KeySet& keys, const ObjectId& vault_id, FrameType type,
                                     ObjectKind kind, const ObjectId& object_id,
                                     std::span<const std::uint8_t> content, bool try_compress) {
  std::vector<std::uint8_t> frame;
  seal_frame_into(frame, keys, vault_id, type, kind, object_id, content, try_compress);
  return frame;
}

void seal_frame_into(std::vector<std::uint8_t>& frame, const KeySet& keys, const ObjectId& vault_id,
                     FrameType type, ObjectKind kind, const ObjectId& object_id,
                     std::span<const std::uint8_t> content, bool try_compress) {
  Codec codec = Codec::stored;
  std::span<const std::uint8_t> body = content;
  std::size_t compressed = 0;
  if (try_compress && !content.empty() && sample_shrinks(content)) {
    compressed = compressor().shrink(content);
    if (compressed != 0) {
      body = compressor().out.span().first(compressed);
      codec = Codec::zstd;
    }
  }
  const std::uint64_t padded = padded_length(body.size());
  FrameHeader header;
  header.type = type;
  header.kind = kind;
  header.codec = codec;
  header.payload_length = static_cast<std::uint32_t>(padded + kTagSize);
  header.nonce = crypto::random_nonce();
  header.object_id = object_id;
  const auto header_bytes = encode_frame_header(header);
  const auto ad = frame_ad(vault_id, header_bytes);
  // The plaintext (length, body, zero padding) is laid out where its ciphertext goes and
  // encrypted there, so a frame costs one buffer and no copy of the content but this one.
  frame.clear();
  frame.resize(kFrameHeaderSize + header.payload_length);  // zero-filled: the padding
  std::copy(header_bytes.begin(), header_bytes.end(), frame.begin());
  std::uint8_t* payload = frame.data() + kFrameHeaderSize;
  put_u32(payload, static_cast<std::uint32_t>(body.size()));
  if (!body.empty()) std::memcpy(payload + 4, body.data(), body.size());
  if (compressed != 0) explicit_bzero(compressor().out.data(), compressed);
  crypto::aead_seal_in_place(keys.object(), header.nonce, ad,
                             std::span(payload, header.payload_length));
}

OpenResult open_frame(const KeySet& keys, const ObjectId& vault_id,
                      std::span<const std::uint8_t> frame_bytes, std::size_t max_content) {
  // Opened in a copy kept for the thread: a fresh zeroed buffer for every frame cost more than
  // decrypting it.
  thread_local std::vector<std::uint8_t> scratch;
  scratch.assign(frame_bytes.begin(), frame_bytes.end());
  return open_frame_in_place(keys, vault_id, scratch, max_content);
}

OpenResult open_frame_in_place(const KeySet& keys, const ObjectId& vault_id,
                               std::span<std::uint8_t> frame_bytes, std::size_t max_content) {
  OpenResult result;
  if (frame_bytes.size() < kFrameHeaderSize + kTagSize) return result;
  const auto header_span = std::span<const std::uint8_t>(frame_bytes).first<kFrameHeaderSize>();
  const auto header = decode_frame_header(header_span);
  if (!header || kFrameHeaderSize + header->payload_length != frame_bytes.size()) return result;
  const auto ad = frame_ad(vault_id, header_span);
  const auto payload = frame_bytes.subspan(kFrameHeaderSize);
  const auto padded = payload.first(payload.size() - kTagSize);
  if (!crypto::aead_open(keys.object(), header->nonce, ad, payload, padded)) {
    result.failure = OpenFailure::authentication;
    return result;  // aead_open wiped `padded`
  }
  // The plaintext now in the caller's buffer is wiped whatever happens next.
  struct Wipe {
    std::span<std::uint8_t> bytes;
    ~Wipe() { explicit_bzero(bytes.data(), bytes.size()); }
  } wipe{padded};
  result.failure = OpenFailure::encoding;
  const auto body = unpad_payload(padded);
  if (!body) return result;
  OpenedFrame opened;
  opened.header = *header;
  if (header->codec == Codec::stored) {
    if (body->size() > max_content) return result;
    opened.content = PlainBytes(body->size(), PlainBytes::Unset{});
    std::copy(body->begin(), body->end(), opened.content.data());
  } else {
    const unsigned long long size = ZSTD_getFrameContentSize(body->data(), body->size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_content) {
      return result;
    }
    opened.content = PlainBytes(static_cast<std::size_t>(size), PlainBytes::Unset{});
    const std::size_t n =
        ZSTD_decompress(opened.content.data(), opened.content.size(), body->data(), body->size());
    if (ZSTD_isError(n) || n != size) return result;
  }
  result.frame = std::move(opened);
  return result;
}

std::array<std::uint8_t, 32> frame_hash(std::span<const std::uint8_t> frame_bytes) {
  std::array<std::uint8_t, 32> out{};
  crypto::plain_hash(frame_bytes, out);
  return out;
}

}  // namespace dmvault::vault
