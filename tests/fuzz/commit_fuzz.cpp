// The plaintext decoders of the container: commit record (the index), manifest, frame header,
// footer and frame padding. The first byte picks the decoder; the rest is its input. Whatever
// decodes must survive a round trip through the encoder unchanged, so a decoder that accepts
// bytes it misreads is a crash too (a trap), not only one that overruns.
#include "fuzz/fuzz_target.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"

#include <algorithm>

using namespace dmvault;

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool same_entry(const vault::IndexEntry& a, const vault::IndexEntry& b) {
  return a.kind == b.kind && a.offset == b.offset && a.frame_length == b.frame_length &&
         a.tag == b.tag && a.size == b.size;
}

void commit_record(std::span<const std::uint8_t> bytes) {
  const auto record = vault::decode_commit_record(bytes);
  if (!record) return;
  const auto again = vault::decode_commit_record(vault::encode_commit_record(*record));
  require(again.has_value());
  require(again->sequence == record->sequence &&
          again->previous_offset == record->previous_offset &&
          again->previous_hash == record->previous_hash && again->unix_ms == record->unix_ms &&
          again->roots == record->roots && again->index.size() == record->index.size());
  for (const auto& [id, entry] : record->index) {
    const auto found = again->index.find(id);
    require(found != again->index.end() && same_entry(found->second, entry));
  }
}

void manifest(std::span<const std::uint8_t> bytes) {
  const auto decoded = vault::decode_manifest(bytes);
  if (!decoded) return;
  const auto again = vault::decode_manifest(vault::encode_manifest(*decoded));
  require(again.has_value() && again->total_size == decoded->total_size &&
          again->chunks == decoded->chunks);
}

void frame_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < vault::kFrameHeaderSize) return;
  const auto header = vault::decode_frame_header(bytes.first<vault::kFrameHeaderSize>());
  if (!header) return;
  const auto encoded = vault::encode_frame_header(*header);
  const auto again = vault::decode_frame_header(encoded);
  require(again.has_value() && again->type == header->type && again->kind == header->kind &&
          again->codec == header->codec && again->payload_length == header->payload_length &&
          again->nonce == header->nonce && again->object_id == header->object_id);
  (void)vault::max_content_for(header->type, header->kind);
}

void footer(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < vault::kFooterSize) return;
  const auto decoded = vault::decode_footer(bytes.first<vault::kFooterSize>());
  if (!decoded) return;
  std::array<std::uint8_t, vault::kFooterSize> sealed{};
  const auto body = vault::encode_footer_body(*decoded);
  std::copy(body.begin(), body.end(), sealed.begin());
  const auto again = vault::decode_footer(sealed);
  require(again.has_value() && again->commit_offset == decoded->commit_offset &&
          again->commit_sequence == decoded->commit_sequence &&
          again->end_offset == decoded->end_offset);
}

void padding(std::span<const std::uint8_t> bytes) {
  const auto content = vault::unpad_payload(bytes);
  if (!content) return;
  // A valid encoding is the only one: padding the content again gives the input back.
  const auto padded = vault::pad_payload(*content);
  require(std::equal(padded.begin(), padded.end(), bytes.begin(), bytes.end()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto rest = fuzz::bytes_of(data + 1, size - 1);
  fuzz::expect_errors([&] {
    switch (data[0] % 5) {
      case 0:
        commit_record(rest);
        break;
      case 1:
        manifest(rest);
        break;
      case 2:
        frame_header(rest);
        break;
      case 3:
        footer(rest);
        break;
      default:
        padding(rest);
        break;
    }
  });
  return 0;
}
