// PlainRegion: one large block of plaintext filled piece by piece (a catalog image, decrypted
// chunk by chunk as pages are needed). Mapped on its own, so its pages exist only once written;
// left out of core dumps; wiped where written before it is unmapped; and, for a block that will
// be filled whole, backed by huge pages where the kernel has them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace dmvault::util {

class PlainRegion {
 public:
  // How the region will be filled. Whole: huge pages are asked for, so filling it faults once
  // per 2 MiB instead of once per 4 KiB (verify of a million-message vault, whose catalog check
  // reads the whole catalog, took 0.5 s of CPU time less). In parts: small pages, since a huge
  // page is given whole for the first byte written in it: a shell session whose queries read
  // scattered pieces of a catalog held 205 MB with huge pages against 128 MB.
  enum class Filling { in_parts, whole };
  // `size` bytes, all zero until written. Throws std::bad_alloc when no address space is left.
  PlainRegion(std::size_t size, Filling filling);
  PlainRegion(PlainRegion&& other) noexcept;
  PlainRegion& operator=(PlainRegion&& other) noexcept;
  PlainRegion(const PlainRegion&) = delete;
  PlainRegion& operator=(const PlainRegion&) = delete;
  ~PlainRegion();

  std::size_t size() const noexcept { return m_size; }
  // Copies `bytes` to [offset, offset + bytes.size()), which lies within size().
  void write(std::size_t offset, std::span<const std::uint8_t> bytes);
  std::span<const std::uint8_t> view(std::size_t offset, std::size_t size) const;
  // Where it starts, for a test that looks the mapping up.
  const void* address() const noexcept { return m_data; }

 private:
  void release() noexcept;

  std::uint8_t* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_mapped = 0;
  std::vector<std::pair<std::size_t, std::size_t>> m_written;  // offset, size
};

}  // namespace dmvault::util
