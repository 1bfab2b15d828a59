// How numbers, sizes and times look in dmvault's output.
#pragma once

#include "dmvault/vault.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmvault::cli {

// "0 B", "812 B", "8.2 KiB", "1.0 MiB" ... (IEC units, one decimal above 1 KiB).
std::string format_bytes(std::uint64_t bytes);
// An Argon2id memory limit: "64 MiB" (libsodium's limits are whole MiB), else "N bytes".
std::string format_memlimit(std::uint64_t bytes);
// ISO 8601 in UTC with milliseconds, e.g. 2024-09-05T10:13:22.546Z (the form every --json
// output uses for times).
std::string format_timestamp(std::int64_t unix_ms);

// In the local zone (TZ respected): "2024-09-05" and "2024-09-05 11:13".
std::string format_local_date(std::int64_t unix_ms);
std::string format_local_minute(std::int64_t unix_ms);
// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" or "YYYY-MM-DD HH:MM[:SS]" in the local zone, to unix
// milliseconds; nullopt when it is not such a date.
std::optional<std::int64_t> parse_local_time(std::string_view text);

std::string_view kdf_profile_name(KdfProfile profile);
// "passphrase" or "recovery_key" (the --json spelling).
std::string_view credential_kind_name(Credential::Kind kind);

}  // namespace dmvault::cli
