// Where the Google Chat and Hangouts inputs are in a Takeout tree, and the small readers both
// share: the prose dates of Google Chat, typed DOM reads, byte spans of nested arrays.
#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace dmvault::formats::google_chat {

namespace {

struct Split {
  std::string parent;  // with its trailing '/', or ""
  std::string name;
};

Split split(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", std::string(path)};
  return {std::string(path.substr(0, slash + 1)), std::string(path.substr(slash + 1))};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads an unsigned decimal number at `pos`, moving past it; nullopt when there is none.
std::optional<unsigned> read_number(std::string_view text, std::size_t& pos,
                                    std::size_t max_digits) {
  const std::size_t start = pos;
  unsigned value = 0;
  while (pos < text.size() && is_digit(text[pos]) && pos - start < max_digits) {
    value = value * 10 + static_cast<unsigned>(text[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

// Skips ASCII spaces, U+00A0 and U+202F (CLDR puts the narrow one before AM/PM since 2023).
void skip_spaces(std::string_view text, std::size_t& pos) {
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
    } else if (text.substr(pos, 2) == "\xC2\xA0") {
      pos += 2;
    } else if (text.substr(pos, 3) == "\xE2\x80\xAF") {
      pos += 3;
    } else {
      break;
    }
  }
}

// "+05:30", "-8", "+0100" after UTC/GMT: seconds east of UTC.
std::optional<std::int32_t> parse_offset(std::string_view text) {
  if (text.empty()) return 0;
  if (text[0] != '+' && text[0] != '-') return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  std::size_t pos = 1;
  const auto hours = read_number(text, pos, 2);
  if (!hours || *hours > 14) return std::nullopt;
  unsigned minutes = 0;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size()) {
    const auto m = read_number(text, pos, 2);
    if (!m || *m > 59) return std::nullopt;
    minutes = *m;
  }
  if (pos != text.size()) return std::nullopt;
  return sign * static_cast<std::int32_t>(*hours * 3600 + minutes * 60);
}

}  // namespace

Layout scan_layout(const std::vector<ExportFile>& files) {
  std::map<std::string, ChatTree> trees;  // by prefix
  std::map<std::string, ChatGroup> groups;
  std::map<std::string, std::string> prefixes;  // group dir -> the folder holding Groups/
  for (const ExportFile& f : files) {
    const Split file = split(f.path);
    if (ascii_lower(file.name) == "hangouts.json") continue;
    if (file.name != "messages.json" && file.name != "group_info.json") continue;
    if (file.parent.empty()) continue;
    const Split group = split(std::string_view(file.parent).substr(0, file.parent.size() - 1));
    if (group.parent.empty()) continue;
    const Split groups_dir =
        split(std::string_view(group.parent).substr(0, group.parent.size() - 1));
    // The folder names are not localised in the Takeouts seen (FORMAT.md); the conversation
    // folder sits in a folder named Groups.
    if (groups_dir.name != "Groups") continue;
    ChatGroup& g = groups[file.parent];
    g.dir = file.parent;
    g.name = group.name;
    if (file.name == "messages.json") {
      g.messages_file = f.path;
    } else {
      g.info_file = f.path;
    }
    prefixes[file.parent] = groups_dir.parent;
  }
  for (auto& [dir, group] : groups) {
    if (group.messages_file.empty()) continue;  // group_info.json alone holds no messages
    ChatTree& tree = trees[prefixes[dir]];
    tree.prefix = prefixes[dir];
    tree.groups.push_back(std::move(group));
  }
  Layout layout;
  for (auto& [prefix, tree] : trees) {
    if (tree.groups.empty()) continue;
    const std::string users = prefix + "Users/";
    for (const ExportFile& f : files) {
      if (f.path.rfind(users, 0) != 0) continue;
      const std::string_view rest = std::string_view(f.path).substr(users.size());
      const std::size_t slash = rest.find('/');
      if (slash != std::string_view::npos && rest.substr(slash + 1) == "user_info.json") {
        tree.user_files.push_back(f.path);
      }
    }
    std::sort(tree.user_files.begin(), tree.user_files.end());
    layout.chat.push_back(std::move(tree));
  }
  for (const ExportFile& f : files) {
    if (ascii_lower(base_name(f.path)) == "hangouts.json") layout.hangouts_files.push_back(f.path);
  }
  std::sort(layout.hangouts_files.begin(), layout.hangouts_files.end());
  return layout;
}

std::optional<ChatDate> parse_chat_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  text = trim(text);
  // The weekday, when written, ends with ", " before the month.
  if (const std::size_t comma = text.find(", ");
      comma != std::string_view::npos && comma < 10 &&
      text.substr(0, comma).find(' ') == std::string_view::npos) {
    text.remove_prefix(comma + 2);
  }
  unsigned month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(0, kMonths[i].size()) == kMonths[i]) {
      month = static_cast<unsigned>(i + 1);
      text.remove_prefix(kMonths[i].size());
      break;
    }
  }
  if (month == 0) return std::nullopt;
  std::size_t pos = 0;
  skip_spaces(text, pos);
  const auto day = read_number(text, pos, 2);
  if (!day || text.substr(pos, 2) != ", ") return std::nullopt;
  pos += 2;
  const auto year = read_number(text, pos, 4);
  if (!year || text.substr(pos, 4) != " at ") return std::nullopt;
  pos += 4;
  auto hour = read_number(text, pos, 2);
  if (!hour || text.substr(pos, 1) != ":") return std::nullopt;
  ++pos;
  const auto minute = read_number(text, pos, 2);
  if (!minute || text.substr(pos, 1) != ":") return std::nullopt;
  ++pos;
  const auto second = read_number(text, pos, 2);
  if (!second) return std::nullopt;
  skip_spaces(text, pos);
  const std::string_view rest = text.substr(pos);
  std::string_view zone = rest;
  if (rest.substr(0, 2) == "AM" || rest.substr(0, 2) == "PM") {
    if (*hour < 1 || *hour > 12) return std::nullopt;
    const bool pm = rest[0] == 'P';
    hour = *hour % 12 + (pm ? 12U : 0U);
    zone = rest.substr(2);
    std::size_t z = 0;
    skip_spaces(zone, z);
    zone.remove_prefix(z);
  }
  if (*hour > 23 || *minute > 59 || *second > 60 || !is_valid_date(*year, month, *day)) {
    return std::nullopt;
  }
  ChatDate out;
  out.local_seconds = days_from_civil(*year, month, *day) * 86400 + *hour * 3600 + *minute * 60 +
                      std::min(*second, 59U);
  if (zone.substr(0, 3) == "UTC" || zone.substr(0, 3) == "GMT") {
    out.offset = parse_offset(zone.substr(3));
    if (!out.offset) return std::nullopt;
  } else if (zone.empty() || zone.find(' ') != std::string_view::npos) {
    return std::nullopt;
  }
  // Any other single word is a zone abbreviation (PST, CET...): the caller reads the wall clock
  // in the user's zone.
  return out;
}

