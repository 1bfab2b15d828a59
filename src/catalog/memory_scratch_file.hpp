// A ScratchFile held in memory, for the search indexes of a catalog that is itself in memory
// (Catalog::create, Catalog::load): the SearchIndexBuilder writes into a ScratchFile, which the
// catalog then attaches to copy the tables built.
#pragma once

#include "catalog/scratch_file.hpp"
#include "dmvault/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace dmvault::catalog {

class MemoryScratchFile : public ScratchFile {
 public:
  std::uint64_t size() const override { return m_size; }
  void read(std::uint64_t offset, std::span<std::uint8_t> out) override;
  void write(std::uint64_t offset, std::span<const std::uint8_t> bytes) override;
  void truncate(std::uint64_t size) override;

 private:
  // Fixed-size wiped blocks: growing never moves (and so never leaves unwiped copies of) the
  // bytes already written.
  static constexpr std::size_t kBlockSize = std::size_t{1} << 20;

  template <typename Use>
  void for_each_piece(std::uint64_t offset, std::size_t size, Use&& use);

  std::vector<PlainBytes> m_blocks;
  std::uint64_t m_size = 0;
};

}  // namespace dmvault::catalog
