#include "export_test_support.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <locale.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <system_error>
#include <unistd.h>
#include <zlib.h>

namespace dmvault::io::export_testing {

namespace {

// Switches this thread's locale for the duration of a write (libarchive converts names through
// it), leaving the process's global locale alone.
class LocaleScope {
 public:
  explicit LocaleScope(const char* name) {
    m_locale = newlocale(LC_ALL_MASK, name, locale_t{});
    if (m_locale == locale_t{}) throw std::runtime_error(std::string("no locale ") + name);
    m_previous = uselocale(m_locale);
  }
  ~LocaleScope() {
    uselocale(m_previous);
    freelocale(m_locale);
  }
  LocaleScope(const LocaleScope&) = delete;
  LocaleScope& operator=(const LocaleScope&) = delete;

 private:
  locale_t m_locale{};
  locale_t m_previous{};
};

void check(archive* a, int status, const char* what) {
  if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
    const char* message = archive_error_string(a);
    throw std::runtime_error(std::string(what) + ": " + (message != nullptr ? message : "?"));
  }
}

void put16(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>((value >> 8) & 0xff);
}

void put32(std::string& out, std::uint32_t value) {
  put16(out, value & 0xffff);
  put16(out, value >> 16);
}

// Raw deflate of `bytes` alone, ended by a full flush: byte-aligned, not final, and referring to
// nothing before it, so such pieces can be concatenated into one valid stream.
std::string deflate_piece(std::string_view bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FULL_FLUSH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_OK || stream.avail_in != 0) throw std::runtime_error("deflate");
  return out;
}

// An empty final block (fixed Huffman, end-of-block code only).
constexpr std::string_view kFinalBlock("\x03\x00", 2);
constexpr std::size_t kMebibyte = 1 << 20;

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/dmvault-export-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

Member file(std::string name, std::string data) {
  return {std::move(name), std::move(data), Member::Kind::file, {}, kMtime};
}

Member folder(std::string name) { return {std::move(name), {}, Member::Kind::folder, {}, kMtime}; }

Member special(std::string name, Member::Kind kind, std::string target) {
  return {std::move(name), {}, kind, std::move(target), kMtime};
}

const char* container_name(Container container) {
  switch (container) {
    case Container::zip:
      return "zip";
    case Container::pax:
      return "pax";
    case Container::ustar:
      return "ustar";
    case Container::gnutar:
      return "gnutar";
    case Container::tar_gz:
      return "tar_gz";
    case Container::tar_zst:
      return "tar_zst";
    case Container::tar_xz:
      return "tar_xz";
    case Container::tar_bz2:
      return "tar_bz2";
  }
  return "?";
}

void write_archive(const std::filesystem::path& path, Container container,
                   const std::vector<Member>& members, const WriteOptions& options) {
  LocaleScope locale(options.utf8_locale ? "C.UTF-8" : "C");
  archive* a = archive_write_new();
  switch (container) {
    case Container::zip:
      check(a, archive_write_set_format_zip(a), "zip");
      break;
    case Container::ustar:
      check(a, archive_write_set_format_ustar(a), "ustar");
      break;
    case Container::gnutar:
      check(a, archive_write_set_format_gnutar(a), "gnutar");
      break;
    default:
      check(a, archive_write_set_format_pax_restricted(a), "pax");
      break;
  }
  switch (container) {
    case Container::tar_gz:
      check(a, archive_write_add_filter_gzip(a), "gzip");
      break;
    case Container::tar_zst:
      check(a, archive_write_add_filter_zstd(a), "zstd");
      break;
    case Container::tar_xz:
      check(a, archive_write_add_filter_xz(a), "xz");
      break;
    case Container::tar_bz2:
      check(a, archive_write_add_filter_bzip2(a), "bzip2");
      break;
    default:
      break;
  }
  if (!options.options.empty()) {
    check(a, archive_write_set_options(a, options.options.c_str()), "options");
  }
  if (!options.passphrase.empty()) {
    check(a, archive_write_set_passphrase(a, options.passphrase.c_str()), "passphrase");
  }
  check(a, archive_write_open_filename(a, path.c_str()), "open");
  for (const Member& member : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, member.name.c_str());
    archive_entry_set_mtime(entry, member.mtime, 0);
    archive_entry_set_size(entry, 0);
    switch (member.kind) {
      case Member::Kind::file:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_size(entry, static_cast<la_int64_t>(member.data.size()));
        break;
      case Member::Kind::folder:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case Member::Kind::symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_perm(entry, 0777);
        archive_entry_set_symlink(entry, member.target.c_str());
        break;
      case Member::Kind::hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0644);
        archive_entry_set_hardlink(entry, member.target.c_str());
        break;
      case Member::Kind::char_device:
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_perm(entry, 0600);
        archive_entry_set_rdev(entry, makedev(1, 3));
        break;
      case Member::Kind::block_device:
        archive_entry_set_filetype(entry, AE_IFBLK);
        archive_entry_set_perm(entry, 0600);
        archive_entry_set_rdev(entry, makedev(8, 0));
        break;
      case Member::Kind::fifo:
        archive_entry_set_filetype(entry, AE_IFIFO);
        archive_entry_set_perm(entry, 0644);
        break;
    }
    const int status = archive_write_header(a, entry);
    archive_entry_free(entry);
    check(a, status, "header");
    if (member.kind == Member::Kind::file && !member.data.empty()) {
      if (archive_write_data(a, member.data.data(), member.data.size()) !=
          static_cast<la_ssize_t>(member.data.size())) {
        check(a, ARCHIVE_FATAL, "data");
      }
    }
  }
  check(a, archive_write_close(a), "close");
  archive_write_free(a);
}

