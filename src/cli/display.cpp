#include "cli/display.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace dmvault::cli {

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  // Tenths of the unit, computed in integers so that no value prints as "1024.0 KiB".
  std::size_t unit = 0;
  std::uint64_t scale = 1024;
  while (unit + 1 < kUnits.size() && bytes / scale >= 1024) {
    scale *= 1024;
    ++unit;
  }
  std::uint64_t tenths =
      bytes > UINT64_MAX / 10 ? bytes / (scale / 10) : (bytes * 10 + scale / 2) / scale;
  if (tenths >= 10240 && unit + 1 < kUnits.size()) {
    tenths = 10;
    ++unit;
  }
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + kUnits[unit];
}

std::string format_memlimit(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string format_timestamp(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  std::array<char, 48> buffer{};
  const int n = std::snprintf(
      buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
      static_cast<int>(clock.subseconds().count()));
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

std::string_view kdf_profile_name(KdfProfile profile) {
  switch (profile) {
    case KdfProfile::interactive:
      return "interactive";
    case KdfProfile::moderate:
      return "moderate";
    case KdfProfile::sensitive:
      return "sensitive";
  }
  return "unknown";
}

std::string_view credential_kind_name(Credential::Kind kind) {
  switch (kind) {
    case Credential::Kind::passphrase:
      return "passphrase";
    case Credential::Kind::recovery_key:
      return "recovery_key";
  }
  return "unknown";
}

}  // namespace dmvault::cli
