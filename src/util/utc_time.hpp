// Times as dmvault's JSON writes them.
#pragma once

#include <cstdint>
#include <string>

namespace dmvault::util {

// "2024-09-05T11:13:00.000Z": RFC 3339 in UTC with milliseconds.
std::string format_utc_timestamp(std::int64_t unix_ms);

}  // namespace dmvault::util