void write_folder(const std::filesystem::path& root, const std::vector<Member>& members) {
  std::filesystem::create_directories(root);
  for (const Member& member : members) {
    const std::filesystem::path path = root / member.name;
    std::filesystem::create_directories(path.parent_path());
    switch (member.kind) {
      case Member::Kind::file:
        write_bytes(path, member.data);
        break;
      case Member::Kind::folder:
        std::filesystem::create_directories(path);
        continue;
      case Member::Kind::symlink:
        std::filesystem::create_symlink(member.target, path);
        continue;
      case Member::Kind::hardlink:
        std::filesystem::create_hard_link(root / member.target, path);
        break;
      case Member::Kind::fifo:
        if (::mkfifo(path.c_str(), 0644) != 0) {
          throw std::system_error(errno, std::generic_category(), "mkfifo");
        }
        continue;
      case Member::Kind::char_device:
      case Member::Kind::block_device:
        throw std::logic_error("devices cannot be made in a test folder");
    }
    const timespec times[2] = {{member.mtime, 0}, {member.mtime, 0}};
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      throw std::system_error(errno, std::generic_category(), "utimensat");
    }
  }
}

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

DeflateBuilder& DeflateBuilder::bytes(std::string_view bytes) {
  m_out.data += deflate_piece(bytes);
  m_out.crc = static_cast<std::uint32_t>(
      crc32_combine(m_out.crc, crc_of(bytes), static_cast<z_off_t>(bytes.size())));
  m_out.size += bytes.size();
  return *this;
}

DeflateBuilder& DeflateBuilder::zeros(std::size_t mebibytes) {
  static const std::string kZeroMebibyte = deflate_piece(std::string(kMebibyte, '\0'));
  static const std::uint32_t kZeroCrc = crc_of(std::string(kMebibyte, '\0'));
  m_out.data.reserve(m_out.data.size() + kZeroMebibyte.size() * mebibytes + kFinalBlock.size());
  for (std::size_t i = 0; i < mebibytes; ++i) {
    m_out.data += kZeroMebibyte;
    m_out.crc = static_cast<std::uint32_t>(crc32_combine(m_out.crc, kZeroCrc, kMebibyte));
  }
  m_out.size += static_cast<std::uint64_t>(mebibytes) * kMebibyte;
  return *this;
}

Deflated DeflateBuilder::finish() const {
  Deflated out = m_out;
  out.data += kFinalBlock;
  return out;
}

namespace {

constexpr std::uint16_t kUtf8Flag = 0x0800;
constexpr std::uint16_t kDeflate = 8;
constexpr std::uint16_t kDosDate = (1 << 5) | 1;  // 1980-01-01

std::string local_header(std::string_view name, std::uint32_t crc, std::uint64_t compressed,
                         std::uint64_t size) {
  std::string out;
  put32(out, 0x04034b50);
  put16(out, 20);
  put16(out, kUtf8Flag);
  put16(out, kDeflate);
  put16(out, 0);
  put16(out, kDosDate);
  put32(out, crc);
  put32(out, static_cast<std::uint32_t>(compressed));
  put32(out, static_cast<std::uint32_t>(size));
  put16(out, static_cast<std::uint32_t>(name.size()));
  put16(out, 0);
  out += name;
  return out;
}

struct DirectoryRecord {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
};

void append_directory(std::string& zip, const std::vector<DirectoryRecord>& records) {
  const auto directory_offset = static_cast<std::uint32_t>(zip.size());
  for (const DirectoryRecord& record : records) {
    put32(zip, 0x02014b50);
    put16(zip, (3 << 8) | 20);  // made by Unix
    put16(zip, 20);
    put16(zip, kUtf8Flag);
    put16(zip, kDeflate);
    put16(zip, 0);
    put16(zip, kDosDate);
    put32(zip, record.crc);
    put32(zip, static_cast<std::uint32_t>(record.compressed));
    put32(zip, static_cast<std::uint32_t>(record.size));
    put16(zip, static_cast<std::uint32_t>(record.name.size()));
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put32(zip, 0100644u << 16);
    put32(zip, static_cast<std::uint32_t>(record.offset));
    zip += record.name;
  }
  const auto directory_size = static_cast<std::uint32_t>(zip.size()) - directory_offset;
  put32(zip, 0x06054b50);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, static_cast<std::uint32_t>(records.size()));
  put16(zip, static_cast<std::uint32_t>(records.size()));
  put32(zip, directory_size);
  put32(zip, directory_offset);
  put16(zip, 0);
}

}  // namespace

