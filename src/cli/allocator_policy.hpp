// How the C library's allocator treats a dmvault process's memory, set once at start.
#pragma once

namespace dmvault::cli {

// Four heaps at most, buffers up to 32 MiB taken from them rather than mapped one by one, and
// freed memory kept for reuse instead of handed back to the kernel (see the .cpp for why).
// Returns false where the allocator is not glibc's own (a sanitizer build replaces it): the
// process then runs as it would have, only slower.
bool tune_allocator() noexcept;

}  // namespace dmvault::cli
