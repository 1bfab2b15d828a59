#include "catalog/occurrence_counter.hpp"

#include <cstring>
#include <random>

namespace dmvault::catalog {

namespace {

constexpr std::size_t kFirstSlots = 1024;

}  // namespace

OccurrenceCounter::OccurrenceCounter() {
  std::random_device random;
  m_multiplier = (std::uint64_t{random()} << 32 | random()) | 1;  // odd: a bijection
}

std::size_t OccurrenceCounter::slot_of(std::uint64_t key) const noexcept {
  // Multiplicative hashing: the high bits of the product depend on every bit of the key.
  return static_cast<std::size_t>((key * m_multiplier) >> m_shift);
}

std::uint32_t OccurrenceCounter::next(const Digest128& digest) {
  std::uint64_t key = 0;
  std::memcpy(&key, digest.data(), sizeof key);
  if (key == 0) key = 1;
  // At most three quarters full, so that a probe finds a free slot within a few steps.
  if ((m_used + 1) * 4 > m_slots.size() * 3) grow();
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = slot_of(key);; i = (i + 1) & mask) {
    if (m_slots[i] == 0) {
      m_slots[i] = key;
      ++m_used;
      return 0;
    }
    if (m_slots[i] == key) return ++m_repeated[key];
  }
}

void OccurrenceCounter::grow() {
  std::vector<std::uint64_t> old = std::move(m_slots);
  const std::size_t size = old.empty() ? kFirstSlots : old.size() * 2;
  m_slots.assign(size, 0);
  m_shift = 64;
  for (std::size_t n = size; n > 1; n >>= 1) --m_shift;
  const std::size_t mask = size - 1;
  for (const std::uint64_t key : old) {
    if (key == 0) continue;
    std::size_t i = slot_of(key);
    while (m_slots[i] != 0) i = (i + 1) & mask;
    m_slots[i] = key;
  }
}

void OccurrenceCounter::clear() {
  std::vector<std::uint64_t>().swap(m_slots);
  m_shift = 64;
  m_used = 0;
  std::unordered_map<std::uint64_t, std::uint32_t>().swap(m_repeated);
}

}  // namespace dmvault::catalog
