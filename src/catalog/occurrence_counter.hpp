// How many times each canonical key has come so far in an import run: the occurrence ordinal of
// the DEDUP RULE (catalog.cpp).
#pragma once

#include "catalog/dedup_key.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace dmvault::catalog {

// A flat open-addressing table of 8 bytes a key, since a run counts every message it adds: an
// unordered_map of whole digests took some 56 bytes a message (a node, its allocation and a
// bucket), the largest part of an import's memory that grew with the export.
//
// Keys are told apart by the first 8 bytes of their digest. Two different canonical keys that
// share them in one run (for 5 million messages, about once in a million runs) count as one key,
// which only shifts the later one's ordinal: the exact comparison still keeps the two messages
// apart, and at worst a later export without the earlier one stores the later one again, a
// duplicate and never a loss.
class OccurrenceCounter {
 public:
  OccurrenceCounter();

  // How many times `digest` came before in this run (0 the first time); counts this time.
  std::uint32_t next(const Digest128& digest);
  // The number of different keys counted.
  std::size_t size() const noexcept { return m_used; }
  // Forgets every key and gives the memory back (the run is over).
  void clear();

 private:
  std::size_t slot_of(std::uint64_t key) const noexcept;
  void grow();

  // The slot of a key is chosen by a multiplier drawn for this process, so that an export
  // crafted to give many keys the same slot (MurmurHash3 is not keyed) cannot make the table
  // slow; the digest itself comes from a public function.
  std::uint64_t m_multiplier;
  std::vector<std::uint64_t> m_slots;  // 0: empty (a key of 0 is stored as 1)
  unsigned m_shift = 64;               // 64 - log2(m_slots.size())
  std::size_t m_used = 0;
  // Keys that came more than once, with their count minus one: few in any export.
  std::unordered_map<std::uint64_t, std::uint32_t> m_repeated;
};

}  // namespace dmvault::catalog
