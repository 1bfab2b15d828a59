// The archive side of ExportTree: zip and tar (plain, gzip, zstd, bzip2, xz) through libarchive's
// read API only. Nothing here can write to disk: archive_write_disk is never used.
//
// Zip: the seekable reader (archive_read_support_format_zip_seekable), not the streaming one. The
// central directory at the end of a zip is what every unzip tool trusts; the local headers the
// streaming reader walks can disagree with it (zips written with data descriptors leave sizes
// out of them, appended or prepended data shifts them, a crafted zip hides entries behind them).
// The seekable reader takes names, sizes, the UTF-8 flag and encryption bits from the central
// directory and seeks to each entry, so it also skips an entry nobody reads without inflating
// it. Exports are always files, so seeking is always possible. The cost is that a zip cut short
// (no central directory) is not readable at all; probe_archive says so plainly.
//
// Names: libarchive converts names between the archive's charset and the C library's current
// locale, which in a program that never called setlocale() is ASCII, where every non-ASCII
// UTF-8 name (an emoji in a chat title) fails to convert. Every libarchive call therefore runs
// with the calling thread switched to a UTF-8 locale (uselocale, so nothing else in the process
// is affected): UTF-8-flagged zip names and pax names arrive as UTF-8, other names arrive as
// their raw bytes, and normalize_entry_name refuses whatever is not valid UTF-8 (a CP437 name
// from an old Windows zipper). Guessing a legacy charset would invent names the export never had.
#include "io/export_tree_internal.hpp"
#include "util/utf8_locale.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <span>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dmvault::io {

