// Shared between the parts of the Instagram importer: where the threads are (instagram_layout)
// and the pre-2020 reader (instagram_legacy). Thread folders in JSON or HTML are read by the Meta
// layer shared with the Messenger importer (formats/meta/meta_import.hpp).
#pragma once

#include "dmvault/importer.hpp"
#include "meta/meta_import.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::instagram {

inline constexpr std::string_view kPlatform = "instagram";

// The thread-folder layer is shared with the Messenger importer (formats/meta).
using meta::ImportContext;
using meta::ThreadFile;
using meta::ThreadGroup;

struct Layout {
  std::vector<ThreadGroup> threads;        // sorted by (thread_id, dir)
  std::vector<std::string> legacy_files;   // candidate pre-2020 messages.json
  std::vector<std::string> profile_files;  // personal_information.json, profile.json
};

Layout scan_layout(const std::vector<ExportFile>& files);

// Sibling files that only the pre-2020 Instagram export has next to messages.json.
bool has_legacy_siblings(const std::vector<ExportFile>& files, std::string_view messages_json);

void import_legacy_file(ImportContext& context, const std::string& path);

// Whether a file is a pre-2020 messages.json: a JSON array whose first element is an object
// with a "conversation" array. Never throws.
bool looks_like_legacy_messages(std::string_view bytes);

// Names of the account owner from personal_information.json / profile.json. Never throws.
std::vector<std::string> read_profile_names(const ExportFiles& files,
                                            const std::vector<std::string>& profile_files);

using meta::record_problem;

}  // namespace dmvault::formats::instagram
