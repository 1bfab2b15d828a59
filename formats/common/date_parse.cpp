#include "common/date_parse.hpp"

#include "common/format_text.hpp"
#include "common/time_zone.hpp"

#include <array>
#include <string>
#include <vector>

namespace dmvault::formats {

namespace {

struct MonthName {
  std::string_view name;  // lowercase, without a trailing '.'
  unsigned month;
};

// Meta localises HTML exports in the account's language. These are the month names of the
// languages whose exports we have seen or that parsers report; they never disagree on a month.
constexpr std::array kMonthNames = {
    // English
    MonthName{"jan", 1},
    MonthName{"january", 1},
    MonthName{"feb", 2},
    MonthName{"february", 2},
    MonthName{"mar", 3},
    MonthName{"march", 3},
    MonthName{"apr", 4},
    MonthName{"april", 4},
    MonthName{"may", 5},
    MonthName{"jun", 6},
    MonthName{"june", 6},
    MonthName{"jul", 7},
    MonthName{"july", 7},
    MonthName{"aug", 8},
    MonthName{"august", 8},
    MonthName{"sep", 9},
    MonthName{"sept", 9},
    MonthName{"september", 9},
    MonthName{"oct", 10},
    MonthName{"october", 10},
    MonthName{"nov", 11},
    MonthName{"november", 11},
    MonthName{"dec", 12},
    MonthName{"december", 12},
    // French
    MonthName{"janv", 1},
    MonthName{"janvier", 1},
    MonthName{"févr", 2},
    MonthName{"fevr", 2},
    MonthName{"février", 2},
    MonthName{"mars", 3},
    MonthName{"avr", 4},
    MonthName{"avril", 4},
    MonthName{"mai", 5},
    MonthName{"juin", 6},
    MonthName{"juil", 7},
    MonthName{"juillet", 7},
    MonthName{"août", 8},
    MonthName{"aout", 8},
    MonthName{"septembre", 9},
    MonthName{"octobre", 10},
    MonthName{"novembre", 11},
    MonthName{"déc", 12},
    MonthName{"décembre", 12},
    // German
    MonthName{"januar", 1},
    MonthName{"jän", 1},
    MonthName{"jänner", 1},
    MonthName{"februar", 2},
    MonthName{"mär", 3},
    MonthName{"märz", 3},
    MonthName{"juni", 6},
    MonthName{"juli", 7},
    MonthName{"okt", 10},
    MonthName{"oktober", 10},
    MonthName{"dez", 12},
    MonthName{"dezember", 12},
    // Spanish
    MonthName{"ene", 1},
    MonthName{"enero", 1},
    MonthName{"febrero", 2},
    MonthName{"marzo", 3},
    MonthName{"abr", 4},
    MonthName{"abril", 4},
    MonthName{"mayo", 5},
    MonthName{"junio", 6},
    MonthName{"julio", 7},
    MonthName{"ago", 8},
    MonthName{"agosto", 8},
    MonthName{"set", 9},
    MonthName{"septiembre", 9},
    MonthName{"octubre", 10},
    MonthName{"noviembre", 11},
    MonthName{"dic", 12},
    MonthName{"diciembre", 12},
    // Portuguese
    MonthName{"janeiro", 1},
    MonthName{"fev", 2},
    MonthName{"fevereiro", 2},
    MonthName{"março", 3},
    MonthName{"maio", 5},
    MonthName{"junho", 6},
    MonthName{"julho", 7},
    MonthName{"setembro", 9},
    MonthName{"out", 10},
    MonthName{"outubro", 10},
    MonthName{"novembro", 11},
    MonthName{"dezembro", 12},
    // Italian
    MonthName{"gen", 1},
    MonthName{"gennaio", 1},
    MonthName{"febbraio", 2},
    MonthName{"aprile", 4},
    MonthName{"mag", 5},
    MonthName{"maggio", 5},
    MonthName{"giu", 6},
    MonthName{"giugno", 6},
    MonthName{"lug", 7},
    MonthName{"luglio", 7},
    MonthName{"settembre", 9},
    MonthName{"ott", 10},
    MonthName{"ottobre", 10},
    MonthName{"dicembre", 12},
    // Dutch
    MonthName{"januari", 1},
    MonthName{"februari", 2},
    MonthName{"mrt", 3},
    MonthName{"maart", 3},
    MonthName{"mei", 5},
    MonthName{"augustus", 8},
    // Filipino
    MonthName{"peb", 2},
    MonthName{"pebrero", 2},
    MonthName{"marso", 3},
    MonthName{"hun", 6},
    MonthName{"hunyo", 6},
    MonthName{"hul", 7},
    MonthName{"hulyo", 7},
    MonthName{"setyembre", 9},
    MonthName{"oktubre", 10},
    MonthName{"nob", 11},
    MonthName{"nobyembre", 11},
    MonthName{"dis", 12},
    MonthName{"disyembre", 12},
};

unsigned month_of(std::string_view word) {
  for (const MonthName& m : kMonthNames) {
    if (m.name == word) return m.month;
  }
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

struct Token {
  enum class Kind { word, number, time } kind;
  std::string word;  // lowercase, dots removed
  unsigned value = 0;
  std::size_t digits = 0;
  unsigned h = 0, m = 0, s = 0;
};

// Reads up to `max` digits at `pos`; false when there is none.
bool read_number(std::string_view text, std::size_t& pos, std::size_t max, unsigned& value,
                 std::size_t& digits) {
  value = 0;
  digits = 0;
  while (pos < text.size() && is_digit(text[pos]) && digits < max) {
    value = value * 10 + static_cast<unsigned>(text[pos] - '0');
    ++pos;
    ++digits;
  }
  return digits > 0 && !(pos < text.size() && is_digit(text[pos]));
}

bool tokenize(std::string_view text, std::vector<Token>& out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (is_digit(c)) {
      Token t{Token::Kind::number, {}, 0, 0, 0, 0, 0};
      if (!read_number(text, pos, 9, t.value, t.digits)) return false;
      if (pos < text.size() && text[pos] == ':' && t.digits <= 2) {
        t.kind = Token::Kind::time;
        t.h = t.value;
        std::size_t d = 0;
        ++pos;
        if (!read_number(text, pos, 2, t.m, d) || d != 2) return false;
        if (pos < text.size() && text[pos] == ':') {
          ++pos;
          if (!read_number(text, pos, 2, t.s, d) || d != 2) return false;
        }
      }
      out.push_back(std::move(t));
    } else if (is_letter(c)) {
      Token t{Token::Kind::word, {}, 0, 0, 0, 0, 0};
      // Words may hold dots ("a.m.", "nov."): they are dropped so "p.m." reads as "pm".
      while (pos < text.size() && (is_letter(text[pos]) || text[pos] == '.')) {
        if (text[pos] != '.') t.word.push_back(text[pos]);
        ++pos;
      }
      t.word = ascii_lower(t.word);
      out.push_back(std::move(t));
    } else {
      ++pos;
    }
  }
  return true;
}

}  // namespace

std::int64_t LocalDateTime::local_seconds() const {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<LocalDateTime> parse_local_date_time(std::string_view text) {
  std::vector<Token> tokens;
  if (!tokenize(text, tokens)) return std::nullopt;
  LocalDateTime out;
  int months = 0, years = 0, days = 0, times = 0;
  bool am = false, pm = false;
  for (const Token& t : tokens) {
    switch (t.kind) {
      case Token::Kind::word:
        if (t.word == "am") {
          am = true;
        } else if (t.word == "pm") {
          pm = true;
        } else if (const unsigned m = month_of(t.word); m != 0) {
          out.month = m;
          ++months;
        }
        // Other words ("de", "um", "at", weekday names) carry no date.
        break;
      case Token::Kind::number:
        if (t.digits == 4) {
          out.year = t.value;
          ++years;
        } else if (t.digits <= 2) {
          out.day = t.value;
          ++days;
        } else {
          return std::nullopt;
        }
        break;
      case Token::Kind::time:
        out.hour = t.h;
        out.minute = t.m;
        out.second = t.s;
        ++times;
        break;
    }
  }
  if (months != 1 || years != 1 || days != 1 || times != 1 || (am && pm)) return std::nullopt;
  if (am || pm) {
    if (out.hour < 1 || out.hour > 12) return std::nullopt;
    if (pm && out.hour != 12) out.hour += 12;
    if (am && out.hour == 12) out.hour = 0;
  }
  if (out.hour > 23 || out.minute > 59 || out.second > 59) return std::nullopt;
  if (!is_valid_date(out.year, out.month, out.day)) return std::nullopt;
  return out;
}

std::optional<IsoTime> parse_iso8601(std::string_view text) {
  text = trim(text);
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  // Exactly `n` digits (more may follow, as in "+0330").
  const auto digits = [&](std::size_t n, unsigned& value) {
    value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (pos >= text.size() || !is_digit(text[pos])) return false;
      value = value * 10 + static_cast<unsigned>(text[pos++] - '0');
    }
    return true;
  };
  const auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  if (!digits(4, year) || !expect('-') || !digits(2, month) || !expect('-') || !digits(2, day)) {
    return std::nullopt;
  }
  if (!expect('T') && !expect(' ')) return std::nullopt;
  if (!digits(2, hour) || !expect(':') || !digits(2, minute)) return std::nullopt;
  if (expect(':') && !digits(2, second)) return std::nullopt;
  unsigned millis = 0;
  if (expect('.') || expect(',')) {
    std::size_t fraction_digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      if (fraction_digits < 3) millis = millis * 10 + static_cast<unsigned>(text[pos] - '0');
      ++fraction_digits;
      ++pos;
    }
    if (fraction_digits == 0) return std::nullopt;
    for (std::size_t i = fraction_digits; i < 3; ++i) millis *= 10;
  }
  if (!is_valid_date(year, month, day) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  IsoTime out;
  std::int64_t offset = 0;
  if (expect('Z') || expect('z')) {
    out.has_zone = true;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned oh = 0, om = 0;
    if (!digits(2, oh)) return std::nullopt;
    expect(':');
    if (pos < text.size() && !digits(2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset = sign * static_cast<std::int64_t>(oh * 3600 + om * 60);
    out.has_zone = true;
  }
  if (pos != text.size()) return std::nullopt;
  const std::int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  out.utc_ms = seconds * 1000 + millis;
  return out;
}

}  // namespace dmvault::formats
