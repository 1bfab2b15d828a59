#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "dmvault/secret.hpp"

#include <sodium.h>

#include <cstring>
#include <utility>

namespace dmvault {

SecretBytes::SecretBytes(std::size_t size) {
  // An empty secret owns nothing: sodium_malloc would spend guard pages on zero bytes.
  if (size == 0) return;
  crypto::initialize();  // sodium_malloc needs the page size that sodium_init looks up
  void* memory = sodium_malloc(size);
  if (memory == nullptr) {
    throw Error(ErrorCode::io, "cannot allocate secure memory",
                "raise the locked-memory limit (ulimit -l) or free some memory");
  }
  // sodium_malloc fills new memory with a canary pattern; callers are promised zeros.
  sodium_memzero(memory, size);
  m_data = static_cast<std::uint8_t*>(memory);
  m_size = size;
}

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
  SecretBytes secret(bytes.size());
  if (!bytes.empty()) std::memcpy(secret.m_data, bytes.data(), bytes.size());
  return secret;
}

SecretBytes SecretBytes::copy_of(std::string_view text) {
  return copy_of({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    sodium_free(m_data);  // wipes before unmapping; a null pointer is a no-op
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { sodium_free(m_data); }

bool SecretBytes::equals(std::span<const std::uint8_t> other) const noexcept {
  if (other.size() != m_size) return false;
  if (m_size == 0) return true;
  return sodium_memcmp(m_data, other.data(), m_size) == 0;
}

}  // namespace dmvault
