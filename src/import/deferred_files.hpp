// DeferredFiles: the media of an export stored on a thread of its own while the catalog is
// being built.
//
// When the export can be read again cheaply (a folder, not an archive), the first pass over it
// leaves the media files unread, and this stores them afterwards, on a thread of its own, while
// the importer parses the message files (on its own thread too, see importer_thread): on two
// cores, hashing and sealing the media no longer come before the parsing. Their content ids are
// known only at the end, so the catalog links the attachments to them then
// (catalog::Catalog::link_pending).
//
// Contract:
//  - add() the files in the order of the first visit; each gets a slot number, in order.
//  - start() hands the vault and the tree to the storing thread: until wait() returns, no
//    other thread may use either, and reads what the vault held at start() through snapshot().
//    wait() may come from another thread than start() (the importer's, reading a media file),
//    as long as the two never run at once.
//  - wait() returns once every file is stored (running the stores on the calling thread when
//    start() was never called) and rethrows the storing thread's error: Error(bad_input) naming
//    a file that is no longer in the export (removed, or replaced by what is not a file), or
//    whatever the export or the vault threw. The vault is then the caller's again, and id() and
//    size() tell what each file was.
//  - Destroying it before wait() stops the thread at the next piece and joins it; what it
//    stored is staged in the vault, which the caller then rolls back.
#pragma once

#include "dmvault/export_tree.hpp"
#include "dmvault/vault.hpp"

#include <atomic>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dmvault::import {

// Whether a path names a photo, video, sound or document by its extension: files no importer
// parses, so the first pass may leave them to DeferredFiles.
bool is_media_path(std::string_view path);

class DeferredFiles {
 public:
  DeferredFiles(Vault& vault, ExportTree& tree);
  DeferredFiles(const DeferredFiles&) = delete;
  DeferredFiles& operator=(const DeferredFiles&) = delete;
  ~DeferredFiles();

  std::size_t add(const ExportEntry& entry);
  bool empty() const { return m_files.empty(); }
  std::size_t count() const { return m_files.size(); }

  void start();
  void wait();
  // While the storing thread runs: the vault as it was at start(), readable here. Otherwise
  // nullptr (the vault itself is the caller's).
  const Vault::Snapshot* snapshot() const { return m_running ? &*m_snapshot : nullptr; }
  // After wait(): the content id and size of the file in `slot`.
  const ObjectId& id(std::size_t slot) const { return m_files.at(slot).id; }
  std::uint64_t size(std::size_t slot) const { return m_files.at(slot).size; }

 private:
  struct File {
    std::size_t part = 0;
    std::string path;
    ObjectId id{};
    std::uint64_t size = 0;
  };
  void store_all();

  Vault& m_vault;
  ExportTree& m_tree;
  std::vector<File> m_files;
  std::optional<Vault::Snapshot> m_snapshot;
  std::thread m_thread;
  std::exception_ptr m_error;
  std::atomic<bool> m_stop{false};
  bool m_running = false;
  bool m_done = false;
};

}  // namespace dmvault::import
