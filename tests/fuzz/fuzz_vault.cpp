#include "fuzz/fuzz_vault.hpp"

#include "dmvault/error.hpp"
#include "dmvault/verify.hpp"
#include "fuzz/fuzz_target.hpp"
#include "io/memory_storage.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/open_state.hpp"

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

namespace dmvault::fuzz {
namespace {

// Argon2id costs at or below these run in well under a millisecond.
constexpr std::uint64_t kCheapOpslimit = 3;
constexpr std::uint64_t kCheapMemlimit = 1u << 20;
// Plaintext read back per input: enough for the tiny vault's objects, small enough to keep a
// hostile manifest of millions of chunks from turning one input into a timeout.
constexpr std::uint64_t kReadBudget = 8u << 20;

struct BudgetSpent {};

std::unique_ptr<Storage> storage_of(const std::vector<std::uint8_t>& image) {
  return std::make_unique<io::MemoryStorage>(image);
}

void read_indexed_objects(const std::vector<std::uint8_t>& image) {
  Vault vault = Vault::open_on(storage_of(image), fuzz_credential(), {});
  (void)vault.info();
  // The ids to read come from the same commit the vault opened (open_state picks it).
  io::MemoryStorage storage(image);
  const vault::OpenState state = vault::open_state(storage, fuzz_credential(), false, {});
  std::uint64_t budget = kReadBudget;
  try {
    for (const auto& [name, id] : state.last.record.roots) {
      (void)vault.root(name);
      (void)vault.object_size(id);
    }
    for (const auto& [id, entry] : state.last.record.index) {
      vault.read_stream(id, [&](std::span<const std::uint8_t> piece) {
        if (piece.size() > budget) throw BudgetSpent{};
        budget -= piece.size();
      });
    }
  } catch (const BudgetSpent&) {
    // Enough plaintext for one input; the rest is the same code again.
  }
}

void write_once(const std::vector<std::uint8_t>& image) {
  Vault::OpenOptions options;
  options.mode = Vault::Mode::write;
  Vault vault = Vault::open_on(storage_of(image), fuzz_credential(), options);
  const std::string text = "appended by the fuzzer";
  const auto id =
      vault.put(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  vault.set_root("fuzz", id);
  vault.commit();
}

}  // namespace

Credential fuzz_credential() {
  return Credential{Credential::Kind::passphrase, SecretBytes::copy_of(kFuzzPassphrase)};
}

const std::vector<std::uint8_t>& tiny_vault() {
  static const std::vector<std::uint8_t> image = [] {
    const std::string path = DMVAULT_SOURCE_DIR "/tests/fuzz/tiny_vault.dmv";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                     std::istreambuf_iterator<char>());
  }();
  return image;
}

bool cheap_keyslots(std::span<const std::uint8_t> image) {
  for (std::size_t copy = 0; copy < 2; ++copy) {
    const std::size_t start = copy * vault::kSuperblockSize;
    if (image.size() < start + vault::kSuperblockSize) continue;
    const auto sb = vault::decode_superblock(image.subspan(start).first<vault::kSuperblockSize>());
    for (const auto& slot : sb.keyslots) {
      if (slot.kind == vault::KeyslotKind::empty) continue;
      if (slot.opslimit > kCheapOpslimit || slot.memlimit > kCheapMemlimit) return false;
    }
  }
  return true;
}

void exercise_vault(const std::vector<std::uint8_t>& image) {
  expect_errors([&] { (void)verify_vault(storage_of(image), nullptr); });
  if (!cheap_keyslots(image)) return;
  expect_errors([&] { read_indexed_objects(image); });
  expect_errors([&] {
    const Credential credential = fuzz_credential();
    (void)verify_vault(storage_of(image), &credential);
  });
  expect_errors([&] { write_once(image); });
}

}  // namespace dmvault::fuzz
