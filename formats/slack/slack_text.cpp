// Slack's per-day file names, ts times and mrkdwn markup (slack_internal.hpp).
#include "common/format_text.hpp"
#include "slack/slack_internal.hpp"

namespace dmvault::formats::slack {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// &amp; &lt; &gt; (the only escapes Slack writes) decoded once.
std::string unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      if (text.substr(i, 5) == "&amp;") {
        out += '&';
        i += 4;
        continue;
      }
      if (text.substr(i, 4) == "&lt;") {
        out += '<';
        i += 3;
        continue;
      }
      if (text.substr(i, 4) == "&gt;") {
        out += '>';
        i += 3;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// The rendering of one <...> token (without its brackets).
std::string render_token(std::string_view token, const Names& names) {
  std::string_view target = token;
  std::string_view label;
  const std::size_t bar = token.find('|');
  if (bar != std::string_view::npos) {
    target = token.substr(0, bar);
    label = token.substr(bar + 1);
  }
  if (target.substr(0, 1) == "@") {
    const std::string_view id = target.substr(1);
    std::string name = names.user ? names.user(id) : std::string();
    if (name.empty()) name = label.empty() ? std::string(id) : unescape(label);
    return "@" + name;
  }
  if (target.substr(0, 1) == "#") {
    const std::string_view id = target.substr(1);
    std::string name = label.empty() && names.channel ? names.channel(id) : unescape(label);
    if (name.empty()) name = std::string(id);
    return "#" + name;
  }
  if (target.substr(0, 1) == "!") {
    if (!label.empty()) {
      const std::string l = unescape(label);
      // <!subteam^S1|@team>: the label already has its '@'; <!here|here> has not.
      return l.substr(0, 1) == "@" || target.find('^') != std::string_view::npos ? l : "@" + l;
    }
    const std::string_view command = target.substr(1, target.find('^') - 1);
    if (command == "here" || command == "channel" || command == "everyone") {
      return "@" + std::string(command);
    }
    return std::string(command);
  }
  const std::string url = unescape(target);
  if (label.empty()) {
    return starts_with_ascii_ci(url, "mailto:") ? url.substr(7) : url;
  }
  const std::string text = unescape(label);
  if (text == url || (starts_with_ascii_ci(url, "mailto:") && text == url.substr(7))) return text;
  // A label that is the address without its scheme ("example.com" for https://example.com).
  const std::size_t scheme = url.find("://");
  if (scheme != std::string::npos && text == url.substr(scheme + 3)) return url;
  return text + " (" + url + ")";
}

}  // namespace

bool is_day_file(std::string_view name) {
  if (name.size() != 15 || name.substr(10) != ".json") return false;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) {
      if (name[i] != '-') return false;
    } else if (!is_digit(name[i])) {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> ts_ms(std::string_view ts) {
  const std::size_t dot = ts.find('.');
  const std::string_view whole = ts.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : ts.substr(dot + 1);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  std::int64_t seconds = 0;
  for (const char c : whole) {
    if (!is_digit(c)) return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < fraction.size(); ++i) {
    if (!is_digit(fraction[i])) return std::nullopt;
    if (i < 3) ms = ms * 10 + (fraction[i] - '0');
  }
  for (std::size_t i = fraction.size(); i < 3; ++i) ms *= 10;
  return seconds * 1000 + ms;
}

std::string render_mrkdwn(std::string_view text, const Names& names) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('<', pos);
    if (open == std::string_view::npos) {
      out += unescape(text.substr(pos));
      break;
    }
    const std::size_t close = text.find('>', open + 1);
    const std::size_t next_open = text.find('<', open + 1);
    if (close == std::string_view::npos ||
        (next_open != std::string_view::npos && next_open < close) || close == open + 1) {
      out += unescape(text.substr(pos, open + 1 - pos));
      pos = open + 1;
      continue;
    }
    out += unescape(text.substr(pos, open - pos));
    out += render_token(text.substr(open + 1, close - open - 1), names);
    pos = close + 1;
  }
  return to_nfc(out);
}

}  // namespace dmvault::formats::slack
