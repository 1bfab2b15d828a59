#include "import/scratch_file.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string.h>  // explicit_bzero
#include <unistd.h>

namespace dmvault::import {

namespace {

// A block as stored: nonce || ciphertext || tag.
constexpr std::size_t kSealedBlock =
    crypto::kNonceBytes + EncryptedScratchFile::kBlockSize + crypto::kTagBytes;
// Blocks held back before one write (256 KiB), and read at most at once (1 MiB).
constexpr std::size_t kRunBlocks = 64;
constexpr std::size_t kReadBlocks = 256;

// Binds a block to its place, so that blocks cannot be swapped unnoticed.
std::array<std::uint8_t, 8> block_ad(std::uint64_t index) {
  std::array<std::uint8_t, 8> ad{};
  for (std::size_t i = 0; i < ad.size(); ++i) ad[i] = static_cast<std::uint8_t>(index >> (8 * i));
  return ad;
}

int open_unnamed(const std::filesystem::path& directory) {
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return -1;
  // A file system without O_TMPFILE: a named file, unlinked at once.
  std::string name = (directory / ".dmvault-scratch-XXXXXX").string();
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0 && ::unlink(name.c_str()) != 0) {
    const int error = errno;
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

}  // namespace

std::shared_ptr<EncryptedScratchFile> EncryptedScratchFile::create(
    const std::filesystem::path& directory) {
  crypto::initialize();
  const int fd = open_unnamed(directory);
  if (fd < 0) {
    const int error = errno;
    throw Error(
        ErrorCode::io,
        directory.string() + ": cannot make the catalog's scratch file: " + std::strerror(error),
        "the import needs a writable folder beside the vault");
  }
  return std::shared_ptr<EncryptedScratchFile>(new EncryptedScratchFile(fd, directory));
}

EncryptedScratchFile::EncryptedScratchFile(int fd, std::filesystem::path directory)
    : m_fd(fd),
      m_directory(std::move(directory)),
      m_key(crypto::kKeyBytes),
      m_run(kRunBlocks * kSealedBlock),
      m_block(kBlockSize) {
  crypto::random_bytes(m_key.span());
}

EncryptedScratchFile::~EncryptedScratchFile() { ::close(m_fd); }

void EncryptedScratchFile::fail(const char* what, int error) const {
  throw Error(
      ErrorCode::io,
      m_directory.string() + ": the catalog's scratch file: " + what + ": " + std::strerror(error),
      "nothing was stored; free some space there and run the import again");
}

void EncryptedScratchFile::flush() {
  const std::size_t bytes = m_run_blocks * kSealedBlock;
  const auto offset = static_cast<off_t>(m_run_first * kSealedBlock);
  std::size_t put = 0;
  while (put < bytes) {
    const ssize_t n =
        ::pwrite(m_fd, m_run.data() + put, bytes - put, offset + static_cast<off_t>(put));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", errno);
    if (n == 0) fail("cannot write", ENOSPC);
    put += static_cast<std::size_t>(n);
  }
  m_run_blocks = 0;
}

void EncryptedScratchFile::read_blocks(std::uint64_t first, std::size_t count,
                                       std::span<std::uint8_t> out) {
  if (m_run_blocks > 0 && first < m_run_first + m_run_blocks && m_run_first < first + count) {
    flush();
  }
  m_sealed.resize(count * kSealedBlock);
  const auto offset = static_cast<off_t>(first * kSealedBlock);
  std::size_t got = 0;
  while (got < m_sealed.size()) {
    const ssize_t n = ::pread(m_fd, m_sealed.data() + got, m_sealed.size() - got,
                              offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read", errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  for (std::size_t i = 0; i < count; ++i) {
    const std::span<std::uint8_t, kBlockSize> plain(out.data() + i * kBlockSize, kBlockSize);
    const std::uint8_t* stored = m_sealed.data() + i * kSealedBlock;
    const std::size_t held = got > i * kSealedBlock ? got - i * kSealedBlock : 0;
    // Past the end, or a hole: a block never written, which reads as zeros. (A written block's
    // nonce is random, never all zero in practice.)
    const bool unwritten =
        held == 0 || (held >= kSealedBlock && std::all_of(stored, stored + crypto::kNonceBytes,
                                                          [](std::uint8_t b) { return b == 0; }));
    if (unwritten) {
      std::fill(plain.begin(), plain.end(), std::uint8_t{0});
      continue;
    }
    crypto::Nonce nonce{};
    std::copy_n(stored, nonce.size(), nonce.begin());
    const auto ad = block_ad(first + i);
    const std::span<const std::uint8_t> sealed(stored + crypto::kNonceBytes,
                                               kBlockSize + crypto::kTagBytes);
    if (held < kSealedBlock || !crypto::aead_open(m_key, nonce, ad, sealed, plain)) {
      throw Error(ErrorCode::io,
                  m_directory.string() + ": the catalog's scratch file changed under the import",
                  "nothing was stored; run the import again");
    }
  }
}

void EncryptedScratchFile::write_block(std::uint64_t index,
                                       std::span<const std::uint8_t, kBlockSize> in) {
  if (m_run_blocks > 0 && (index != m_run_first + m_run_blocks || m_run_blocks == kRunBlocks)) {
    flush();
  }
  if (m_run_blocks == 0) m_run_first = index;
  std::uint8_t* stored = m_run.data() + m_run_blocks * kSealedBlock;
  const crypto::Nonce nonce = crypto::random_nonce();
  std::copy(nonce.begin(), nonce.end(), stored);
  std::copy(in.begin(), in.end(), stored + crypto::kNonceBytes);
  crypto::aead_seal_in_place(
      m_key, nonce, block_ad(index),
      std::span(stored + crypto::kNonceBytes, kBlockSize + crypto::kTagBytes));
  ++m_run_blocks;
}

void EncryptedScratchFile::read(std::uint64_t offset, std::span<std::uint8_t> out) {
  if (offset > m_size || out.size() > m_size - offset) {
    throw std::logic_error("scratch file: read past the end");
  }
  while (!out.empty()) {
    const std::uint64_t index = offset / kBlockSize;
    const std::size_t within = static_cast<std::size_t>(offset % kBlockSize);
    std::size_t n = 0;
    if (within == 0 && out.size() >= kBlockSize) {
      // Whole blocks, straight into `out`, as many as one read may take.
      const std::size_t count = std::min(out.size() / kBlockSize, kReadBlocks);
      n = count * kBlockSize;
      read_blocks(index, count, out.first(n));
    } else {
      n = std::min(out.size(), kBlockSize - within);
      read_blocks(index, 1, m_block.span());
      std::memcpy(out.data(), m_block.data() + within, n);
      explicit_bzero(m_block.data(), kBlockSize);
    }
    out = out.subspan(n);
    offset += n;
  }
}

void EncryptedScratchFile::write(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const std::uint64_t index = offset / kBlockSize;
    const std::size_t within = static_cast<std::size_t>(offset % kBlockSize);
    const std::size_t n = std::min(bytes.size(), kBlockSize - within);
    if (within == 0 && n == kBlockSize) {
      write_block(index, bytes.first<kBlockSize>());
    } else {
      // Part of a block: what it holds (zeros past the end) with the new bytes over it.
      if (index * kBlockSize < m_size) {
        read_blocks(index, 1, m_block.span());
      } else {
        explicit_bzero(m_block.data(), kBlockSize);
      }
      std::memcpy(m_block.data() + within, bytes.data(), n);
      write_block(index, m_block.span().first<kBlockSize>());
      explicit_bzero(m_block.data(), kBlockSize);
    }
    bytes = bytes.subspan(n);
    offset += n;
    m_size = std::max(m_size, offset);
  }
}

void EncryptedScratchFile::truncate(std::uint64_t size) {
  if (size >= m_size) {
    m_size = size;  // the gap reads as zeros
    return;
  }
  flush();
  const std::uint64_t blocks = (size + kBlockSize - 1) / kBlockSize;
  const std::size_t within = static_cast<std::size_t>(size % kBlockSize);
  if (within != 0) {
    // The last block keeps its first bytes; the rest must read as zeros if the file grows.
    read_blocks(blocks - 1, 1, m_block.span());
    explicit_bzero(m_block.data() + within, kBlockSize - within);
    write_block(blocks - 1, m_block.span().first<kBlockSize>());
    explicit_bzero(m_block.data(), kBlockSize);
    flush();
  }
  if (::ftruncate(m_fd, static_cast<off_t>(blocks * kSealedBlock)) != 0) fail("cannot cut", errno);
  m_size = size;
}

}  // namespace dmvault::import
