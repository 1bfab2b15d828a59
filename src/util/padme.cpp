#include "util/padme.hpp"

#include <bit>

namespace dmvault::util {

std::uint64_t padme_length(std::uint64_t length) {
  if (length < 2) return length;
  // E = floor(log2 L); S = floor(log2 E) + 1; keep the top S bits of L, round up the rest.
  const unsigned e = static_cast<unsigned>(std::bit_width(length) - 1);
  const unsigned s = static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(e)));
  const unsigned low_bits = e - s;
  const std::uint64_t mask = (std::uint64_t{1} << low_bits) - 1;
  return (length + mask) & ~mask;
}

}  // namespace dmvault::util
