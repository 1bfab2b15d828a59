// verify: checks a vault file and reports what is damaged, without changing it.
// --quick needs no secret: headers, frame checksums, footers and the commit chain's shape.
// The full check also decrypts and authenticates every frame, checks every object id against
// its plaintext, and checks the index against the frames both ways.
#pragma once

#include "dmvault/storage.hpp"
#include "dmvault/vault.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dmvault {

struct VerifyFinding {
  std::uint64_t offset = 0;  // where in the file
  std::string what;          // e.g. "frame at offset 8192 (object 3fa4...): authentication failed"
};

struct VerifyReport {
  bool quick = false;
  std::uint64_t vault_bytes = 0;
  std::uint64_t commits = 0;
  std::uint64_t frames = 0;  // frames walked
  std::uint64_t frames_authenticated = 0;
  std::uint64_t objects_checked = 0;      // objects whose id was recomputed from the plaintext
  std::uint64_t bytes_checked = 0;        // plaintext bytes hashed
  std::uint64_t unreferenced_frames = 0;  // superseded or left by an interrupted write
  std::uint64_t uncommitted_tail_bytes = 0;
  // Damage that redundancy covered (one superblock copy, a footer): still exit 0.
  std::vector<VerifyFinding> warnings;
  // Damage that loses or endangers data: exit 4.
  std::vector<VerifyFinding> damage;
  bool clean() const { return damage.empty(); }
};

// Throws Error(not_a_vault) when no header copy is usable, Error(wrong_passphrase) when the
// header is intact but the secret opens no keyslot. Everything else is reported, not thrown.
// `on_unlocked`, when given, is called once the credential has opened a keyslot, before any
// frame is read, with a copy of the keys (the key derivation and its memory are over by then):
// Vault::open_unlocked opens the same file with them, to read it beside the walk.
VerifyReport verify_vault(std::unique_ptr<Storage> storage, const Credential* credential,
                          bool allow_expensive_kdf = false,
                          const std::function<void(Vault::Unlocked)>& on_unlocked = {});

}  // namespace dmvault
