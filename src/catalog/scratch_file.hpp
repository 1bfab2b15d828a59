// The file a catalog being changed lives in (Catalog::create_in, Catalog::load_into), so that an
// import holds a bounded page cache in memory instead of the whole catalog. What is written to
// it must never reach the disk as plaintext: the implementation (import/scratch_file) encrypts
// every block under a key that exists only in the process's locked memory.
#pragma once

#include <cstdint>
#include <span>

namespace dmvault::catalog {

class ScratchFile {
 public:
  virtual ~ScratchFile() = default;
  // The size the file was written or truncated to.
  virtual std::uint64_t size() const = 0;
  // Bytes [offset, offset + out.size()) within size(). Throws Error when they cannot be read
  // back intact.
  virtual void read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  // Writes at any offset (a gap reads back as zeros). Throws Error (io) when the disk refuses.
  virtual void write(std::uint64_t offset, std::span<const std::uint8_t> bytes) = 0;
  virtual void truncate(std::uint64_t size) = 0;
};

}  // namespace dmvault::catalog
