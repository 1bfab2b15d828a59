#include "common/time_zone.hpp"

#include "dmvault/error.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

namespace dmvault::formats {

namespace {

constexpr std::int64_t kDay = 86400;
// A zoneinfo file is a few KiB; anything far larger is not one.
constexpr std::size_t kMaxTzifBytes = std::size_t{1} << 20;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

// 0 = Sunday.
int weekday(std::int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }

// --- POSIX TZ strings ---------------------------------------------------------------------

class Cursor {
 public:
  explicit Cursor(std::string_view text) : m_text(text) {}
  bool done() const { return m_pos >= m_text.size(); }
  char peek() const { return done() ? '\0' : m_text[m_pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++m_pos;
    return true;
  }
  std::optional<int> number(int max_digits) {
    int value = 0;
    int digits = 0;
    while (digits < max_digits && peek() >= '0' && peek() <= '9') {
      value = value * 10 + (peek() - '0');
      ++m_pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  }
  bool name() {
    if (eat('<')) {
      const std::size_t start = m_pos;
      while (!done() && peek() != '>') {
        const char c = peek();
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '-';
        if (!ok) return false;
        ++m_pos;
      }
      return m_pos - start >= 3 && eat('>');
    }
    const std::size_t start = m_pos;
    while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) ++m_pos;
    return m_pos - start >= 3;
  }
  // [+-]hh[:mm[:ss]] in seconds; `max_hours` 24 for offsets, 167 for rule times (RFC 8536).
  std::optional<std::int32_t> hms(int max_hours) {
    int sign = 1;
    if (eat('-')) {
      sign = -1;
    } else {
      eat('+');
    }
    const auto h = number(3);
    if (!h || *h > max_hours) return std::nullopt;
    int m = 0;
    int s = 0;
    if (eat(':')) {
      const auto mm = number(2);
      if (!mm || *mm > 59) return std::nullopt;
      m = *mm;
      if (eat(':')) {
        const auto ss = number(2);
        if (!ss || *ss > 59) return std::nullopt;
        s = *ss;
      }
    }
    return sign * (*h * 3600 + m * 60 + s);
  }
  bool date(PosixTzRule::Date& d) {
    if (eat('J')) {
      const auto n = number(3);
      if (!n || *n < 1 || *n > 365) return false;
      d.kind = 'J';
      d.a = *n;
    } else if (eat('M')) {
      const auto m = number(2);
      if (!m || *m < 1 || *m > 12 || !eat('.')) return false;
      const auto w = number(1);
      if (!w || *w < 1 || *w > 5 || !eat('.')) return false;
      const auto wd = number(1);
      if (!wd || *wd > 6) return false;
      d.kind = 'M';
      d.a = *m;
      d.b = *w;
      d.c = *wd;
    } else {
      const auto n = number(3);
      if (!n || *n > 365) return false;
      d.kind = 'N';
      d.a = *n;
    }
    d.time = 7200;
    if (eat('/')) {
      const auto t = hms(167);
      if (!t) return false;
      d.time = *t;
    }
    return true;
  }

 private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

// Local seconds (since 1970-01-01 local) at which a rule date takes effect in `year`.
std::int64_t rule_local_time(const PosixTzRule::Date& d, std::int64_t year) {
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  std::int64_t day = jan1;
  switch (d.kind) {
    case 'J':
      day = jan1 + d.a - 1 + ((is_leap(year) && d.a >= 60) ? 1 : 0);
      break;
    case 'N':
      day = jan1 + d.a;
      break;
    default: {
      const auto month = static_cast<unsigned>(d.a);
      const std::int64_t first = days_from_civil(year, month, 1);
      std::int64_t offset = (d.c - weekday(first) + 7) % 7 + (d.b - 1) * 7;
      while (offset >= static_cast<std::int64_t>(days_in_month(year, month))) offset -= 7;
      day = first + offset;
      break;
    }
  }
  return day * kDay + d.time;
}

// --- TZif -----------------------------------------------------------------------------------

class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string_view name) : m_bytes(bytes), m_name(name) {}
  std::size_t pos() const { return m_pos; }
  void need(std::size_t n) const {
    if (n > m_bytes.size() - m_pos) {
      throw Error(ErrorCode::bad_input,
                  "time zone " + std::string(m_name) + ": truncated zoneinfo file");
    }
  }
  std::string_view take(std::size_t n) {
    need(n);
    const std::string_view out = m_bytes.substr(m_pos, n);
    m_pos += n;
    return out;
  }
  std::uint64_t be(std::size_t n) {
    const std::string_view b = take(n);
    std::uint64_t v = 0;
    for (const char c : b) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  }
  std::string_view rest() const { return m_bytes.substr(m_pos); }

