// The folder destination, the text-file helper and the choice of destination. The archive
// destinations are in export_archive_sink.cpp.
#include "export/export_sink.hpp"

#include "dmvault/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace dmvault::exporting {

namespace {

[[noreturn]] void io_failure(const std::string& what) {
  throw Error(ErrorCode::io, what + ": " + std::strerror(errno));
}

// A std::streambuf that hands its bytes to a FileWriter in 64 KiB blocks, wiping the block.
class WriterBuffer final : public std::streambuf {
 public:
  explicit WriterBuffer(FileWriter& writer) : m_writer(writer) {
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  }
  ~WriterBuffer() override { std::fill(m_buffer.begin(), m_buffer.end(), '\0'); }
  WriterBuffer(const WriterBuffer&) = delete;
  WriterBuffer& operator=(const WriterBuffer&) = delete;

  void flush_all() { drain(); }

 protected:
  int_type overflow(int_type c) override {
    drain();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  void drain() {
    const auto used = static_cast<std::size_t>(pptr() - pbase());
    if (used > 0) m_writer.write(std::string_view(pbase(), used));
    setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
  }

  FileWriter& m_writer;
  std::array<char, 64 * 1024> m_buffer{};
};

bool ends_with_folded(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

class FdWriter final : public FileWriter {
 public:
  FdWriter(int fd, const std::string& name) : m_fd(fd), m_name(name) {}
  void write(std::span<const std::uint8_t> bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        io_failure(m_name + ": cannot write");
      }
      bytes = bytes.subspan(static_cast<std::size_t>(n));
      m_written += static_cast<std::uint64_t>(n);
    }
  }
  std::uint64_t written() const { return m_written; }

 private:
  int m_fd;
  const std::string& m_name;
  std::uint64_t m_written = 0;
};

class FdGuard {
 public:
  explicit FdGuard(int fd) : m_fd(fd) {}
  ~FdGuard() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd;
};

// Files in a folder, each opened relative to its parent's descriptor with O_NOFOLLOW, so that a
// symlink planted in an existing destination (with --force) cannot redirect a write elsewhere.
class FolderSink final : public OutputSink {
 public:
  FolderSink(std::filesystem::path root, int root_fd)
      : m_root(std::move(root)), m_root_fd(root_fd) {}
  ~FolderSink() override { ::close(m_root_fd); }
  FolderSink(const FolderSink&) = delete;
  FolderSink& operator=(const FolderSink&) = delete;

  void add_file(const FileInfo& file, const std::function<void(FileWriter&)>& produce) override {
    const std::string shown = (m_root / file.path).string();
    std::vector<std::string> parts;
    std::size_t begin = 0;
    for (;;) {
      const std::size_t slash = file.path.find('/', begin);
      parts.push_back(file.path.substr(begin, slash - begin));
      if (slash == std::string::npos) break;
      begin = slash + 1;
    }
    FdGuard dir(::dup(m_root_fd));
    if (dir.get() < 0) io_failure(m_root.string() + ": cannot open the folder");
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (::mkdirat(dir.get(), parts[i].c_str(), 0700) != 0 && errno != EEXIST) {
        io_failure(shown + ": cannot create a folder");
      }
      const int next =
          ::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0) io_failure(shown + ": cannot open a folder on the way");
      dir.reset(next);
    }
    FdGuard fd(::openat(dir.get(), parts.back().c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) io_failure(shown + ": cannot create the file");
    FdWriter writer(fd.get(), shown);
    produce(writer);
    if (file.size && writer.written() != *file.size) {
      throw Error(ErrorCode::corrupted, shown + ": " + std::to_string(writer.written()) +
                                            " bytes written where " + std::to_string(*file.size) +
                                            " were stored");
    }
    if (file.mtime_unix > 0) {
      const std::array<timespec, 2> times{timespec{file.mtime_unix, 0},
                                          timespec{file.mtime_unix, 0}};
      ::futimens(fd.get(), times.data());  // cosmetic: a failure loses no data
    }
    if (::close(fd.release()) != 0) io_failure(shown + ": cannot write");
  }

  void finish() override {
    if (::fsync(m_root_fd) != 0 && errno != EINVAL) io_failure(m_root.string() + ": cannot sync");
  }
  void abandon() noexcept override {}

 private:
  std::filesystem::path m_root;
  int m_root_fd;
};

}  // namespace

std::uint64_t add_text_file(OutputSink& sink, const std::string& path,
                            const std::function<void(std::ostream&)>& produce) {
  struct Counting final : FileWriter {
    explicit Counting(FileWriter& target) : inner(target) {}
    void write(std::span<const std::uint8_t> bytes) override {
      inner.write(bytes);
      count += bytes.size();
    }
    FileWriter& inner;
    std::uint64_t count = 0;
  };
  std::uint64_t size = 0;
  sink.add_file({.path = path, .size = std::nullopt, .mtime_unix = 0}, [&](FileWriter& writer) {
    Counting counting(writer);
    {
      WriterBuffer buffer(counting);
      std::ostream out(&buffer);
      produce(out);
      out.flush();
      buffer.flush_all();
    }
    size = counting.count;
  });
  return size;
}

DestinationKind destination_kind(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (ends_with_folded(name, ".zip")) return DestinationKind::zip;
  if (ends_with_folded(name, ".tar.zst") || ends_with_folded(name, ".tzst")) {
    return DestinationKind::tar_zst;
  }
  if (ends_with_folded(name, ".tar")) return DestinationKind::tar;
  return DestinationKind::folder;
}

void check_destination(const std::filesystem::path& path, bool force) {
  const std::string shown = path.string();
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    io_failure(shown + ": cannot inspect");
  }
  if (destination_kind(path) != DestinationKind::folder) {
    if (S_ISDIR(info.st_mode)) {
      throw Error(ErrorCode::usage, shown + ": is a folder",
                  "give a new archive name, or a folder name without .zip, .tar or .tar.zst");
    }
    if (!force) {
      throw Error(ErrorCode::usage, shown + ": already exists",
                  "choose a new name, or add --force to replace it");
    }
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    throw Error(ErrorCode::usage, shown + ": exists and is not a folder",
                "give a new folder, or a name ending in .zip, .tar or .tar.zst");
  }
  std::error_code ec;
  const bool empty = std::filesystem::is_empty(path, ec);
  if (ec) throw Error(ErrorCode::io, shown + ": cannot read the folder: " + ec.message());
  if (!empty && !force) {
    throw Error(ErrorCode::usage, shown + ": the folder is not empty",
                "export into a new or empty folder, or add --force to write into it");
  }
}

std::unique_ptr<OutputSink> open_destination(const std::filesystem::path& path, bool force) {
  check_destination(path, force);
  const DestinationKind kind = destination_kind(path);
  if (kind != DestinationKind::folder) return open_archive_file(path, kind, force);
  const std::string shown = path.string();
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    io_failure(shown + ": cannot create the folder");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) io_failure(shown + ": cannot open the folder");
  return std::make_unique<FolderSink>(path, fd);
}

}  // namespace dmvault::exporting
