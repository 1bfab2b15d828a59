// Where the generated export goes: a folder tree, or K zip files that each hold part of the tree
// (like Meta's multi-part downloads). Files are written one at a time, start to end, with their
// size known up front, so neither sink holds more than one file's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

namespace dmvault::formats::instagram::generator {

class ExportSink {
 public:
  virtual ~ExportSink() = default;
  ExportSink() = default;
  ExportSink(const ExportSink&) = delete;
  ExportSink& operator=(const ExportSink&) = delete;

  // `path` is relative to the export root, with '/' separators. `compressible` is a hint for
  // the zip sink (JSON is deflated, media stored as Meta does).
  virtual void begin_file(std::string_view path, std::uint64_t size, bool compressible) = 0;
  virtual void write(const char* data, std::size_t size) = 0;
  virtual void end_file() = 0;
  // Flushes and closes everything; a sink that was not finished leaves incomplete output.
  virtual void finish() = 0;
};

// Every file gets `mtime_unix` as its modification time, so that two runs give identical trees
// down to the metadata a later `export --original` might reproduce.
std::unique_ptr<ExportSink> make_folder_sink(const std::filesystem::path& root,
                                             std::int64_t mtime_unix);

// Writes `root`/part1.zip ... part<parts>.zip. Each file goes to the part that holds the fewest
// bytes so far (the first on ties), which spreads one thread's JSON and media over the parts.
std::unique_ptr<ExportSink> make_zip_sink(const std::filesystem::path& root, unsigned parts,
                                          std::int64_t mtime_unix);

}  // namespace dmvault::formats::instagram::generator
