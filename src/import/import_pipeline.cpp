#include "catalog/catalog.hpp"
#include "dmvault/error.hpp"
#include "dmvault/export_tree.hpp"
#include "dmvault/import.hpp"
#include "import/catalog_store.hpp"
#include "import/deferred_files.hpp"
#include "import/importer_thread.hpp"

#include <algorithm>
#include <chrono>
#include <compare>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace dmvault {

namespace {

struct StoredEntry {
  ObjectId id{};
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  // Left to DeferredFiles (its slot): id and size are known once it has stored the file.
  std::optional<std::size_t> deferred;
};

// The export's files as stored in the vault: importers read message files back from there, in
// memory, so the archive is streamed only once. While the media are being stored on the other
// thread, reads go through the snapshot of the vault taken before; a media file asked for
// waits for them all to be stored.
class VaultExportFiles final : public ExportFiles {
 public:
  VaultExportFiles(const Vault& vault, const std::map<std::string, StoredEntry>& stored,
                   import::DeferredFiles& deferred)
      : m_vault(vault), m_stored(stored), m_deferred(deferred) {
    m_files.reserve(stored.size());
    for (const auto& [path, entry] : stored) m_files.push_back({path, entry.size});
  }
  const std::vector<ExportFile>& files() const override { return m_files; }
  bool exists(const std::string& path) const override { return m_stored.count(path) != 0; }
  PlainBytes read(const std::string& path, std::uint64_t max_bytes) const override {
    const auto it = m_stored.find(path);
    if (it == m_stored.end()) {
      throw Error(ErrorCode::bad_input, path + ": no such file in the export");
    }
    if (it->second.size > max_bytes) {
      throw Error(ErrorCode::bad_input, path + ": file is too large to parse (" +
                                            std::to_string(it->second.size) + " bytes)");
    }
    if (it->second.deferred) {
      m_deferred.wait();
      return m_vault.read(m_deferred.id(*it->second.deferred));
    }
    if (const Vault::Snapshot* snapshot = m_deferred.snapshot()) {
      return snapshot->read(it->second.id);
    }
    return m_vault.read(it->second.id);
  }
  void read_stream(const std::string& path,
                   const std::function<bool(std::span<const std::uint8_t>)>& sink) const override {
    const auto it = m_stored.find(path);
    if (it == m_stored.end()) {
      throw Error(ErrorCode::bad_input, path + ": no such file in the export");
    }
    // Vault::read_stream has no early exit: a private exception unwinds it when the sink stops.
    struct Stop {};
    const auto piece_to_sink = [&](std::span<const std::uint8_t> piece) {
      if (!sink(piece)) throw Stop{};
    };
    try {
      if (it->second.deferred) {
        m_deferred.wait();
        m_vault.read_stream(m_deferred.id(*it->second.deferred), piece_to_sink);
      } else if (const Vault::Snapshot* snapshot = m_deferred.snapshot()) {
        snapshot->read_stream(it->second.id, piece_to_sink);
      } else {
        m_vault.read_stream(it->second.id, piece_to_sink);
      }
    } catch (const Stop&) {
    }
  }

 private:
  const Vault& m_vault;
  const std::map<std::string, StoredEntry>& m_stored;
  import::DeferredFiles& m_deferred;
  std::vector<ExportFile> m_files;
};

class CatalogSink final : public ImportSink {
 public:
  CatalogSink(catalog::Catalog& catalog, std::int64_t source_id, std::string platform,
              const std::map<std::string, StoredEntry>& stored, ImportSummary& summary,
              const std::function<void(const std::string&)>& on_warning)
      : m_catalog(catalog),
        m_source(source_id),
        m_platform(std::move(platform)),
        m_stored(stored),
        m_summary(summary),
        m_on_warning(on_warning) {}

  void conversation(const Conversation& conversation) override {
    flush();
    m_catalog.add_conversation(m_source, conversation);
    if (m_threads.insert(conversation.thread_id).second) ++m_summary.conversations;
  }

