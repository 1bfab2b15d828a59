// Importing the threads of a Meta "Download your information" tree (message_N.json or
// message_N.html), shared by the Instagram and Facebook Messenger importers: each names its
// platform and picks the thread folders it owns (meta_layout.hpp).
#pragma once

#include "common/import_context.hpp"
#include "common/time_zone.hpp"
#include "dmvault/importer.hpp"
#include "meta/meta_layout.hpp"

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::meta {

// What every reader needs while importing: the shared context (a thread can sit in two
// sections, or two roots, and is announced once) with the platform and the account's names.
class ImportContext : public formats::ImportContext {
 public:
  ImportContext(std::string_view import_platform, const ExportFiles& export_files,
                ImportSink& import_sink, const ImportOptions& import_options)
      : formats::ImportContext(export_files, import_sink, import_options),
        platform(import_platform) {}

  const std::string platform;           // Conversation::platform of everything imported
  std::vector<std::string> self_names;  // the exporting account's name and username

  bool is_self(std::string_view name) const;
};

// A thread's message_N.json files, in N order and each in file order (the export's order,
// newest first). Its HTML files, if any, are stored but not read (a warning says so).
void import_json_thread(ImportContext& context, const ThreadGroup& thread);
// A thread's message_N.html files (meta_html.cpp).
void import_html_thread(ImportContext& context, const ThreadGroup& thread);

// The warning for one record kept with problems.
inline std::string record_problem(std::size_t index, std::size_t offset,
                                  const std::vector<std::string>& problems) {
  return formats::record_problem("record", index, offset, problems);
}

}  // namespace dmvault::formats::meta