 private:
  std::string_view m_bytes;
  std::string_view m_name;
  std::size_t m_pos = 0;
};

struct TzifCounts {
  std::uint64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

TzifCounts read_header(ByteReader& r, std::string_view name, char& version) {
  if (r.take(4) != "TZif") {
    throw Error(ErrorCode::bad_input,
                "time zone " + std::string(name) + ": not a zoneinfo (TZif) file");
  }
  version = r.take(1)[0];
  r.take(15);
  TzifCounts c;
  c.isut = r.be(4);
  c.isstd = r.be(4);
  c.leap = r.be(4);
  c.time = r.be(4);
  c.type = r.be(4);
  c.chars = r.be(4);
  if (c.type == 0 || c.type > 256 || c.time > 100000 || c.leap > 10000 || c.chars > 100000 ||
      (c.isut != 0 && c.isut != c.type) || (c.isstd != 0 && c.isstd != c.type)) {
    throw Error(ErrorCode::bad_input,
                "time zone " + std::string(name) + ": damaged zoneinfo header");
  }
  return c;
}

std::string read_small_file(const std::string& path, bool& ok) {
  ok = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string bytes;
  bytes.resize(kMaxTzifBytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  if (got > kMaxTzifBytes || (!in && !in.eof())) return {};
  bytes.resize(got);
  ok = true;
  return bytes;
}

bool is_safe_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.front() == '.') {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-' || c == '/' || c == '.';
    if (!ok) return false;
  }
  return name.find("..") == std::string_view::npos && name.find("//") == std::string_view::npos;
}

std::string zoneinfo_dir() {
  const char* dir = std::getenv("TZDIR");
  return (dir != nullptr && *dir != '\0') ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

// "+05:30", "-0800", "+2", optionally after "UTC"/"GMT"; east of UTC is positive.
std::optional<std::int32_t> parse_fixed_offset(std::string_view text) {
  if (text == "UTC" || text == "Z" || text == "GMT" || text == "Etc/UTC") return 0;
  if (text.starts_with("UTC") || text.starts_with("GMT")) text.remove_prefix(3);
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  std::string digits;
  for (const char c : text) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits.push_back(c);
  }
  int h = 0;
  int m = 0;
  if (digits.size() <= 2 && !digits.empty()) {
    h = std::stoi(digits);
  } else if (digits.size() == 4) {
    h = std::stoi(digits.substr(0, 2));
    m = std::stoi(digits.substr(2));
  } else {
    return std::nullopt;
  }
  if (h > 18 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

bool is_valid_date(std::int64_t year, unsigned month, unsigned day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

bool PosixTzRule::parse(std::string_view text, PosixTzRule& out) {
  Cursor c(text);
  PosixTzRule rule;
  if (!c.name()) return false;
  const auto std_off = c.hms(24);
  if (!std_off) return false;
  rule.std_offset = -*std_off;
  if (c.done()) {
    out = rule;
    return true;
  }
  if (!c.name()) return false;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (c.peek() != ',' && !c.done()) {
    const auto dst_off = c.hms(24);
    if (!dst_off) return false;
    rule.dst_offset = -*dst_off;
  }
  if (c.done()) {
    // POSIX leaves the default rule to the implementation; glibc uses the US rules.
    rule.start = {'M', 3, 2, 0, 7200};
    rule.end = {'M', 11, 1, 0, 7200};
  } else if (!c.eat(',') || !c.date(rule.start) || !c.eat(',') || !c.date(rule.end) || !c.done()) {
    return false;
  }
  out = rule;
  return true;
}

std::int32_t PosixTzRule::offset_at(std::int64_t utc) const {
  if (!has_dst) return std_offset;
  const std::int64_t year = civil_from_days(floor_div(utc + std_offset, kDay)).year;
  const std::int64_t begins = rule_local_time(start, year) - std_offset;
  const std::int64_t stops = rule_local_time(end, year) - dst_offset;
  const bool in_dst =
      begins < stops ? (utc >= begins && utc < stops) : !(utc >= stops && utc < begins);
  return in_dst ? dst_offset : std_offset;
}

TimeZone::TimeZone() : m_name("UTC") {}

TimeZone TimeZone::fixed(std::string name, std::int32_t offset_seconds) {
  TimeZone tz;
  tz.m_name = std::move(name);
  tz.m_initial_offset = offset_seconds;
  return tz;
}

TimeZone TimeZone::from_tzif(std::string_view name, std::string_view bytes) {
  ByteReader r(bytes, name);
  char version = '\0';
  TzifCounts c = read_header(r, name, version);
  std::size_t time_size = 4;
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one that follows is complete.
    r.take(c.time * 5 + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);
    char version2 = '\0';
    c = read_header(r, name, version2);
    time_size = 8;
  }
  TimeZone tz;
  tz.m_name = std::string(name);
  std::vector<std::int64_t> times(c.time);
  for (auto& t : times) {
    const std::uint64_t raw = r.be(time_size);
    t = time_size == 8 ? static_cast<std::int64_t>(raw)
                       : static_cast<std::int64_t>(static_cast<std::int32_t>(raw));
  }
  std::vector<std::uint8_t> indexes(c.time);
  for (auto& i : indexes) {
    i = static_cast<std::uint8_t>(r.be(1));
    if (i >= c.type) {
      throw Error(ErrorCode::bad_input,
                  "time zone " + std::string(name) + ": damaged zoneinfo transition");
    }
  }
  std::vector<std::int32_t> offsets(c.type);
  for (auto& o : offsets) {
    o = static_cast<std::int32_t>(static_cast<std::uint32_t>(r.be(4)));
    r.take(2);  // isdst, abbreviation index
    if (o < -26 * 3600 || o > 26 * 3600) {
      throw Error(ErrorCode::bad_input,
                  "time zone " + std::string(name) + ": damaged zoneinfo offset");
    }
  }
  r.take(c.chars + c.leap * (time_size + 4) + c.isstd + c.isut);
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] <= times[i - 1]) {
      throw Error(ErrorCode::bad_input,
                  "time zone " + std::string(name) + ": zoneinfo transitions out of order");
    }
  }
  tz.m_transitions = std::move(times);
  tz.m_initial_offset = offsets[0];
  tz.m_offsets.reserve(indexes.size());
  for (const std::uint8_t i : indexes) tz.m_offsets.push_back(offsets[i]);
  if (version >= '2') {
    const std::string_view footer = r.rest();
    if (footer.size() >= 2 && footer[0] == '\n') {
      const std::size_t end = footer.find('\n', 1);
      if (end != std::string_view::npos && end > 1) {
        tz.m_has_rule = PosixTzRule::parse(footer.substr(1, end - 1), tz.m_rule);
      }
    }
  }
  return tz;
}

TimeZone TimeZone::load(std::string_view name) {
  if (const auto fixed_offset = parse_fixed_offset(name)) {
    return fixed(std::string(name), *fixed_offset);
  }
  bool ok = false;
  if (name.empty()) {
    const char* env = std::getenv("TZ");
    if (env == nullptr) {
      const std::string bytes = read_small_file("/etc/localtime", ok);
      if (ok) {
        try {
          return from_tzif("localtime", bytes);
        } catch (const Error&) {
        }
      }
      return TimeZone();
    }
    std::string_view tz = env;
    if (!tz.empty() && tz.front() == ':') tz.remove_prefix(1);
    if (tz.empty()) return TimeZone();
    if (tz.front() == '/') {
      const std::string bytes = read_small_file(std::string(tz), ok);
      if (ok) {
        try {
          return from_tzif(tz, bytes);
        } catch (const Error&) {
        }
      }
      return TimeZone();
    }
    if (is_safe_zone_name(tz)) {
      const std::string bytes = read_small_file(zoneinfo_dir() + "/" + std::string(tz), ok);
      if (ok) {
        try {
          return from_tzif(tz, bytes);
        } catch (const Error&) {
        }
      }
    }
    TimeZone posix;
    if (PosixTzRule::parse(tz, posix.m_rule)) {
      posix.m_name = std::string(tz);
      posix.m_has_rule = true;
      posix.m_initial_offset = posix.m_rule.std_offset;
      return posix;
    }
    // The C library falls back to UTC for a TZ it cannot read; so do we.
    return TimeZone();
  }
  if (is_safe_zone_name(name)) {
    const std::string bytes = read_small_file(zoneinfo_dir() + "/" + std::string(name), ok);
    if (ok) return from_tzif(name, bytes);
  }
  throw Error(ErrorCode::usage, "unknown time zone '" + std::string(name) + "'",
              "give an IANA zone name such as Europe/Paris or America/New_York, or an offset "
              "such as +02:00 (the zone database is read from " +
                  zoneinfo_dir() + ")");
}

std::int32_t TimeZone::offset_at(std::int64_t utc) const {
  if (m_transitions.empty() || utc < m_transitions.front()) {
    if (m_transitions.empty() && m_has_rule) return m_rule.offset_at(utc);
    return m_initial_offset;
  }
  if (utc >= m_transitions.back() && m_has_rule) return m_rule.offset_at(utc);
  const auto it = std::upper_bound(m_transitions.begin(), m_transitions.end(), utc);
  const auto index = static_cast<std::size_t>(std::distance(m_transitions.begin(), it)) - 1;
  return m_offsets[index];
}

std::int64_t TimeZone::to_utc(std::int64_t local) const {
  // Offsets change at most a few times a year, so the offsets in effect a day either side of
  // the wall time cover every reading of it.
  std::array<std::int32_t, 3> candidates = {offset_at(local - kDay), offset_at(local),
                                            offset_at(local + kDay)};
  std::optional<std::int64_t> best;
  for (const std::int32_t offset : candidates) {
    const std::int64_t utc = local - offset;
    if (offset_at(utc) == offset && (!best || utc < *best)) best = utc;
  }
  if (best) return *best;
  // In a gap the offset grows, so the smallest candidate is the one from before the change.
  return local - *std::min_element(candidates.begin(), candidates.end());
}

}  // namespace dmvault::formats
