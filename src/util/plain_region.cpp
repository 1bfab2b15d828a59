#include "util/plain_region.hpp"

#include <cstring>
#include <new>
#include <stdexcept>
#include <string.h>  // explicit_bzero
#include <sys/mman.h>

namespace dmvault::util {

PlainRegion::PlainRegion(std::size_t size, Filling filling)
    : m_size(size), m_mapped(size == 0 ? 1 : size) {
  // MAP_NORESERVE: the region is as large as the whole image, but a query may read a few pieces
  // of it; only pages written count against memory.
  void* data = ::mmap(nullptr, m_mapped, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
  m_data = static_cast<std::uint8_t*>(data);
  ::madvise(data, m_mapped, MADV_DONTDUMP);
  // Advice only: a kernel without transparent huge pages, or with them off, maps small pages.
  if (filling == Filling::whole) ::madvise(data, m_mapped, MADV_HUGEPAGE);
}

PlainRegion::PlainRegion(PlainRegion&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_mapped(std::exchange(other.m_mapped, 0)),
      m_written(std::move(other.m_written)) {}

PlainRegion& PlainRegion::operator=(PlainRegion&& other) noexcept {
  if (this != &other) {
    release();
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_mapped = std::exchange(other.m_mapped, 0);
    m_written = std::move(other.m_written);
  }
  return *this;
}

PlainRegion::~PlainRegion() { release(); }

void PlainRegion::release() noexcept {
  if (m_data == nullptr) return;
  // Only what was written: wiping the rest would fault in pages that were never there.
  for (const auto& [offset, size] : m_written) explicit_bzero(m_data + offset, size);
  ::munmap(m_data, m_mapped);
  m_data = nullptr;
  m_written.clear();
}

void PlainRegion::write(std::size_t offset, std::span<const std::uint8_t> bytes) {
  if (offset > m_size || bytes.size() > m_size - offset) {
    throw std::out_of_range("PlainRegion::write beyond the region");
  }
  if (bytes.empty()) return;
  m_written.emplace_back(offset, bytes.size());
  std::memcpy(m_data + offset, bytes.data(), bytes.size());
}

std::span<const std::uint8_t> PlainRegion::view(std::size_t offset, std::size_t size) const {
  if (offset > m_size || size > m_size - offset) {
    throw std::out_of_range("PlainRegion::view beyond the region");
  }
  return {m_data + offset, size};
}

}  // namespace dmvault::util
