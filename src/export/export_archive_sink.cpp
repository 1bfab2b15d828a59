// The archive destinations: zip, tar (POSIX pax) and tar.zst, written with libarchive's writer
// as one stream to the destination file. A zip entry of unknown size is streamed (its sizes
// follow the data in a data descriptor); a tar header must state the size first, so a generated
// tar member of unknown size is held in memory (wiped afterwards) until it is complete. Media
// and original files always come with their stored size and are streamed.
#include "dmvault/error.hpp"
#include "export/export_sink.hpp"
#include "util/utf8_locale.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace dmvault::exporting {

namespace {

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

class ArchiveSink final : public OutputSink {
 public:
  ArchiveSink(int fd, bool owns_fd, DestinationKind kind, std::string name,
              std::filesystem::path remove_on_abandon)
      : m_fd(fd),
        m_owns_fd(owns_fd),
        m_kind(kind),
        m_name(std::move(name)),
        m_remove(std::move(remove_on_abandon)) {
    const util::ScopedUtf8Locale locale;
    m_archive = archive_write_new();
    if (m_archive == nullptr) throw std::bad_alloc();
    bool ok = true;
    if (kind == DestinationKind::zip) {
      ok = archive_write_set_format_zip(m_archive) == ARCHIVE_OK &&
           archive_write_set_options(m_archive, "zip:hdrcharset=UTF-8") == ARCHIVE_OK;
    } else {
      ok = archive_write_set_format_pax_restricted(m_archive) == ARCHIVE_OK;
      if (ok && kind == DestinationKind::tar_zst) {
        ok = archive_write_add_filter_zstd(m_archive) == ARCHIVE_OK;
      }
    }
    // No padding of the last block to 10 KiB: after a compressor it would be trailing garbage
    // that zstd refuses; a tar's own end-of-archive blocks are still written.
    ok = ok && archive_write_set_bytes_in_last_block(m_archive, 1) == ARCHIVE_OK;
    ok = ok && archive_write_open(m_archive, this, nullptr, &ArchiveSink::write_callback,
                                  nullptr) == ARCHIVE_OK;
    if (!ok) {
      const std::string why = error_text();
      archive_write_free(m_archive);
      m_archive = nullptr;
      throw Error(ErrorCode::io, m_name + ": cannot start the archive: " + why);
    }
  }
  ~ArchiveSink() override {
    const util::ScopedUtf8Locale locale;
    if (m_archive != nullptr) archive_write_free(m_archive);
    if (m_owns_fd && m_fd >= 0) ::close(m_fd);
  }
  ArchiveSink(const ArchiveSink&) = delete;
  ArchiveSink& operator=(const ArchiveSink&) = delete;

  void add_file(const FileInfo& file, const std::function<void(FileWriter&)>& produce) override {
    if (!file.size && m_kind != DestinationKind::zip) {
      // The header needs the size: collect the member first.
      MemoryWriter memory;
      produce(memory);
      FileInfo sized = file;
      sized.size = memory.bytes.size();
      write_entry(sized, [&](FileWriter& out) { out.write(std::span(memory.bytes)); });
      std::fill(memory.bytes.begin(), memory.bytes.end(), std::uint8_t{0});
      return;
    }
    write_entry(file, produce);
  }

  void finish() override {
    const util::ScopedUtf8Locale locale;
    if (archive_write_close(m_archive) != ARCHIVE_OK) fail("cannot complete the archive");
    if (m_callback_errno != 0) fail("cannot complete the archive");
    if (::fsync(m_fd) != 0 && errno != EINVAL && errno != EROFS) {
      throw Error(ErrorCode::io, m_name + ": cannot sync: " + std::strerror(errno));
    }
    if (m_owns_fd) {
      const int fd = std::exchange(m_fd, -1);
      if (::close(fd) != 0) {
        throw Error(ErrorCode::io, m_name + ": cannot write: " + std::strerror(errno));
      }
    }
    m_finished = true;
  }

  void abandon() noexcept override {
    if (m_finished) return;
    const util::ScopedUtf8Locale locale;
    if (m_archive != nullptr) {
      archive_write_free(m_archive);  // may try to write a trailer; the file goes anyway
      m_archive = nullptr;
    }
    if (!m_remove.empty()) ::unlink(m_remove.c_str());
  }

 private:
  struct MemoryWriter final : FileWriter {
    std::vector<std::uint8_t> bytes;
    void write(std::span<const std::uint8_t> data) override {
      bytes.insert(bytes.end(), data.begin(), data.end());
    }
  };

