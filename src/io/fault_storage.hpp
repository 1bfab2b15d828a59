// Storages that fail on purpose, to prove what the vault does when the operating system fails
// it (FaultStorage) and when the power goes at a chosen instant (CrashingStorage).
#pragma once

#include "dmvault/error.hpp"
#include "dmvault/storage.hpp"
#include "io/memory_storage.hpp"

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dmvault::io {

enum class StorageCall { read, write, sync, truncate };

struct Fault {
  StorageCall call = StorageCall::write;
  // Which call of that kind fails, counting from 1.
  std::uint64_t nth = 1;
  // Also fail every later call of that kind (a disk that stays full or broken).
  bool from_then_on = false;
  // The errno a real file would have reported: EIO, ENOSPC, EDQUOT...
  int error_number = EIO;
  // A failing write first stores the first half of its bytes, like a real write that was cut
  // short by a full disk, so tests see the torn tail a real failure leaves behind.
  bool partial = false;
};

// Passes every call through to another storage, except the planned failures, which throw the
// very Error(io) a file storage would throw for that errno. Like a file storage, it is dead after
// a failed sync: that call and every later one throws the fsync error.
class FaultStorage final : public Storage {
 public:
  FaultStorage(Storage& inner, std::vector<Fault> faults);
  FaultStorage(std::unique_ptr<Storage> inner, std::vector<Fault> faults);

  std::uint64_t size() override;
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override;
  void write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override;
  void sync() override;
  void truncate(std::uint64_t new_size) override;
  std::string describe() const override;

  // Calls of that kind so far, failed ones included.
  std::uint64_t calls(StorageCall call) const;
  // How many calls were made to fail.
  std::uint64_t failures() const { return m_failures; }
  Storage& inner() { return m_inner; }

 private:
  // Counts the call and returns the fault it triggers, if any.
  const Fault* count(StorageCall call);
  void check_alive() const;

  std::unique_ptr<Storage> m_owned;
  Storage& m_inner;
  std::vector<Fault> m_faults;
  std::uint64_t m_calls[4] = {};
  std::uint64_t m_failures = 0;
  std::optional<Error> m_dead;
};

// Thrown by CrashingStorage when the simulated power loss happens. Deliberately not derived from
// dmvault::Error or any std exception, so that no handler in the code under test can catch it
// as an ordinary failure and carry on; only catch (...) sees it, and that must rethrow.
struct SimulatedCrash {
  // The mutating operation (counting from 1) during which the power went.
  std::uint64_t operation = 0;
};

struct CrashOptions {
  // The write the crash interrupts lands partly: a random subset of its sectors.
  bool torn_write = false;
  std::uint64_t seed = 0;
  std::uint32_t sector_size = 512;
};

// Loses power during the crash_at-th mutating call (write_at, sync or truncate, counted from
// construction): that call throws SimulatedCrash without reaching the memory storage (or, with
// torn_write, after part of the write reached it), and so does every later call of any kind.
// Afterwards, memory.crash_image(seed) gives the disks that could be found on reboot.
// describe() keeps answering, so that error messages can still be built.
class CrashingStorage final : public Storage {
 public:
  CrashingStorage(MemoryStorage& memory, std::uint64_t crash_at, CrashOptions options = {});

  std::uint64_t size() override;
  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override;
  void write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override;
  void sync() override;
  void truncate(std::uint64_t new_size) override;
  std::string describe() const override;

  bool crashed() const { return m_crashed; }
  // Mutating calls so far, the one that crashed included.
  std::uint64_t mutating_operations() const { return m_operations; }

 private:
  void check_alive() const;
  // Counts a mutating call; true when it is the one the power goes during.
  bool reaches_crash_point();

  MemoryStorage& m_memory;
  std::uint64_t m_crash_at;
  CrashOptions m_options;
  std::uint64_t m_operations = 0;
  bool m_crashed = false;
};

}  // namespace dmvault::io