namespace {

// Bytes handed to libarchive per read of the file.
constexpr std::size_t kBlockBytes = 64 * 1024;
// At most this many uncompressed bytes come out between two checks of the limits.
constexpr std::size_t kChunkBytes = 256 * 1024;
// The buffer that discards what a callback left unread in a compressed stream.
constexpr std::size_t kDrainBytes = 64 * 1024;

constexpr std::string_view kUndecodableName = "(name not decodable as UTF-8)";

// One libarchive reader over one part, fed from a file descriptor we own. Construct and use it
// inside a util::ScopedUtf8Locale.
class ArchiveFile {
 public:
  ArchiveFile(const std::filesystem::path& path, const std::string& shown) {
    m_fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (m_fd.get() < 0) {
      throw Error(ErrorCode::bad_input, shown + ": cannot open: " + std::strerror(errno),
                  "check that the export is readable");
    }
    struct stat st {};
    if (::fstat(m_fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
      throw Error(ErrorCode::bad_input, shown + ": not a zip or tar archive, nor a folder",
                  std::string(kNotAnExportHint));
    }
    m_file_size = static_cast<std::uint64_t>(st.st_size);
    m_block = std::make_unique<std::uint8_t[]>(kBlockBytes);

    m_archive = archive_read_new();
    if (m_archive == nullptr) throw std::bad_alloc();
    enable_formats(shown);
    archive_read_set_callback_data(m_archive, this);
    archive_read_set_read_callback(m_archive, &ArchiveFile::read_callback);
    archive_read_set_skip_callback(m_archive, &ArchiveFile::skip_callback);
    archive_read_set_seek_callback(m_archive, &ArchiveFile::seek_callback);
    // libarchive detects the compression and the format here; whoever opened the file says
    // what a failure means (probe_archive explains it, a visit reports damage).
    m_opened = archive_read_open1(m_archive) == ARCHIVE_OK;
  }

  ~ArchiveFile() {
    if (m_archive != nullptr) archive_read_free(m_archive);
  }
  ArchiveFile(const ArchiveFile&) = delete;
  ArchiveFile& operator=(const ArchiveFile&) = delete;

  archive* get() const { return m_archive; }
  bool opened() const { return m_opened; }
  int os_error() const { return m_os_error; }
  std::uint64_t file_size() const { return m_file_size; }

  std::string message() const {
    const char* text = archive_error_string(m_archive);
    std::string message = text != nullptr ? text : "unknown error";
    // Some of libarchive's messages end in a newline or a full stop; ours do not.
    while (!message.empty() &&
           (message.back() == '\n' || message.back() == '.' || message.back() == ' ')) {
      message.pop_back();
    }
    return message;
  }

  // Where libarchive is in the file: compressed bytes consumed for a compressed tar, the offset
  // of the data being read for a zip.
  std::uint64_t raw_position() const {
    const la_int64_t position = archive_filter_bytes(m_archive, -1);
    return position > 0 ? static_cast<std::uint64_t>(position) : 0;
  }

  // A tar inside gzip, zstd, bzip2 or xz: skipping data means decompressing it.
  bool is_compressed() const { return archive_filter_count(m_archive) > 1; }

  // The first bytes of the file, read directly (for messages about unrecognised files).
  std::string head(std::size_t count) const {
    std::string bytes(count, '\0');
    const ssize_t got = ::pread(m_fd.get(), bytes.data(), count, 0);
    bytes.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return bytes;
  }

 private:
  void enable_formats(const std::string& shown) {
    // Only what exports come in: a smaller attack surface than archive_read_support_*_all.
    // A filter is enabled only when libarchive has its library built in; otherwise libarchive
    // would run an external program (gzip -d ...) on the untrusted bytes.
    bool ok = archive_read_support_format_zip_seekable(m_archive) == ARCHIVE_OK &&
              archive_read_support_format_tar(m_archive) == ARCHIVE_OK;
    if (archive_zlib_version() != nullptr) {
      ok = ok && archive_read_support_filter_gzip(m_archive) == ARCHIVE_OK;
    }
    if (archive_libzstd_version() != nullptr) {
      ok = ok && archive_read_support_filter_zstd(m_archive) == ARCHIVE_OK;
    }
    if (archive_bzlib_version() != nullptr) {
      ok = ok && archive_read_support_filter_bzip2(m_archive) == ARCHIVE_OK;
    }
    if (archive_liblzma_version() != nullptr) {
      ok = ok && archive_read_support_filter_xz(m_archive) == ARCHIVE_OK;
    }
    if (!ok) {
      throw Error(ErrorCode::io, shown + ": libarchive cannot read zip or tar: " + message(),
                  "reinstall libarchive");
    }
  }

  static la_ssize_t read_callback(archive* a, void* data, const void** buffer) {
    auto* self = static_cast<ArchiveFile*>(data);
    for (;;) {
      const ssize_t got = ::read(self->m_fd.get(), self->m_block.get(), kBlockBytes);
      if (got >= 0) {
        *buffer = self->m_block.get();
        return got;
      }
      if (errno == EINTR) continue;
      self->m_os_error = errno;
      archive_set_error(a, errno, "read failed");
      return -1;
    }
  }

  // Skips forward without reading; never past the end, so a header that promises more data than
  // the file holds shows up as truncation rather than as a seek into nothing.
  static la_int64_t skip_callback(archive* a, void* data, la_int64_t request) {
    auto* self = static_cast<ArchiveFile*>(data);
    const off_t current = ::lseek(self->m_fd.get(), 0, SEEK_CUR);
    if (current < 0 || request <= 0) return 0;
    const auto here = static_cast<std::uint64_t>(current);
    const std::uint64_t left = self->m_file_size > here ? self->m_file_size - here : 0;
    const std::uint64_t step = std::min(static_cast<std::uint64_t>(request), left);
    if (::lseek(self->m_fd.get(), static_cast<off_t>(here + step), SEEK_SET) < 0) {
      self->m_os_error = errno;
      archive_set_error(a, errno, "seek failed");
      return ARCHIVE_FATAL;
    }
    return static_cast<la_int64_t>(step);
  }

  static la_int64_t seek_callback(archive* a, void* data, la_int64_t offset, int whence) {
    auto* self = static_cast<ArchiveFile*>(data);
    const off_t position = ::lseek(self->m_fd.get(), static_cast<off_t>(offset), whence);
    if (position < 0) {
      self->m_os_error = errno;
      archive_set_error(a, errno, "seek failed");
      return ARCHIVE_FATAL;
    }
    return static_cast<la_int64_t>(position);
  }

  UniqueFd m_fd;
  std::unique_ptr<std::uint8_t[]> m_block;
  archive* m_archive = nullptr;
  int m_os_error = 0;
  std::uint64_t m_file_size = 0;
  bool m_opened = false;
};

[[noreturn]] void read_failure(const ArchiveFile& file, VisitBudget& budget) {
  if (file.os_error() != 0) budget.os_failure("cannot read the archive", file.os_error());
  budget.damaged(file.message());
}

// An empty zip is nothing but its end record, which the seekable reader does not recognise.
bool is_empty_zip(std::string_view head, std::uint64_t file_size) {
  if (head.size() < 22 || head.substr(0, 4) != std::string_view("PK\x05\x06", 4)) return false;
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(head[i]));
  };
  const std::uint64_t comment = byte(20) | (byte(21) << 8);
  return byte(8) == 0 && byte(9) == 0 && byte(10) == 0 && byte(11) == 0 &&
         file_size == 22u + comment;
}

