// The synthetic Instagram export: a small plan (people, threads, media files, planted words) is
// drawn from the seed up front, then the messages are generated newest first and streamed into
// an ExportSink one message_N.json at a time, so memory stays bounded by one JSON part (10,000
// messages) whatever the size of the export.
#pragma once

#include "gen_sink.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dmvault::formats::instagram::generator {

enum class Layout {
  y2022,  // messages/inbox/<user>_<10 alnum>/, type/is_unsent/bumped_message_metadata keys
  y2025,  // your_instagram_activity/messages/inbox/<user>_<15-17 digits>/, geoblock keys
};

struct GeneratorOptions {
  std::uint64_t conversations = 20;
  std::uint64_t messages = 2000;
  std::uint64_t media_bytes = 5ULL * 1024 * 1024;
  std::uint64_t seed = 1;
  Layout layout = Layout::y2025;
  std::uint64_t messages_per_file = 10000;
};

// Limits checked by validate_options (the CLI reports them as usage errors).
inline constexpr std::uint64_t kMaxConversations = 100000;
inline constexpr std::uint64_t kMaxMessages = 1000000000;
inline constexpr std::uint64_t kMinMediaBytes = 4096;  // or 0 for no media at all

// Empty when the options are usable, else what is wrong with them.
std::string validate_options(const GeneratorOptions& options);

struct PlantedOccurrence {
  std::string word;
  std::string thread;  // thread_path, e.g. "inbox/anaperez_17841400012345678"
  std::string file;    // export-relative path of the message_N.json that holds it
  std::string sender;
  std::int64_t timestamp_ms = 0;
};

struct ThreadTruth {
  std::string thread_path;
  std::string title;
  bool is_group = false;
  std::vector<std::string> participants;
  std::uint64_t messages = 0;
  std::uint64_t system_messages = 0;
  std::uint64_t json_files = 0;
  std::int64_t first_timestamp_ms = 0;
  std::int64_t last_timestamp_ms = 0;
};

// Ground truth, with the definitions of `dmvault info --json` (documented in --help).
struct Truth {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;
  std::uint64_t system_messages = 0;
  std::uint64_t attachments = 0;
  std::uint64_t missing_attachments = 0;
  std::uint64_t media_files = 0;
  std::uint64_t media_bytes = 0;
  std::uint64_t media_paths = 0;
  std::uint64_t unreferenced_media_files = 0;
  std::uint64_t thread_media_files = 0;
  std::uint64_t thread_media_bytes = 0;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> kinds;  // records per kind, see --help
  std::string owner;
  std::vector<PlantedOccurrence> planted;
  std::vector<ThreadTruth> threads;
};

// Writes the whole export into `sink` (and finishes it). Throws std::runtime_error on I/O errors.
Truth generate_export(const GeneratorOptions& options, ExportSink& sink);

// The truth as a JSON document (proper UTF-8, not mojibake). `zip_parts` is 0 for a folder.
std::string truth_to_json(const Truth& truth, const GeneratorOptions& options, unsigned zip_parts);

// The modification time given to every generated file (the "export date").
std::int64_t export_mtime();

}  // namespace dmvault::formats::instagram::generator
