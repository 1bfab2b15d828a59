#include "crypto/crypto.hpp"

#include "dmvault/error.hpp"

#include <sodium.h>

#include <functional>
#include <stdexcept>

namespace dmvault::crypto {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kKeyBytes == crypto_kdf_KEYBYTES);
static_assert(kKeyBytes >= crypto_kdf_BYTES_MIN && kKeyBytes <= crypto_kdf_BYTES_MAX);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kSaltBytes == crypto_pwhash_argon2id_SALTBYTES);
static_assert(kSubkeyContextBytes == crypto_kdf_CONTEXTBYTES);
static_assert(sizeof(Hash32) >= crypto_generichash_BYTES_MIN &&
              sizeof(Hash32) <= crypto_generichash_BYTES_MAX);
static_assert(kKeyBytes >= crypto_generichash_KEYBYTES_MIN &&
              kKeyBytes <= crypto_generichash_KEYBYTES_MAX);

namespace {

// Contract violations (a key or buffer of the wrong size) are bugs in the caller, never something
// a file or a user can cause, so they are not dmvault::Errors with an exit status.
void require(bool condition, const char* what) {
  if (!condition) throw std::invalid_argument(what);
}

void require_key(KeyView key, const char* what) { require(key.size() == kKeyBytes, what); }

// libsodium accepts null pointers for empty inputs, but a span's data() of an empty range may be
// anything; handing it a valid address keeps every call well defined.
const unsigned char* nonnull(std::span<const std::uint8_t> bytes) {
  static const unsigned char kEmpty = 0;
  return bytes.empty() ? &kEmpty : bytes.data();
}

unsigned long long ull(std::size_t n) { return static_cast<unsigned long long>(n); }

// Whether `bytes` lies in the storage of `vector` (std::less gives a total order on pointers
// into unrelated objects, where the built-in < does not).
bool overlaps(std::span<const std::uint8_t> bytes, const std::vector<std::uint8_t>& vector) {
  if (bytes.empty() || vector.capacity() == 0) return false;
  const std::less<const std::uint8_t*> before;
  const std::uint8_t* begin = vector.data();
  const std::uint8_t* end = vector.data() + vector.capacity();
  return !before(bytes.data(), begin) && before(bytes.data(), end);
}

// Whether two byte ranges share a byte.
bool overlaps(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.empty() || b.empty()) return false;
  const std::less<const std::uint8_t*> before;
  return before(a.data(), b.data() + b.size()) && before(b.data(), a.data() + a.size());
}

}  // namespace

void initialize() {
  // A function-local static is initialised exactly once even when threads race to it, and
  // sodium_init itself is idempotent; a failure is remembered and reported on every call.
  static const bool ok = sodium_init() >= 0;
  if (!ok) {
    throw Error(ErrorCode::io, "cannot initialise libsodium",
                "the system random number generator may be unavailable");
  }
}

void random_bytes(std::span<std::uint8_t> out) {
  initialize();
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

Nonce random_nonce() {
  Nonce nonce{};
  random_bytes(nonce);
  return nonce;
}

Argon2Limits argon2_interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

Argon2Limits argon2_moderate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

Argon2Limits argon2_sensitive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
}

Argon2Limits argon2_minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

SecretBytes argon2id(std::span<const std::uint8_t> passphrase, const Salt& salt,
                     std::uint64_t opslimit, std::uint64_t memlimit) {
  initialize();
  require(opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
              opslimit <= crypto_pwhash_argon2id_OPSLIMIT_MAX,
          "argon2id: opslimit out of range");
  require(memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
              memlimit <= crypto_pwhash_argon2id_MEMLIMIT_MAX,
          "argon2id: memlimit out of range");
  require(passphrase.size() <= crypto_pwhash_argon2id_PASSWD_MAX, "argon2id: passphrase too long");
  SecretBytes key(kKeyBytes);
  // With the parameters checked above, the only way left to fail is running out of memory.
  if (crypto_pwhash(key.data(), ull(key.size()), reinterpret_cast<const char*>(nonnull(passphrase)),
                    ull(passphrase.size()), salt.data(), opslimit,
                    static_cast<std::size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCode::io,
                "cannot derive the key: argon2id needs " + std::to_string(memlimit >> 20) +
                    " MiB of memory that the system refused",
                "close other programs or raise the memory limit of this process");
  }
  return key;
}

std::vector<std::uint8_t> aead_seal(KeyView key, const Nonce& nonce,
                                    std::span<const std::uint8_t> associated_data,
                                    std::span<const std::uint8_t> plaintext) {
  std::vector<std::uint8_t> out;
  aead_seal_append(key, nonce, associated_data, plaintext, out);
  return out;
}

void aead_seal_append(KeyView key, const Nonce& nonce,
                      std::span<const std::uint8_t> associated_data,
                      std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out) {
  initialize();
  require_key(key, "aead_seal: the key must be 32 bytes");
  require(plaintext.size() <= crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX,
          "aead_seal: plaintext too long");
  // Growing `out` may move its storage, so the inputs must not live inside it.
  require(!overlaps(plaintext, out) && !overlaps(associated_data, out),
          "aead_seal_append: an input aliases the output vector");
  const std::size_t start = out.size();
  out.resize(start + plaintext.size() + kTagBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + start, &written, nonnull(plaintext), ull(plaintext.size()),
      nonnull(associated_data), ull(associated_data.size()), nullptr, nonce.data(), key.data());
}

