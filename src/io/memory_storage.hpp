// Storage in memory that models durability, for tests and crash simulations.
//
// Besides the current contents it keeps the image as of the last sync() (what a disk is
// guaranteed to hold) and the writes and truncates issued since, so that crash_image() can
// produce any state a disk might really be found in after a power loss: the durable image plus
// some of the pending operations, possibly reordered, possibly torn at sector boundaries. A
// vault that opens cleanly from every such image is crash-safe by construction, not by luck.
// Not thread-safe.
#pragma once

#include "dmvault/storage.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dmvault::io {

struct CrashModel {
  // true: any subset of the pending operations survives, applied in any order (what a disk
  // with a volatile write cache does). false: the disk persists operations in issue order, so
  // what survives is a prefix of them, and only the first operation that did not fully make it
  // may be torn.
  bool reorder = true;
  // A surviving write may be only partly applied: some of its sectors, not others.
  bool torn_writes = true;
  // The unit a disk writes atomically (512 for classic disks, 4096 for most modern ones).
  std::uint32_t sector_size = 512;
};

class MemoryStorage final : public Storage {
 public:
  MemoryStorage() = default;
  // Starts from `image`, which counts as durable (as if it had been synced).
  explicit MemoryStorage(std::vector<std::uint8_t> image);

  std::uint64_t size() override;
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override;
  void write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override;
  void sync() override;
  void truncate(std::uint64_t new_size) override;
  std::string describe() const override;

  // What a reader sees now: every write and truncate applied.
  std::vector<std::uint8_t> contents() const;
  // The contents as of the last sync (or construction).
  std::vector<std::uint8_t> durable_image() const;
  // One state the disk could hold after a power loss now, chosen by `seed` (the same seed and
  // model always give the same image). Data synced before the pending operations always
  // survives, except where a pending operation overwrote or truncated it.
  std::vector<std::uint8_t> crash_image(std::uint64_t seed, CrashModel model = {}) const;

  // write_at, sync and truncate calls so far, counting calls that changed nothing.
  std::uint64_t operation_count() const { return m_operation_count; }
  // Writes and truncates since the last sync: what a crash may lose.
  std::size_t pending_operation_count() const { return m_pending.size(); }

 private:
  struct PendingOperation {
    bool is_truncate;
    std::uint64_t offset;  // a write's offset, or a truncate's new size
    std::vector<std::uint8_t> bytes;
  };

  std::vector<std::uint8_t> m_contents;
  std::vector<std::uint8_t> m_durable;
  std::vector<PendingOperation> m_pending;
  std::uint64_t m_operation_count = 0;
};

}  // namespace dmvault::io
