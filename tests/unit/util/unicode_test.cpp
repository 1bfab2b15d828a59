#include "util/unicode.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dmvault::util {
namespace {

TEST(Unicode, AcceptsValidUtf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));                // é
  EXPECT_TRUE(is_valid_utf8("\xe6\x97\xa5\xe6\x9c\xac"));   // 日本
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));           // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));           // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));  // NUL is a valid character
}

TEST(Unicode, RejectsInvalidUtf8) {
  for (const char* bad : {
           "\x80",              // lone continuation byte
           "\xc3",              // truncated two-byte sequence
           "\xe2\x82",          // truncated three-byte sequence
           "caf\xc3",           // truncated at the end of otherwise good text
           "\xc0\xaf",          // overlong '/'
           "\xe0\x80\xaf",      // overlong '/' in three bytes
           "\xed\xa0\x80",      // UTF-16 surrogate U+D800
           "\xf4\x90\x80\x80",  // beyond U+10FFFF
           "\xff",              // never valid
           "\xfe",              // never valid
           "ok\xc3\x28",        // a lead byte followed by a non-continuation
       }) {
    EXPECT_FALSE(is_valid_utf8(bad)) << "bytes of length " << std::string_view(bad).size();
    EXPECT_FALSE(normalize_nfc(bad).has_value());
  }
}

TEST(Unicode, NormalizesToNfc) {
  EXPECT_EQ(normalize_nfc("e\xcc\x81"), "\xc3\xa9");                     // e + U+0301 -> é
  EXPECT_EQ(normalize_nfc("A\xcc\x8a"), "\xc3\x85");                     // A + ring -> Å
  EXPECT_EQ(normalize_nfc("\xe1\x84\x80\xe1\x85\xa1"), "\xea\xb0\x80");  // jamo -> 가
  EXPECT_EQ(normalize_nfc("\xe2\x84\xab"), "\xc3\x85");                  // Angstrom sign -> Å
  // Canonical ordering of combining marks: dot below (ccc 220) before dot above (ccc 230).
  EXPECT_EQ(normalize_nfc("q\xcc\x87\xcc\xa3"), "q\xcc\xa3\xcc\x87");
}

TEST(Unicode, NfcLeavesNormalisedAndCompatibilityCharactersAlone) {
  EXPECT_EQ(normalize_nfc(""), "");
  EXPECT_EQ(normalize_nfc("already \xc3\xa9 NFC"), "already \xc3\xa9 NFC");
  EXPECT_EQ(normalize_nfc("\xef\xac\x81"), "\xef\xac\x81");  // the fi ligature: NFKC only
  EXPECT_EQ(normalize_nfc("\xe2\x91\xa0"), "\xe2\x91\xa0");  // circled one: NFKC only
  EXPECT_EQ(normalize_nfc(std::string_view("a\0b", 3)), std::string("a\0b", 3));
}

struct Collected {
  std::string bytes;
  int calls = 0;
};

void collect(std::span<const std::uint8_t> bytes, void* context) {
  auto* collected = static_cast<Collected*>(context);
  collected->bytes.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  ++collected->calls;
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Unicode, NormalizeNfcSecretHandsTheResultToTheSink) {
  Collected collected;
  ASSERT_TRUE(normalize_nfc_secret(as_bytes("pa\xcc\x88ss"), collect, &collected));
  EXPECT_EQ(collected.calls, 1);
  EXPECT_EQ(collected.bytes, "p\xc3\xa4ss");
}

TEST(Unicode, NormalizeNfcSecretRejectsInvalidUtf8WithoutCallingTheSink) {
  Collected collected;
  EXPECT_FALSE(normalize_nfc_secret(as_bytes("pa\xffss"), collect, &collected));
  EXPECT_EQ(collected.calls, 0);
}

}  // namespace
}  // namespace dmvault::util
