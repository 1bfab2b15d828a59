#include "crypto/crypto.hpp"

#include "vectors/vector_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dmvault::crypto {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::to_hex;

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes pattern(std::size_t n, std::uint8_t seed) {
  Bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i * 31 + seed);
  return out;
}

SecretBytes random_key() {
  SecretBytes key(kKeyBytes);
  random_bytes(key.span());
  return key;
}

bool all_zero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// --- initialisation and randomness --------------------------------------------------------

TEST(Crypto, InitializeIsIdempotentAndThreadSafe) {
  EXPECT_NO_THROW(initialize());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back([] { initialize(); });
  for (std::thread& t : threads) t.join();
  EXPECT_NO_THROW(initialize());
}

TEST(Crypto, RandomBytesFillsAndDiffers) {
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  random_bytes(a);
  random_bytes(b);
  EXPECT_NE(a, b);
  EXPECT_FALSE(all_zero(a));
  random_bytes({});  // an empty request is fine
}

TEST(Crypto, ThousandNoncesAreDistinct) {
  std::set<Nonce> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(random_nonce());
  EXPECT_EQ(seen.size(), 1000u);
}

// --- Argon2id -----------------------------------------------------------------------------

TEST(Crypto, Argon2LimitsAreLibsodiumsProfiles) {
  EXPECT_EQ(argon2_minimum().opslimit, 1u);
  EXPECT_EQ(argon2_minimum().memlimit, 8192u);
  EXPECT_EQ(argon2_interactive().opslimit, 2u);
  EXPECT_EQ(argon2_interactive().memlimit, 64u << 20);
  EXPECT_EQ(argon2_moderate().opslimit, 3u);
  EXPECT_EQ(argon2_moderate().memlimit, 256u << 20);
  EXPECT_EQ(argon2_sensitive().opslimit, 4u);
  EXPECT_EQ(argon2_sensitive().memlimit, 1024u << 20);
}

TEST(Crypto, Argon2idIsDeterministicAndSensitiveToEveryInput) {
  const auto [ops, mem] = argon2_minimum();
  const Bytes pass = bytes_of("correct horse");
  Salt salt{};
  salt[0] = 1;
  const SecretBytes key = argon2id(pass, salt, ops, mem);
  ASSERT_EQ(key.size(), kKeyBytes);
  EXPECT_TRUE(key.equals(argon2id(pass, salt, ops, mem).span()));

  Salt other_salt = salt;
  other_salt[15] ^= 1;
  EXPECT_FALSE(key.equals(argon2id(pass, other_salt, ops, mem).span()));
  EXPECT_FALSE(key.equals(argon2id(bytes_of("correct horsf"), salt, ops, mem).span()));
  EXPECT_FALSE(key.equals(argon2id(pass, salt, ops + 1, mem).span()));
  EXPECT_FALSE(key.equals(argon2id(pass, salt, ops, mem * 2).span()));
}

TEST(Crypto, Argon2idAcceptsAnEmptyPassphrase) {
  const auto [ops, mem] = argon2_minimum();
  const SecretBytes a = argon2id({}, Salt{}, ops, mem);
  const SecretBytes b = argon2id(bytes_of("x"), Salt{}, ops, mem);
  EXPECT_EQ(a.size(), kKeyBytes);
  EXPECT_FALSE(all_zero(a.span()));
  EXPECT_FALSE(a.equals(b.span()));
}

TEST(Crypto, Argon2idRejectsLimitsOutsideLibsodiumsRange) {
  const auto [ops, mem] = argon2_minimum();
  EXPECT_THROW(argon2id({}, Salt{}, 0, mem), std::invalid_argument);
  EXPECT_THROW(argon2id({}, Salt{}, ops, mem - 1), std::invalid_argument);
  EXPECT_THROW(argon2id({}, Salt{}, ops, std::uint64_t{1} << 62), std::invalid_argument);
}

// --- AEAD ---------------------------------------------------------------------------------

TEST(Crypto, AeadRoundTripsManySizes) {
  const SecretBytes key = random_key();
  const Bytes ad = bytes_of("associated");
  for (const std::size_t n : {0u, 1u, 15u, 16u, 17u, 64u, 1000u, 65537u}) {
    SCOPED_TRACE(n);
    const Bytes plaintext = pattern(n, 7);
    const Nonce nonce = random_nonce();
    const Bytes sealed = aead_seal(key, nonce, ad, plaintext);
    ASSERT_EQ(sealed.size(), n + kTagBytes);
    if (n >= 16) {
      EXPECT_NE(Bytes(sealed.begin(), sealed.begin() + 16),
                Bytes(plaintext.begin(), plaintext.begin() + 16));
    }
    Bytes opened(n);
    ASSERT_TRUE(aead_open(key, nonce, ad, sealed, opened));
    EXPECT_EQ(opened, plaintext);
  }
}

