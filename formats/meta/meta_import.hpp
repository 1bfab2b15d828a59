// Importing the threads of a Meta "Download your information" tree (message_N.json or
// message_N.html), shared by the Instagram and Facebook Messenger importers: each names its
// platform and picks the thread folders it owns (meta_layout.hpp).
#pragma once

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

// What every reader needs while importing.
class ImportContext {
 public:
  ImportContext(std::string_view import_platform, const ExportFiles& export_files,
                ImportSink& import_sink, const ImportOptions& import_options)
      : platform(import_platform),
        files(export_files),
        sink(import_sink),
        options(import_options) {}

  const std::string platform;  // Conversation::platform of everything imported
  const ExportFiles& files;
  ImportSink& sink;
  const ImportOptions& options;
  std::vector<std::string> self_names;  // the exporting account's name and username

  bool is_self(std::string_view name) const;
  // Announces a conversation unless one with its thread id already was (a thread can sit in
  // two sections, or two roots); true when it was announced now.
  bool announce(const Conversation& conversation);
  bool announced(const std::string& thread_id) const { return m_announced.count(thread_id) != 0; }
  // The zone local times are read in, loaded on first use (Error(usage) for a bad name).
  const TimeZone& zone();

 private:
  std::set<std::string> m_announced;
  std::optional<TimeZone> m_zone;
};

// A thread's message_N.json files, in N order and each in file order (the export's order,
// newest first). Its HTML files, if any, are stored but not read (a warning says so).
void import_json_thread(ImportContext& context, const ThreadGroup& thread);
// A thread's message_N.html files (meta_html.cpp).
void import_html_thread(ImportContext& context, const ThreadGroup& thread);

// The warning for one record kept with problems.
std::string record_problem(std::size_t index, std::size_t offset,
                           const std::vector<std::string>& problems);

}  // namespace dmvault::formats::meta