  class EntryWriter final : public FileWriter {
   public:
    explicit EntryWriter(ArchiveSink& sink) : m_sink(sink) {}
    void write(std::span<const std::uint8_t> bytes) override {
      while (!bytes.empty()) {
        const la_ssize_t n = archive_write_data(m_sink.m_archive, bytes.data(), bytes.size());
        if (n <= 0) m_sink.fail("cannot write");
        bytes = bytes.subspan(static_cast<std::size_t>(n));
        m_written += static_cast<std::uint64_t>(n);
      }
    }
    std::uint64_t written() const { return m_written; }

   private:
    ArchiveSink& m_sink;
    std::uint64_t m_written = 0;
  };

  void write_entry(const FileInfo& file, const std::function<void(FileWriter&)>& produce) {
    const util::ScopedUtf8Locale locale;
    archive_entry* entry = archive_entry_new();
    if (entry == nullptr) throw std::bad_alloc();
    struct EntryFree {
      archive_entry* e;
      ~EntryFree() { archive_entry_free(e); }
    } entry_free{entry};
    if (!util::has_utf8_locale() && !is_ascii(file.path)) {
      throw Error(ErrorCode::io,
                  m_name + ": " + file.path +
                      ": cannot write a non-ASCII name: the system has no UTF-8 "
                      "locale (C.UTF-8)",
                  "export to a folder instead");
    }
    archive_entry_copy_pathname(entry, file.path.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0600);
    archive_entry_set_mtime(entry, file.mtime_unix > 0 ? file.mtime_unix : m_now, 0);
    if (file.size) archive_entry_set_size(entry, static_cast<la_int64_t>(*file.size));
    // ARCHIVE_WARN: a name the legacy header fields cannot hold; the UTF-8 one is written.
    if (archive_write_header(m_archive, entry) < ARCHIVE_WARN) {
      fail(file.path + ": cannot write the entry");
    }
    EntryWriter writer(*this);
    produce(writer);
    if (file.size && writer.written() != *file.size) {
      throw Error(ErrorCode::corrupted,
                  m_name + ": " + file.path + ": " + std::to_string(writer.written()) +
                      " bytes written where " + std::to_string(*file.size) + " were stored");
    }
    if (archive_write_finish_entry(m_archive) < ARCHIVE_WARN) {
      fail(file.path + ": cannot finish the entry");
    }
  }

  static la_ssize_t write_callback(archive* /*a*/, void* self, const void* buffer, size_t length) {
    auto* sink = static_cast<ArchiveSink*>(self);
    const auto* bytes = static_cast<const std::uint8_t*>(buffer);
    std::size_t done = 0;
    while (done < length) {
      const ssize_t n = ::write(sink->m_fd, bytes + done, length - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        sink->m_callback_errno = errno;
        return -1;
      }
      done += static_cast<std::size_t>(n);
    }
    return static_cast<la_ssize_t>(length);
  }

  std::string error_text() const {
    if (m_callback_errno != 0) return std::strerror(m_callback_errno);
    const char* text = m_archive != nullptr ? archive_error_string(m_archive) : nullptr;
    return text != nullptr ? text : "unknown libarchive error";
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::io, m_name + ": " + what + ": " + error_text());
  }

  archive* m_archive = nullptr;
  int m_fd;
  bool m_owns_fd;
  DestinationKind m_kind;
  std::string m_name;
  std::filesystem::path m_remove;
  int m_callback_errno = 0;
  bool m_finished = false;
  std::time_t m_now = std::time(nullptr);
};

}  // namespace

std::unique_ptr<OutputSink> archive_sink_on_fd(int fd, DestinationKind kind,
                                               const std::string& name) {
  if (kind == DestinationKind::folder) throw std::invalid_argument("archive_sink_on_fd: a folder");
  return std::make_unique<ArchiveSink>(fd, false, kind, name, std::filesystem::path());
}

std::unique_ptr<OutputSink> open_archive_file(const std::filesystem::path& path,
                                              DestinationKind kind, bool force) {
  check_destination(path, force);
  const std::string shown = path.string();
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    throw Error(ErrorCode::io, shown + ": cannot create the archive: " + std::strerror(errno));
  }
  try {
    return std::make_unique<ArchiveSink>(fd, true, kind, shown, path);
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
}

}  // namespace dmvault::exporting
