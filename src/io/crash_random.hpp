// Deterministic randomness for the crash simulators. The standard fixes the output sequence of
// std::mt19937_64 but not of its distributions, so these helpers use the raw engine output only:
// a seed reproduces the same crash image with any standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace dmvault::io::detail {

// Uniform in [0, bound), by rejection so that no value is favoured. bound must be > 0.
inline std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t value = rng();
  while (value >= limit) value = rng();
  return value % bound;
}

inline bool coin(std::mt19937_64& rng) { return (rng() >> 63) != 0; }

template <typename T>
void shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_below(rng, i));
    std::swap(items[i - 1], items[j]);
  }
}

// One sector-aligned part of a write: a disk persists each sector atomically but may persist
// any subset of the sectors of a larger write. `begin` indexes into the written bytes.
struct SectorPiece {
  std::uint64_t offset;
  std::size_t begin;
  std::size_t length;
};

inline std::vector<SectorPiece> sector_pieces(std::uint64_t offset, std::size_t length,
                                              std::uint32_t sector_size) {
  std::vector<SectorPiece> pieces;
  std::size_t begin = 0;
  while (begin < length) {
    const std::uint64_t position = offset + begin;
    const std::uint64_t to_boundary = sector_size - position % sector_size;
    const std::size_t piece =
        to_boundary < length - begin ? static_cast<std::size_t>(to_boundary) : length - begin;
    pieces.push_back({position, begin, piece});
    begin += piece;
  }
  return pieces;
}

}  // namespace dmvault::io::detail
