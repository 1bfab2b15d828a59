// The vault side of the fuzz targets: a tiny vault made by the code (tests/fuzz/tiny_vault.dmv,
// written by fuzz_seeds with the fixed passphrase below and libsodium's smallest Argon2id cost,
// so unlocking costs microseconds), and one routine that drives every reader of the container
// over an image: verify --quick, open, read every object the last commit indexes, a full
// verify, and a write (which cuts an uncommitted tail and appends a commit).
#pragma once

#include "dmvault/vault.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dmvault::fuzz {

inline constexpr std::string_view kFuzzPassphrase = "fuzz";

Credential fuzz_credential();

// The bytes of tests/fuzz/tiny_vault.dmv (read once).
const std::vector<std::uint8_t>& tiny_vault();

// Whether every keyslot in both superblock copies of `image` asks for a KDF cost small enough
// to run on every input (a hostile keyslot may ask for up to the open caps: seconds, GiBs).
bool cheap_keyslots(std::span<const std::uint8_t> image);

// Every reader of the container over `image`; dmvault::Error is the only exception expected.
void exercise_vault(const std::vector<std::uint8_t>& image);

}  // namespace dmvault::fuzz
