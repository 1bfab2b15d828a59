// A small, fixed vault in memory for the exporter's tests: two conversations with the awkward
// parts of real ones (a group with reactions, a reply, a share, a system notice, a video, two
// different photos of the same name, a missing file) and one with hostile names, plus a sink
// that keeps the files it is given.
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"
#include "export/exporter.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dmvault::testing {

// Every file an export wrote, by path. A path written twice fails the test that wrote it.
class MemorySink final : public exporting::OutputSink {
 public:
  void add_file(const exporting::FileInfo& file,
                const std::function<void(exporting::FileWriter&)>& produce) override;
  void finish() override { finished = true; }
  void abandon() noexcept override { abandoned = true; }

  std::map<std::string, std::string> files;
  std::vector<std::string> duplicates;
  bool finished = false;
  bool abandoned = false;
};

struct ExportFixture {
  ExportFixture();
  ~ExportFixture();
  ExportFixture(const ExportFixture&) = delete;
  ExportFixture& operator=(const ExportFixture&) = delete;

  // Runs an export of the whole vault (or `selection`) into a MemorySink.
  MemorySink run(exporting::Format format, const exporting::Selection& selection = {},
                 std::size_t page_size = 1000);

  std::unique_ptr<Vault> vault;
  std::unique_ptr<catalog::Catalog> catalog;
  // The stored export files (path -> bytes), as the original format must give them back.
  std::map<std::string, std::string> stored_files;
};

// The Presentation the command line uses (its JSON shape, its transcript lines, its times), in
// UTC (the fixture sets TZ=UTC).
exporting::Presentation cli_presentation();

// "%XX" sequences decoded (the HTML export percent-encodes its links).
std::string url_decode(std::string_view text);

}  // namespace dmvault::testing
