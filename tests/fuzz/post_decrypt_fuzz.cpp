// The decoders behind the AEAD. A fuzzer cannot forge a Poly1305 tag, so without this harness
// nothing past authentication would ever see hostile bytes; yet a vault shared by its key holder
// is attacker-controlled all the way down. The tiny vault's key (unlocked once with the fuzz
// passphrase) seals the input the way the vault does, then the ordinary readers open it.
// The first byte picks what the input becomes:
//   0  a frame's raw plaintext (the next byte picks type, kind and codec): length prefix,
//      padding and zstd decompression, then the commit or manifest decoder;
//   1  a commit record, appended to the tiny vault as its newest commit with a valid footer;
//   2  a manifest object, indexed and named by a new commit appended to the tiny vault.
// Modes 1 and 2 then run every reader of the container over the result (fuzz_vault.hpp).
#include "crypto/crypto.hpp"
#include "fuzz/fuzz_target.hpp"
#include "fuzz/fuzz_vault.hpp"
#include "io/memory_storage.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"
#include "vault/open_state.hpp"

#include <algorithm>
#include <memory>
#include <vector>

using namespace dmvault;

namespace {

struct Unlocked {
  vault::OpenState state;
  ObjectId vault_id{};
};

const Unlocked& unlocked() {
  static const std::unique_ptr<Unlocked> value = [] {
    io::MemoryStorage storage(fuzz::tiny_vault());
    auto out = std::make_unique<Unlocked>(
        Unlocked{vault::open_state(storage, fuzz::fuzz_credential(), false, {}), {}});
    out->vault_id = out->state.superblock.vault_id;
    return out;
  }();
  return *value;
}

void raw_frame(std::span<const std::uint8_t> input) {
  if (input.empty()) return;
  const std::uint8_t choice = input[0];
  const auto plaintext = input.subspan(1);
  const auto& keys = unlocked().state.keys;
  vault::FrameHeader header;
  header.type = (choice & 1) != 0 ? vault::FrameType::commit : vault::FrameType::object;
  header.kind = header.type == vault::FrameType::commit ? vault::ObjectKind::none
                : (choice & 2) != 0                     ? vault::ObjectKind::manifest
                                                        : vault::ObjectKind::blob;
  header.codec = (choice & 4) != 0 ? vault::Codec::zstd : vault::Codec::stored;
  header.payload_length = static_cast<std::uint32_t>(plaintext.size() + vault::kTagSize);
  header.nonce.fill(0x5a);
  if (header.type == vault::FrameType::object) {
    header.object_id = crypto::keyed_hash(keys.id(), plaintext);
  }
  const auto encoded = vault::encode_frame_header(header);
  std::vector<std::uint8_t> frame(encoded.begin(), encoded.end());
  crypto::aead_seal_append(keys.object(), header.nonce,
                           vault::frame_ad(unlocked().vault_id, encoded), plaintext, frame);
  auto opened = vault::open_frame(keys, unlocked().vault_id, frame,
                                  vault::max_content_for(header.type, header.kind));
  if (!opened.frame) return;
  const auto content = opened.frame->content.span();
  if (header.type == vault::FrameType::commit) {
    (void)vault::decode_commit_record(content);
  } else if (header.kind == vault::ObjectKind::manifest) {
    (void)vault::decode_manifest(content);
  }
}

// The tiny vault with `frames` appended and a commit of `record` (sealed, with its footer).
std::vector<std::uint8_t> with_commit(std::vector<std::uint8_t> image,
                                      std::span<const std::uint8_t> record_bytes,
                                      std::uint64_t sequence) {
  const auto& u = unlocked();
  const auto frame = vault::seal_frame(u.state.keys, u.vault_id, vault::FrameType::commit,
                                       vault::ObjectKind::none, ObjectId{}, record_bytes, true);
  vault::Footer footer;
  footer.commit_offset = image.size();
  footer.commit_sequence = sequence;
  footer.end_offset = image.size() + frame.size() + vault::kFooterSize;
  image.insert(image.end(), frame.begin(), frame.end());
  const auto sealed = vault::seal_footer(footer, u.vault_id, u.state.keys);
  image.insert(image.end(), sealed.begin(), sealed.end());
  return image;
}

void commit_record(std::span<const std::uint8_t> input) {
  // The footer carries the sequence the record claims, so that the fast path accepts it.
  const std::uint64_t sequence =
      input.size() >= 16 ? vault::get_u64(input.data() + 8) : unlocked().state.last.sequence + 1;
  fuzz::exercise_vault(with_commit(fuzz::tiny_vault(), input, sequence));
}

void manifest_object(std::span<const std::uint8_t> input) {
  const auto& u = unlocked();
  std::vector<std::uint8_t> image = fuzz::tiny_vault();
  const ObjectId id = crypto::keyed_hash(u.state.keys.id(), input);
  const auto frame = vault::seal_frame(u.state.keys, u.vault_id, vault::FrameType::object,
                                       vault::ObjectKind::manifest, id, input, true);
  vault::IndexEntry entry;
  entry.kind = vault::ObjectKind::manifest;
  entry.offset = image.size();
  entry.frame_length = static_cast<std::uint32_t>(frame.size());
  std::copy(frame.end() - vault::kTagSize, frame.end(), entry.tag.begin());
  // The size the manifest claims, as a writer would have indexed it.
  entry.size = input.size() >= 12 ? vault::get_u64(input.data() + 4) : input.size();
  image.insert(image.end(), frame.begin(), frame.end());

  vault::CommitRecord record = u.state.last.record;
  record.sequence = u.state.last.sequence + 1;
  record.previous_offset = u.state.last.offset;
  record.previous_hash = u.state.last.hash;
  record.roots["fuzz"] = id;
  record.index[id] = entry;
  fuzz::exercise_vault(
      with_commit(std::move(image), vault::encode_commit_record(record), record.sequence));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto rest = fuzz::bytes_of(data + 1, size - 1);
  fuzz::expect_errors([&] {
    switch (data[0] % 3) {
      case 0:
        raw_frame(rest);
        break;
      case 1:
        commit_record(rest);
        break;
      default:
        manifest_object(rest);
        break;
    }
  });
  return 0;
}
