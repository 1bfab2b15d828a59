#include "signal/signal_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace dmvault::formats {

namespace signal {

namespace {

bool digits(std::string_view text, std::size_t at, std::size_t n, unsigned& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<LineHeader> parse_line_header(std::string_view line) {
  LineHeader h;
  unsigned year = 0;
  if (line.size() < 18 || line[0] != '[' || !digits(line, 1, 4, year) || line[5] != '-' ||
      !digits(line, 6, 2, h.month) || line[8] != '-' || !digits(line, 9, 2, h.day)) {
    return std::nullopt;
  }
  h.year = static_cast<int>(year);
  std::size_t at = 11;
  if (line[at] == ',') ++at;
  if (at >= line.size() || line[at] != ' ') return std::nullopt;
  ++at;
  if (!digits(line, at, 2, h.hour) || at + 2 >= line.size() || line[at + 2] != ':' ||
      !digits(line, at + 3, 2, h.minute)) {
    return std::nullopt;
  }
  at += 5;
  if (at < line.size() && line[at] == ':') {
    if (!digits(line, at + 1, 2, h.second)) return std::nullopt;
    at += 3;
  }
  if (at + 1 >= line.size() || line[at] != ']' || line[at + 1] != ' ') return std::nullopt;
  if (!is_valid_date(h.year, h.month, h.day) || h.hour > 23 || h.minute > 59 || h.second > 59) {
    return std::nullopt;
  }
  h.stamp = line.substr(1, at - 1);
  h.length = at + 2;
  return h;
}

}  // namespace signal

namespace {

using signal::parse_line_header;

constexpr std::size_t kDetectHead = 4096;
constexpr std::size_t kMaxDetectProbes = 32;
constexpr std::uint64_t kMaxChatBytes = std::uint64_t{512} << 20;

constexpr int kChat = 100;
constexpr int kNamedOnly = 10;

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         ascii_lower(text.substr(text.size() - suffix.size())) == suffix;
}

bool is_text_file(const std::string& path) {
  return ends_with_ci(path, ".md") || ends_with_ci(path, ".txt");
}

std::string_view first_line(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  return text.substr(0, text.find('\n'));
}

std::string head_of(const ExportFiles& files, const std::string& path) {
  std::string head;
  files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
    const std::size_t n = std::min(piece.size(), kDetectHead - head.size());
    head.append(reinterpret_cast<const char*>(piece.data()), n);
    return head.size() < kDetectHead;
  });
  return head;
}

std::string_view dir_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// signal-export writes one folder per chat holding chat.md and media/: the folder names the
// chat. A loose file (chat-miner's test_export.txt) names it by its stem.
std::string chat_name(std::string_view path) {
  const std::string_view file = base_name(path);
  const std::string lower = ascii_lower(file);
  if ((lower == "chat.md" || lower == "chat.txt") && !dir_of(path).empty()) {
    return std::string(base_name(dir_of(path)));
  }
  const std::size_t dot = file.rfind('.');
  return std::string(file.substr(0, dot));
}