  // Messages reach the catalog in time order, a batch of one conversation at a time. Message
  // ids follow time, and exports list a conversation newest first (Instagram, Messenger) or in
  // no order: rows inserted backwards split the catalog's pages half full, and the first import
  // spent a tenth of its time more on a larger catalog. The sort is stable, so messages of one
  // millisecond keep their export order, and with it their ids; and so do messages with the
  // same dedup key, and with it their occurrence numbers, since that key holds the time: the
  // catalog is the same. (A key made of a platform's message id does not hold the time: a batch
  // with such ids stays in export order.)
  void message(const std::string& thread_id, Message message) override {
    if (!m_threads.count(thread_id)) {
      throw std::logic_error("importer emitted a message before its conversation");
    }
    if (thread_id != m_batch_thread || m_batch.size() >= kBatchMessages) flush();
    m_batch_thread = thread_id;
    m_batch.push_back(std::move(message));
  }

  // Adds the batch waiting; called by the pipeline once the importer is done.
  void flush() {
    const bool keyed_with_time = std::none_of(m_batch.begin(), m_batch.end(), [](const Message& m) {
      return !m.platform_message_id.empty();
    });
    // Positions are sorted rather than the messages, whose every string a sort would move.
    m_order.resize(m_batch.size());
    std::iota(m_order.begin(), m_order.end(), std::size_t{0});
    if (keyed_with_time) {
      std::stable_sort(m_order.begin(), m_order.end(), [&](std::size_t a, std::size_t b) {
        return m_batch[a].timestamp_ms < m_batch[b].timestamp_ms;
      });
    }
    for (const std::size_t at : m_order) add(m_batch_thread, m_batch[at]);
    m_batch.clear();
  }

  void warning(const std::string& path, const std::string& what) override {
    ++m_summary.warnings;
    if (m_on_warning) m_on_warning(path + ": " + what);
  }

 private:
  static constexpr std::size_t kBatchMessages = 4096;

  void add(const std::string& thread_id, const Message& message) {
    std::vector<catalog::ResolvedAttachment> resolved;
    resolved.reserve(message.attachments.size());
    for (const Attachment& a : message.attachments) {
      catalog::ResolvedAttachment r;
      if (auto it = m_stored.find(a.uri); it == m_stored.end()) {
      } else if (it->second.deferred) {
        r.pending = it->second.deferred;
      } else {
        r.content = it->second.id;
        r.size = it->second.size;
      }
      resolved.push_back(r);
    }
    const auto outcome = m_catalog.add_message(m_source, m_platform, thread_id, message, resolved);
    if (outcome == catalog::AddOutcome::added) {
      ++m_summary.messages_added;
      m_summary.attachments_added += message.attachments.size();
    } else {
      ++m_summary.messages_duplicate;
    }
  }

  catalog::Catalog& m_catalog;
  std::int64_t m_source;
  std::string m_platform;
  const std::map<std::string, StoredEntry>& m_stored;
  ImportSummary& m_summary;
  const std::function<void(const std::string&)>& m_on_warning;
  std::set<std::string> m_threads;
  std::string m_batch_thread;
  std::vector<Message> m_batch;
  std::vector<std::size_t> m_order;  // flush()'s order of m_batch
};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

const Importer& choose_importer(const std::vector<std::unique_ptr<Importer>>& importers,
                                const ExportFiles& files, const ImportRequest& request,
                                const std::string& export_name) {
  std::string known;
  for (const auto& importer : importers) {
    known += (known.empty() ? "" : ", ") + importer->name();
  }
  if (!request.platform.empty()) {
    for (const auto& importer : importers) {
      if (importer->name() == request.platform) return *importer;
    }
    throw Error(ErrorCode::usage, "unknown platform '" + request.platform + "'",
                "known platforms: " + known);
  }
  const Importer* best = nullptr;
  int best_score = 0;
  for (const auto& importer : importers) {
    const int score = importer->detect(files);
    if (score > best_score) {
      best = importer.get();
      best_score = score;
    }
  }
  if (best == nullptr) {
    throw Error(ErrorCode::bad_input,
                export_name + ": not an export dmvault recognises (" +
                    std::to_string(files.files().size()) + " files looked at)",
                "dmvault reads: " + known + "; name one with --platform if you are sure");
  }
  return *best;
}

// A file as an earlier import of the export of the same name saw it. An export file with the
// same key is taken as that import's stored content without being read. A new download or a
// new extraction gives its files new times (the export's date, or the time of extraction), and
// a file edited in place changes its time, so a match is the same file in practice; two
// different exports whose files share sizes and times (generated ones do) are told apart by
// their names; --rehash reads everything when that is not good enough.
struct FileKey {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  auto operator<=>(const FileKey&) const = default;
};

// What earlier imports stored, read from the catalog page by page before anything is read.
class PriorImports {
 public:
  PriorImports(const Vault& vault, bool enabled, const std::string& export_name) {
    if (!enabled || !vault.root(import::kCatalogRoot)) return;
    m_catalog.emplace(import::load_catalog(vault));
    m_sources = m_catalog->sources();
    std::erase_if(m_sources, [&](const auto& source) { return source.export_name != export_name; });
    for (const catalog::SourceRecord& source : m_sources) {
      for (const catalog::StoredFile& file : m_catalog->files(source.id)) {
        // An archive that records no time gives every file time 0: no key then.
        if (file.mtime_unix != 0) m_files[{file.path, file.size, file.mtime_unix}] = file.content;
      }
    }
  }

