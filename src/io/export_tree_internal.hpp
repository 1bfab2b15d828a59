// Internals of ExportTree (include/dmvault/export_tree.hpp), shared by its three files:
// export_tree.cpp (the class, entry names, the limit accounting), export_tree_archive.cpp
// (libarchive) and export_tree_folder.cpp (folders). Nothing here touches libarchive types.
#pragma once

#include "dmvault/error.hpp"
#include "dmvault/export_tree.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::io {

// `bytes` as text that is safe to print on a terminal: valid UTF-8 is kept, except control
// characters and the invisible bidirectional controls (which can make a name read as another),
// which are escaped as \n, \t, \r, \xNN or \u{NNNN}; invalid bytes become \xNN and a backslash
// is doubled, so the escaping cannot be forged. Cut at about `max_bytes`, ending in "...".
std::string printable(std::string_view bytes, std::size_t max_bytes = 512);

// "1.5 GiB", "200 MiB", "17 bytes": sizes in messages.
std::string describe_bytes(std::uint64_t bytes);

// An archive member's name made safe, or the reason it is refused (see the header's contract).
struct NormalizedName {
  std::string path;    // set when reason is empty
  std::string reason;  // why the name is refused; empty when it is accepted
};
NormalizedName normalize_entry_name(std::string_view raw, const ExportLimits& limits);

// What a visit reports back to the ExportTree.
struct VisitReport {
  std::vector<SkippedEntry> skipped;
  std::uint64_t skipped_count = 0;
  std::uint64_t bytes_read = 0;
};

// The limit accounting of one visit over all parts, and the one place that words its errors.
// Part readers call it for every member they meet, in this order: begin_member (counts it),
// then either skip or nothing (a folder), then begin_entry with the declared size, then
// produced/check_ratio as bytes come out. Every method that detects a problem throws, and the
// error is remembered: once a visit failed, check_failed() throws it again, so a callback that
// swallows an exception cannot make the pass carry on over a damaged or hostile archive.
class VisitBudget {
 public:
  VisitBudget(const ExportLimits& limits, VisitReport& report);

  const ExportLimits& limits() const { return m_limits; }
  std::size_t part_index() const { return m_part_index; }
  const std::string& part_name() const { return m_part_name; }

  void begin_part(std::size_t index, std::string shown_name);
  // Every member of a part (files, folders, links ...), by its printable name; counted against
  // max_entries unless it already was (a folder counts its children as it lists them).
  void begin_member(std::string shown_name, bool already_counted = false);
  // The current member is not visited, for `reason`.
  void skip(std::string reason);
  // The current member's data is about to be read (or skipped): checks its declared size.
  // `shown_name` replaces the member's name in messages (the normalised path, for entries).
  void begin_entry(std::uint64_t declared_size);
  void begin_entry(std::uint64_t declared_size, std::string shown_name);
  // The current member is done with; errors now happen "after" it.
  void end_member() { m_in_member = false; }

  // How many bytes the current entry may still produce before a size limit trips, plus one (so
  // a read of that many proves the limit was crossed, and none reads further past it).
  std::uint64_t read_allowance() const;
  // `count` more uncompressed bytes of the current entry came out (for the callback or to be
  // discarded). Throws when a size limit is exceeded.
  void produced(std::uint64_t count);
  // `count` bytes were returned to the callback (bytes_read()).
  void delivered(std::uint64_t count) { m_report.bytes_read += count; }
  // The compressed bytes consumed so far for the current entry and for the whole part; throws
  // when the output outgrows them by more than max_ratio.
  void check_ratio(std::uint64_t entry_compressed, std::uint64_t part_compressed);

  // Throws the error this visit already failed with, if any.
  void check_failed() const;

  // Error(bad_input) for a truncated or damaged archive; `detail` is libarchive's message.
  [[noreturn]] void damaged(std::string_view detail);
  // Error(io) for a failed system call on a part that did open.
  [[noreturn]] void os_failure(std::string_view what, int error_number);

 private:
  [[noreturn]] void fail(ErrorCode code, const std::string& what, std::string hint);
  std::string where() const;

  const ExportLimits& m_limits;
  VisitReport& m_report;
  std::size_t m_part_index = 0;
  std::string m_part_name;
  std::string m_member_name;  // printable; empty before the first member of a part
  bool m_in_member = false;
  std::uint64_t m_members = 0;
  std::uint64_t m_declared_total = 0;
  std::uint64_t m_produced_total = 0;
  std::uint64_t m_part_produced = 0;
  std::uint64_t m_entry_produced = 0;
  std::uint64_t m_entry_declared = 0;
  std::optional<Error> m_failure;
};

// A file descriptor closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return m_fd; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

 private:
  int m_fd = -1;
};

inline constexpr std::string_view kDamagedHint =
    "download the export again; if it came in several parts, give all of them together";
inline constexpr std::string_view kNotAnExportHint =
    "give the export as the folder, .zip or .tar (.tar.gz, .tar.zst, .tar.xz, .tar.bz2) you "
    "downloaded; unpack other formats first";

// Archives (export_tree_archive.cpp).
enum class ArchiveKind { archive, empty_zip, not_an_archive };
// Whether `path` (a regular file) is a zip or tar archive libarchive can open: not_an_archive
// when nothing in it looks like one (the caller decides whether a plain file is welcome).
// Throws Error(bad_input) naming `shown_name` when it looks like an archive but is damaged or
// cut short, or is compressed data that does not hold a tar.
ArchiveKind probe_archive(const std::filesystem::path& path, const std::string& shown_name);
void visit_archive(const std::filesystem::path& path, VisitBudget& budget,
                   const ExportTree::Visitor& visitor);

// Folders (export_tree_folder.cpp).
void probe_folder(const std::filesystem::path& path, const std::string& shown_name);
void visit_folder(const std::filesystem::path& path, VisitBudget& budget,
                  const ExportTree::Visitor& visitor);
// A plain file given as a whole export: one entry whose path is `entry_path` (its file name).
void visit_file(const std::filesystem::path& path, const std::string& entry_path,
                VisitBudget& budget, const ExportTree::Visitor& visitor);

}  // namespace dmvault::io
