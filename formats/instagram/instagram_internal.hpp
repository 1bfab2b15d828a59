// Shared between the parts of the Instagram importer: where the threads are (instagram_layout),
// and the readers of each file kind (instagram_json, instagram_html, instagram_legacy).
#pragma once

#include "common/time_zone.hpp"
#include "dmvault/importer.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::instagram {

inline constexpr std::string_view kPlatform = "instagram";

struct ThreadFile {
  std::string path;
  std::uint64_t number = 0;  // N of message_N
};

// One thread folder: <root>messages/<section>/<folder>/message_N.{json,html}.
struct ThreadGroup {
  std::string thread_id;               // the folder name: stable across exports of the account
  std::string section;                 // "inbox", "message_requests", ...
  std::string dir;                     // export path of the folder
  std::string export_root;             // "" or "some/prefix/": what media uris are relative to
  bool instagram_root = false;         // under your_instagram_activity/ (2023+ layout)
  std::vector<ThreadFile> json_files;  // by N (message_1 holds the newest messages)
  std::vector<ThreadFile> html_files;
};

struct Layout {
  std::vector<ThreadGroup> threads;        // sorted by (thread_id, dir)
  std::vector<std::string> legacy_files;   // candidate pre-2020 messages.json
  std::vector<std::string> profile_files;  // personal_information.json, profile.json
  bool instagram_markers = false;          // your_instagram_activity/, Instagram-only files
  bool facebook_markers = false;           // your_facebook_activity/, stickers_used/, ...
};

Layout scan_layout(const std::vector<ExportFile>& files);

// Sibling files that only the pre-2020 Instagram export has next to messages.json.
bool has_legacy_siblings(const std::vector<ExportFile>& files, std::string_view messages_json);

// The export path a media uri points to, trying the variants the exporter's eras and bugs
// produce (FORMAT.md, "Media paths"); the uri unchanged when no file matches.
std::string resolve_media(const ExportFiles& files, const ThreadGroup& thread,
                          std::string_view uri);

// What every reader needs while importing.
class ImportContext {
 public:
  ImportContext(const ExportFiles& export_files, ImportSink& import_sink,
                const ImportOptions& import_options)
      : files(export_files), sink(import_sink), options(import_options) {}

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

void import_json_thread(ImportContext& context, const ThreadGroup& thread);
void import_html_thread(ImportContext& context, const ThreadGroup& thread);
void import_legacy_file(ImportContext& context, const std::string& path);

// Whether a file is a pre-2020 messages.json: a JSON array whose first element is an object
// with a "conversation" array. Never throws.
bool looks_like_legacy_messages(std::string_view bytes);

// Names of the account owner from personal_information.json / profile.json. Never throws.
std::vector<std::string> read_profile_names(const ExportFiles& files,
                                            const std::vector<std::string>& profile_files);

// The warning for one record kept with problems.
std::string record_problem(std::size_t index, std::size_t offset,
                           const std::vector<std::string>& problems);

}  // namespace dmvault::formats::instagram
