#include "vault/keys.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "util/unicode.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace dmvault {

KdfParams KdfParams::for_profile(KdfProfile profile) {
  crypto::Argon2Limits limits{};
  switch (profile) {
    case KdfProfile::interactive:
      limits = crypto::argon2_interactive();
      break;
    case KdfProfile::moderate:
      limits = crypto::argon2_moderate();
      break;
    case KdfProfile::sensitive:
      limits = crypto::argon2_sensitive();
      break;
  }
  return {limits.opslimit, limits.memlimit};
}

SecretBytes normalize_passphrase(std::span<const std::uint8_t> raw) {
  SecretBytes result;
  const bool ok = util::normalize_nfc_secret(
      raw,
      [](std::span<const std::uint8_t> normalised, void* context) {
        *static_cast<SecretBytes*>(context) = SecretBytes::copy_of(normalised);
      },
      &result);
  if (!ok) {
    throw Error(ErrorCode::usage, "the passphrase is not valid UTF-8",
                "passphrases are text; check the encoding of the passphrase file");
  }
  return result;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

}  // namespace dmvault

namespace dmvault::vault {

namespace {
constexpr std::uint64_t kMaxOpslimit = 16;
constexpr std::uint64_t kMaxMemlimit = std::uint64_t{4} << 30;
constexpr std::size_t kRecoveryKeyBytes = 20;
}  // namespace

KeySet KeySet::derive(std::span<const std::uint8_t> master_key) {
  KeySet keys;
  keys.m_keys = SecretBytes(4 * crypto::kKeyBytes);
  const std::uint64_t ids[] = {kSubkeyObject, kSubkeyId, kSubkeyHeader, kSubkeyCheck};
  for (std::size_t i = 0; i < 4; ++i) {
    crypto::derive_subkey_into(master_key, ids[i], kSubkeyContext,
                               keys.m_keys.span().subspan(32 * i, 32));
  }
  return keys;
}

KeySet KeySet::copy() const {
  KeySet keys;
  keys.m_keys = SecretBytes::copy_of(m_keys.span());
  return keys;
}

void check_kdf_params(std::uint64_t opslimit, std::uint64_t memlimit, bool allow_expensive) {
  const auto minimum = crypto::argon2_minimum();
  if (opslimit < minimum.opslimit || memlimit < minimum.memlimit) {
    throw Error(ErrorCode::not_a_vault, "keyslot has invalid Argon2id parameters (opslimit " +
                                            std::to_string(opslimit) + ", memlimit " +
                                            std::to_string(memlimit) + ")");
  }
  if (!allow_expensive && (opslimit > kMaxOpslimit || memlimit > kMaxMemlimit)) {
    throw Error(ErrorCode::not_a_vault,
                "keyslot asks for an Argon2id cost above the safe limits (opslimit " +
                    std::to_string(opslimit) + ", memlimit " + std::to_string(memlimit >> 20) +
                    " MiB)",
                "if you made this vault with such a cost, add --allow-expensive-kdf");
  }
}

SecretBytes generate_recovery_key() {
  SecretBytes raw(kRecoveryKeyBytes);
  crypto::random_bytes(raw.span());
  std::string encoded = crypto::base32_encode(raw.span());  // 32 characters
  SecretBytes grouped(encoded.size() + encoded.size() / 4 - 1);
  std::size_t out = 0;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped.data()[out++] = '-';
    grouped.data()[out++] = static_cast<std::uint8_t>(encoded[i]);
  }
  crypto::wipe({reinterpret_cast<std::uint8_t*>(encoded.data()), encoded.size()});
  return grouped;
}

SecretBytes canonical_recovery_key(const SecretBytes& text) {
  std::size_t count = 0;
  for (std::uint8_t c : text.span()) {
    if (c != ' ' && c != '-' && c != '\t' && c != '\n' && c != '\r') ++count;
  }
  SecretBytes out(count);
  std::size_t i = 0;
  for (std::uint8_t c : text.span()) {
    if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r') continue;
    out.data()[i++] = (c >= 'a' && c <= 'z') ? static_cast<std::uint8_t>(c - 'a' + 'A') : c;
  }
  return out;
}

