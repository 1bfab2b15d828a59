// Importers: one per external export format (formats/<platform>/), listed explicitly in
// formats/registry.cpp. The import pipeline first stores every file of the export in the vault
// (byte-exact, deduplicated), then asks each importer how sure it is that it knows this export,
// and lets the best one parse the files it needs through ExportFiles, reading them back from the
// vault: archives are streamed once and never extracted.
//
// Contract of Importer::import:
//  - It emits every conversation before its messages (ImportSink::conversation), and every
//    message it can parse, in the export's order. It never emits a record twice unless the export
//    holds it twice (the catalog keeps genuine duplicates apart by their occurrence).
//  - A file it cannot parse at all (truncated JSON, wrong encoding) is Error(bad_input) naming
//    the file and the position; the pipeline then stores nothing of this import.
//  - A single record it cannot understand is kept: emitted with what could be read and its raw
//    text, plus a warning through the sink. Nothing is dropped silently.
//  - It is deterministic: the same files give the same records.
#pragma once

#include "dmvault/model.hpp"
#include "dmvault/secret.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace dmvault {

struct ExportFile {
  std::string path;  // normalised export-relative path (see export_tree.hpp)
  std::uint64_t size = 0;
};

// The files of one export, as stored. Paths are unique (a later part wins over an earlier one
// holding the same path).
class ExportFiles {
 public:
  virtual ~ExportFiles() = default;
  virtual const std::vector<ExportFile>& files() const = 0;
  virtual bool exists(const std::string& path) const = 0;
  // The whole file (wiped when released). Error(bad_input) when it is missing or larger than
  // `max_bytes` (a message file is parsed whole; media are never read by importers).
  virtual PlainBytes read(const std::string& path,
                          std::uint64_t max_bytes = std::uint64_t{1} << 30) const = 0;
  // The file in pieces of any size, in order, for formats that can be parsed incrementally
  // (SMS backups reach gigabytes of inline media): only one piece is in memory at a time. The
  // sink returns false to stop early (detection peeks at a file's head). Error(bad_input) when
  // the file is missing.
  virtual void read_stream(
      const std::string& path,
      const std::function<bool(std::span<const std::uint8_t>)>& sink) const = 0;
};

class ImportSink {
 public:
  virtual ~ImportSink() = default;
  virtual void conversation(const Conversation& conversation) = 0;
  // A message of the conversation with this thread id (already announced).
  virtual void message(const std::string& thread_id, Message message) = 0;
  // A record kept only partly, a file ignored on purpose: reported to the user and counted.
  virtual void warning(const std::string& path, const std::string& what) = 0;
};

struct ImportOptions {
  std::string timezone;   // IANA zone for exports with local times ("" = the machine's zone)
  std::string self_name;  // the exporting user, when the format cannot tell
};

class Importer {
 public:
  virtual ~Importer() = default;
  // Stable lowercase platform name ("instagram"), used by --platform and stored in records.
  virtual std::string name() const = 0;
  // What the user sees ("Instagram (Meta JSON or HTML export)").
  virtual std::string description() const = 0;
  // 0 = not this format; 100 = certain. Looks at paths (and may read a small file).
  virtual int detect(const ExportFiles& files) const = 0;
  virtual void import(const ExportFiles& files, ImportSink& sink,
                      const ImportOptions& options) const = 0;
};

// The registered importers, in a fixed order (formats/registry.cpp).
std::vector<std::unique_ptr<Importer>> all_importers();

}  // namespace dmvault
