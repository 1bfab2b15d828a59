// export --to-vault: the selection copied into a new vault under its own passphrase. Content ids
// are keyed by each vault's own key, so every media file is re-stored (streamed) in the new
// vault and its attachments re-linked; conversations and messages are copied as they were
// added (raw records, platform ids and local times included), one import run per platform, so
// the new vault merges later imports of the same exports exactly as the old one would.
#include "catalog/catalog.hpp"
#include "dmvault/error.hpp"
#include "export/exporter.hpp"
#include "import/catalog_store.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <set>

namespace dmvault::exporting {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Raw records that the catalog keeps as spans of the stored source files, read back from the
// vault: the new vault holds no source files, so its messages keep their records themselves. A
// conversation's messages come from one file after another, so the last file read is kept.
class RawRecords {
 public:
  explicit RawRecords(const Vault& vault) : m_vault(vault) {}

  std::string read(const catalog::RawSpan& span) {
    if (!m_file || m_content != span.content) {
      m_file.reset();
      m_file = m_vault.read(span.content);
      m_content = span.content;
    }
    if (span.offset > m_file->size() || span.length > m_file->size() - span.offset) {
      throw Error(ErrorCode::corrupted,
                  "catalog is damaged: a message's raw record lies outside its source file");
    }
    return std::string(reinterpret_cast<const char*>(m_file->data()) + span.offset, span.length);
  }

 private:
  const Vault& m_vault;
  std::optional<PlainBytes> m_file;
  ObjectId m_content{};
};

}  // namespace

ExportSummary copy_to_vault(const Vault& source, catalog::Catalog& catalog,
                            const Selection& selection, Vault& target,
                            const std::function<void(const ExportSummary&)>& on_progress) {
  if (target.root(import::kCatalogRoot)) {
    throw Error(ErrorCode::usage, "the target vault is not empty");
  }
  const std::vector<SelectedConversation> conversations =
      selected_conversations(catalog, selection);
  if (conversations.empty()) {
    throw Error(ErrorCode::no_match, "no message matches the selection",
                "'dmvault list' shows the conversations; 'dmvault search' tries a query");
  }
  std::map<std::string, std::vector<const SelectedConversation*>> by_platform;
  for (const SelectedConversation& c : conversations) {
    by_platform[c.summary.platform].push_back(&c);
  }

  ExportSummary summary;
  catalog::Catalog copy = catalog::Catalog::create();
  std::map<ObjectId, ObjectId> stored;  // source content id -> target content id
  std::vector<catalog::ResolvedAttachment> resolved;
  std::optional<catalog::RawSpan> raw_span;
  RawRecords raw_records(source);
  for (const auto& [platform, members] : by_platform) {
    catalog::SourceRecord record;
    record.platform = platform;
    record.export_name = "selection exported by dmvault";
    record.imported_ms = now_ms();
    record.tool_version = DMVAULT_VERSION;
    const std::int64_t source_id = copy.begin_source(record);
    std::set<std::pair<std::string, ObjectId>> files;
    try {
      for (const SelectedConversation* c : members) {
        copy.add_conversation(source_id, catalog.stored_conversation(c->summary.id));
        catalog.for_each_message(
            c->summary.id, request_for(selection, c->summary.id),
            [&](const catalog::MessageView& view) {
              Message message = catalog.stored_message(view.message_id, resolved, raw_span);
              if (raw_span) message.raw = raw_records.read(*raw_span);
              for (std::size_t i = 0; i < resolved.size(); ++i) {
                if (!resolved[i].content) continue;
                const ObjectId old_id = *resolved[i].content;
                auto found = stored.find(old_id);
                if (found == stored.end()) {
                  auto writer = target.writer();
                  std::uint64_t size = 0;
                  source.read_stream(old_id, [&](std::span<const std::uint8_t> bytes) {
                    writer->write(bytes);
                    size += bytes.size();
                  });
                  found = stored.emplace(old_id, writer->finish()).first;
                  ++summary.files;
                  summary.bytes += size;
                  record.bytes += size;
                }
                resolved[i].content = found->second;
                // The copied media are the new vault's stored files (what `export --format
                // original` gives back from it), under the paths the messages name.
                if (files.emplace(message.attachments[i].uri, found->second).second) {
                  copy.add_file(source_id, {message.attachments[i].uri, found->second,
                                            resolved[i].size, view.timestamp_ms / 1000});
                  ++record.files;
                }
              }
              if (copy.add_message(source_id, platform, c->summary.thread_id, message, resolved) ==
                  catalog::AddOutcome::added) {
                ++record.messages_added;
              } else {
                ++record.messages_duplicate;
              }
              ++summary.messages;
            });
        ++summary.conversations;
        if (on_progress) on_progress(summary);
      }
      copy.finish_source(source_id, record);
    } catch (...) {
      copy.abort_source();
      throw;
    }
  }
  import::store_catalog(target, copy);
  return summary;
}

}  // namespace dmvault::exporting
