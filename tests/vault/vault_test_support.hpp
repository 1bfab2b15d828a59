// Shared helpers for the vault suites: fast credentials, memory vaults, file temp dirs.
#pragma once

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "dmvault/vault.hpp"
#include "dmvault/verify.hpp"
#include "io/memory_storage.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace dmvault::testing {

// The cheapest Argon2id libsodium accepts: these suites open vaults thousands of times, and the
// KDF's cost is not what they test.
inline KdfParams fast_kdf() {
  const auto m = crypto::argon2_minimum();
  return {m.opslimit, m.memlimit};
}

inline Credential passphrase(const std::string& text) {
  return Credential{Credential::Kind::passphrase, SecretBytes::copy_of(text)};
}

inline CreateOptions fast_options(bool recovery = false) {
  CreateOptions o;
  o.kdf = fast_kdf();
  o.with_recovery_key = recovery;
  return o;
}

inline std::vector<std::uint8_t> pseudo_random_bytes(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

inline std::vector<std::uint8_t> text_bytes(const std::string& s) { return {s.begin(), s.end()}; }

inline std::vector<std::uint8_t> to_vector(const PlainBytes& p) {
  return {p.data(), p.data() + p.size()};
}

inline Vault::OpenOptions read_options(std::vector<std::string>* warnings = nullptr) {
  Vault::OpenOptions o;
  o.mode = Vault::Mode::read;
  if (warnings) o.on_warning = [warnings](const std::string& w) { warnings->push_back(w); };
  return o;
}

inline Vault::OpenOptions write_options(std::vector<std::string>* warnings = nullptr) {
  Vault::OpenOptions o = read_options(warnings);
  o.mode = Vault::Mode::write;
  return o;
}

// A Storage that forwards to another one it does not own (to hand a long-lived storage to
// Vault::open_on, which takes ownership of what it is given).
class BorrowedStorage final : public Storage {
 public:
  explicit BorrowedStorage(Storage& inner) : m_inner(inner) {}
  std::uint64_t size() override { return m_inner.size(); }
  void read_at(std::uint64_t o, std::span<std::uint8_t> out) override { m_inner.read_at(o, out); }
  void write_at(std::uint64_t o, std::span<const std::uint8_t> d) override {
    m_inner.write_at(o, d);
  }
  void sync() override { m_inner.sync(); }
  void truncate(std::uint64_t s) override { m_inner.truncate(s); }
  std::string describe() const override { return m_inner.describe(); }

 private:
  Storage& m_inner;
};

inline std::unique_ptr<Storage> borrow(Storage& s) { return std::make_unique<BorrowedStorage>(s); }

inline std::unique_ptr<Storage> image_storage(std::vector<std::uint8_t> image) {
  return std::make_unique<io::MemoryStorage>(std::move(image));
}

// A fresh directory under the temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dmvault-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

inline ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return static_cast<ErrorCode>(0);
}

}  // namespace dmvault::testing
