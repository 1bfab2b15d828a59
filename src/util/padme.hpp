// Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
// Communication with PURBs", 2019): rounds a length up so that only O(log log L) bits of it show,
// for at most 12% overhead. Sealed objects are padded to these sizes to blur their lengths.
#pragma once

#include <cstdint>

namespace dmvault::util {

// The padded length for a payload of `length` bytes (>= length; equal for lengths below 2).
std::uint64_t padme_length(std::uint64_t length);

}  // namespace dmvault::util