void aead_seal_in_place(KeyView key, const Nonce& nonce,
                        std::span<const std::uint8_t> associated_data,
                        std::span<std::uint8_t> message_then_tag) {
  initialize();
  require_key(key, "aead_seal_in_place: the key must be 32 bytes");
  require(message_then_tag.size() >= kTagBytes, "aead_seal_in_place: no room for the tag");
  const std::size_t length = message_then_tag.size() - kTagBytes;
  require(length <= crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX,
          "aead_seal_in_place: plaintext too long");
  require(!overlaps(associated_data, std::span<const std::uint8_t>(message_then_tag)),
          "aead_seal_in_place: the associated data aliases the message");
  unsigned long long written = 0;
  unsigned char* buffer = message_then_tag.data();
  crypto_aead_xchacha20poly1305_ietf_encrypt(buffer, &written, buffer, ull(length),
                                             nonnull(associated_data), ull(associated_data.size()),
                                             nullptr, nonce.data(), key.data());
}

bool aead_open(KeyView key, const Nonce& nonce, std::span<const std::uint8_t> associated_data,
               std::span<const std::uint8_t> ciphertext_and_tag, std::span<std::uint8_t> out) {
  initialize();
  require_key(key, "aead_open: the key must be 32 bytes");
  // Too short to hold a tag: data from a file, so an authentication failure, not a bug.
  if (ciphertext_and_tag.size() < kTagBytes) {
    wipe(out);
    return false;
  }
  require(out.size() == ciphertext_and_tag.size() - kTagBytes,
          "aead_open: the output must be the ciphertext length minus the tag");
  unsigned char sink = 0;
  unsigned char* m = out.empty() ? &sink : out.data();
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          m, &written, nullptr, ciphertext_and_tag.data(), ull(ciphertext_and_tag.size()),
          nonnull(associated_data), ull(associated_data.size()), nonce.data(), key.data()) != 0) {
    wipe(out);
    return false;
  }
  return true;
}

Hash32 keyed_hash(KeyView key, std::span<const std::uint8_t> data) {
  initialize();
  require_key(key, "keyed_hash: the key must be 32 bytes");
  Hash32 out{};
  crypto_generichash(out.data(), out.size(), nonnull(data), ull(data.size()), key.data(),
                     key.size());
  return out;
}

void plain_hash(std::span<const std::uint8_t> data, std::span<std::uint8_t> out) {
  initialize();
  require(out.size() >= crypto_generichash_BYTES_MIN && out.size() <= crypto_generichash_BYTES_MAX,
          "plain_hash: the output must be 16 to 64 bytes");
  crypto_generichash(out.data(), out.size(), nonnull(data), ull(data.size()), nullptr, 0);
}

namespace {
crypto_generichash_state* state_of(std::uint8_t* buffer) {
  return reinterpret_cast<crypto_generichash_state*>(buffer);
}
}  // namespace

KeyedHasher::KeyedHasher(KeyView key) {
  static_assert(sizeof(m_state) >= sizeof(crypto_generichash_state),
                "KeyedHasher::m_state is too small for crypto_generichash_state");
  static_assert(alignof(crypto_generichash_state) <= 64,
                "KeyedHasher::m_state is not aligned enough for crypto_generichash_state");
  initialize();
  // The header we compiled against and the library we run with could disagree.
  if (crypto_generichash_statebytes() > sizeof(m_state)) {
    throw Error(ErrorCode::io, "the installed libsodium has an incompatible hash state size",
                "rebuild dmvault against the installed libsodium");
  }
  require_key(key, "KeyedHasher: the key must be 32 bytes");
  crypto_generichash_init(state_of(m_state), key.data(), key.size(), sizeof(Hash32));
}

KeyedHasher::~KeyedHasher() { sodium_memzero(m_state, sizeof(m_state)); }

void KeyedHasher::update(std::span<const std::uint8_t> data) {
  if (m_finished) throw std::logic_error("KeyedHasher::update after finish");
  if (data.empty()) return;
  crypto_generichash_update(state_of(m_state), data.data(), ull(data.size()));
}

Hash32 KeyedHasher::finish() {
  if (m_finished) throw std::logic_error("KeyedHasher::finish called twice");
  m_finished = true;
  Hash32 out{};
  crypto_generichash_final(state_of(m_state), out.data(), out.size());
  // The state holds the key schedule; nothing needs it any more.
  sodium_memzero(m_state, sizeof(m_state));
  return out;
}

SecretBytes derive_subkey(KeyView master_key, std::uint64_t id, std::string_view context8) {
  initialize();
  require_key(master_key, "derive_subkey: the master key must be 32 bytes");
  require(context8.size() == kSubkeyContextBytes,
          "derive_subkey: the context must be exactly 8 characters");
  SecretBytes subkey(kKeyBytes);
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), id, context8.data(), master_key.data());
  return subkey;
}

void derive_subkey_into(KeyView master_key, std::uint64_t id, std::string_view context8,
                        std::span<std::uint8_t> out) {
  initialize();
  require_key(master_key, "derive_subkey: the master key must be 32 bytes");
  require(context8.size() == kSubkeyContextBytes,
          "derive_subkey: the context must be exactly 8 characters");
  require(out.size() == kKeyBytes, "derive_subkey: the output must be 32 bytes");
  crypto_kdf_derive_from_key(out.data(), out.size(), id, context8.data(), master_key.data());
}

bool equal_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  // Lengths are public (they are on disk); only the contents need constant time.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(std::span<std::uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
    buffer &= (1u << bits) - 1;  // keep only the bits not yet emitted
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

}  // namespace dmvault::crypto
