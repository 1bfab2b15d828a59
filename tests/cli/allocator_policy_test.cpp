// The allocator settings every dmvault process starts with (tune_allocator).
#include "cli/allocator_policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dmvault::cli {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kGlibcAllocator = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kGlibcAllocator = false;
#else
constexpr bool kGlibcAllocator = true;
#endif
#else
constexpr bool kGlibcAllocator = true;
#endif

TEST(AllocatorPolicy, LargeBuffersComeFromTheHeapAndStayWhenFreed) {
  if (!kGlibcAllocator) {
    GTEST_SKIP() << "the sanitizer's allocator replaces glibc's here; the ci build checks this";
  }
  // In a child, so the test process keeps the default settings.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int failures = 0;
    if (!tune_allocator()) failures |= 1;
    // 16 MiB: by default mapped on its own (above 128 KiB), and unmapped when freed.
    constexpr std::size_t kSize = 16u << 20;
    const struct mallinfo2 before = ::mallinfo2();
    auto* buffer = static_cast<unsigned char*>(std::malloc(kSize));
    if (buffer == nullptr) ::_exit(100);
    std::memset(buffer, 1, kSize);
    const struct mallinfo2 holding = ::mallinfo2();
    if (holding.hblks != before.hblks) failures |= 2;  // mapped on its own
    std::free(buffer);
    const struct mallinfo2 after = ::mallinfo2();
    if (after.arena < holding.arena) failures |= 4;  // given back to the kernel
    if (after.fordblks < kSize) failures |= 8;       // not kept free for the next buffer
    ::_exit(failures);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "1: not applied, 2: mapped on its own, 4: trimmed, 8: not kept free, 100: no memory";
}

}  // namespace
}  // namespace dmvault::cli