// The bytes of the member at hand, with every limit checked as they come out.
class ArchiveEntryReader final : public EntryReader {
 public:
  ArchiveEntryReader(ArchiveFile& file, VisitBudget& budget, std::uint64_t& part_raw)
      : m_file(file), m_budget(budget), m_raw_start(file.raw_position()), m_part_raw(part_raw) {
    m_part_raw = std::max(m_part_raw, m_raw_start);
  }

  std::size_t read(std::span<std::uint8_t> out) override {
    m_budget.check_failed();
    util::ScopedUtf8Locale locale;
    const std::size_t count = pull(out);
    m_budget.delivered(count);
    return count;
  }

  // Gets past whatever the callback left unread.
  void finish(std::vector<std::uint8_t>& drain) {
    if (m_end) return;
    util::ScopedUtf8Locale locale;
    if (m_file.is_compressed()) {
      // libarchive would decompress the rest to skip it anyway; doing it here keeps the size
      // and ratio limits on, so a bomb nobody reads still trips them.
      if (drain.empty()) drain.resize(kDrainBytes);
      while (pull(drain) == drain.size()) {
      }
    } else if (archive_read_data_skip(m_file.get()) != ARCHIVE_OK) {
      read_failure(m_file, m_budget);
    }
    m_end = true;
  }

 private:
  std::size_t pull(std::span<std::uint8_t> out) {
    std::size_t total = 0;
    while (total < out.size() && !m_end) {
      const auto want = static_cast<std::size_t>(
          std::min<std::uint64_t>({out.size() - total, kChunkBytes, m_budget.read_allowance()}));
      const la_ssize_t got = archive_read_data(m_file.get(), out.data() + total, want);
      if (got < 0) read_failure(m_file, m_budget);
      if (got == 0) {
        m_end = true;
        break;
      }
      const auto count = static_cast<std::uint64_t>(got);
      m_budget.produced(count);
      const std::uint64_t raw = m_file.raw_position();
      m_part_raw = std::max(m_part_raw, raw);
      m_budget.check_ratio(raw > m_raw_start ? raw - m_raw_start : 0, m_part_raw);
      total += static_cast<std::size_t>(count);
    }
    return total;
  }

  ArchiveFile& m_file;
  VisitBudget& m_budget;
  std::uint64_t m_raw_start;
  // The furthest the part's file has been consumed: the denominator of the part's ratio. For a
  // zip it stays at the shared data when entries overlap, which is what trips such bombs.
  std::uint64_t& m_part_raw;
  bool m_end = false;
};

// Why a member is not visited, or nullptr when it is a regular file (whose name is judged next).
const char* type_refusal(archive_entry* header, bool& is_directory) {
  is_directory = false;
  if (archive_entry_hardlink(header) != nullptr) return "hard link";
  switch (archive_entry_filetype(header)) {
    case AE_IFREG:
      return nullptr;
    case AE_IFDIR:
      is_directory = true;
      return nullptr;
    case AE_IFLNK:
      return "symbolic link";
    case AE_IFCHR:
    case AE_IFBLK:
      return "device file";
    case AE_IFIFO:
      return "fifo";
    case AE_IFSOCK:
      return "socket";
    default:
      return "unsupported entry type";
  }
}

}  // namespace

