// Storage on a real file: pread/pwrite at explicit offsets, fdatasync, and fcntl OFD locks.
//
// OFD ("open file description") locks rather than classic POSIX locks because POSIX locks belong
// to the process and vanish when *any* descriptor of the file is closed, which a library cannot
// rule out; OFD locks belong to our descriptor alone, also conflict between two opens within one
// process, and are released when it is closed, including by the kernel when we are killed.
#include "dmvault/error.hpp"
#include "dmvault/storage.hpp"
#include "io/storage_errors.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace dmvault {
namespace {

#ifdef RENAME_NOREPLACE
constexpr unsigned kRenameNoReplace = RENAME_NOREPLACE;
#else
constexpr unsigned kRenameNoReplace = 1U;  // <linux/fs.h>; older glibc does not export it
#endif

// The largest offset pread/pwrite/ftruncate accept.
constexpr std::uint64_t kMaxOffset = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return m_fd; }

 private:
  void reset() noexcept {
    // Never retry close(): on Linux the descriptor is gone even when it reports EINTR.
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

  int m_fd = -1;
};

Error busy_error(const std::string& where) {
  return Error(ErrorCode::busy, where + ": vault is in use by another dmvault process",
               "wait for it to finish, or close the other dmvault");
}

// Locks the whole file (l_len 0 also covers bytes appended later) without waiting.
void lock_whole_file(int fd, LockMode mode, const std::string& where) {
  struct flock lock = {};
  lock.l_type = mode == LockMode::exclusive ? F_WRLCK : F_RDLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;
  lock.l_pid = 0;  // required for OFD locks
  while (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    const int error_number = errno;
    if (error_number == EINTR) continue;
    if (error_number == EAGAIN || error_number == EACCES) throw busy_error(where);
    throw Error(ErrorCode::io, where + ": cannot lock: " + io::errno_text(error_number));
  }
}

class FileStorage final : public Storage {
 public:
  FileStorage(UniqueFd fd, std::string name, bool writable)
      : m_fd(std::move(fd)), m_name(std::move(name)), m_writable(writable) {}

  std::uint64_t size() override {
    check_alive();
    struct stat status = {};
    if (::fstat(m_fd.get(), &status) != 0) {
      throw Error(ErrorCode::io, m_name + ": stat failed: " + io::errno_text(errno));
    }
    return static_cast<std::uint64_t>(status.st_size);
  }

  void read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
    check_alive();
    if (out.empty()) return;
    if (offset > kMaxOffset || out.size() > kMaxOffset - offset) {
      throw io::end_of_file_error(m_name, offset);
    }
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(m_fd.get(), out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw io::read_error(m_name, errno);
      }
      if (n == 0) throw io::end_of_file_error(m_name, offset);
      done += static_cast<std::size_t>(n);
    }
  }

  void write_at(std::uint64_t offset, std::span<const std::uint8_t> data) override {
    check_alive();
    check_writable("write");
    if (data.empty()) return;
    if (offset > kMaxOffset || data.size() > kMaxOffset - offset) {
      throw io::write_error(m_name, EFBIG);
    }
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::pwrite(m_fd.get(), data.data() + done, data.size() - done,
                                 static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw io::write_error(m_name, errno);
      }
      // pwrite reports a full disk as a short count first and ENOSPC on the next call; a count
      // of 0 for a non-empty buffer has no better explanation than "nothing more fits".
      if (n == 0) throw io::write_error(m_name, ENOSPC);
      done += static_cast<std::size_t>(n);
    }
  }

  void sync() override { sync_with(::fdatasync); }

  void truncate(std::uint64_t new_size) override {
    check_alive();
    check_writable("truncate");
    if (new_size > kMaxOffset) throw io::truncate_error(m_name, EFBIG);
    while (::ftruncate(m_fd.get(), static_cast<off_t>(new_size)) != 0) {
      if (errno == EINTR) continue;
      throw io::truncate_error(m_name, errno);
    }
  }

  std::string describe() const override { return m_name; }

  // fsync rather than fdatasync: before a new file is published its inode metadata must be on
  // disk too, not only what is needed to read the data back.
  void sync_everything() { sync_with(::fsync); }

 private:
  void sync_with(int (*sync_function)(int)) {
    check_alive();
    // No retry, not even on EINTR: after a failed fsync the kernel may already have dropped the
    // dirty pages and a second fsync would "succeed" without them ("fsyncgate", PostgreSQL 2018).
    if (sync_function(m_fd.get()) != 0) {
      m_dead = io::sync_error(m_name, errno);
      throw *m_dead;
    }
  }

  void check_alive() const {
    if (m_dead) throw *m_dead;
  }

  void check_writable(const char* operation) const {
    if (!m_writable) {
      throw Error(ErrorCode::io, m_name + ": " + operation + " failed: opened read-only");
    }
  }

  UniqueFd m_fd;
  std::string m_name;
  bool m_writable;
  std::optional<Error> m_dead;  // set by a failed sync; every later call rethrows it
};