// "../a b/c" style links are resolved against the chat file's folder, as a Markdown viewer does.
std::string resolve(std::string_view dir, std::string_view link) {
  if (link.find("://") != std::string_view::npos) return std::string(link);
  std::vector<std::string> parts;
  const auto push = [&](std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
      const std::size_t slash = path.find('/', start);
      const std::string_view piece = path.substr(
          start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
      if (piece == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!piece.empty() && piece != ".") {
        parts.emplace_back(piece);
      }
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  };
  push(dir);
  push(link);
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

AttachmentKind kind_of(std::string_view name, bool image_link) {
  const std::string lower = ascii_lower(name);
  const auto ext = [&](std::string_view e) { return ends_with_ci(lower, e); };
  if (ext(".gif")) return AttachmentKind::gif;
  if (ext(".mp4") || ext(".mov") || ext(".webm") || ext(".mkv") || ext(".3gp")) {
    return AttachmentKind::video;
  }
  if (ext(".m4a") || ext(".aac") || ext(".mp3") || ext(".ogg") || ext(".opus") || ext(".wav")) {
    return AttachmentKind::audio;
  }
  if (image_link || ext(".jpg") || ext(".jpeg") || ext(".png") || ext(".webp") || ext(".heic")) {
    return AttachmentKind::photo;
  }
  return AttachmentKind::file;
}

// A line that is only a Markdown link "![name](path)" or "[name](path)".
std::optional<Attachment> link_line(std::string_view line, std::string_view dir) {
  line = trim(line);
  const bool image = !line.empty() && line.front() == '!';
  if (image) line.remove_prefix(1);
  if (line.size() < 4 || line.front() != '[' || line.back() != ')') return std::nullopt;
  const std::size_t mid = line.find("](");
  if (mid == std::string_view::npos || line.find(')', mid) != line.size() - 1) return std::nullopt;
  Attachment a;
  a.name = to_nfc(line.substr(1, mid - 1));
  const std::string_view target = line.substr(mid + 2, line.size() - mid - 3);
  if (target.empty()) return std::nullopt;
  a.uri = resolve(dir, target);
  a.kind = kind_of(a.name.empty() ? target : a.name, image);
  if (a.name.empty()) a.name = std::string(base_name(target));
  return a;
}

struct Entry {
  signal::LineHeader header;
  std::string sender;
  std::vector<std::string_view> lines;  // the text's lines (the first after "Name: ")
  std::string_view raw;
  std::size_t line = 0;
};

class SignalImporter final : public Importer {
 public:
  std::string name() const override { return "signal"; }
  std::string description() const override {
    return "Signal (chats written by signal-export; Signal Android XML goes to \"sms\")";
  }

  int detect(const ExportFiles& files) const override {
    int best = 0;
    std::size_t probes = 0;
    for (const ExportFile& f : files.files()) {
      if (!is_text_file(f.path)) continue;
      if (starts_with_ascii_ci(base_name(f.path), "signal")) best = std::max(best, kNamedOnly);
      if (probes++ >= kMaxDetectProbes) continue;
      try {
        if (parse_line_header(first_line(head_of(files, f.path)))) return kChat;
      } catch (const std::exception&) {
        continue;
      }
    }
    return best;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const TimeZone zone = TimeZone::load(options.timezone);
    const std::string self = options.self_name.empty() ? "Me" : to_nfc(options.self_name);
    std::set<std::string> announced;
    bool any = false;
    for (const ExportFile& f : files.files()) {
      if (!is_text_file(f.path)) continue;
      if (!parse_line_header(first_line(head_of(files, f.path)))) continue;
      any = true;
      import_chat(files, f.path, zone, self, announced, sink);
    }
    if (!any) {
      throw Error(ErrorCode::bad_input, "no signal-export chat in the export",
                  "the export should hold chat.md files whose lines start with "
                  "\"[YYYY-MM-DD, HH:MM] Name: \"");
    }
  }

 private:
  static void import_chat(const ExportFiles& files, const std::string& path, const TimeZone& zone,
                          const std::string& self, std::set<std::string>& announced,
                          ImportSink& sink) {
    const PlainBytes bytes = files.read(path, kMaxChatBytes);
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
      throw Error(ErrorCode::bad_input,
                  path + ": byte " + std::to_string(bad) + ": not valid UTF-8",
                  "signal-export writes UTF-8; the file may be damaged");
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    std::vector<Entry> entries;
    std::size_t line_no = 0;
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t nl = text.find('\n', at);
      std::string_view line = text.substr(at, nl == std::string_view::npos ? nl : nl - at);
      const std::size_t line_start = at;
      at = nl == std::string_view::npos ? text.size() : nl + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (const auto h = parse_line_header(line)) {
        Entry e;
        e.header = *h;
        std::string_view rest = line.substr(h->length);
        const std::size_t colon = rest.find(": ");
        if (colon != std::string_view::npos) {
          e.sender = std::string(rest.substr(0, colon));
          rest.remove_prefix(colon + 2);
        } else if (!rest.empty() && rest.back() == ':') {
          e.sender = std::string(rest.substr(0, rest.size() - 1));
          rest = {};
        } else {
          sink.warning(path, "line " + std::to_string(line_no) +
                                 ": no sender after the time: kept as a system message");
        }
        e.lines.push_back(rest);
        e.raw = text.substr(line_start, line.size());
        e.line = line_no;
        entries.push_back(std::move(e));
      } else if (!entries.empty()) {
        Entry& e = entries.back();
        e.lines.push_back(line);
        e.raw = std::string_view(
            e.raw.data(), static_cast<std::size_t>(line.data() + line.size() - e.raw.data()));
      } else if (!trim(line).empty()) {
        sink.warning(path,
                     "line " + std::to_string(line_no) + ": text before the first message ignored");
      }
    }

    const std::string thread = to_nfc(chat_name(path));
    const std::string_view dir = dir_of(path);
    if (announced.insert(thread).second) {
      Conversation c;
      c.platform = "signal";
      c.thread_id = thread;
      c.title = thread;
      c.source_path = path;
      // signal-export writes "Me" for the exporting user; the user is listed only when they
      // wrote in this chat (a file without "Me" does not say which name is theirs).
      std::vector<std::string> seen;
      for (const Entry& e : entries) {
        if (e.sender.empty()) continue;
        const std::string name = e.sender == "Me" ? self : to_nfc(e.sender);
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
        seen.push_back(name);
        const bool is_self = e.sender == "Me" || name == self;
        c.participants.push_back({name, "", is_self});
      }
      c.is_group = c.participants.size() > 2;
      sink.conversation(c);
    }

    for (Entry& e : entries) {
      // Trailing blank lines separate messages; they are not part of the text.
      while (e.lines.size() > 1 && trim(e.lines.back()).empty()) e.lines.pop_back();
      Message m;
      m.sender = e.sender == "Me" ? self : to_nfc(e.sender);
      m.kind = e.sender.empty() ? MessageKind::system : MessageKind::text;
      LocalDateTime local;
      local.year = e.header.year;
      local.month = e.header.month;
      local.day = e.header.day;
      local.hour = e.header.hour;
      local.minute = e.header.minute;
      local.second = e.header.second;
      m.timestamp_ms = zone.to_utc(local.local_seconds()) * 1000;
      m.local_time = std::string(e.header.stamp);
      std::string body;
      bool first = true;
      for (const std::string_view line : e.lines) {
        if (auto a = link_line(line, dir)) {
          m.attachments.push_back(std::move(*a));
          continue;
        }
        if (!first) body += '\n';
        body += line;
        first = false;
      }
      m.text = to_nfc(trim(body));
      if (m.text.empty() && m.attachments.empty() && !e.sender.empty()) {
        // signal-export writes stickers, deleted and unsupported items as an empty body.
        sink.warning(path, "line " + std::to_string(e.line) +
                               ": a message without text or attachment (a sticker or an "
                               "item the exporter does not write?)");
      }
      if (m.text.empty() && !m.attachments.empty()) m.kind = MessageKind::media;
      m.raw = std::string(e.raw);
      m.source_path = path;
      sink.message(thread, std::move(m));
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_signal_importer() { return std::make_unique<SignalImporter>(); }

}  // namespace dmvault::formats