std::string build_zip(const std::vector<RawZipEntry>& entries) {
  std::string zip;
  std::vector<DirectoryRecord> records;
  for (const RawZipEntry& entry : entries) {
    records.push_back({entry.name, entry.content.crc, entry.content.data.size(),
                       entry.declared_size, zip.size()});
    zip +=
        local_header(entry.name, entry.content.crc, entry.content.data.size(), entry.declared_size);
    zip += entry.content.data;
  }
  append_directory(zip, records);
  return zip;
}

std::string build_overlapping_zip(const Deflated& kernel, int files) {
  const auto count = static_cast<std::size_t>(files);
  std::vector<DirectoryRecord> records(count);
  std::vector<std::string> headers(count);
  // From the last file back: each one's output is the next one's local header, then the next
  // one's output.
  for (std::size_t i = count; i-- > 0;) {
    DirectoryRecord& record = records[i];
    char name[32];
    std::snprintf(name, sizeof name, "f%03zu", i);
    record.name = name;
    if (i + 1 == count) {
      record.crc = kernel.crc;
      record.compressed = kernel.data.size();
      record.size = kernel.size;
    } else {
      const std::string& quoted = headers[i + 1];
      record.crc = static_cast<std::uint32_t>(crc32_combine(
          crc_of(quoted), records[i + 1].crc, static_cast<z_off_t>(records[i + 1].size)));
      record.compressed = 5 + quoted.size() + records[i + 1].compressed;
      record.size = quoted.size() + records[i + 1].size;
    }
    headers[i] = local_header(record.name, record.crc, record.compressed, record.size);
  }
  std::string zip;
  for (std::size_t i = 0; i < count; ++i) {
    records[i].offset = zip.size();
    zip += headers[i];
    if (i + 1 < count) {
      // A stored, non-final block whose payload is the next local header.
      const auto length = static_cast<std::uint32_t>(headers[i + 1].size());
      zip += '\0';
      put16(zip, length);
      put16(zip, ~length & 0xffff);
    }
  }
  zip += kernel.data;
  append_directory(zip, records);
  return zip;
}

std::string ustar_header(std::string_view name, std::uint64_t size, char type) {
  std::string header(512, '\0');
  header.replace(0, std::min<std::size_t>(name.size(), 100), name.substr(0, 100));
  const auto octal = [&](std::size_t offset, std::size_t width, std::uint64_t value) {
    std::snprintf(header.data() + offset, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
  };
  octal(100, 8, 0644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  if (size < (std::uint64_t{1} << 33)) {
    octal(124, 12, size);
  } else {
    header[124] = static_cast<char>(0x80);
    for (int i = 0; i < 8; ++i) {
      header[static_cast<std::size_t>(135 - i)] = static_cast<char>((size >> (8 * i)) & 0xff);
    }
  }
  octal(136, 12, static_cast<std::uint64_t>(kMtime));
  header[156] = type;
  header.replace(257, 6, std::string_view("ustar\0", 6));
  header.replace(263, 2, "00");
  header.replace(148, 8, "        ");
  unsigned sum = 0;
  for (const char c : header) sum += static_cast<unsigned char>(c);
  std::snprintf(header.data() + 148, 8, "%06o", sum);
  header[155] = ' ';
  return header;
}

std::string gzip_wrap(const Deflated& deflated) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  out += deflated.data;
  put32(out, deflated.crc);
  put32(out, static_cast<std::uint32_t>(deflated.size & 0xffffffffu));
  return out;
}

std::vector<Seen> read_all(ExportTree& tree, std::size_t buffer_bytes) {
  std::vector<Seen> seen;
  std::vector<std::uint8_t> buffer(buffer_bytes);
  tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
    Seen item{entry.path, entry.size, entry.mtime_unix, entry.part, {}};
    for (;;) {
      const std::size_t got = reader.read(buffer);
      if (got == 0) break;
      item.data.append(reinterpret_cast<const char*>(buffer.data()), got);
    }
    seen.push_back(std::move(item));
  });
  return seen;
}

}  // namespace dmvault::io::export_testing
