// What the exporter's source files share: one export in progress.
#pragma once

#include "export/exporter.hpp"
#include "export/safe_names.hpp"

#include <string>
#include <string_view>

namespace dmvault::exporting {

struct Job {
  Job(const Vault& source_vault, catalog::Catalog& source_catalog, const ExportRequest& what,
      OutputSink& destination)
      : vault(source_vault), catalog(source_catalog), request(what), sink(destination) {}

  // Writes the stored object `content` as the file `safe_path`, streamed.
  void write_object(const std::string& safe_path, const ObjectId& content,
                    std::int64_t mtime_unix = 0);
  // Writes a generated text file.
  void write_text(const std::string& safe_path, const std::function<void(std::ostream&)>& produce);
  void progress() const {
    if (request.on_progress) request.on_progress(summary);
  }

  const Vault& vault;
  catalog::Catalog& catalog;
  const ExportRequest& request;
  OutputSink& sink;
  ExportSummary summary;
  PathAllocator names;
};

// The name an attachment is saved under: the last component of its name, else of its uri.
std::string attachment_file_name(const catalog::AttachmentView& attachment);

void export_html(Job& job, const std::vector<SelectedConversation>& conversations);

}  // namespace dmvault::exporting
