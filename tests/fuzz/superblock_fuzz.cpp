// The superblock and keyslot parser. The input is the 8192-byte header region (both copies);
// the frames after it are those of the tiny vault, so an input that keeps a copy intact opens
// all the way. A shorter input is a whole (short) file.
#include "fuzz/fuzz_target.hpp"
#include "fuzz/fuzz_vault.hpp"
#include "io/memory_storage.hpp"
#include "vault/format.hpp"
#include "vault/keys.hpp"
#include "vault/open_state.hpp"

#include <vector>

using namespace dmvault;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = fuzz::bytes_of(data, size);
  std::vector<std::uint8_t> image(input.begin(), input.end());
  if (size >= vault::kDataStart) {
    image.resize(vault::kDataStart);
    const auto& tiny = fuzz::tiny_vault();
    image.insert(image.end(), tiny.begin() + vault::kDataStart, tiny.end());
  }

  for (std::size_t copy = 0; copy < 2; ++copy) {
    const std::size_t start = copy * vault::kSuperblockSize;
    if (size < start + vault::kSuperblockSize) break;
    const auto block = input.subspan(start).first<vault::kSuperblockSize>();
    (void)vault::superblock_has_magic(block);
    (void)vault::superblock_checksum_ok(block);
    const vault::Superblock sb = vault::decode_superblock(block);
    for (std::size_t i = 0; i < vault::kKeyslotCount; ++i) {
      const auto raw = block.subspan(vault::kKeyslotOffset + i * vault::kKeyslotSize)
                           .first<vault::kKeyslotSize>();
      const vault::Keyslot slot = vault::decode_keyslot(raw);
      (void)vault::keyslot_ad(sb.vault_id, static_cast<std::uint8_t>(i), slot);
      fuzz::expect_errors([&] { vault::check_kdf_params(slot.opslimit, slot.memlimit, false); });
    }
  }
  fuzz::expect_errors([&] {
    io::MemoryStorage storage(image);
    (void)vault::read_header_copies(storage);
  });
  fuzz::exercise_vault(image);
  return 0;
}