std::string string_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return {};
  const auto s = as_string(*v);
  return s ? to_nfc(*s) : std::string();
}

std::optional<object> object_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  return v ? as_object(*v) : std::nullopt;
}

std::optional<array> array_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  return v ? as_array(*v) : std::nullopt;
}

AttachmentKind kind_from_name(std::string_view name) {
  const std::string_view base = base_name(name);
  const std::size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return AttachmentKind::file;
  const std::string ext = ascii_lower(base.substr(dot + 1));
  if (ext == "gif") return AttachmentKind::gif;
  for (const char* e : {"png", "jpg", "jpeg", "webp", "heic", "bmp", "avif"}) {
    if (ext == e) return AttachmentKind::photo;
  }
  for (const char* e : {"mp4", "mov", "webm", "mkv", "avi", "m4v", "3gp"}) {
    if (ext == e) return AttachmentKind::video;
  }
  for (const char* e : {"mp3", "ogg", "wav", "m4a", "aac", "opus", "amr", "flac"}) {
    if (ext == e) return AttachmentKind::audio;
  }
  return AttachmentKind::file;
}

namespace {

void collect(meta::SpanScanner& scan, object obj, std::span<const std::string_view> path,
             std::vector<std::pair<std::size_t, std::size_t>>& out) {
  scan.enter();
  for (const auto field : obj) {
    scan.next_member();
    if (std::string_view(field.key) != path.front()) {
      scan.skip();
      continue;
    }
    if (path.size() == 1) {
      const auto list = as_array(field.value);
      if (!list) {
        scan.skip();
        continue;
      }
      scan.enter();
      for ([[maybe_unused]] const element e : *list) {
        scan.next_element();
        out.push_back(scan.skip());
      }
      scan.next_element();
      continue;
    }
    const auto sub = as_object(field.value);
    if (!sub) {
      scan.skip();
      continue;
    }
    collect(scan, *sub, path.subspan(1), out);
  }
  scan.next_member();
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> element_spans(
    std::string_view text, std::string_view path_name, object root,
    std::span<const std::string_view> path) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (path.empty()) return out;
  meta::SpanScanner scan(text, path_name);
  collect(scan, root, path, out);
  return out;
}

}  // namespace dmvault::formats::google_chat
