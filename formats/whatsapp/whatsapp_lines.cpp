// The header grammar of WhatsApp chat exports and the day/month order of their dates. One
// permissive hand-written scanner covers every variant seen (FORMAT.md, "Headers"): an optional
// '[', three date fields separated by '/', '.' or '-', an optional comma, h:mm or h:mm:ss, an
// optional am/pm marker in any of its spellings, then "] " (iOS) or " - " (Android).
#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "whatsapp/whatsapp_internal.hpp"

#include <algorithm>

namespace dmvault::formats::whatsapp {

namespace {

// Length of the invisible mark at the start of `text`, or 0.
std::size_t mark_length(std::string_view text) {
  if (text.size() >= 3) {
    const auto b0 = static_cast<unsigned char>(text[0]);
    const auto b1 = static_cast<unsigned char>(text[1]);
    const auto b2 = static_cast<unsigned char>(text[2]);
    if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) return 3;                  // U+FEFF
    if (b0 == 0xe2 && b1 == 0x80 && (b2 == 0x8e || b2 == 0x8f)) return 3;  // U+200E, U+200F
    if (b0 == 0xe2 && b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) return 3;    // U+202A-U+202E
    if (b0 == 0xe2 && b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9) return 3;    // U+2066-U+2069
  }
  return 0;
}

// Length of the space at the start of `text`: ' ', U+00A0 or U+202F (newer Android builds put a
// narrow no-break space before "PM"), or 0.
std::size_t space_length(std::string_view text) {
  if (!text.empty() && text[0] == ' ') return 1;
  if (text.size() >= 2 && text[0] == '\xc2' && text[1] == '\xa0') return 2;
  if (text.size() >= 3 && text[0] == '\xe2' && text[1] == '\x80' && text[2] == '\xaf') return 3;
  return 0;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}
  std::size_t pos() const { return m_pos; }
  void reset(std::size_t pos) { m_pos = pos; }
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