Keyslot wrap_master_key(const SecretBytes& master_key, const ObjectId& vault_id,
                        std::uint8_t slot_index, KeyslotKind kind, const SecretBytes& secret,
                        std::uint64_t opslimit, std::uint64_t memlimit) {
  Keyslot slot;
  slot.kind = kind;
  slot.opslimit = opslimit;
  slot.memlimit = memlimit;
  crypto::random_bytes(slot.salt);
  slot.nonce = crypto::random_nonce();
  const SecretBytes kek = crypto::argon2id(secret.span(), slot.salt, opslimit, memlimit);
  const auto ad = keyslot_ad(vault_id, slot_index, slot);
  const auto sealed = crypto::aead_seal(kek, slot.nonce, ad, master_key.span());
  std::copy(sealed.begin(), sealed.end(), slot.wrapped_key.begin());
  return slot;
}

std::optional<SecretBytes> unwrap_master_key(const Keyslot& slot, const ObjectId& vault_id,
                                             std::uint8_t slot_index, const SecretBytes& secret) {
  const SecretBytes kek = crypto::argon2id(secret.span(), slot.salt, slot.opslimit, slot.memlimit);
  const auto ad = keyslot_ad(vault_id, slot_index, slot);
  SecretBytes master(crypto::kKeyBytes);
  if (!crypto::aead_open(kek, slot.nonce, ad, slot.wrapped_key, master.span())) {
    return std::nullopt;
  }
  return master;
}

std::array<std::uint8_t, 32> compute_key_check(const KeySet& keys, const ObjectId& vault_id) {
  std::vector<std::uint8_t> input(kKeyCheckTag.begin(), kKeyCheckTag.end());
  input.insert(input.end(), vault_id.begin(), vault_id.end());
  return crypto::keyed_hash(keys.check(), input);
}

std::array<std::uint8_t, kSuperblockSize> seal_superblock(const Superblock& sb,
                                                          const KeySet& keys) {
  auto bytes = encode_superblock_body(sb);
  crypto::plain_hash(std::span<const std::uint8_t>(bytes.data(), kSuperblockChecksumOffset),
                     std::span<std::uint8_t>(&bytes[kSuperblockChecksumOffset], 32));
  const auto mac = crypto::keyed_hash(
      keys.header(), std::span<const std::uint8_t>(bytes.data(), kSuperblockMacOffset));
  std::copy(mac.begin(), mac.end(), &bytes[kSuperblockMacOffset]);
  return bytes;
}

bool superblock_has_magic(std::span<const std::uint8_t, kSuperblockSize> bytes) {
  return std::equal(kSuperblockMagic.begin(), kSuperblockMagic.end(), bytes.begin());
}

bool superblock_checksum_ok(std::span<const std::uint8_t, kSuperblockSize> bytes) {
  if (!superblock_has_magic(bytes)) return false;
  std::array<std::uint8_t, 32> checksum{};
  crypto::plain_hash(bytes.first(kSuperblockChecksumOffset), checksum);
  return crypto::equal_constant_time(checksum, bytes.subspan(kSuperblockChecksumOffset, 32));
}

bool superblock_mac_ok(std::span<const std::uint8_t, kSuperblockSize> bytes, const KeySet& keys) {
  const auto mac = crypto::keyed_hash(keys.header(), bytes.first(kSuperblockMacOffset));
  return crypto::equal_constant_time(mac, bytes.subspan(kSuperblockMacOffset, 32));
}

namespace {
std::array<std::uint8_t, 32> footer_mac(std::span<const std::uint8_t> body48,
                                        const ObjectId& vault_id, const KeySet& keys) {
  std::vector<std::uint8_t> input(vault_id.begin(), vault_id.end());
  input.insert(input.end(), body48.begin(), body48.end());
  return crypto::keyed_hash(keys.header(), input);
}
}  // namespace

std::array<std::uint8_t, kFooterSize> seal_footer(const Footer& footer, const ObjectId& vault_id,
                                                  const KeySet& keys) {
  std::array<std::uint8_t, kFooterSize> out{};
  const auto body = encode_footer_body(footer);
  std::copy(body.begin(), body.end(), out.begin());
  const auto mac = footer_mac(body, vault_id, keys);
  std::copy(mac.begin(), mac.end(), out.begin() + 48);
  return out;
}

bool footer_mac_ok(std::span<const std::uint8_t, kFooterSize> bytes, const ObjectId& vault_id,
                   const KeySet& keys) {
  const auto mac = footer_mac(bytes.first(48), vault_id, keys);
  return crypto::equal_constant_time(mac, bytes.subspan(48, 32));
}

}  // namespace dmvault::vault
