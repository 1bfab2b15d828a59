// Checks the crypto wrappers and Padme against the independent vectors of
// tests/vectors/gen_vectors.py (pure Python and PyNaCl, cross-checked there). Every comparison
// is of whole byte strings, so a single differing byte fails.
#include "crypto/crypto.hpp"
#include "util/padme.hpp"
#include "util/unicode.hpp"
#include "vectors/vector_file.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::crypto {
namespace {

using test::to_hex;
using test::Vector;
using test::vectors_of_kind;

using Bytes = std::vector<std::uint8_t>;

std::vector<Vector> require_vectors(std::string_view kind, std::size_t at_least) {
  std::vector<Vector> vectors = vectors_of_kind(kind);
  EXPECT_GE(vectors.size(), at_least) << "too few '" << kind << "' vectors in vectors.txt";
  return vectors;
}

TEST(Vectors, Argon2id) {
  int nfc_cases = 0;
  for (const Vector& v : require_vectors("argon2id", 5)) {
    SCOPED_TRACE(v.where());
    const Bytes passphrase = v.bytes("passphrase");
    if (v.has("passphrase_raw")) {
      // The key is derived from the NFC form of what was typed.
      const Bytes raw = v.bytes("passphrase_raw");
      const auto nfc = util::normalize_nfc({reinterpret_cast<const char*>(raw.data()), raw.size()});
      ASSERT_TRUE(nfc.has_value());
      EXPECT_EQ(to_hex({reinterpret_cast<const std::uint8_t*>(nfc->data()), nfc->size()}),
                to_hex(passphrase));
      ++nfc_cases;
    }
    const SecretBytes key =
        argon2id(passphrase, v.array<kSaltBytes>("salt"), v.u64("opslimit"), v.u64("memlimit"));
    EXPECT_EQ(to_hex(key.span()), to_hex(v.bytes("key")));
  }
  EXPECT_GE(nfc_cases, 1);
}

TEST(Vectors, XChaCha20Poly1305) {
  for (const Vector& v : require_vectors("aead", 7)) {
    SCOPED_TRACE(v.where());
    const SecretBytes key = SecretBytes::copy_of(std::span<const std::uint8_t>(v.bytes("key")));
    const Nonce nonce = v.array<kNonceBytes>("nonce");
    const Bytes ad = v.bytes("ad");
    const Bytes plaintext = v.bytes("plaintext");
    const Bytes expected = v.bytes("ciphertext");

    EXPECT_EQ(to_hex(aead_seal(key, nonce, ad, plaintext)), to_hex(expected));

    Bytes appended = {0xde, 0xad};
    aead_seal_append(key, nonce, ad, plaintext, appended);
    Bytes want = {0xde, 0xad};
    want.insert(want.end(), expected.begin(), expected.end());
    EXPECT_EQ(to_hex(appended), to_hex(want));

    Bytes opened(plaintext.size());
    ASSERT_TRUE(aead_open(key, nonce, ad, expected, opened));
    EXPECT_EQ(to_hex(opened), to_hex(plaintext));

    Bytes tampered = expected;
    tampered.back() ^= 0x01;
    EXPECT_FALSE(aead_open(key, nonce, ad, tampered, opened));
  }
}

TEST(Vectors, KeyedBlake2b256) {
  for (const Vector& v : require_vectors("keyed_hash", 5)) {
    SCOPED_TRACE(v.where());
    const SecretBytes key = SecretBytes::copy_of(std::span<const std::uint8_t>(v.bytes("key")));
    const Bytes message = v.bytes("message");
    const std::string expected = to_hex(v.bytes("hash"));
    EXPECT_EQ(to_hex(keyed_hash(key, message)), expected);

    // Streamed one byte at a time, and in two uneven pieces.
    KeyedHasher bytewise(key);
    for (const std::uint8_t b : message) bytewise.update({&b, 1});
    EXPECT_EQ(to_hex(bytewise.finish()), expected);
    KeyedHasher halves(key);
    const std::span<const std::uint8_t> all(message);
    halves.update(all.first(message.size() / 3));
    halves.update(all.subspan(message.size() / 3));
    EXPECT_EQ(to_hex(halves.finish()), expected);
  }
}

TEST(Vectors, PlainBlake2b) {
  for (const Vector& v : require_vectors("plain_hash", 15)) {
    SCOPED_TRACE(v.where());
    Bytes out(v.u64("size"));
    plain_hash(v.bytes("message"), out);
    EXPECT_EQ(to_hex(out), to_hex(v.bytes("hash")));
  }
}

TEST(Vectors, DeriveSubkey) {
  for (const Vector& v : require_vectors("kdf", 8)) {
    SCOPED_TRACE(v.where());
    const SecretBytes master =
        SecretBytes::copy_of(std::span<const std::uint8_t>(v.bytes("master")));
    const Bytes context = v.bytes("context");
    const SecretBytes subkey = derive_subkey(
        master, v.u64("id"), {reinterpret_cast<const char*>(context.data()), context.size()});
    EXPECT_EQ(to_hex(subkey.span()), to_hex(v.bytes("subkey")));
  }
}

TEST(Vectors, Padme) {
  std::size_t checked = 0;
  for (const Vector& v : require_vectors("padme", 10)) {
    SCOPED_TRACE(v.where());
    const std::string& pairs = v.text("pairs");
    std::size_t start = 0;
    while (start < pairs.size()) {
      std::size_t end = pairs.find(',', start);
      if (end == std::string::npos) end = pairs.size();
      const std::string pair = pairs.substr(start, end - start);
      const std::size_t colon = pair.find(':');
      ASSERT_NE(colon, std::string::npos) << pair;
      const std::uint64_t length = std::stoull(pair.substr(0, colon));
      const std::uint64_t padded = std::stoull(pair.substr(colon + 1));
      EXPECT_EQ(util::padme_length(length), padded) << "length " << length;
      ++checked;
      start = end + 1;
    }
  }
  // 0..1000, three values around each power of two, and a few large ones.
  EXPECT_GE(checked, 1001u + 150u);
}

}  // namespace
}  // namespace dmvault::crypto