TEST(Crypto, AeadOpensInPlace) {
  const SecretBytes key = random_key();
  const Nonce nonce = random_nonce();
  const Bytes plaintext = pattern(100, 3);
  Bytes buffer = aead_seal(key, nonce, {}, plaintext);
  const std::span<std::uint8_t> out(buffer.data(), plaintext.size());
  ASSERT_TRUE(aead_open(key, nonce, {}, buffer, out));
  EXPECT_EQ(Bytes(out.begin(), out.end()), plaintext);
}

TEST(Crypto, AeadDetectsAnyFlippedByteOfCiphertextTagOrAd) {
  const SecretBytes key = random_key();
  const Nonce nonce = random_nonce();
  const Bytes ad = pattern(20, 1);
  const Bytes plaintext = pattern(40, 2);
  const Bytes sealed = aead_seal(key, nonce, ad, plaintext);
  Bytes out(plaintext.size());

  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x80;
    std::fill(out.begin(), out.end(), 0xaa);
    EXPECT_FALSE(aead_open(key, nonce, ad, tampered, out)) << "ciphertext byte " << i;
    EXPECT_TRUE(all_zero(out)) << "output not wiped after failure at byte " << i;
  }
  for (std::size_t i = 0; i < ad.size(); ++i) {
    Bytes tampered = ad;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(aead_open(key, nonce, tampered, sealed, out)) << "ad byte " << i;
  }
  for (std::size_t i = 0; i < nonce.size(); ++i) {
    Nonce tampered = nonce;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(aead_open(key, tampered, ad, sealed, out)) << "nonce byte " << i;
  }
  // Extending or truncating the AD or the ciphertext fails too.
  Bytes longer_ad = ad;
  longer_ad.push_back(0);
  EXPECT_FALSE(aead_open(key, nonce, longer_ad, sealed, out));
  const std::span<const std::uint8_t> truncated(sealed.data(), sealed.size() - 1);
  Bytes shorter(out.size() - 1);
  EXPECT_FALSE(aead_open(key, nonce, ad, truncated, shorter));
  EXPECT_FALSE(aead_open(random_key(), nonce, ad, sealed, out));
  // The untouched original still opens.
  EXPECT_TRUE(aead_open(key, nonce, ad, sealed, out));
  EXPECT_EQ(out, plaintext);
}

TEST(Crypto, AeadEmptyPlaintextStillAuthenticatesTheAd) {
  const SecretBytes key = random_key();
  const Nonce nonce = random_nonce();
  const Bytes sealed = aead_seal(key, nonce, bytes_of("ad"), {});
  ASSERT_EQ(sealed.size(), kTagBytes);
  EXPECT_TRUE(aead_open(key, nonce, bytes_of("ad"), sealed, {}));
  EXPECT_FALSE(aead_open(key, nonce, bytes_of("ae"), sealed, {}));
}

TEST(Crypto, AeadSealAppendKeepsThePrefix) {
  const SecretBytes key = random_key();
  const Nonce nonce = random_nonce();
  const Bytes plaintext = pattern(33, 9);
  Bytes out = {1, 2, 3};
  aead_seal_append(key, nonce, {}, plaintext, out);
  const Bytes sealed = aead_seal(key, nonce, {}, plaintext);
  ASSERT_EQ(out.size(), 3 + sealed.size());
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 3), (Bytes{1, 2, 3}));
  EXPECT_EQ(Bytes(out.begin() + 3, out.end()), sealed);
}

TEST(Crypto, AeadSealInPlaceGivesTheSameBytesAsAeadSeal) {
  const SecretBytes key = random_key();
  const Nonce nonce = random_nonce();
  const Bytes ad = pattern(12, 5);
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64},
                                 std::size_t{65}, std::size_t{4096 + 3}, std::size_t{1} << 20}) {
    const Bytes plaintext = pattern(size, 6);
    Bytes buffer = plaintext;
    buffer.resize(size + kTagBytes);
    aead_seal_in_place(key, nonce, ad, buffer);
    EXPECT_EQ(buffer, aead_seal(key, nonce, ad, plaintext)) << size;
    Bytes opened(size);
    ASSERT_TRUE(aead_open(key, nonce, ad, buffer, opened)) << size;
    EXPECT_EQ(opened, plaintext) << size;
  }
  Bytes too_short(kTagBytes - 1);
  EXPECT_THROW(aead_seal_in_place(key, nonce, {}, too_short), std::logic_error);
  Bytes aliased = pattern(40, 7);
  EXPECT_THROW(aead_seal_in_place(key, nonce, std::span(aliased).first(8), aliased),
               std::logic_error);
}

