// Builders for the export reader's tests: folders, archives written with libarchive's writer,
// and hand-made zips and tars for what no honest writer produces (bombs, lying sizes,
// overlapping entries, headers claiming terabytes). Everything is built in a private temporary
// directory that is removed at the end.
#pragma once

#include "dmvault/export_tree.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace dmvault::io::export_testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

inline constexpr std::int64_t kMtime = 1'600'000'000;  // even: zip's DOS time has 2 s steps

struct Member {
  enum class Kind { file, folder, symlink, hardlink, char_device, block_device, fifo };
  std::string name;
  std::string data;  // file contents
  Kind kind = Kind::file;
  std::string target;  // symlink and hardlink target
  std::int64_t mtime = kMtime;
};

Member file(std::string name, std::string data);
Member folder(std::string name);
Member special(std::string name, Member::Kind kind, std::string target = {});

enum class Container { zip, pax, ustar, gnutar, tar_gz, tar_zst, tar_xz, tar_bz2 };
const char* container_name(Container container);

struct WriteOptions {
  // Write in a UTF-8 locale (zip names get the UTF-8 flag); false writes in the "C" locale,
  // where libarchive stores names as raw bytes without the flag.
  bool utf8_locale = true;
  // libarchive's writer options, e.g. "zip:encryption=zipcrypt".
  std::string options;
  std::string passphrase;
};

// Writes `members` in order with libarchive's writer.
void write_archive(const std::filesystem::path& path, Container container,
                   const std::vector<Member>& members, const WriteOptions& options = {});
// Creates `members` under `root` (created if missing); names are relative, '/'-separated.
void write_folder(const std::filesystem::path& root, const std::vector<Member>& members);

void write_bytes(const std::filesystem::path& path, std::string_view bytes);
std::string read_bytes(const std::filesystem::path& path);

// Raw deflate data with the CRC-32 and size of what it inflates to.
struct Deflated {
  std::string data;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;
};

// Builds a raw-deflate stream from pieces, each compressed on its own and ended by a full flush
// (byte-aligned, referring to nothing before it), so pieces simply concatenate. A MiB of zeros
// is compressed once and repeated: a 200 MiB bomb costs microseconds of test time.
class DeflateBuilder {
 public:
  DeflateBuilder& bytes(std::string_view bytes);
  DeflateBuilder& zeros(std::size_t mebibytes);
  Deflated finish() const;

 private:
  Deflated m_out;
};
inline Deflated deflate_zeros(std::size_t mebibytes) {
  return DeflateBuilder().zeros(mebibytes).finish();
}
inline Deflated deflate_bytes(std::string_view bytes) {
  return DeflateBuilder().bytes(bytes).finish();
}

// A zip written byte by byte, whose headers may lie about the uncompressed size.
struct RawZipEntry {
  std::string name;
  Deflated content;
  std::uint64_t declared_size = 0;  // the uncompressed size written in the headers
};
std::string build_zip(const std::vector<RawZipEntry>& entries);

// Fifield's overlapping zip bomb ("A better zip bomb", 2019): `files` entries, each local header
// followed by a stored deflate block that quotes the next local header, all ending in one shared
// `kernel`. Every entry inflates to the headers after it plus the whole kernel, so the output
// grows with the number of files while the archive barely does.
std::string build_overlapping_zip(const Deflated& kernel, int files);

// A 512-byte ustar header (base-256 size when it does not fit in octal, as GNU tar does).
std::string ustar_header(std::string_view name, std::uint64_t size, char type = '0');
// A gzip member holding raw deflate data.
std::string gzip_wrap(const Deflated& deflated);

// One visited entry with all its bytes.
struct Seen {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::size_t part = 0;
  std::string data;
  bool operator==(const Seen&) const = default;
};
// Visits `tree`, reading every entry whole through a buffer of `buffer_bytes`.
std::vector<Seen> read_all(ExportTree& tree, std::size_t buffer_bytes = 64 * 1024);

}  // namespace dmvault::io::export_testing
