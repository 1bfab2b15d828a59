// Dates as exports write them: ISO-8601 (old Instagram messages.json) and the human, localised
// wall-clock strings of HTML exports ("May 14, 2024, 6:21 AM", "Mar 10, 2026 7:25 pm",
// "Mar 12, 2024 11:03:54pm", "3 nov. 2018, 14:20").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dmvault::formats {

struct LocalDateTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  // Seconds since 1970-01-01 00:00 of the same wall clock (what TimeZone::to_utc takes).
  std::int64_t local_seconds() const;
};

// A wall-clock date and time with a month name (English, French, German, Spanish, Portuguese,
// Italian, Dutch or Filipino; full or abbreviated), a day, a four-digit year and h:mm[:ss] with
// an optional am/pm, in either day-month or month-day order. nullopt when the text has not
// exactly one of each, or they do not form a real date and time.
std::optional<LocalDateTime> parse_local_date_time(std::string_view text);

struct IsoTime {
  std::int64_t utc_ms = 0;
  bool has_zone = false;  // false: no offset was written, the time was read as UTC
};
// "2018-11-03T14:20:07.123456+00:00", "...Z", "...+0100", or without a zone; a space may
// replace the 'T'. Fractions below the millisecond are dropped.
std::optional<IsoTime> parse_iso8601(std::string_view text);

}  // namespace dmvault::formats
