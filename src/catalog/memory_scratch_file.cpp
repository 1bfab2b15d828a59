#include "catalog/memory_scratch_file.hpp"

#include "dmvault/error.hpp"

#include <algorithm>
#include <cstring>
#include <string.h>  // explicit_bzero

namespace dmvault::catalog {

// Calls use(block, offset within it, offset within the range, length) for each piece of the
// bytes [offset, offset + size), block by block.
template <typename Use>
void MemoryScratchFile::for_each_piece(std::uint64_t offset, std::size_t size, Use&& use) {
  for (std::size_t done = 0; done < size;) {
    const std::uint64_t at = offset + done;
    const std::size_t within = static_cast<std::size_t>(at % kBlockSize);
    const std::size_t n = std::min(size - done, kBlockSize - within);
    use(m_blocks[static_cast<std::size_t>(at / kBlockSize)], within, done, n);
    done += n;
  }
}

void MemoryScratchFile::read(std::uint64_t offset, std::span<std::uint8_t> out) {
  if (offset > m_size || out.size() > m_size - offset) {
    throw Error(ErrorCode::io, "catalog: a read past the end of a scratch file in memory");
  }
  for_each_piece(offset, out.size(),
                 [&](PlainBytes& block, std::size_t within, std::size_t done, std::size_t n) {
                   std::memcpy(out.data() + done, block.data() + within, n);
                 });
}

void MemoryScratchFile::write(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
  const std::uint64_t end = offset + bytes.size();
  while (m_blocks.size() * kBlockSize < end) m_blocks.emplace_back(kBlockSize);
  for_each_piece(offset, bytes.size(),
                 [&](PlainBytes& block, std::size_t within, std::size_t done, std::size_t n) {
                   std::memcpy(block.data() + within, bytes.data() + done, n);
                 });
  m_size = std::max(m_size, end);
}

void MemoryScratchFile::truncate(std::uint64_t size) {
  if (size < m_size) {
    // What lies beyond `size` must read back as zeros if the file grows again.
    const std::size_t keep = static_cast<std::size_t>((size + kBlockSize - 1) / kBlockSize);
    m_blocks.resize(std::min(m_blocks.size(), keep));
    if (size % kBlockSize != 0 && !m_blocks.empty()) {
      const std::size_t within = static_cast<std::size_t>(size % kBlockSize);
      explicit_bzero(m_blocks.back().data() + within, kBlockSize - within);
    }
  }
  while (m_blocks.size() * kBlockSize < size) m_blocks.emplace_back(kBlockSize);
  m_size = size;
}

}  // namespace dmvault::catalog
