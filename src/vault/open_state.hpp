// Opening a vault: choosing the superblock copy, unlocking the master key, and finding the last
// commit (footer fast path, forward walk when the footer is missing or damaged). Shared by
// Vault::open and verify.
#pragma once

#include "dmvault/storage.hpp"
#include "dmvault/vault.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace dmvault::vault {

struct CommitState {
  std::uint64_t sequence = 0;
  std::uint64_t offset = 0;  // of the commit frame
  std::uint64_t end = 0;     // end of its footer
  std::array<std::uint8_t, 32> hash{};
  CommitRecord record;
  bool footer_intact = true;
};

struct UnlockedHeader {
  Superblock superblock;  // the copy that opened
  std::uint64_t highest_superblock_sequence = 0;
  bool superblock_copies_consistent = true;
  std::size_t opened_slot = 0;
  // The copy (0 = A, 1 = B) that opened: a rewrite must write the other copy first, so that a
  // torn write never hits the only good copy.
  std::size_t trusted_copy = 0;
  SecretBytes master_key;
  KeySet keys;
  // Damage that the other copy covered (for verify's report and for warnings).
  std::vector<std::string> header_warnings;
};

// Another header with the same state and its own copy of the keys, in locked memory.
std::unique_ptr<UnlockedHeader> copy_of(const UnlockedHeader& header);

struct OpenState : UnlockedHeader {
  CommitState last;
  std::uint64_t tail_bytes = 0;  // after the last commit: an interrupted write, never read
};

// Reads both superblock copies and unlocks the master key. Throws Error(not_a_vault) when no
// copy is usable, Error(wrong_passphrase) when the intact header accepts no keyslot for this
// secret.
UnlockedHeader unlock_header(Storage& storage, const Credential& credential,
                             bool allow_expensive_kdf);

// The commit whose footer ends at `footer_end`, if footer and commit frame authenticate.
std::optional<CommitState> commit_at_footer(Storage& storage, const KeySet& keys,
                                            const ObjectId& vault_id, std::uint64_t footer_end);

// Decrypts and decodes the commit frame at [offset, offset + length); nullopt if it fails.
std::optional<CommitRecord> read_commit_frame(Storage& storage, const KeySet& keys,
                                              const ObjectId& vault_id, std::uint64_t offset,
                                              std::uint64_t length,
                                              std::array<std::uint8_t, 32>* hash_out);

OpenState open_state(Storage& storage, const Credential& credential, bool allow_expensive_kdf,
                     const WarningSink& warn);
// The same from a header already unlocked (verify unlocks once and reuses it).
OpenState open_state(Storage& storage, UnlockedHeader header, const WarningSink& warn);

// Plaintext-only checks of the superblock copies (no key): used by verify --quick.
struct HeaderCopy {
  bool present = false;  // the file is long enough and the magic is there
  bool checksum_ok = false;
  Superblock superblock;
};
std::array<HeaderCopy, 2> read_header_copies(Storage& storage);

}  // namespace dmvault::vault
