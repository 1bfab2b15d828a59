// The frame scanner and the recovery of the last commit. The input is everything after the
// header: the tiny vault's superblocks (which open with the fuzz passphrase) come first, so every
// input reaches the footer lookup, the backward/forward scan for the last commit that
// authenticates and chains, verify's frame walk, and a writer cutting the uncommitted tail.
#include "fuzz/fuzz_target.hpp"
#include "fuzz/fuzz_vault.hpp"
#include "vault/format.hpp"

#include <algorithm>
#include <vector>

using namespace dmvault;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& tiny = fuzz::tiny_vault();
  // Sized once and filled, rather than grown by insert(): GCC 12's -O2 array-bounds analysis
  // misreads the reallocating insert.
  std::vector<std::uint8_t> image(vault::kDataStart + size);
  std::copy_n(tiny.begin(), vault::kDataStart, image.begin());
  const auto input = fuzz::bytes_of(data, size);
  std::copy(input.begin(), input.end(), image.begin() + vault::kDataStart);
  fuzz::exercise_vault(image);
  return 0;
}