  // The stored content of a file with this key that the vault still holds.
  std::optional<ObjectId> stored(const ExportEntry& entry, const Vault& vault) const {
    if (entry.mtime_unix == 0) return std::nullopt;
    const auto it = m_files.find({entry.path, entry.size, entry.mtime_unix});
    if (it == m_files.end() || !vault.contains(it->second)) return std::nullopt;
    return it->second;
  }

  // The newest earlier import, by this version of dmvault with `importer`, whose files were
  // exactly `files`: importing them again reads the same messages, all stored already.
  std::optional<catalog::SourceRecord> same_import(const std::map<std::string, StoredEntry>& files,
                                                   const std::string& importer) {
    for (auto it = m_sources.rbegin(); it != m_sources.rend(); ++it) {
      if (it->tool_version != DMVAULT_VERSION || it->platform != importer) continue;
      const std::vector<catalog::StoredFile> earlier = m_catalog->files(it->id);
      if (earlier.size() != files.size()) continue;
      const bool same = std::all_of(earlier.begin(), earlier.end(), [&](const auto& file) {
        const auto match = files.find(file.path);
        return match != files.end() && match->second.id == file.content;
      });
      if (same) return *it;
    }
    return std::nullopt;
  }

  std::uint64_t conversations_in(const catalog::SourceRecord& source) {
    return m_catalog->conversations_declared_in(source.id, source.platform);
  }

 private:
  std::optional<catalog::Catalog> m_catalog;
  std::vector<catalog::SourceRecord> m_sources;
  std::map<FileKey, ObjectId> m_files;
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ImportSummary import_export(Vault& vault, const ImportRequest& request) {
  if (request.parts.empty()) throw Error(ErrorCode::usage, "no export given");
  ImportSummary summary;
  const std::uint64_t size_before = vault.info().vault_bytes;
  ExportTree tree = ExportTree::open(request.parts);
  const std::string export_name = joined(tree.part_names());

  // 1. Every file, byte-exact. A later part holding the same path wins, as when a re-download
  //    is given after the original. The media of an export that can be read again cheaply are
  //    left for now, and stored while the importer parses (4).
  PriorImports prior(vault, !request.rehash, export_name);
  std::map<std::string, StoredEntry> stored;
  import::DeferredFiles deferred(vault, tree);
  const bool defer_media = tree.revisits_cheaply();
  PlainBytes buffer(std::size_t{1} << 20);
  tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
    if (const std::optional<ObjectId> id = prior.stored(entry, vault)) {
      stored[entry.path] = StoredEntry{*id, entry.size, entry.mtime_unix, std::nullopt};
      ++summary.files;
      ++summary.files_unchanged;
      summary.bytes_read += entry.size;
      summary.bytes_unchanged += entry.size;
      return;
    }
    if (defer_media && import::is_media_path(entry.path)) {
      stored[entry.path] = StoredEntry{{}, entry.size, entry.mtime_unix, deferred.add(entry)};
      ++summary.files;
      return;
    }
    auto writer = vault.writer();
    std::uint64_t size = 0;
    for (std::size_t n; (n = reader.read(buffer.span())) != 0;) {
      writer->write(buffer.span().first(n));
      size += n;
      summary.bytes_read += n;
      if (request.on_progress && (summary.bytes_read & ~((std::uint64_t{1} << 24) - 1)) !=
                                     ((summary.bytes_read - n) & ~((std::uint64_t{1} << 24) - 1))) {
        request.on_progress(summary.bytes_read, summary.files);
      }
    }
    stored[entry.path] = StoredEntry{writer->finish(), size, entry.mtime_unix, std::nullopt};
    ++summary.files;
  });
  buffer.wipe();
  summary.skipped_entries = tree.skipped_count();
  for (const SkippedEntry& skipped : tree.skipped()) {
    ++summary.warnings;
    if (request.on_warning) {
      request.on_warning(skipped.part_name + ": " + skipped.path + ": skipped (" + skipped.reason +
                         ")");
    }
  }
  if (request.on_progress) request.on_progress(summary.bytes_read, summary.files);

