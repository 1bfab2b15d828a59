// Helpers shared by the importer unit tests: small in-memory exports, Meta thread files written
// the way Meta's exporter writes them, and an import that checks the importer contract.
#pragma once

#include "formats/memory_export.hpp"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::test {

// An export of these (path, bytes) files.
MemoryExport make_export(std::initializer_list<std::pair<std::string, std::string>> files);

// Imports `files` with `importer` and records what it emitted, failing the test when the
// importer breaks the ordering contract of importer.hpp.
RecordingSink import_checked(const Importer& importer, const MemoryExport& files,
                             const ImportOptions& options = {});

// A JSON string literal the way Meta writes it: each non-ASCII UTF-8 byte as \u00XX.
std::string meta_string(std::string_view utf8);

// One message of a Meta JSON thread.
struct Msg {
  std::string sender;
  std::int64_t ts;
  std::string content;
  std::string extra;  // more members, raw JSON, e.g. R"("photos": [...])"
};

// A message_N.json of a Meta export (Instagram or Messenger), pretty-printed like the exporter's.
std::string thread_json(const std::vector<std::string>& participants, const std::vector<Msg>& msgs,
                        const std::string& title = "Ana");

}  // namespace dmvault::test