TEST(Crypto, AeadSealAppendRefusesInputsInsideTheOutput) {
  const SecretBytes key = random_key();
  Bytes out = pattern(64, 4);
  const std::span<const std::uint8_t> inside(out.data() + 8, 16);
  EXPECT_THROW(aead_seal_append(key, Nonce{}, {}, inside, out), std::invalid_argument);
  EXPECT_THROW(aead_seal_append(key, Nonce{}, inside, {}, out), std::invalid_argument);
  EXPECT_EQ(out, pattern(64, 4));
}

TEST(Crypto, AeadRejectsWrongSizes) {
  const SecretBytes short_key(16);
  const Bytes plaintext = pattern(10, 0);
  EXPECT_THROW(aead_seal(short_key, Nonce{}, {}, plaintext), std::invalid_argument);
  const SecretBytes key = random_key();
  const Bytes sealed = aead_seal(key, Nonce{}, {}, plaintext);
  Bytes out(plaintext.size());
  EXPECT_THROW(aead_open(short_key, Nonce{}, {}, sealed, out), std::invalid_argument);
  Bytes wrong(plaintext.size() + 1);
  EXPECT_THROW(aead_open(key, Nonce{}, {}, sealed, wrong), std::invalid_argument);
  // Input shorter than a tag comes from a file: a failed authentication, not a bug.
  Bytes scratch = {9, 9};
  EXPECT_FALSE(aead_open(key, Nonce{}, {}, std::span(sealed).first(kTagBytes - 1), scratch));
  EXPECT_TRUE(all_zero(scratch));
}

// --- BLAKE2b ------------------------------------------------------------------------------