  // 2. The importer.
  VaultExportFiles files(vault, stored, deferred);
  const auto importers = all_importers();
  const Importer& importer = choose_importer(importers, files, request, export_name);
  summary.platform = importer.name();
  if (summary.files_unchanged == summary.files && summary.files > 0) {
    if (const auto earlier = prior.same_import(stored, importer.name())) {
      summary.unchanged_since_source = earlier->id;
      summary.unchanged_since_ms = earlier->imported_ms;
      summary.messages_duplicate = earlier->messages_added + earlier->messages_duplicate;
      summary.conversations = prior.conversations_in(*earlier);
      return summary;
    }
  }

  // 3. The catalog, in one transaction with the commit.
  catalog::Catalog catalog = import::load_catalog_for_update(
      vault, request.scratch_directory.empty() ? std::filesystem::temp_directory_path()
                                               : request.scratch_directory);
  catalog::SourceRecord source;
  source.platform = importer.name();
  source.export_name = export_name;
  source.imported_ms = now_ms();
  source.tool_version = DMVAULT_VERSION;
  source.files = summary.files;
  source.bytes = summary.bytes_read;
  const std::int64_t source_id = catalog.begin_source(source);
  for (const auto& [path, entry] : stored) {
    if (entry.deferred) continue;
    catalog.add_file(source_id, catalog::StoredFile{path, entry.id, entry.size, entry.mtime});
  }
  CatalogSink sink(catalog, source_id, importer.name(), stored, summary, request.on_warning);
  // 4. The media deferred in 1, stored on another thread while the importer parses on a third
  //    and the messages are added to the catalog here.
  deferred.start();
  import::run_importer_on_own_thread(importer, files, request.options, sink);
  sink.flush();
  deferred.wait();
  if (!deferred.empty()) {
    std::vector<catalog::ResolvedAttachment> media(deferred.count());
    for (std::size_t slot = 0; slot < media.size(); ++slot) {
      media[slot].content = deferred.id(slot);
      media[slot].size = deferred.size(slot);
      summary.bytes_read += deferred.size(slot);
    }
    for (auto& [path, entry] : stored) {
      if (!entry.deferred) continue;
      entry.id = deferred.id(*entry.deferred);
      entry.size = deferred.size(*entry.deferred);
      catalog.add_file(source_id, catalog::StoredFile{path, entry.id, entry.size, entry.mtime});
    }
    catalog.link_pending(source_id, media);
  }
  // Nothing new (the same export again): keep the vault exactly as it was rather than seal
  // another copy of an unchanged catalog.
  if (summary.messages_added == 0 && !vault.has_staged_changes()) {
    catalog.abort_source();
    return summary;
  }
  source.bytes = summary.bytes_read;
  source.messages_added = summary.messages_added;
  source.messages_duplicate = summary.messages_duplicate;
  catalog.finish_source(source_id, source);
  import::store_catalog(vault, catalog);
  vault.commit();
  summary.bytes_stored = vault.info().vault_bytes - size_before;
  return summary;
}

}  // namespace dmvault
