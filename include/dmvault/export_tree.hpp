// ExportTree: one read-only view over a message export as the user downloaded it: a folder, a
// .zip, a .tar (plain or compressed with gzip, zstd, bzip2 or xz), a single plain file (a
// WhatsApp chat .txt), or several parts of one export given together (Instagram splits a large
// export into part1.zip, part2.zip ...). Archives are read with libarchive, straight from the
// file, and never extracted: nothing is written to disk.
//
// Contract:
//  - open() checks that every part exists and is a folder, an archive it can read (detected
//    from the content, not the extension) or another regular file. A regular file that holds no
//    zip or tar is a one-file part whose single entry's path is the file's name (so
//    "WhatsApp Chat with Ana.txt" is seen as that path, as if it were alone in a folder), unless
//    its extension promises an archive (.zip, .tar, .gz, .zst, .xz, .bz2, .7z, .rar ...): that
//    is a damaged or unsupported archive, refused. Compressed data that holds no tar, and a zip
//    cut short, are refused too. visit() then makes one streaming pass over every part,
//    in the order given, calling back once per regular file with its normalised path and a reader
//    for its bytes. The reader is valid during the callback only; whatever the callback leaves
//    unread is skipped. Folders are walked in byte order of names, without following symlinks.
//  - Paths are relative, '/'-separated, valid UTF-8, with no "." or ".." component, no empty
//    component and no trailing '/'; otherwise the bytes are exactly those of the export.
//  - Entries that are not regular files (symlinks, hard links, devices, fifos, sockets) and files
//    whose names are unsafe (absolute, "..", backslash, drive letter, invalid UTF-8, NUL, too
//    long, too deep) or that are encrypted are never visited: each is counted and reported in
//    skipped(). Folders are not entries. (libarchive's zip reader turns '\' into '/' before we
//    see a name, as Windows zippers used it as the separator; the result is then judged.)
//  - The same path may occur twice (in two parts, or twice in one tar): both are visited, in
//    order, and the caller decides which wins.
//  - A limit of ExportLimits exceeded, a truncated or damaged archive, a missing or unreadable
//    part: Error(bad_input, "PART: ENTRY: what happened", hint), thrown at once (a failed read of
//    a part that did open is Error(io)). The callback's own exceptions pass through unchanged.
//  - Memory stays bounded whatever the input: entries are streamed through fixed buffers, never
//    held whole. (libarchive keeps a zip's central directory in memory, which is proportional to
//    the size of the zip file, not to what it decompresses to; an xz stream may reserve the
//    dictionary its header asks for, but pages are only touched as output is produced, which the
//    limits stop.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace dmvault {

// Limits against hostile input. The defaults are far beyond any real export (a decade of
// Instagram is ~10^5 files and tens of GB) and far below what a bomb produces.
struct ExportLimits {
  // Members of all parts together: files, folders, links and skipped entries alike, since each
  // costs time and a line in the report. A zip's central directory can claim billions.
  std::uint64_t max_entries = 2'000'000;
  // Uncompressed bytes of all parts together, checked against the sizes declared in headers (so
  // a tar header claiming terabytes fails before any byte is read) and against the bytes
  // actually produced.
  std::uint64_t max_total_bytes = std::uint64_t{2} << 40;  // 2 TiB
  // Uncompressed bytes of one entry, declared or produced (a 4K film is a few GiB).
  std::uint64_t max_entry_bytes = std::uint64_t{64} << 30;  // 64 GiB
  // Uncompressed bytes per compressed byte read, checked while streaming for each entry and for
  // each part as a whole once it has produced more than ratio_check_after bytes. Real JSON and
  // HTML deflate 5-30:1 and media ~1:1; a run of zeros deflates ~1030:1 (deflate's ceiling) and
  // reaches 10^4-10^6:1 with xz, zstd or bzip2, so every such bomb trips within a few tens of MiB.
  // Overlapping-file zip bombs (entries sharing one compressed kernel) trip the per-part check.
  // The one honest input that can trip it: a tar.xz (or tar.zst --long) holding the same large
  // file twice within the compressor's window, whose second copy costs next to nothing; the hint
  // then says to import the folder, which is never ratio-checked. 0 turns the check off.
  std::uint64_t max_ratio = 200;
  std::uint64_t ratio_check_after = std::uint64_t{16} << 20;  // 16 MiB
  // Bytes of a normalised path (Linux PATH_MAX) and its number of components.
  std::size_t max_path_bytes = 4096;
  std::size_t max_path_depth = 64;
  // Skipped entries described in skipped(); more are only counted (skipped_count()), so an
  // archive of a million symlinks cannot grow the report without bound.
  std::size_t max_skipped_reported = 10'000;
};

struct ExportEntry {
  // Relative, '/'-separated, normalised (no "./", no trailing '/'), valid UTF-8.
  std::string path;
  // Uncompressed size as declared by the archive header (or the folder's stat at open time).
  // Only a lying archive (or a file changing under a folder walk) delivers another number of
  // bytes; the limits hold on the bytes delivered, and libarchive checks every zip entry's size
  // and CRC at its end.
  std::uint64_t size = 0;
  // Modification time in seconds since the epoch; 0 when the archive does not record one.
  std::int64_t mtime_unix = 0;
  // Index into part_names() of the part the entry came from.
  std::size_t part = 0;
};

struct SkippedEntry {
  // The name as printable text: invalid UTF-8 bytes and control characters escaped (\xNN, \n,
  // \u{202E}), a backslash doubled, cut after 512 bytes.
  std::string path;
  std::string part_name;
  std::string reason;  // e.g. "symbolic link", "path has a '..' component", "encrypted"
};

// The bytes of the entry being visited.
class EntryReader {
 public:
  EntryReader(const EntryReader&) = delete;
  EntryReader& operator=(const EntryReader&) = delete;
  virtual ~EntryReader() = default;
  // Fills `out` with the next bytes of the entry and returns how many it wrote: fewer than
  // out.size() only at the end of the entry, 0 once there (or when `out` is empty). Throws as
  // described above when a limit trips or the archive is damaged; the visit then fails with that
  // error even if the callback catches it.
  virtual std::size_t read(std::span<std::uint8_t> out) = 0;

 protected:
  EntryReader() = default;
};

class ExportTree {
 public:
  using Visitor = std::function<void(const ExportEntry&, EntryReader&)>;

  // `parts` in order; at least one. Error(bad_input) naming the part when one is missing,
  // unreadable, a damaged archive, an archive-named file that is not one, a plain file whose
  // name is not a usable path (invalid UTF-8, too long), or not a regular file nor a folder.
  static ExportTree open(std::vector<std::filesystem::path> parts, const ExportLimits& limits = {});

  ExportTree(ExportTree&&) noexcept;
  ExportTree& operator=(ExportTree&&) noexcept;
  ~ExportTree();

  // One streaming pass over every part (see the contract above). Each call starts afresh:
  // skipped(), skipped_count() and bytes_read() describe the latest pass, and the limits apply to
  // each pass on its own. Not reentrant: the callback must not call visit().
  void visit(const Visitor& fn);

  const std::vector<SkippedEntry>& skipped() const;
  std::uint64_t skipped_count() const;
  // Uncompressed bytes delivered to callbacks through EntryReader::read.
  std::uint64_t bytes_read() const;
  // The parts as given, as printable text (the same text errors and skipped() use).
  std::vector<std::string> part_names() const;
  // True when no part is an archive: another visit() then reads only the entries its callback
  // reads (a folder's files, a plain file), where an archive would be decompressed again.
  bool revisits_cheaply() const;

 private:
  struct Impl;
  explicit ExportTree(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace dmvault
