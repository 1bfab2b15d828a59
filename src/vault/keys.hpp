// Keys of a vault: keyslots that wrap the master key under a passphrase or recovery key, the
// subkeys derived from it, the key check, and the superblock MAC. Policy about which copy of the
// superblock to trust lives in vault.cpp; this file only seals and opens.
#pragma once

#include "dmvault/secret.hpp"
#include "dmvault/vault.hpp"
#include "vault/format.hpp"

#include <optional>
#include <string>

namespace dmvault::vault {

// The master key's subkeys, in one secret allocation (each sodium_malloc costs an mmap, an
// mlock and guard pages, and a vault is opened with all four at once).
class KeySet {
 public:
  static KeySet derive(std::span<const std::uint8_t> master_key);
  KeySet copy() const;
  std::span<const std::uint8_t> object() const { return part(0); }  // frame AEAD
  std::span<const std::uint8_t> id() const { return part(1); }      // keyed object ids
  std::span<const std::uint8_t> header() const { return part(2); }  // superblock, footer MACs
  std::span<const std::uint8_t> check() const { return part(3); }   // key check

 private:
  std::span<const std::uint8_t> part(std::size_t i) const {
    return m_keys.span().subspan(32 * i, 32);
  }
  SecretBytes m_keys;
};

// Refuses KDF costs that would let a hostile file hang or exhaust the reader (age's work-factor
// cap), and values libsodium would reject. Error(not_a_vault) naming the parameters.
void check_kdf_params(std::uint64_t opslimit, std::uint64_t memlimit, bool allow_expensive);

// A recovery key: 20 random bytes as base32, grouped by 4 with '-' (e.g. "ABCD-EFGH-...").
SecretBytes generate_recovery_key();
// What the KDF sees for a recovery key: upper-cased, without spaces, tabs, newlines and '-'.
SecretBytes canonical_recovery_key(const SecretBytes& text);

// Wraps the master key into a new keyslot at `slot_index` (fresh salt and nonce).
Keyslot wrap_master_key(const SecretBytes& master_key, const ObjectId& vault_id,
                        std::uint8_t slot_index, KeyslotKind kind, const SecretBytes& secret,
                        std::uint64_t opslimit, std::uint64_t memlimit);
// The master key, or nullopt when the secret does not open this slot.
std::optional<SecretBytes> unwrap_master_key(const Keyslot& slot, const ObjectId& vault_id,
                                             std::uint8_t slot_index, const SecretBytes& secret);

std::array<std::uint8_t, 32> compute_key_check(const KeySet& keys, const ObjectId& vault_id);

// The full 4096 bytes of a superblock copy: body, checksum, MAC.
std::array<std::uint8_t, kSuperblockSize> seal_superblock(const Superblock& sb, const KeySet& keys);
// Unkeyed checksum and magic only: tells "intact" from "damaged" without a key.
bool superblock_checksum_ok(std::span<const std::uint8_t, kSuperblockSize> bytes);
bool superblock_has_magic(std::span<const std::uint8_t, kSuperblockSize> bytes);
bool superblock_mac_ok(std::span<const std::uint8_t, kSuperblockSize> bytes, const KeySet& keys);

// The footer: body || MAC.
std::array<std::uint8_t, kFooterSize> seal_footer(const Footer& footer, const ObjectId& vault_id,
                                                  const KeySet& keys);
bool footer_mac_ok(std::span<const std::uint8_t, kFooterSize> bytes, const ObjectId& vault_id,
                   const KeySet& keys);

}  // namespace dmvault::vault
