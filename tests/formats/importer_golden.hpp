// Golden files for importers: what an import emitted, one canonical JSON line per record
// (conversation, message or warning, in emitted order), compared with expected.jsonl.
// DMVAULT_UPDATE_GOLDEN=1 rewrites the expected files instead; review the diff before keeping it.
#pragma once

#include "formats/memory_export.hpp"

#include <filesystem>
#include <string>

namespace dmvault::test {

// "2024-06-02T10:23:00.000Z"
std::string utc_text(std::int64_t ms);

std::string to_jsonl(const RecordingSink& sink);

// Compares `actual` with the golden file (or rewrites it, see above). Returns "" when they
// match, else a description of the first difference.
std::string check_golden(const std::filesystem::path& expected_file, const std::string& actual);

}  // namespace dmvault::test
