// The libarchive reader: the input is one export file (zip, tar, compressed tar, or a plain
// file), handed to ExportTree through an anonymous in-memory file (memfd), never the disk.
// Every entry is read to its end, with limits small enough that a bomb trips them in
// milliseconds rather than filling the fuzzer's memory.
#include "dmvault/export_tree.hpp"
#include "fuzz/fuzz_target.hpp"

#include <array>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

using namespace dmvault;

namespace {

class MemFile {
 public:
  explicit MemFile(std::span<const std::uint8_t> bytes) : m_fd(memfd_create("export", 0)) {
    if (m_fd < 0) std::abort();  // the harness, not the input, is broken
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  ~MemFile() { ::close(m_fd); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

 private:
  int m_fd;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const MemFile file(fuzz::bytes_of(data, size));
  ExportLimits limits;
  limits.max_entries = 10'000;
  limits.max_total_bytes = 64u << 20;
  limits.max_entry_bytes = 32u << 20;
  limits.ratio_check_after = 1u << 20;
  limits.max_skipped_reported = 100;
  fuzz::expect_errors([&] {
    ExportTree tree = ExportTree::open({file.path()}, limits);
    std::array<std::uint8_t, 16384> buffer{};
    tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
      (void)entry.path.size();
      while (reader.read(buffer) == buffer.size()) {
      }
    });
    (void)tree.skipped();
    (void)tree.skipped_count();
    (void)tree.bytes_read();
    (void)tree.part_names();
  });
  return 0;
}
