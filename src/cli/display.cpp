#include "cli/display.hpp"

#include "util/utc_time.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>

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

std::string format_timestamp(std::int64_t unix_ms) { return util::format_utc_timestamp(unix_ms); }

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

namespace {
std::string format_local(std::int64_t unix_ms, bool with_minutes) {
  const std::time_t seconds =
      static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return "?";
  char buffer[64];
  const std::size_t n = with_minutes
                            ? std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &local)
                            : std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &local);
  return std::string(buffer, n);
}
}  // namespace

std::string format_local_date(std::int64_t unix_ms) { return format_local(unix_ms, false); }
std::string format_local_minute(std::int64_t unix_ms) { return format_local(unix_ms, true); }

std::optional<std::int64_t> parse_local_time(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char sep = 0;
  const std::string s(text);
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 ||
      consumed != 10) {
    return std::nullopt;
  }
  if (s.size() > 10) {
    int more = 0;
    if (std::sscanf(s.c_str() + 10, "%c%2d:%2d%n", &sep, &hour, &minute, &more) != 3 ||
        (sep != 'T' && sep != ' ')) {
      return std::nullopt;
    }
    std::size_t pos = 10 + static_cast<std::size_t>(more);
    if (pos < s.size()) {
      int rest = 0;
      if (std::sscanf(s.c_str() + pos, ":%2d%n", &second, &rest) != 1) return std::nullopt;
      pos += static_cast<std::size_t>(rest);
    }
    if (pos != s.size()) return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm local{};
  local.tm_year = year - 1900;
  local.tm_mon = month - 1;
  local.tm_mday = day;
  local.tm_hour = hour;
  local.tm_min = minute;
  local.tm_sec = second;
  local.tm_isdst = -1;  // let the zone's rules decide (DST)
  const std::time_t t = std::mktime(&local);
  if (t == static_cast<std::time_t>(-1) && !(year == 1969 && month == 12 && day == 31)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(t) * 1000;
}

}  // namespace dmvault::cli