bool last_component_is_symlink(const std::filesystem::path& path) {
  struct stat status = {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISLNK(status.st_mode);
}

Error open_error(const std::filesystem::path& path, int error_number) {
  const std::string where = path.string();
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return Error(ErrorCode::not_a_vault, where + ": no such file");
    case EISDIR:
      return Error(ErrorCode::not_a_vault, where + ": is a directory, not a vault");
    case ELOOP:
      // O_NOFOLLOW reports a symlink in the last component as ELOOP; a real loop stays io.
      if (last_component_is_symlink(path)) {
        return Error(ErrorCode::not_a_vault, where + ": is a symbolic link",
                     "open the file it points to instead");
      }
      break;
    default:
      break;
  }
  return Error(ErrorCode::io, where + ": open failed: " + io::errno_text(error_number));
}

std::string random_suffix(unsigned attempt) {
  std::uint64_t value = 0;
  if (::getrandom(&value, sizeof value, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof value)) {
    // Only uniqueness matters (O_EXCL catches collisions), not secrecy.
    value = (static_cast<std::uint64_t>(::getpid()) << 32) ^
            static_cast<std::uint64_t>(::time(nullptr)) ^
            (static_cast<std::uint64_t>(attempt) * 0x9e3779b97f4a7c15ULL);
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (std::size_t i = 0; i < text.size(); ++i) text[i] = kDigits[(value >> (4 * i)) & 0xfU];
  return text;
}

Error already_exists_error(const std::string& where) {
  return Error(ErrorCode::io, where + ": already exists", "choose another name or remove it");
}

// A vault under construction: ".<name>.tmp-<random>" beside its final name, locked exclusively.
// After publish() the object has done its job: storage() still refers to the published file
// (same descriptor, still locked), so it may be read back, but callers should destroy the
// NewFile before reopening the vault, since the lock it holds makes any other open busy.
class NewFileImpl final : public NewFile {
 public:
  explicit NewFileImpl(const std::filesystem::path& final_path)
      : m_final_path(final_path.string()), m_final_name(final_path.filename().string()) {
    if (m_final_name.empty() || m_final_name == "." || m_final_name == "..") {
      throw Error(ErrorCode::io, m_final_path + ": not a file name");
    }
    const std::filesystem::path parent = final_path.parent_path();
    m_dir_name = parent.empty() ? std::string(".") : parent.string();
    m_dir = UniqueFd(::open(m_dir_name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (m_dir.get() < 0) {
      throw Error(ErrorCode::io,
                  m_final_path + ": cannot create: " + m_dir_name + ": " + io::errno_text(errno));
    }

    struct stat status = {};
    if (::fstatat(m_dir.get(), m_final_name.c_str(), &status, AT_SYMLINK_NOFOLLOW) == 0) {
      throw already_exists_error(m_final_path);
    }

    remove_abandoned_temporaries();

    UniqueFd fd;
    constexpr unsigned kAttempts = 16;
    for (unsigned attempt = 0; attempt < kAttempts && fd.get() < 0; ++attempt) {
      std::string name = "." + m_final_name + ".tmp-" + random_suffix(attempt);
      const int raw = ::openat(m_dir.get(), name.c_str(),
                               O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (raw >= 0) {
        fd = UniqueFd(raw);
        m_temp_name = std::move(name);
      } else if (errno != EEXIST) {
        throw Error(ErrorCode::io, m_final_path + ": cannot create: " + io::errno_text(errno));
      }
    }
    if (fd.get() < 0) {
      throw Error(ErrorCode::io, m_final_path + ": cannot create a temporary file beside it");
    }
    // The destructor does not run for a constructor that throws, so clean up here.
    try {
      lock_whole_file(fd.get(), LockMode::exclusive, m_final_path);
      m_storage = std::make_unique<FileStorage>(std::move(fd), m_final_path, true);
    } catch (...) {
      ::unlinkat(m_dir.get(), m_temp_name.c_str(), 0);
      throw;
    }
  }

  // A process killed while building a vault leaves its ".<name>.tmp-*" file behind. Such a file
  // is never a vault (it was not published) and holds only ciphertext; it is removed once no
  // living process holds its lock (a creator locks it before writing a byte), so a concurrent
  // init is never disturbed.
  void remove_abandoned_temporaries() {
    const std::string prefix = "." + m_final_name + ".tmp-";
    const int dir_fd = ::dup(m_dir.get());
    if (dir_fd < 0) return;
    DIR* dir = ::fdopendir(dir_fd);
    if (dir == nullptr) {
      ::close(dir_fd);
      return;
    }
    std::vector<std::string> abandoned;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
      UniqueFd fd(::openat(m_dir.get(), name.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
      if (fd.get() < 0) continue;
      // An empty one may belong to a process between its O_EXCL create and its lock: leave it.
      struct stat status = {};
      if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode) || status.st_size == 0) {
        continue;
      }
      struct flock lock = {};
      lock.l_type = F_WRLCK;
      lock.l_whence = SEEK_SET;
      if (::fcntl(fd.get(), F_OFD_SETLK, &lock) == 0) abandoned.push_back(name);
    }
    ::closedir(dir);
    for (const auto& name : abandoned) ::unlinkat(m_dir.get(), name.c_str(), 0);
  }

  NewFileImpl(const NewFileImpl&) = delete;
  NewFileImpl& operator=(const NewFileImpl&) = delete;

  ~NewFileImpl() override {
    if (!m_published) ::unlinkat(m_dir.get(), m_temp_name.c_str(), 0);
  }

  Storage& storage() override { return *m_storage; }

  void publish() override {
    if (m_published) throw std::logic_error("NewFile::publish called twice");
    m_storage->sync_everything();
    rename_without_replacing();
    m_published = true;
    // The rename lives in the directory: until the directory is synced, a power loss may forget
    // the new name even though the file's data is safe.
    if (::fsync(m_dir.get()) != 0) {
      throw Error(ErrorCode::io,
                  m_dir_name + ": fsync failed: " + io::errno_text(errno) + "; " + m_final_path +
                      " may not survive a power loss",
                  "check the disk for errors before relying on the new file");
    }
  }

 private:
  void rename_without_replacing() {
    const long renamed = ::syscall(SYS_renameat2, m_dir.get(), m_temp_name.c_str(), m_dir.get(),
                                   m_final_name.c_str(), kRenameNoReplace);
    if (renamed == 0) return;
    const int error_number = errno;
    if (error_number == EEXIST) throw already_exists_error(m_final_path);
    if (error_number != EINVAL && error_number != ENOSYS) {
      throw Error(ErrorCode::io, m_final_path + ": rename failed: " + io::errno_text(error_number));
    }
    // The filesystem (or kernel) lacks RENAME_NOREPLACE; link() refuses to replace as well.
    if (::linkat(m_dir.get(), m_temp_name.c_str(), m_dir.get(), m_final_name.c_str(), 0) != 0) {
      if (errno == EEXIST) throw already_exists_error(m_final_path);
      throw Error(ErrorCode::io, m_final_path + ": rename failed: " + io::errno_text(errno));
    }
    // The new name is in place; a leftover second name would be untidy but loses nothing, and
    // failing here would wrongly tell the caller the vault was not created.
    ::unlinkat(m_dir.get(), m_temp_name.c_str(), 0);
  }

  std::string m_final_path;
  std::string m_final_name;
  std::string m_dir_name;
  std::string m_temp_name;
  UniqueFd m_dir;
  std::unique_ptr<FileStorage> m_storage;
  bool m_published = false;
};

}  // namespace

std::unique_ptr<Storage> open_file_storage(const std::filesystem::path& path, LockMode mode) {
  const std::string where = path.string();
  const bool writable = mode == LockMode::exclusive;
  // O_NONBLOCK so that a FIFO planted at the path cannot hang the open; regular files ignore it,
  // and it is cleared below anyway.
  const int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
  UniqueFd fd(::open(path.c_str(), flags));
  if (fd.get() < 0) throw open_error(path, errno);

  struct stat status = {};
  if (::fstat(fd.get(), &status) != 0) {
    throw Error(ErrorCode::io, where + ": stat failed: " + io::errno_text(errno));
  }
  if (S_ISDIR(status.st_mode)) {
    throw Error(ErrorCode::not_a_vault, where + ": is a directory, not a vault");
  }
  if (!S_ISREG(status.st_mode)) {
    throw Error(ErrorCode::not_a_vault, where + ": not a regular file");
  }
  const int status_flags = ::fcntl(fd.get(), F_GETFL);
  if (status_flags < 0 || ::fcntl(fd.get(), F_SETFL, status_flags & ~O_NONBLOCK) != 0) {
    throw Error(ErrorCode::io, where + ": open failed: " + io::errno_text(errno));
  }

  lock_whole_file(fd.get(), mode, where);
  return std::make_unique<FileStorage>(std::move(fd), where, writable);
}

std::unique_ptr<NewFile> create_new_file(const std::filesystem::path& final_path) {
  return std::make_unique<NewFileImpl>(final_path);
}

}  // namespace dmvault
