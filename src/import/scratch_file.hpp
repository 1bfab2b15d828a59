// The scratch file an import's catalog lives in while it changes (catalog::ScratchFile): an
// unnamed file (O_TMPFILE) in a directory the user chose, whose 4 KiB blocks are each sealed
// with XChaCha20-Poly1305 under a random key that exists only in this process's locked memory.
// The disk sees only ciphertext, and nothing is left behind: the file has no name, so it goes
// when the process does, however it ends; its key goes with it.
#pragma once

#include "catalog/scratch_file.hpp"
#include "dmvault/secret.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <vector>

namespace dmvault::import {

class EncryptedScratchFile final : public catalog::ScratchFile {
 public:
  // Error(io) naming the directory when no file can be made there.
  static std::shared_ptr<EncryptedScratchFile> create(const std::filesystem::path& directory);
  ~EncryptedScratchFile() override;
  EncryptedScratchFile(const EncryptedScratchFile&) = delete;
  EncryptedScratchFile& operator=(const EncryptedScratchFile&) = delete;

  std::uint64_t size() const override { return m_size; }
  void read(std::uint64_t offset, std::span<std::uint8_t> out) override;
  void write(std::uint64_t offset, std::span<const std::uint8_t> bytes) override;
  void truncate(std::uint64_t size) override;

  // Writes the sealed blocks held back (see m_run) to the disk. Reads and truncation do it
  // themselves when they need to; a caller only needs it to look at the disk.
  void flush();

  static constexpr std::size_t kBlockSize = 4096;

 private:
  EncryptedScratchFile(int fd, std::filesystem::path directory);
  // The plaintext of `count` consecutive blocks from `first`, in one read of the disk; zeros
  // for a block never written.
  void read_blocks(std::uint64_t first, std::size_t count, std::span<std::uint8_t> out);
  void write_block(std::uint64_t index, std::span<const std::uint8_t, kBlockSize> in);
  [[noreturn]] void fail(const char* what, int error) const;

  int m_fd;
  std::filesystem::path m_directory;  // for messages only
  SecretBytes m_key;
  std::uint64_t m_size = 0;
  // Consecutive blocks, sealed, waiting to go to the disk in one write: SQLite writes a page at
  // a time, mostly in ascending order, and on this kind of machine a system call per 4 KiB cost
  // as much as sealing the block.
  std::vector<std::uint8_t> m_run;
  std::uint64_t m_run_first = 0;
  std::size_t m_run_blocks = 0;
  std::vector<std::uint8_t> m_sealed;  // blocks as stored (nonce, ciphertext, tag), being read
  PlainBytes m_block;                  // one block's plaintext, for partial reads and writes
};

}  // namespace dmvault::import
