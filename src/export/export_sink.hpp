// Where an export goes: a folder, or one archive (zip, tar, tar.zst) written as a stream with
// libarchive straight to its destination, so that no plaintext touches any other file (no
// temporary files, no extraction).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace dmvault::exporting {

// The bytes of one file being written.
class FileWriter {
 public:
  virtual ~FileWriter() = default;
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
  void write(std::string_view text) {
    write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
};

struct FileInfo {
  // Relative, '/'-separated, every component already made safe (safe_names.hpp).
  std::string path;
  // The exact size when known. An archive whose format needs the size before the data (tar)
  // holds a file of unknown size in memory until it is complete.
  std::optional<std::uint64_t> size;
  std::int64_t mtime_unix = 0;  // 0: now
};

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // Writes one file; `produce` writes its bytes. Error(io) naming the destination when the
  // bytes cannot be written; Error(corrupted) when a known size is not what was produced.
  virtual void add_file(const FileInfo& file, const std::function<void(FileWriter&)>& produce) = 0;
  // Completes the destination (an archive's trailer) and syncs it. Nothing is complete before.
  virtual void finish() = 0;
  // Undoes what can be undone after a failure: an unfinished archive is removed, a folder keeps
  // the files already written (they are complete files, and the error names the folder).
  virtual void abandon() noexcept = 0;
};

// A file written as text through a buffered std::ostream; returns its size in bytes.
std::uint64_t add_text_file(OutputSink& sink, const std::string& path,
                            const std::function<void(std::ostream&)>& produce);

enum class DestinationKind { folder, zip, tar, tar_zst };

// From the name: *.zip, *.tar, *.tar.zst (case-insensitive), else a folder.
DestinationKind destination_kind(const std::filesystem::path& path);

// Opens the destination. A folder is created when missing (its parent must exist); an existing
// non-empty folder, or an existing file for an archive, is refused with Error(usage) unless
// `force` (then files of the same names are overwritten, and an archive is replaced).
std::unique_ptr<OutputSink> open_destination(const std::filesystem::path& path, bool force);
// The checks of open_destination alone, creating nothing (to fail before asking for a
// passphrase).
void check_destination(const std::filesystem::path& path, bool force);

// The archive part of open_destination (export_archive_sink.cpp).
std::unique_ptr<OutputSink> open_archive_file(const std::filesystem::path& path,
                                              DestinationKind kind, bool force);

// An archive written to an open descriptor (owned by the caller; tests use pipes and memfds).
std::unique_ptr<OutputSink> archive_sink_on_fd(int fd, DestinationKind kind,
                                               const std::string& name);

}  // namespace dmvault::exporting
