// Messenger's end-to-end-encrypted export (messenger.com/secure_storage/dyi, 2024+): one JSON
// file per thread in a flat folder, camelCase keys, a shared media/ folder. FORMAT.md §5.
#pragma once

#include "dmvault/importer.hpp"
#include "meta/meta_import.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::messenger {

inline constexpr std::string_view kPlatform = "messenger";

// JSON files that may be E2EE threads: any *.json outside a Meta DYI tree (not message_N.json,
// not under messages/ or a your_*_activity/ root), those with a media/ folder beside them
// first, then by path.
std::vector<std::string> e2ee_candidates(const std::vector<ExportFile>& files);

// Whether the bytes are an E2EE thread file: a JSON object with a "threadName" string, a
// "participants" array and a "messages" array. Never throws.
bool looks_like_e2ee_thread(std::string_view bytes);

// Imports one E2EE thread file when it is one (true); false, without reading further, when it
// is some other JSON file. Error(bad_input) when the file is not valid JSON but says it is a
// thread (it has "threadName"), e.g. a truncated download.
bool import_e2ee_file(meta::ImportContext& context, const std::string& path);

}  // namespace dmvault::formats::messenger
