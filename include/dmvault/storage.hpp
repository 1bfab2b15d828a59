// Storage: the seam between the vault and the operating system (leveldb's Env idea). The vault
// only ever calls these five operations, so tests can swap in memory, failing or crashing
// storage and prove what happens at every write and every sync.
//
// Contract:
//  - read_at reads exactly out.size() bytes or throws Error(io) (a short read is an error).
//  - write_at writes all bytes or throws Error(io); the data may not be durable until sync().
//  - sync() makes every earlier write durable (fdatasync). A failed sync throws Error(io) and the
//    caller must treat the storage as dead: the kernel may have dropped the dirty pages.
//  - truncate() changes the size; durable after the next sync().
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace dmvault {

class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::uint64_t size() = 0;
  virtual void read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
  virtual void write_at(std::uint64_t offset, std::span<const std::uint8_t> data) = 0;
  virtual void sync() = 0;
  virtual void truncate(std::uint64_t size) = 0;
  // A name for messages (the file path, or "<memory>").
  virtual std::string describe() const = 0;
};

enum class LockMode { shared, exclusive };

// Opens an existing vault file and takes an OFD lock on it (shared for readers, exclusive for a
// writer), without waiting. Throws Error(busy) when another process holds a conflicting lock,
// Error(not_a_vault) when the path does not exist, Error(io) otherwise.
std::unique_ptr<Storage> open_file_storage(const std::filesystem::path& path, LockMode mode);

// Creates a new file beside `final_path` (same directory, exclusive, mode 0600) for building a
// new vault in. Commit it with publish_new_file() once it is complete and synced; if that never
// happens the temporary file is removed when the returned storage is destroyed.
class NewFile {
 public:
  virtual ~NewFile() = default;
  virtual Storage& storage() = 0;
  // fsync the file, rename it to final_path without replacing an existing file (Error(io) naming
  // the path if one appeared), then fsync the directory.
  virtual void publish() = 0;
};
std::unique_ptr<NewFile> create_new_file(const std::filesystem::path& final_path);

}  // namespace dmvault
