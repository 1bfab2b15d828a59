// Importing an export into a vault: the pipeline that ties the export reader, the vault, an
// importer and the catalog together.
//
//  1. Every file of the export (folder, zip, tar; several parts) is streamed once into the vault,
//     byte-exact and deduplicated, so the original tree can be rebuilt and fields no importer
//     understands today can be parsed tomorrow.
//  2. The importer that recognises the tree (or the one named by --platform) parses the message
//     files, read back from the vault in memory.
//  3. Conversations and messages go into the catalog (deduplicated against earlier imports),
//     which is sealed into the vault, and everything is committed at once.
// Any failure leaves the vault byte-identical to what it was: the staged frames are cut.
#pragma once

#include "dmvault/importer.hpp"
#include "dmvault/vault.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace dmvault {

struct ImportRequest {
  std::vector<std::filesystem::path> parts;
  std::string platform;  // "" = detect
  ImportOptions options;
  // Read and hash every file even when an earlier import stored a file of the same path, size
  // and modification time (which is otherwise taken as that stored file, unread).
  bool rehash = false;
  // Where the catalog being changed is kept, encrypted, while the import runs ("": the system's
  // temporary folder). The command line gives the vault's folder.
  std::filesystem::path scratch_directory;
  // Called now and then with the bytes read so far (for a progress bar).
  std::function<void(std::uint64_t bytes, std::uint64_t files)> on_progress;
  // Records kept only partly, entries skipped: one line each, already naming the file.
  std::function<void(const std::string&)> on_warning;
};

struct ImportSummary {
  std::string platform;
  std::uint64_t conversations = 0;  // conversations in this export
  std::uint64_t messages_added = 0;
  std::uint64_t messages_duplicate = 0;
  std::uint64_t attachments_added = 0;  // attachment references of added messages
  std::uint64_t files = 0;              // files in the export
  std::uint64_t bytes_read = 0;         // uncompressed bytes of the export
  std::uint64_t bytes_stored = 0;       // growth of the vault file
  // Files (and their bytes, counted in bytes_read) taken as stored by an earlier import from
  // their path, size and modification time, without reading them.
  std::uint64_t files_unchanged = 0;
  std::uint64_t bytes_unchanged = 0;
  // When every file is, and they are exactly the files of an earlier import by this version of
  // dmvault: that import's source id. Nothing was parsed or written; messages_duplicate is the
  // number of messages that import read.
  std::int64_t unchanged_since_source = 0;
  std::int64_t unchanged_since_ms = 0;
  std::uint64_t warnings = 0;
  std::uint64_t skipped_entries = 0;
};

// The vault must be open for writing. Commits on success.
ImportSummary import_export(Vault& vault, const ImportRequest& request);

}  // namespace dmvault
