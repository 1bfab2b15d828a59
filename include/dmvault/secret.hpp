// SecretBytes: a buffer for keys, passphrases and other secrets. The memory comes from
// sodium_malloc (guard pages, canary, locked so it is never swapped where the OS allows) and is
// wiped when the buffer is destroyed. Move-only: a secret is never copied implicitly.
// Not thread-safe; one owner at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string.h>  // explicit_bzero
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault {

class SecretBytes {
 public:
  SecretBytes() = default;
  // A zero-filled secret of `size` bytes. Throws Error(io) if secure memory cannot be had.
  explicit SecretBytes(std::size_t size);
  // Copies `bytes` into a new secret buffer (the caller wipes its own copy).
  static SecretBytes copy_of(std::span<const std::uint8_t> bytes);
  static SecretBytes copy_of(std::string_view text);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  std::uint8_t* data() noexcept { return m_data; }
  const std::uint8_t* data() const noexcept { return m_data; }
  std::size_t size() const noexcept { return m_size; }
  bool empty() const noexcept { return m_size == 0; }
  std::span<std::uint8_t> span() noexcept { return {m_data, m_size}; }
  std::span<const std::uint8_t> span() const noexcept { return {m_data, m_size}; }
  std::string_view view() const noexcept { return {reinterpret_cast<const char*>(m_data), m_size}; }
  // Lets a secret be passed where a read-only byte view is taken (crypto::KeyView).
  operator std::span<const std::uint8_t>() const noexcept { return span(); }
  // Constant-time comparison.
  bool equals(std::span<const std::uint8_t> other) const noexcept;

 private:
  std::uint8_t* m_data = nullptr;
  std::size_t m_size = 0;
};

// PlainBytes: decrypted content (a message file, a photo chunk, the catalog). Too large and too
// many to lock in memory like SecretBytes, but wiped when released so plaintext does not linger
// in freed heap memory. Move-only.
class PlainBytes {
 public:
  PlainBytes() = default;
  // `size` zero bytes.
  explicit PlainBytes(std::size_t size) : m_bytes(size) {
    if (size != 0) std::memset(m_bytes.data(), 0, size);
  }
  // `size` bytes left as they come, for a caller that writes every one of them at once (a
  // decompressed or decrypted frame): zeroing a megabyte first cost as much as decrypting it.
  struct Unset {};
  PlainBytes(std::size_t size, Unset) : m_bytes(size) {}
  PlainBytes(PlainBytes&& other) noexcept : m_bytes(std::exchange(other.m_bytes, {})) {}
  PlainBytes& operator=(PlainBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      m_bytes = std::exchange(other.m_bytes, {});
    }
    return *this;
  }
  PlainBytes(const PlainBytes&) = delete;
  PlainBytes& operator=(const PlainBytes&) = delete;
  ~PlainBytes() { wipe(); }

  void wipe() noexcept {
    if (!m_bytes.empty()) explicit_bzero(m_bytes.data(), m_bytes.size());
    m_bytes.clear();
  }
  // Shrinks without reallocating (the capacity, and so the wipe, covers the old bytes).
  void shrink_to(std::size_t size) noexcept {
    if (size < m_bytes.size()) {
      explicit_bzero(m_bytes.data() + size, m_bytes.size() - size);
      m_bytes.resize(size);
    }
  }
  std::uint8_t* data() noexcept { return m_bytes.data(); }
  const std::uint8_t* data() const noexcept { return m_bytes.data(); }
  std::size_t size() const noexcept { return m_bytes.size(); }
  bool empty() const noexcept { return m_bytes.empty(); }
  std::span<std::uint8_t> span() noexcept { return m_bytes; }
  std::span<const std::uint8_t> span() const noexcept { return m_bytes; }

 private:
  // Constructs elements without a value (no zeroing); PlainBytes zeroes where it must.
  template <typename T>
  struct UnsetAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
      using other = UnsetAllocator<U>;
    };
    UnsetAllocator() = default;
    template <typename U>
    UnsetAllocator(const UnsetAllocator<U>&) noexcept {}
    template <typename U>
    void construct(U* p) noexcept {
      ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  std::vector<std::uint8_t, UnsetAllocator<std::uint8_t>> m_bytes;
};

}  // namespace dmvault
