// sigtop's text output (export-messages -f text): a "Conversation: " line, then one block of
// "Field: value" lines per message, its quote ("> " lines), its text, and a blank line.
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "signal/signal_internal.hpp"

#include <array>
#include <string>
#include <vector>

namespace dmvault::formats::signal {

std::optional<std::int64_t> parse_sigtop_time(std::string_view text) {
  // "Mon, 2 Jan 2006 15:04:05 -0700" (Go's layout; the day has no leading zero).
  const std::size_t comma = text.find(", ");
  if (comma == std::string_view::npos || comma > 3) return std::nullopt;
  text.remove_prefix(comma + 2);
  const auto number = [&](std::size_t max_digits, std::int64_t& out) {
    std::size_t n = 0;
    out = 0;
    while (n < text.size() && n < max_digits && text[n] >= '0' && text[n] <= '9') {
      out = out * 10 + (text[n] - '0');
      ++n;
    }
    text.remove_prefix(n);
    return n > 0;
  };
  const auto expect = [&](char c) {
    if (text.empty() || text.front() != c) return false;
    text.remove_prefix(1);
    return true;
  };
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t day = 0, year = 0, hour = 0, minute = 0, second = 0, offset = 0;
  if (!number(2, day) || !expect(' ') || text.size() < 4) return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (text.substr(0, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0) return std::nullopt;
  text.remove_prefix(3);
  if (!expect(' ') || !number(4, year) || !expect(' ') || !number(2, hour) || !expect(':') ||
      !number(2, minute) || !expect(':') || !number(2, second) || !expect(' ') || text.empty()) {
    return std::nullopt;
  }
  const char sign = text.front();
  text.remove_prefix(1);
  if ((sign != '+' && sign != '-') || text.size() != 4 || !number(4, offset)) return std::nullopt;
  if (!is_valid_date(static_cast<int>(year), month, static_cast<unsigned>(day)) || hour > 23 ||
      minute > 59 || second > 60 || offset % 100 > 59) {
    return std::nullopt;
  }
  LocalDateTime local;
  local.year = year;
  local.month = month;
  local.day = static_cast<unsigned>(day);
  local.hour = static_cast<unsigned>(hour);
  local.minute = static_cast<unsigned>(minute);
  local.second = static_cast<unsigned>(second);
  const std::int64_t offset_seconds =
      (offset / 100 * 3600 + offset % 100 * 60) * (sign == '-' ? -1 : 1);
  return (local.local_seconds() - offset_seconds) * 1000;
}

namespace {

struct Line {
  std::string_view text;
  std::size_t offset = 0;
};

bool starts(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_field(std::string_view line) {
  for (const std::string_view f :
       {"From: ", "Type: ", "Sent: ", "Received: ", "Attachment: ", "Reaction: ", "Edited: "}) {
    if (starts(line, f)) return true;
  }
  return false;
}

// "Type: incoming": Signal Desktop's message types are lowercase words joined by '-'.
bool is_type_line(std::string_view line) {
  if (!starts(line, "Type: ") || line.size() == 6) return false;
  for (const char c : line.substr(6)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// Where a message starts: "From: " then "Type: ", or a notice's "Type: " then a time.
bool is_start(const std::vector<Line>& lines, std::size_t i) {
  const std::string_view next = i + 1 < lines.size() ? lines[i + 1].text : std::string_view();
  if (starts(lines[i].text, "From: ")) return is_type_line(next);
  if (is_type_line(lines[i].text)) {
    return next.empty() || starts(next, "Sent: ") || starts(next, "Received: ") ||
           starts(next, "Attachment: ") || starts(next, "Reaction: ");
  }
  return false;
}

// "name (image/jpeg, 1234 bytes)" or "name (image/jpeg)" in a quote.
Attachment attachment_of(std::string_view value, const std::string& media_folder,
                         const std::map<std::string, std::string>& media) {
  std::string inside;
  std::string name = split_detail(value, &inside);
  if (name == "no filename") name.clear();
  const std::string type(inside.substr(0, inside.find(", ")));
  Attachment a;
  a.name = to_nfc(name);
  a.kind = kind_of_content_type(type, name);
  if (!name.empty()) {
    const auto it = media.find(media_folder + "/" + name);
    a.uri = it != media.end() ? it->second : a.name;
  } else {
    a.uri = "attachment (" + type + ")";
    a.name = a.uri;
  }
  return a;
}

struct Body {
  std::string quote;
  std::string text;
};

// The lines after a message's fields (or an edit version's): an optional quote, then the text.
Body read_body(std::vector<std::string_view> lines) {
  Body out;
  std::size_t i = 0;
  if (i < lines.size() && lines[i].empty()) ++i;
  if (i < lines.size() && starts(lines[i], ">")) {
    std::string quote_text, quote_from, quote_attachment;
    bool in_text = false;
    for (; i < lines.size() && starts(lines[i], ">"); ++i) {
      std::string_view q = lines[i].substr(1);
      if (!q.empty() && q.front() == ' ') q.remove_prefix(1);
      if (!in_text && starts(q, "From: ")) {
        quote_from = split_detail(q.substr(6), nullptr);
      } else if (!in_text && starts(q, "Attachment: ")) {
        if (quote_attachment.empty()) quote_attachment = split_detail(q.substr(12), nullptr);
      } else if (!in_text && starts(q, "Sent: ")) {
        continue;
      } else if (!in_text && q.empty()) {
        in_text = true;
      } else {
        quote_text += (quote_text.empty() ? "" : "\n") + std::string(q);
      }
    }
    // The quoted text, else what was quoted (an attachment), else whose message it was.
    out.quote = !quote_text.empty()         ? quote_text
                : !quote_attachment.empty() ? quote_attachment
                                            : quote_from;
    if (i < lines.size() && lines[i].empty()) ++i;
  }
  while (!lines.empty() && lines.size() > i && trim(lines.back()).empty()) lines.pop_back();
  for (std::size_t j = i; j < lines.size(); ++j) {
    out.text += (j == i ? "" : "\n") + std::string(lines[j]);
  }
  return out;
}

}  // namespace

void import_sigtop_text(ImportContext& context, const std::string& path,
                        const std::map<std::string, std::string>& media) {
  const PlainBytes bytes = context.files.read(path, kMaxChatBytes);
  std::string_view text = text_of(bytes);
  if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
    throw Error(ErrorCode::bad_input, path + ": byte " + std::to_string(bad) + ": not valid UTF-8",
                "sigtop writes UTF-8; the file may be damaged");
  }
  std::vector<Line> lines;
  for (std::size_t at = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0; at < text.size();) {
    const std::size_t nl = text.find('\n', at);
    std::string_view line = text.substr(at, nl == std::string_view::npos ? nl : nl - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, at});
    at = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  if (lines.empty() || !starts(lines[0].text, "Conversation: ")) {
    throw Error(ErrorCode::bad_input, path + ": line 1: no \"Conversation: \" line",
                "sigtop's text output starts with the conversation's name");
  }
  const std::string conversation = to_nfc(trim(lines[0].text.substr(14)));
  std::string detail;
  const std::string title = split_detail(conversation, &detail);
  const bool is_group = detail == "group";
  const std::string self = self_name(context, "You");
  const std::string media_folder(chat_name(path));

  std::vector<std::size_t> starts_at;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if ((i == 1 || lines[i - 1].text.empty()) && is_start(lines, i)) starts_at.push_back(i);
  }
  if (starts_at.empty() || (starts_at.front() != 2 && lines.size() > 2)) {
    const std::size_t bad = starts_at.empty() ? std::min<std::size_t>(lines.size(), 2) : 2;
    throw Error(ErrorCode::bad_input,
                path + ": line " + std::to_string(bad + 1) +
                    ": no message fields after the "
                    "conversation line",
                "sigtop writes \"From: \" and \"Type: \" lines for each message");
  }

  struct Parsed {
    Message message;
    bool has_time = false;
    std::size_t offset = 0;
    std::vector<std::string> problems;
  };
  std::vector<Parsed> parsed;
  std::vector<Participant> participants{{self, "", true}};
  for (std::size_t k = 0; k < starts_at.size(); ++k) {
    const std::size_t begin = starts_at[k];
    std::size_t end = k + 1 < starts_at.size() ? starts_at[k + 1] : lines.size();
    while (end > begin + 1 && lines[end - 1].text.empty()) --end;
    Parsed p;
    Message& m = p.message;
    p.offset = lines[begin].offset;
    const std::size_t raw_end = lines[end - 1].offset + lines[end - 1].text.size();
    m.raw = std::string(text.substr(p.offset, raw_end - p.offset));
    m.source_path = path;
    std::string type;
    std::optional<std::int64_t> sent, received;
    std::size_t i = begin;
    bool edited = false;
    for (; i < end && is_field(lines[i].text); ++i) {
      const std::string_view line = lines[i].text;
      const std::string_view value = line.substr(line.find(": ") + 2);
      if (starts(line, "From: ")) {
        if (value == "You") {
          m.sender = self;
        } else {
          std::string id;
          m.sender = to_nfc(split_detail(value, &id));
          m.sender_id = id;
        }
      } else if (starts(line, "Type: ")) {
        type = std::string(value);
      } else if (starts(line, "Sent: ")) {
        sent = parse_sigtop_time(value);
        if (!sent && value != "unknown") p.problems.emplace_back("Sent");
      } else if (starts(line, "Received: ")) {
        received = parse_sigtop_time(value);
        if (!received && value != "unknown") p.problems.emplace_back("Received");
      } else if (starts(line, "Attachment: ")) {
        m.attachments.push_back(attachment_of(value, media_folder, media));
      } else if (starts(line, "Reaction: ")) {
        const std::size_t from = value.find(" from ");
        if (from == std::string_view::npos) {
          p.problems.emplace_back("Reaction");
          continue;
        }
        const std::string actor = split_detail(value.substr(from + 6), nullptr);
        m.reactions.push_back(
            {actor == "You" ? self : to_nfc(actor), to_nfc(value.substr(0, from)), {}});
      } else if (starts(line, "Edited: ")) {
        edited = true;
      }
    }
    std::vector<std::string_view> rest;
    for (; i < end; ++i) rest.push_back(lines[i].text);
    Body body;
    if (edited) {
      m.edited = true;
      // "| Version: N" blocks, newest first: the message reads as its newest version.
      std::vector<std::string_view> newest;
      bool in_first = false;
      for (const std::string_view line : rest) {
        if (!starts(line, "|")) continue;
        std::string_view v = line.substr(1);
        if (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        if (starts(v, "Version: ")) {
          if (in_first) break;
          in_first = true;
          continue;
        }
        if (in_first) newest.push_back(v);
      }
      std::vector<std::string_view> after;
      std::size_t j = 0;
      while (j < newest.size() &&
             (starts(newest[j], "Attachment: ") || starts(newest[j], "Sent: ")))
        ++j;
      after.assign(newest.begin() + static_cast<std::ptrdiff_t>(j), newest.end());
      body = read_body(after);
    } else {
      body = read_body(rest);
    }
    m.text = to_nfc(body.text);
    m.reply_to = to_nfc(body.quote);
    const auto time = sent ? sent : received;
    if (time) {
      m.timestamp_ms = *time;
      p.has_time = true;
    } else {
      p.problems.emplace_back("Sent");
    }
    if (type == "outgoing") {
      if (m.sender.empty()) m.sender = self;
    } else if (type == "incoming") {
      if (m.sender.empty()) p.problems.emplace_back("From");
    } else if (type == "call-history") {
      m.kind = MessageKind::call;
    } else {
      m.kind = MessageKind::system;
      if (m.text.empty()) m.text = type.empty() ? "unknown" : type;
    }
    if (m.kind == MessageKind::text && m.text.empty() && !m.attachments.empty()) {
      m.kind = MessageKind::media;
    }
    if (!m.sender.empty() && m.sender != self) {
      bool known = false;
      for (const Participant& q : participants) known = known || q.name == m.sender;
      if (!known) participants.push_back({m.sender, m.sender_id, false});
    }
    parsed.push_back(std::move(p));
  }

  Conversation c;
  c.platform = "signal";
  c.thread_id = conversation;
  c.title = to_nfc(title);
  c.is_group = is_group;
  c.source_path = path;
  if (!is_group && participants.size() == 1) participants.push_back({c.title, detail, false});
  c.participants = std::move(participants);
  emit_conversation(context, c, path, parsed);
}

}  // namespace dmvault::formats::signal