ArchiveKind probe_archive(const std::filesystem::path& path, const std::string& shown_name) {
  util::ScopedUtf8Locale locale;
  ArchiveFile file(path, shown_name);
  if (file.opened()) {
    archive_entry* header = nullptr;
    const int status = archive_read_next_header(file.get(), &header);
    if (status == ARCHIVE_OK || status == ARCHIVE_WARN || status == ARCHIVE_EOF) {
      return ArchiveKind::archive;
    }
  }
  if (file.os_error() != 0) {
    throw Error(ErrorCode::bad_input,
                shown_name + ": cannot read: " + std::strerror(file.os_error()),
                "check that the export is readable");
  }
  if (archive_format(file.get()) != 0) {
    throw Error(ErrorCode::bad_input,
                shown_name + ": archive is truncated or damaged: " + printable(file.message()),
                std::string(kDamagedHint));
  }
  // Not recognised. Say more where the first bytes allow it.
  const std::string head = file.head(22);
  const std::string_view magic = std::string_view(head).substr(0, 4);
  if (magic == std::string_view("PK\x03\x04", 4) || magic == std::string_view("PK\x07\x08", 4)) {
    throw Error(
        ErrorCode::bad_input,
        shown_name + ": zip archive is truncated or damaged: its central directory is missing",
        std::string(kDamagedHint));
  }
  if (is_empty_zip(head, file.file_size())) return ArchiveKind::empty_zip;
  if (file.is_compressed()) {
    const char* filter = archive_filter_name(file.get(), 0);
    throw Error(ErrorCode::bad_input,
                shown_name + ": " + (filter != nullptr ? filter : "compressed") +
                    " data that is not a tar archive, or is damaged",
                std::string(kNotAnExportHint));
  }
  return ArchiveKind::not_an_archive;
}

void visit_archive(const std::filesystem::path& path, VisitBudget& budget,
                   const ExportTree::Visitor& visitor) {
  std::optional<ArchiveFile> file;
  {
    util::ScopedUtf8Locale locale;
    file.emplace(path, budget.part_name());
    if (!file->opened()) read_failure(*file, budget);
  }
  std::uint64_t part_raw = 0;
  std::vector<std::uint8_t> drain;
  for (;;) {
    ExportEntry entry;
    entry.part = budget.part_index();
    bool deliver = false;
    {
      util::ScopedUtf8Locale locale;
      archive_entry* header = nullptr;
      const int status = archive_read_next_header(file->get(), &header);
      if (status == ARCHIVE_EOF) break;
      // ARCHIVE_WARN leaves a usable header: typically a name that could not be converted,
      // which shows up below as a null pathname.
      if (status < ARCHIVE_WARN) read_failure(*file, budget);

      const char* raw_name = archive_entry_pathname(header);
      budget.begin_member(raw_name != nullptr ? printable(raw_name)
                                              : std::string(kUndecodableName));
      const la_int64_t size = archive_entry_size_is_set(header) ? archive_entry_size(header) : 0;
      const std::uint64_t declared = size > 0 ? static_cast<std::uint64_t>(size) : 0;

      bool is_directory = false;
      std::string refusal;
      if (const char* type = type_refusal(header, is_directory)) {
        refusal = type;
      } else if (!is_directory) {
        if (raw_name == nullptr) {
          refusal = "name is not valid UTF-8";
        } else {
          NormalizedName name = normalize_entry_name(raw_name, budget.limits());
          if (!name.reason.empty()) {
            refusal = std::move(name.reason);
          } else if (archive_entry_is_encrypted(header)) {
            refusal = "encrypted";
          } else {
            entry.path = std::move(name.path);
          }
        }
      }
      if (!refusal.empty()) budget.skip(std::move(refusal));
      deliver = !is_directory && !entry.path.empty();
      if (deliver) {
        entry.size = declared;
        entry.mtime_unix = archive_entry_mtime_is_set(header)
                               ? static_cast<std::int64_t>(archive_entry_mtime(header))
                               : 0;
        budget.begin_entry(declared, printable(entry.path));
      } else {
        // Data of members that are not visited is still bounded: a tar header claiming
        // terabytes fails here, and draining a compressed one runs through the ratio check.
        budget.begin_entry(declared);
      }
    }
    ArchiveEntryReader reader(*file, budget, part_raw);
    if (deliver) {
      visitor(entry, reader);
      budget.check_failed();
    }
    reader.finish(drain);
    budget.end_member();
  }
}

}  // namespace dmvault::io
