// Writes the vault seeds of the fuzz corpora (run by tests/fuzz/make_corpus.py, not by tests):
//   tiny_vault.dmv              a vault made by the code: passphrase "fuzz", libsodium's smallest
//                               Argon2id cost, three small objects in two commits
//   corpus/superblock/*         its header region, and that region with one copy damaged
//   corpus/frame/*              the frames after its header: whole, with the last footer torn,
//                               with an uncommitted tail, cut in the middle of a frame
//   corpus/commit/*             one input per decoder of commit_fuzz.cpp
//   corpus/post_decrypt/*       one input per mode of post_decrypt_fuzz.cpp
// Vault ids, salts and nonces are random, so each run writes different (equally valid) bytes.
#include "crypto/crypto.hpp"
#include "dmvault/vault.hpp"
#include "fuzz/fuzz_vault.hpp"
#include "io/memory_storage.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/open_state.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace dmvault;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

void write_file(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

Bytes slice(const Bytes& bytes, std::size_t begin, std::size_t end) {
  return {bytes.begin() + static_cast<std::ptrdiff_t>(begin),
          bytes.begin() + static_cast<std::ptrdiff_t>(end)};
}

Bytes with_selector(std::uint8_t selector, const Bytes& bytes) {
  Bytes out{selector};
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

Bytes text_bytes(const std::string& text) { return {text.begin(), text.end()}; }

Bytes make_tiny_vault() {
  io::MemoryStorage storage;
  CreateOptions options;
  const auto minimum = KdfParams{1, 8192};
  options.kdf = minimum;
  (void)Vault::create_on(storage, fuzz::fuzz_credential(), options);
  Vault::OpenOptions write;
  write.mode = Vault::Mode::write;
  auto owned = std::make_unique<io::MemoryStorage>(storage.contents());
  io::MemoryStorage* view = owned.get();
  Vault vault = Vault::open_on(std::move(owned), fuzz::fuzz_credential(), write);
  vault.set_root("small", vault.put(text_bytes("a small object for the fuzzers")));
  vault.commit();
  // Small enough that reading and verifying it costs each input little; manifests (objects over
  // 1 MiB) are reached by commit_fuzz and post_decrypt_fuzz instead, at a fraction of the cost.
  Bytes medium(24 * 1024);
  for (std::size_t i = 0; i < medium.size(); ++i) medium[i] = static_cast<std::uint8_t>(i % 251);
  vault.set_root("medium", vault.put(medium));
  vault.set_root("catalog", vault.put(text_bytes("SQLite format 3 stands in for the catalog")));
  vault.commit();
  return view->contents();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TESTS_FUZZ_DIR\n", argv[0]);
    return 2;
  }
  const fs::path dir = argv[1];
  const Bytes tiny = make_tiny_vault();
  write_file(dir / "tiny_vault.dmv", tiny);

  const Bytes header = slice(tiny, 0, vault::kDataStart);
  write_file(dir / "corpus/superblock/header", header);
  Bytes damaged = header;
  damaged[vault::kSuperblockChecksumOffset] ^= 1;  // copy A fails its checksum, B opens
  write_file(dir / "corpus/superblock/header_a_damaged", damaged);

  const Bytes body = slice(tiny, vault::kDataStart, tiny.size());
  write_file(dir / "corpus/frame/body", body);
  Bytes torn = body;
  torn[torn.size() - 1] ^= 0x40;  // last footer's MAC: the scan must find the commit anyway
  write_file(dir / "corpus/frame/body_footer_torn", torn);
  Bytes tail = body;
  tail.insert(tail.end(), body.begin(), body.begin() + 300);  // an interrupted write
  write_file(dir / "corpus/frame/body_uncommitted_tail", tail);
  write_file(dir / "corpus/frame/body_cut", slice(body, 0, body.size() / 2));

  io::MemoryStorage storage(tiny);
  const vault::OpenState state = vault::open_state(storage, fuzz::fuzz_credential(), false, {});
  const Bytes record = vault::encode_commit_record(state.last.record);
  write_file(dir / "corpus/commit/commit_record", with_selector(0, record));
  vault::Manifest manifest;
  manifest.total_size = 0;
  for (const auto& [id, entry] : state.last.record.index) {
    if (entry.kind == vault::ObjectKind::blob && manifest.chunks.size() < 2) {
      manifest.chunks.emplace_back(id, static_cast<std::uint32_t>(entry.size));
      manifest.total_size += entry.size;
    }
  }
  const Bytes manifest_bytes = vault::encode_manifest(manifest);
  write_file(dir / "corpus/commit/manifest", with_selector(1, manifest_bytes));
  const Bytes frame_header = slice(body, 0, vault::kFrameHeaderSize);
  write_file(dir / "corpus/commit/frame_header", with_selector(2, frame_header));
  const Bytes footer = slice(tiny, tiny.size() - vault::kFooterSize, tiny.size());
  write_file(dir / "corpus/commit/footer", with_selector(3, footer));
  write_file(dir / "corpus/commit/padding", with_selector(4, vault::pad_payload(record)));

  write_file(dir / "corpus/post_decrypt/raw_commit",
             with_selector(0, with_selector(1, vault::pad_payload(record))));
  write_file(dir / "corpus/post_decrypt/raw_manifest",
             with_selector(0, with_selector(2, vault::pad_payload(manifest_bytes))));
  // The newest commit frame's raw plaintext as the vault wrote it (zstd), opened by hand.
  const Bytes commit_frame = slice(tiny, state.last.offset, tiny.size() - vault::kFooterSize);
  const auto commit_header =
      std::span<const std::uint8_t>(commit_frame).first<vault::kFrameHeaderSize>();
  const auto parsed = vault::decode_frame_header(commit_header);
  if (!parsed) throw std::runtime_error("the tiny vault's commit frame does not parse");
  Bytes raw(commit_frame.size() - vault::kFrameHeaderSize - vault::kTagSize);
  if (!crypto::aead_open(state.keys.object(), parsed->nonce,
                         vault::frame_ad(state.superblock.vault_id, commit_header),
                         std::span(commit_frame).subspan(vault::kFrameHeaderSize), raw)) {
    throw std::runtime_error("the tiny vault's commit frame does not open");
  }
  const std::uint8_t codec_bit = parsed->codec == vault::Codec::zstd ? 4 : 0;
  write_file(dir / "corpus/post_decrypt/raw_commit_as_written",
             with_selector(0, with_selector(static_cast<std::uint8_t>(1 | codec_bit), raw)));
  write_file(dir / "corpus/post_decrypt/commit_record", with_selector(1, record));
  write_file(dir / "corpus/post_decrypt/manifest", with_selector(2, manifest_bytes));
  std::printf("tiny vault: %zu bytes\n", tiny.size());
  return 0;
}
