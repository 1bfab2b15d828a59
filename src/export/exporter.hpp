// dmvault export: everything a vault holds, back out as plaintext where the user asked for it.
// This is the only module that writes plaintext outside the vault (DESIGN §2, invariant 4).
//
// Formats: original (the imported export trees, byte-identical), json, text, csv, media and
// html (a static offline site). The output goes to an OutputSink (export_sink.hpp): a folder,
// or a zip / tar / tar.zst written as one stream. Every name that comes from the vault is made
// safe first (safe_names.hpp).
//
// The namespace is dmvault::exporting because `export` is a C++ keyword.
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"
#include "export/export_sink.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::exporting {

enum class Format { original, html, json, text, csv, media };

// "original" ... "media"; nullopt for anything else.
std::optional<Format> format_from_name(std::string_view name);
std::string_view format_name(Format format);

// How messages and times look. The command line owns these (its JSON Lines shape, its
// transcript lines, its local times) and hands them down, so that an export reads exactly like
// `show` and `search`, and the exporter does not depend on the layer above it.
struct Presentation {
  std::function<void(std::ostream&, const catalog::MessageView&)> message_json;  // one line
  std::function<void(std::ostream&, const catalog::MessageView&)> message_text;  // + newline
  std::function<std::string(std::int64_t)> timestamp;     // ISO 8601 UTC with milliseconds
  std::function<std::string(std::int64_t)> local_minute;  // "2024-09-05 11:13", local zone
  std::function<std::string(std::int64_t)> local_date;    // "2024-09-05", local zone
};

// What to export. The message filters are a SearchRequest (built by src/query from the
// command's --query, --from, --after, --before and --platform); its sort, limit and context are
// ignored: messages are always exported per conversation, oldest first.
struct Selection {
  std::vector<std::int64_t> conversation_ids;  // empty: every conversation
  catalog::SearchRequest request;
  // Whether `request` narrows the messages at all (conversations with no selected message are
  // left out either way).
  bool filtered = false;
};

struct ExportSummary {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;
  std::uint64_t files = 0;  // files written to the destination
  std::uint64_t bytes = 0;  // their total size
};

struct ExportRequest {
  Format format = Format::json;
  Selection selection;
  // original: the imports (source ids) to export; empty: every one.
  std::vector<std::int64_t> sources;
  Presentation presentation;
  // html: messages per page.
  std::size_t page_size = 1000;
  // Called now and then while files are written (not more than every few hundred ms worth of
  // work is not guaranteed: the caller throttles drawing).
  std::function<void(const ExportSummary&)> on_progress;
};

// Writes the export into `sink` and finishes it. Error(usage) when the request makes no sense
// (a source that does not exist); Error(corrupted) when a stored object is damaged; what the
// sink throws passes through.
ExportSummary export_vault(const Vault& vault, catalog::Catalog& catalog,
                           const ExportRequest& request, OutputSink& sink);

// The selected conversations, in the order the exports list them (most recent first, as
// `list` shows them), each with the number of selected messages; those with none are left out.
struct SelectedConversation {
  catalog::ConversationSummary summary;
  std::uint64_t selected = 0;
};
std::vector<SelectedConversation> selected_conversations(catalog::Catalog& catalog,
                                                         const Selection& selection);
// The request narrowed to one conversation.
catalog::SearchRequest request_for(const Selection& selection, std::int64_t conversation_id);

// Copies the selection into `target`, a new, empty vault opened for writing: the conversations,
// their selected messages and the media those reference, under a catalog of their own. The
// caller commits. Returns what was copied (files: media files, bytes: their size).
ExportSummary copy_to_vault(const Vault& source, catalog::Catalog& catalog,
                            const Selection& selection, Vault& target,
                            const std::function<void(const ExportSummary&)>& on_progress);

}  // namespace dmvault::exporting