  bool take(char c) {
    if (peek() != c) return false;
    ++m_pos;
    return true;
  }
  bool take_ci(char lower) {
    const char c = peek();
    if (c != lower && c != static_cast<char>(lower - 'a' + 'A')) return false;
    ++m_pos;
    return true;
  }
  std::size_t spaces() {
    std::size_t count = 0;
    while (const std::size_t n = space_length(m_text.substr(m_pos))) {
      m_pos += n;
      ++count;
    }
    return count;
  }
  // 1 to `max_digits` ASCII digits.
  bool number(unsigned max_digits, unsigned& value, unsigned& digits) {
    value = 0;
    digits = 0;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      if (digits == max_digits) return false;
      value = value * 10 + static_cast<unsigned>(peek() - '0');
      ++digits;
      ++m_pos;
    }
    return digits > 0;
  }
  bool two_digits(unsigned& value) {
    unsigned digits = 0;
    return number(2, value, digits) && digits == 2;
  }
  // "am", "PM", "a.m.", "p. m." (Spanish), with any of the spaces above inside.
  int meridiem() {
    const std::size_t start = m_pos;
    int value = -1;
    if (take_ci('a')) {
      value = 0;
    } else if (take_ci('p')) {
      value = 1;
    } else {
      return -1;
    }
    take('.');
    spaces();
    if (!take_ci('m')) {
      m_pos = start;
      return -1;
    }
    take('.');
    return value;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

std::int64_t full_year(unsigned value, unsigned digits) {
  // WhatsApp dates from 2009 on, so a two-digit year is always 20yy.
  return digits == 2 ? 2000 + static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

// Days since the epoch of a header's date read in `order`, or nullopt when it does not exist.
std::optional<std::int64_t> day_number(const Header& h, DateOrder order) {
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  switch (order) {
    case DateOrder::year_month_day:
      year = full_year(h.fields[0], h.digits[0]);
      month = h.fields[1];
      day = h.fields[2];
      break;
    case DateOrder::day_month_year:
      day = h.fields[0];
      month = h.fields[1];
      year = full_year(h.fields[2], h.digits[2]);
      break;
    case DateOrder::month_day_year:
      month = h.fields[0];
      day = h.fields[1];
      year = full_year(h.fields[2], h.digits[2]);
      break;
  }
  if (!is_valid_date(year, month, day)) return std::nullopt;
  return days_from_civil(year, month, day);
}

// How often consecutive dates go backwards when read in `order` (exports are mostly, if not
// strictly, chronological).
std::size_t backward_steps(const std::vector<Header>& headers, DateOrder order) {
  std::size_t steps = 0;
  std::optional<std::int64_t> previous;
  for (const Header& h : headers) {
    const auto day = day_number(h, order);
    if (!day) {
      ++steps;  // a date that does not exist in this order counts against it
      continue;
    }
    if (previous && *day < *previous) ++steps;
    previous = day;
  }
  return steps;
}

}  // namespace

std::string_view strip_leading_marks(std::string_view text) {
  while (const std::size_t n = mark_length(text)) text.remove_prefix(n);
  return text;
}

std::string_view trim_marks(std::string_view text) {
  for (;;) {
    text = trim(strip_leading_marks(text));
    if (text.size() >= 3 && mark_length(text.substr(text.size() - 3)) == 3) {
      text.remove_suffix(3);
      continue;
    }
    return text;
  }
}

std::string without_marks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t n = mark_length(text.substr(i))) {
      i += n;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::optional<Header> parse_header(std::string_view line) {
  Header h;
  Scanner s(line);
  h.bracketed = s.take('[');
  h.local_begin = s.pos();
  if (!s.number(4, h.fields[0], h.digits[0])) return std::nullopt;
  const char separator = s.peek();
  if (separator != '/' && separator != '.' && separator != '-') return std::nullopt;
  s.take(separator);
  h.date_separator = separator;
  if (!s.number(2, h.fields[1], h.digits[1]) || !s.take(separator)) return std::nullopt;
  if (!s.number(4, h.fields[2], h.digits[2])) return std::nullopt;
  if (h.digits[0] == 4) {
    if (h.digits[2] > 2) return std::nullopt;
  } else if (h.digits[0] > 2 || (h.digits[2] != 2 && h.digits[2] != 4)) {
    return std::nullopt;
  }
  if (separator == '.') s.take('.');  // "23.04.21." in some dotted locales
  const bool comma = s.take(',');
  if (s.spaces() == 0 && !comma) return std::nullopt;

  unsigned hour_digits = 0;
  if (!s.number(2, h.hour, hour_digits) || !s.take(':') || !s.two_digits(h.minute)) {
    return std::nullopt;
  }
  if (s.take(':')) {
    if (!s.two_digits(h.second)) return std::nullopt;
    h.has_seconds = true;
  }
  std::size_t end = s.pos();
  {
    const std::size_t before = s.pos();
    s.spaces();
    h.meridiem = s.meridiem();
    if (h.meridiem < 0) {
      s.reset(before);
    } else {
      end = s.pos();
    }
  }
  h.local_end = end;
  if (h.minute > 59 || h.second > 59) return std::nullopt;
  if (h.meridiem < 0 ? h.hour > 23 : h.hour > 12) return std::nullopt;

  if (h.bracketed) {
    if (!s.take(']')) return std::nullopt;
    s.spaces();
  } else {
    if (s.spaces() == 0) return std::nullopt;
    if (!s.take('-')) {
      // An en dash, as some fonts' autocorrection leaves it.
      if (line.substr(s.pos(), 3) != "\xe2\x80\x93") return std::nullopt;
      s.reset(s.pos() + 3);
    }
    if (!s.at_end() && s.spaces() == 0) return std::nullopt;
  }
  h.rest = s.pos();
  return h;
}

const char* describe(DateOrder order) {
  switch (order) {
    case DateOrder::day_month_year:
      return "day/month/year";
    case DateOrder::month_day_year:
      return "month/day/year";
    case DateOrder::year_month_day:
      return "year/month/day";
  }
  return "day/month/year";
}

OrderDecision infer_date_order(const std::vector<Header>& headers) {
  OrderDecision decision;
  if (!headers.empty() && headers.front().year_first()) {
    decision.order = DateOrder::year_month_day;
    return decision;
  }
  std::size_t day_first = 0;    // first field above 12: it can only be the day
  std::size_t month_first = 0;  // second field above 12
  bool order_matters = false;   // some date reads differently in the two orders
  bool twelve_hour = false;
  for (const Header& h : headers) {
    if (h.fields[0] > 12) ++day_first;
    if (h.fields[1] > 12) ++month_first;
    if (h.fields[0] != h.fields[1]) order_matters = true;
    if (h.meridiem >= 0) twelve_hour = true;
  }
  if (day_first > 0 && month_first == 0) {
    decision.order = DateOrder::day_month_year;
  } else if (month_first > 0 && day_first == 0) {
    decision.order = DateOrder::month_day_year;
  } else if (day_first > 0) {
    // Both: not one phone's export (two joined files?). The majority wins; the dates that do
    // not exist in that order are reported one by one by the caller.
    decision.order =
        day_first >= month_first ? DateOrder::day_month_year : DateOrder::month_day_year;
    decision.assumption = std::to_string(day_first) + " dates have a day above 12 first and " +
                          std::to_string(month_first) +
                          " have it second, so the file mixes both orders; read as " +
                          describe(decision.order) + " (the majority)";
  } else if (order_matters) {
    const std::size_t dmy = backward_steps(headers, DateOrder::day_month_year);
    const std::size_t mdy = backward_steps(headers, DateOrder::month_day_year);
    std::string why;
    if (dmy != mdy) {
      decision.order = dmy < mdy ? DateOrder::day_month_year : DateOrder::month_day_year;
      why = "the dates run in order most consistently that way";
    } else if (twelve_hour && headers.front().date_separator == '/') {
      decision.order = DateOrder::month_day_year;
      why = "that is the usual order of dates with a 12-hour clock and '/'";
    } else {
      decision.order = DateOrder::day_month_year;
      why = "that is the usual order of this date style";
    }
    decision.assumption =
        "day and month order is ambiguous (no date has a field above 12); read as " +
        std::string(describe(decision.order)) + " because " + why;
  }
  return decision;
}

std::optional<LocalDateTime> local_date_time(const Header& h, DateOrder order) {
  const auto day = day_number(h, order);
  if (!day) return std::nullopt;
  const CivilDate date = civil_from_days(*day);
  LocalDateTime t;
  t.year = date.year;
  t.month = date.month;
  t.day = date.day;
  t.hour = h.hour;
  if (h.meridiem == 0 && h.hour == 12) t.hour = 0;            // 12:05 am is just past midnight
  if (h.meridiem == 1 && h.hour != 12) t.hour = h.hour + 12;  // 12:05 pm is just past noon
  t.minute = h.minute;
  t.second = h.second;
  return t;
}

}  // namespace dmvault::formats::whatsapp
