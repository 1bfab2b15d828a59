#include "gen_sink.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <unordered_set>
#include <vector>

namespace dmvault::formats::instagram::generator {
namespace {

std::runtime_error io_error(const std::filesystem::path& path, std::string_view what, int err) {
  return std::runtime_error(path.string() + ": " + std::string(what) + ": " + std::strerror(err));
}

class FolderSink final : public ExportSink {
 public:
  FolderSink(std::filesystem::path root, std::int64_t mtime_unix)
      : m_root(std::move(root)), m_mtime(mtime_unix) {}

  ~FolderSink() override {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

  void begin_file(std::string_view path, std::uint64_t size, bool /*compressible*/) override {
    m_path = m_root / std::filesystem::path(path);
    ensure_parent(std::string(path));
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      throw io_error(m_path, "cannot create the file", errno);
    }
    m_expected = size;
    m_written = 0;
  }

  void write(const char* data, std::size_t size) override {
    m_written += size;
    while (size > 0) {
      const ssize_t n = ::write(m_fd, data, size);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw io_error(m_path, "cannot write", errno);
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  void end_file() override {
    if (m_written != m_expected) {
      throw std::logic_error(m_path.string() + ": wrote " + std::to_string(m_written) +
                             " bytes, announced " + std::to_string(m_expected));
    }
    const timespec times[2] = {{m_mtime, 0}, {m_mtime, 0}};
    if (::futimens(m_fd, times) != 0) {
      throw io_error(m_path, "cannot set the modification time", errno);
    }
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
      throw io_error(m_path, "cannot close", errno);
    }
  }

  void finish() override {}

 private:
  // Creates the parent folders of `relative` once each (the set spares a syscall per file).
  void ensure_parent(const std::string& relative) {
    const auto slash = relative.rfind('/');
    if (slash == std::string::npos) {
      return;
    }
    std::string parent = relative.substr(0, slash);
    if (m_created.contains(parent)) {
      return;
    }
    std::error_code ec;
    std::filesystem::create_directories(m_root / parent, ec);
    if (ec) {
      throw io_error(m_root / parent, "cannot create the folder", ec.value());
    }
    m_created.insert(std::move(parent));
  }

  std::filesystem::path m_root;
  std::int64_t m_mtime;
  std::unordered_set<std::string> m_created;
  std::filesystem::path m_path;
  int m_fd = -1;
  std::uint64_t m_expected = 0;
  std::uint64_t m_written = 0;
};

class ZipSink final : public ExportSink {
 public:
  ZipSink(const std::filesystem::path& root, unsigned parts, std::int64_t mtime_unix)
      : m_mtime(mtime_unix) {
    m_parts.resize(parts);
    for (unsigned i = 0; i < parts; ++i) {
      Part& part = m_parts[i];
      part.path = root / ("part" + std::to_string(i + 1) + ".zip");
      part.writer.reset(archive_write_new());
      if (!part.writer) {
        throw std::runtime_error(part.path.string() + ": out of memory");
      }
      check(part, archive_write_set_format_zip(part.writer.get()), "cannot select the zip format");
      // No padding after the central directory: a zip is not a tape.
      check(part, archive_write_set_bytes_in_last_block(part.writer.get(), 1),
            "cannot configure the writer");
      check(part, archive_write_open_filename(part.writer.get(), part.path.c_str()),
            "cannot create the zip");
    }
  }

  void begin_file(std::string_view path, std::uint64_t size, bool compressible) override {
    std::size_t chosen = 0;
    for (std::size_t i = 1; i < m_parts.size(); ++i) {
      if (m_parts[i].bytes < m_parts[chosen].bytes) {
        chosen = i;
      }
    }
    m_current = &m_parts[chosen];
    m_current->bytes += size;
    archive* writer = m_current->writer.get();
    // Per entry (format options are frozen once the zip is open).
    check(*m_current,
          compressible ? archive_write_zip_set_compression_deflate(writer)
                       : archive_write_zip_set_compression_store(writer),
          "cannot select the compression");
    const std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    if (!entry) {
      throw std::runtime_error(m_current->path.string() + ": out of memory");
    }
    const std::string name(path);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(entry.get(), m_mtime, 0);
    check(*m_current, archive_write_header(writer, entry.get()), "cannot add " + name);
  }

  void write(const char* data, std::size_t size) override {
    while (size > 0) {
      const la_ssize_t n = archive_write_data(m_current->writer.get(), data, size);
      if (n <= 0) {
        fail(*m_current, "cannot write");
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

  void end_file() override {
    check(*m_current, archive_write_finish_entry(m_current->writer.get()),
          "cannot finish an entry");
    m_current = nullptr;
  }

  void finish() override {
    for (Part& part : m_parts) {
      check(part, archive_write_close(part.writer.get()), "cannot finish the zip");
      part.writer.reset();
    }
  }

 private:
  struct WriterFree {
    void operator()(archive* a) const { archive_write_free(a); }
  };
  struct EntryFree {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
  };

  struct Part {
    std::filesystem::path path;
    std::unique_ptr<archive, WriterFree> writer;
    std::uint64_t bytes = 0;
  };

  [[noreturn]] static void fail(Part& part, const std::string& what) {
    const char* detail = archive_error_string(part.writer.get());
    throw std::runtime_error(part.path.string() + ": " + what + ": " +
                             (detail != nullptr ? detail : "libarchive error"));
  }

  static void check(Part& part, int status, const std::string& what) {
    if (status != ARCHIVE_OK) {
      fail(part, what);
    }
  }

  std::int64_t m_mtime;
  std::vector<Part> m_parts;
  Part* m_current = nullptr;
};

}  // namespace

std::unique_ptr<ExportSink> make_folder_sink(const std::filesystem::path& root,
                                             std::int64_t mtime_unix) {
  return std::make_unique<FolderSink>(root, mtime_unix);
}

std::unique_ptr<ExportSink> make_zip_sink(const std::filesystem::path& root, unsigned parts,
                                          std::int64_t mtime_unix) {
  return std::make_unique<ZipSink>(root, parts, mtime_unix);
}

}  // namespace dmvault::formats::instagram::generator