TEST(Crypto, PlainHashKnownAnswers) {
  // RFC 7693 appendix A: BLAKE2b-512("abc").
  std::array<std::uint8_t, 64> abc{};
  plain_hash(bytes_of("abc"), abc);
  EXPECT_EQ(to_hex(abc),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  std::array<std::uint8_t, 32> empty{};
  plain_hash({}, empty);
  EXPECT_EQ(to_hex(empty), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Crypto, PlainHashLengthIsAParameterNotATruncation) {
  std::array<std::uint8_t, 16> short_hash{};
  std::array<std::uint8_t, 32> long_hash{};
  plain_hash(bytes_of("x"), short_hash);
  plain_hash(bytes_of("x"), long_hash);
  EXPECT_FALSE(std::equal(short_hash.begin(), short_hash.end(), long_hash.begin()));
}

TEST(Crypto, PlainHashRejectsOutputSizesOutside16To64) {
  std::array<std::uint8_t, 65> buffer{};
  EXPECT_THROW(plain_hash({}, std::span(buffer).first(15)), std::invalid_argument);
  EXPECT_THROW(plain_hash({}, std::span(buffer)), std::invalid_argument);
  EXPECT_NO_THROW(plain_hash({}, std::span(buffer).first(16)));
  EXPECT_NO_THROW(plain_hash({}, std::span(buffer).first(64)));
}

TEST(Crypto, KeyedHashDependsOnKeyAndData) {
  const SecretBytes key = random_key();
  const SecretBytes other = random_key();
  const Bytes data = pattern(100, 5);
  Bytes changed = data;
  changed[99] ^= 1;
  EXPECT_EQ(keyed_hash(key, data), keyed_hash(key, data));
  EXPECT_NE(keyed_hash(key, data), keyed_hash(other, data));
  EXPECT_NE(keyed_hash(key, data), keyed_hash(key, changed));
  std::array<std::uint8_t, 32> plain{};
  plain_hash(data, plain);
  EXPECT_NE(keyed_hash(key, data), plain);
  EXPECT_THROW(keyed_hash(SecretBytes(31), data), std::invalid_argument);
}

TEST(Crypto, KeyedHasherIncrementalEqualsOneShot) {
  const SecretBytes key = random_key();
  const Bytes data = pattern(5000, 11);
  const Hash32 expected = keyed_hash(key, data);
  // Piece sizes that straddle BLAKE2b's 128-byte blocks in different ways.
  for (const std::size_t piece : {1u, 7u, 127u, 128u, 129u, 1000u, 5000u}) {
    SCOPED_TRACE(piece);
    KeyedHasher hasher(key);
    hasher.update({});
    for (std::size_t at = 0; at < data.size(); at += piece) {
      hasher.update(std::span(data).subspan(at, std::min(piece, data.size() - at)));
    }
    EXPECT_EQ(hasher.finish(), expected);
  }
  KeyedHasher empty(key);
  EXPECT_EQ(empty.finish(), keyed_hash(key, {}));
}

TEST(Crypto, KeyedHasherIsSingleUse) {
  const SecretBytes key = random_key();
  KeyedHasher hasher(key);
  hasher.update(bytes_of("abc"));
  (void)hasher.finish();
  EXPECT_THROW(hasher.update(bytes_of("d")), std::logic_error);
  EXPECT_THROW((void)hasher.finish(), std::logic_error);
  EXPECT_THROW(KeyedHasher{SecretBytes(16)}, std::invalid_argument);
}

// --- subkeys ------------------------------------------------------------------------------

TEST(Crypto, SubkeysDifferPerIdAndContext) {
  const SecretBytes master = random_key();
  std::set<std::string> seen;
  for (std::uint64_t id = 0; id < 16; ++id) {
    const SecretBytes subkey = derive_subkey(master, id, "DMVAULT1");
    ASSERT_EQ(subkey.size(), kKeyBytes);
    EXPECT_TRUE(subkey.equals(derive_subkey(master, id, "DMVAULT1").span()));
    EXPECT_FALSE(subkey.equals(master.span()));
    seen.insert(to_hex(subkey.span()));
  }
  seen.insert(to_hex(derive_subkey(master, 1, "DMVAULT2").span()));
  seen.insert(to_hex(derive_subkey(random_key(), 1, "DMVAULT1").span()));
  EXPECT_EQ(seen.size(), 18u);
}

TEST(Crypto, DeriveSubkeyRejectsWrongSizes) {
  const SecretBytes master = random_key();
  EXPECT_THROW(derive_subkey(master, 1, "DMVAULT"), std::invalid_argument);
  EXPECT_THROW(derive_subkey(master, 1, "DMVAULT12"), std::invalid_argument);
  EXPECT_THROW(derive_subkey(master, 1, ""), std::invalid_argument);
  EXPECT_THROW(derive_subkey(SecretBytes(16), 1, "DMVAULT1"), std::invalid_argument);
  EXPECT_THROW(derive_subkey(SecretBytes(), 1, "DMVAULT1"), std::invalid_argument);
}

// --- helpers ------------------------------------------------------------------------------

TEST(Crypto, EqualConstantTime) {
  const Bytes a = pattern(32, 1);
  Bytes b = a;
  EXPECT_TRUE(equal_constant_time(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(equal_constant_time(a, b));
  b = a;
  b[0] ^= 1;
  EXPECT_FALSE(equal_constant_time(a, b));
  EXPECT_FALSE(equal_constant_time(a, std::span(a).first(31)));
  EXPECT_TRUE(equal_constant_time({}, {}));
  EXPECT_FALSE(equal_constant_time({}, a));
}

TEST(Crypto, WipeZeroes) {
  Bytes data = pattern(100, 200);
  ASSERT_FALSE(all_zero(data));
  wipe(data);
  EXPECT_TRUE(all_zero(data));
  wipe({});
}

TEST(Crypto, Base32Rfc4648TestVectors) {
  // RFC 4648 section 10, without the padding.
  EXPECT_EQ(base32_encode(bytes_of("")), "");
  EXPECT_EQ(base32_encode(bytes_of("f")), "MY");
  EXPECT_EQ(base32_encode(bytes_of("fo")), "MZXQ");
  EXPECT_EQ(base32_encode(bytes_of("foo")), "MZXW6");
  EXPECT_EQ(base32_encode(bytes_of("foob")), "MZXW6YQ");
  EXPECT_EQ(base32_encode(bytes_of("fooba")), "MZXW6YTB");
  EXPECT_EQ(base32_encode(bytes_of("foobar")), "MZXW6YTBOI");
}

TEST(Crypto, Base32UsesTheWholeAlphabetAndExactLength) {
  EXPECT_EQ(base32_encode(Bytes(5, 0x00)), "AAAAAAAA");
  EXPECT_EQ(base32_encode(Bytes(5, 0xff)), "77777777");
  // These 40 bits are the 5-bit groups 0, 1, 2, ..., 7.
  EXPECT_EQ(base32_encode(Bytes{0x00, 0x44, 0x32, 0x14, 0xc7}), "ABCDEFGH");
  // A 32-byte recovery key is 256 bits: 52 characters, the last carrying 1 bit.
  const std::string key = base32_encode(Bytes(32, 0xff));
  EXPECT_EQ(key.size(), 52u);
  EXPECT_EQ(key.back(), 'Q');  // 1 then four zero bits of padding
}

}  // namespace
}  // namespace dmvault::crypto
