// The only door to libsodium (the only file set that includes <sodium.h>). Thin, typed wrappers
// over the primitives dmvault uses; no protocol logic lives here.
//  - Argon2id (crypto_pwhash, ALG_ARGON2ID13) turns a passphrase into a key-encryption key.
//  - XChaCha20-Poly1305-IETF seals keyslots and frames; every call draws a fresh random 24-byte
//    nonce (no counters, nothing to keep in step).
//  - BLAKE2b (crypto_generichash) keyed for object ids and MACs, unkeyed for checksums.
//  - crypto_kdf derives subkeys from the master key.
// Every function calls initialize() itself. A key, context or output buffer of the wrong size is
// a bug in the caller and throws std::invalid_argument (not a dmvault::Error: no file or user
// input can cause it); callers validate what they read from a file before passing it here.
#pragma once

#include "dmvault/secret.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kSubkeyContextBytes = 8;

using Nonce = std::array<std::uint8_t, kNonceBytes>;
using Salt = std::array<std::uint8_t, kSaltBytes>;
using Hash32 = std::array<std::uint8_t, 32>;
// A 32-byte key held elsewhere (SecretBytes converts to it).
using KeyView = std::span<const std::uint8_t>;

// sodium_init plus process-wide setup; safe to call many times. Throws Error(io) on failure.
void initialize();

void random_bytes(std::span<std::uint8_t> out);
Nonce random_nonce();

// libsodium's named Argon2id limits.
struct Argon2Limits {
  std::uint64_t opslimit;
  std::uint64_t memlimit;
};
Argon2Limits argon2_interactive();
Argon2Limits argon2_moderate();
Argon2Limits argon2_sensitive();
Argon2Limits argon2_minimum();  // the smallest values libsodium accepts (tests only)

// Argon2id13 -> 32-byte key. Throws Error(io) when the memory cannot be had. The limits must lie
// within libsodium's bounds (argon2_minimum() and up); the passphrase may be empty.
SecretBytes argon2id(std::span<const std::uint8_t> passphrase, const Salt& salt,
                     std::uint64_t opslimit, std::uint64_t memlimit);

// XChaCha20-Poly1305-IETF, combined mode: returns ciphertext || 16-byte tag.
std::vector<std::uint8_t> aead_seal(KeyView key, const Nonce& nonce,
                                    std::span<const std::uint8_t> associated_data,
                                    std::span<const std::uint8_t> plaintext);
// Appends ciphertext || tag to `out` (avoids a copy for large frames). The inputs must not point
// into `out`, whose storage may move.
void aead_seal_append(KeyView key, const Nonce& nonce,
                      std::span<const std::uint8_t> associated_data,
                      std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out);
// Encrypts in place: `message_then_tag` holds the plaintext followed by kTagBytes bytes of room,
// and afterwards ciphertext || tag (the same bytes aead_seal returns).
void aead_seal_in_place(KeyView key, const Nonce& nonce,
                        std::span<const std::uint8_t> associated_data,
                        std::span<std::uint8_t> message_then_tag);
// Returns false when authentication fails (out is then wiped), also when the input is shorter
// than a tag. Otherwise `out` must be exactly ciphertext_and_tag.size() - kTagBytes bytes long;
// it may be the ciphertext itself (decryption in place).
bool aead_open(KeyView key, const Nonce& nonce, std::span<const std::uint8_t> associated_data,
               std::span<const std::uint8_t> ciphertext_and_tag, std::span<std::uint8_t> out);

// BLAKE2b with a 32-byte key and a 32-byte output.
Hash32 keyed_hash(KeyView key, std::span<const std::uint8_t> data);
// Unkeyed BLAKE2b of `out.size()` bytes (16..64).
void plain_hash(std::span<const std::uint8_t> data, std::span<std::uint8_t> out);

// Incremental keyed BLAKE2b-256 (for objects streamed in pieces). finish() once; using the hasher
// after that throws std::logic_error.
class KeyedHasher {
 public:
  explicit KeyedHasher(KeyView key);
  ~KeyedHasher();
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;
  void update(std::span<const std::uint8_t> data);
  Hash32 finish();

 private:
  alignas(64) std::uint8_t m_state[384];  // >= sizeof(crypto_generichash_state); checked in .cpp
  bool m_finished = false;
};

// crypto_kdf_derive_from_key: a 32-byte subkey number `id` under an 8-byte context.
SecretBytes derive_subkey(KeyView master_key, std::uint64_t id, std::string_view context8);

// The same into caller-provided (secret) memory of exactly 32 bytes.
void derive_subkey_into(KeyView master_key, std::uint64_t id, std::string_view context8,
                        std::span<std::uint8_t> out);

// Constant-time equality of the contents; spans of different sizes are unequal (sizes are public).
bool equal_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// Wipes memory that may have held plaintext.
void wipe(std::span<std::uint8_t> bytes);

// Base32 (RFC 4648 alphabet, no padding) for printable recovery keys.
std::string base32_encode(std::span<const std::uint8_t> bytes);

}  // namespace dmvault::crypto
