// Time zones for exports that write local wall-clock times without a zone (Instagram and Facebook
// HTML, WhatsApp text). The system's tz database is read directly (TZif files under
// /usr/share/zoneinfo, RFC 8536, with the POSIX TZ rule of their footer for times after the last
// transition), since libstdc++ 12 has no std::chrono::tzdb and formats/ may not use src/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats {

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};
CivilDate civil_from_days(std::int64_t days);
bool is_valid_date(std::int64_t year, unsigned month, unsigned day);

// A POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"): standard offset and optional yearly DST.
struct PosixTzRule {
  std::int32_t std_offset = 0;  // seconds east of UTC
  std::int32_t dst_offset = 0;
  bool has_dst = false;
  struct Date {
    char kind = 'M';  // 'J' (1-365, no Feb 29), 'N' (0-365, zero-based), 'M' (month.week.day)
    int a = 0, b = 0, c = 0;
    std::int32_t time = 7200;  // seconds after local midnight (may be negative or > 24h)
  };
  Date start, end;

  // False when `text` is not a POSIX TZ string.
  static bool parse(std::string_view text, PosixTzRule& out);
  std::int32_t offset_at(std::int64_t utc_seconds) const;
};

class TimeZone {
 public:
  // UTC.
  TimeZone();

  // `name`: an IANA zone ("Europe/Paris"), "UTC"/"Z", or a fixed offset ("+05:30", "-0800",
  // "UTC+2"); "" means the machine's zone (TZ, else /etc/localtime, else UTC).
  // Error(usage) for a name that is none of these.
  static TimeZone load(std::string_view name);
  // Parses TZif bytes (tests, and load()). Error(bad_input) when they are not TZif.
  static TimeZone from_tzif(std::string_view name, std::string_view bytes);
  static TimeZone fixed(std::string name, std::int32_t offset_seconds);

  const std::string& name() const { return m_name; }

  // Seconds east of UTC in effect at a UTC instant.
  std::int32_t offset_at(std::int64_t utc_seconds) const;

  // The UTC instant of a local wall-clock time, given as seconds since 1970-01-01 00:00 local.
  // A time that occurs twice (clocks set back) gives the earlier instant; a time that does not
  // exist (clocks set forward) is read with the offset in effect just before the change, so it
  // lands after the change, the way mktime does.
  std::int64_t to_utc(std::int64_t local_seconds) const;

 private:
  std::string m_name;
  std::vector<std::int64_t> m_transitions;  // UTC seconds, ascending
  std::vector<std::int32_t> m_offsets;      // offset from m_transitions[i] on
  std::int32_t m_initial_offset = 0;        // before the first transition
  bool m_has_rule = false;                  // after the last transition: m_rule
  PosixTzRule m_rule;
};

}  // namespace dmvault::formats
