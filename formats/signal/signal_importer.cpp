#include "signal/signal_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "dmvault/error.hpp"
#include "signal/signal_internal.hpp"

#include <algorithm>
#include <map>
#include <span>
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

// The helpers every reader shares (signal_internal.hpp).

std::string_view dir_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

namespace {

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         ascii_lower(text.substr(text.size() - suffix.size())) == suffix;
}

bool is_chat_file_name(std::string_view lower) {
  return lower == "chat.md" || lower == "chat.txt" || lower == "data.json" || lower == "index.html";
}

}  // namespace

// signal-export writes one folder per chat holding chat.md, data.json, index.html and media/:
// the folder names the chat. A loose file (chat-miner's test_export.txt, sigtop's
// "<Name> (<detail>).json") names it by its stem.
std::string chat_name(std::string_view path) {
  const std::string_view file = base_name(path);
  if (is_chat_file_name(ascii_lower(file)) && !dir_of(path).empty()) {
    return std::string(base_name(dir_of(path)));
  }
  const std::size_t dot = file.rfind('.');
  return std::string(file.substr(0, dot));
}

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

AttachmentKind kind_of_name(std::string_view name, bool image_link) {
  const std::string lower = ascii_lower(name);
  const auto ext = [&](std::string_view e) { return ends_with_ci(lower, e); };
  if (ext(".gif")) return AttachmentKind::gif;
  if (ext(".mp4") || ext(".mov") || ext(".webm") || ext(".mkv") || ext(".3gp") || ext(".mpeg")) {
    return AttachmentKind::video;
  }
  if (ext(".m4a") || ext(".aac") || ext(".mp3") || ext(".ogg") || ext(".opus") || ext(".wav") ||
      ext(".flac")) {
    return AttachmentKind::audio;
  }
  if (image_link || ext(".jpg") || ext(".jpeg") || ext(".png") || ext(".webp") || ext(".heic") ||
      ext(".tif") || ext(".tiff") || ext(".svg")) {
    return AttachmentKind::photo;
  }
  return AttachmentKind::file;
}

AttachmentKind kind_of_content_type(std::string_view content_type, std::string_view name) {
  const std::string type = ascii_lower(content_type);
  if (type == "image/gif") return AttachmentKind::gif;
  if (type.rfind("image/", 0) == 0) return AttachmentKind::photo;
  if (type.rfind("video/", 0) == 0) return AttachmentKind::video;
  if (type.rfind("audio/", 0) == 0) return AttachmentKind::audio;
  if (type.empty()) return kind_of_name(name, false);
  return AttachmentKind::file;
}

std::string split_detail(std::string_view text, std::string* detail) {
  text = trim(text);
  if (detail) detail->clear();
  if (text.size() < 4 || text.back() != ')') return std::string(text);
  const std::size_t open = text.rfind(" (");
  if (open == std::string_view::npos || open == 0) return std::string(text);
  if (detail) *detail = std::string(text.substr(open + 2, text.size() - open - 3));
  return std::string(text.substr(0, open));
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  // A decoded escape that breaks UTF-8 was not one the exporter wrote: keep the text as is.
  return is_valid_utf8(out) ? out : std::string(text);
}

std::optional<std::int64_t> local_iso_to_utc_ms(std::string_view text, const TimeZone& zone) {
  const auto parsed = parse_iso8601(text);
  if (!parsed) return std::nullopt;
  if (parsed->has_zone) return parsed->utc_ms;
  // Without a zone the parser read the wall clock as UTC: move it into `zone`.
  const std::int64_t ms = ((parsed->utc_ms % 1000) + 1000) % 1000;
  const std::int64_t local_seconds = (parsed->utc_ms - ms) / 1000;
  return zone.to_utc(local_seconds) * 1000 + ms;
}

namespace {

constexpr int kCertain = 100;
constexpr int kNamedOnly = 10;
constexpr std::size_t kMaxDetectProbes = 32;

bool is_candidate(std::string_view path) {
  return ends_with_ci(path, ".md") || ends_with_ci(path, ".txt") || ends_with_ci(path, ".json") ||
         ends_with_ci(path, ".html");
}

std::string_view without_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

std::string_view first_line(std::string_view text) {
  text = without_bom(text);
  while (!text.empty() && (text.front() == '\n' || text.front() == '\r')) text.remove_prefix(1);
  std::string_view line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
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

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

}  // namespace

Flavour flavour_of(std::string_view path, std::string_view head) {
  const std::string name = ascii_lower(base_name(path));
  const std::string_view text = without_bom(head);
  if (ends_with_ci(name, ".md") || ends_with_ci(name, ".txt")) {
    if (parse_line_header(first_line(text))) return Flavour::export_markdown;
    // sigtop: "Conversation: <Name> (<detail>)", a blank line, then the first message's
    // "From: " or "Type: " field.
    if (ends_with_ci(name, ".txt") && text.rfind("Conversation: ", 0) == 0) {
      const std::size_t nl = text.find('\n');
      if (nl == std::string_view::npos) return Flavour::none;
      std::string_view rest = text.substr(nl + 1);
      if (!rest.empty() && rest.front() == '\r') rest.remove_prefix(1);
      if (rest.rfind("\nFrom: ", 0) == 0 || rest.rfind("\r\nFrom: ", 0) == 0 ||
          rest.rfind("\nType: ", 0) == 0 || rest.rfind("\r\nType: ", 0) == 0) {
        return Flavour::sigtop_text;
      }
    }
    return Flavour::none;
  }
  if (ends_with_ci(name, ".json")) {
    std::string_view t = text;
    while (!t.empty() &&
           (t.front() == ' ' || t.front() == '\n' || t.front() == '\r' || t.front() == '\t')) {
      t.remove_prefix(1);
    }
    // signal-export's data.json: one object a line with these members, in this order.
    if (name == "data.json" && !t.empty() && t.front() == '{' && t.rfind("{\"date\": \"", 0) == 0 &&
        contains(first_line(t), "\"sender\": ") && contains(first_line(t), "\"body\": ")) {
      return Flavour::export_json;
    }
    // sigtop: an array of Signal Desktop's own message objects.
    if (!t.empty() && t.front() == '[' && contains(t, "\"conversationId\"") &&
        (contains(t, "\"sent_at\"") || contains(t, "\"received_at\"")) && contains(t, "\"type\"")) {
      return Flavour::sigtop_json;
    }
    return Flavour::none;
  }
  if (name == "index.html") {
    // signal-export's page links the stylesheet it copies to the export's root.
    const std::string lower = ascii_lower(text);
    if (contains(lower, "../style.css") && contains(lower, "<title>")) return Flavour::export_html;
  }
  return Flavour::none;
}

// signal-export Markdown / text ---------------------------------------------------------------

namespace {

// A line that is only a Markdown link "![name](path)" or "[name](path)" (signal-export ends
// each with two spaces, a Markdown line break).
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
  a.uri = resolve(dir, percent_decoded(target));
  a.kind = kind_of_name(a.name.empty() ? target : a.name, image);
  if (a.name.empty()) a.name = std::string(base_name(target));
  return a;
}

// Newer signal-export versions append attachment links to the text's last line
// ("look  ![a.jpg](./media/a.jpg)  "): links to "./" or "../" targets are moved to
// `attachments`; the rest of the line is returned.
std::string inline_links(std::string_view line, std::string_view dir,
                         std::vector<Attachment>& attachments) {
  std::string kept;
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t open = line.find('[', at);
    if (open == std::string_view::npos) break;
    const std::size_t mid = line.find("](", open);
    const std::size_t close = mid == std::string_view::npos ? mid : line.find(')', mid);
    if (close == std::string_view::npos) break;
    const std::string_view target = line.substr(mid + 2, close - mid - 2);
    if (target.substr(0, 2) != "./" && target.substr(0, 3) != "../") {
      kept += line.substr(at, open + 1 - at);
      at = open + 1;
      continue;
    }
    const bool image = open > at && line[open - 1] == '!';
    kept += line.substr(at, (image ? open - 1 : open) - at);
    if (auto a = link_line(
            line.substr(image ? open - 1 : open, close + 1 - (image ? open - 1 : open)), dir)) {
      attachments.push_back(std::move(*a));
    }
    at = close + 1;
  }
  kept += line.substr(std::min(at, line.size()));
  return kept;
}

// "(- Ana: 👍, Bo: ❤️ -)": the reactions line signal-export appends to a message.
std::optional<std::vector<Reaction>> reactions_line(std::string_view line,
                                                    const std::string& self) {
  line = trim(line);
  if (line.size() < 6 || line.substr(0, 3) != "(- " || line.substr(line.size() - 3) != " -)") {
    return std::nullopt;
  }
  line = line.substr(3, line.size() - 6);
  std::vector<Reaction> out;
  std::size_t start = 0;
  while (start <= line.size()) {
    const std::size_t comma = line.find(", ", start);
    const std::string_view item = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::size_t colon = item.rfind(": ");
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string actor = to_nfc(trim(item.substr(0, colon)));
    out.push_back({actor == "Me" ? self : actor, to_nfc(trim(item.substr(colon + 2))), {}});
    if (comma == std::string_view::npos) break;
    start = comma + 2;
  }
  return out;
}

struct Entry {
  LineHeader header;
  std::string sender;
  std::vector<std::string_view> lines;  // the text's lines (the first after "Name: ")
  std::string_view raw;
  std::size_t line = 0;
};

}  // namespace

void import_markdown(ImportContext& context, const std::string& path) {
  ImportSink& sink = context.sink;
  const std::string self = self_name(context, "Me");
  const PlainBytes bytes = context.files.read(path, kMaxChatBytes);
  std::string_view text = text_of(bytes);
  if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
    throw Error(ErrorCode::bad_input, path + ": byte " + std::to_string(bad) + ": not valid UTF-8",
                "signal-export writes UTF-8; the file may be damaged");
  }
  text = without_bom(text);

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
      e.raw = std::string_view(e.raw.data(),
                               static_cast<std::size_t>(line.data() + line.size() - e.raw.data()));
    } else if (!trim(line).empty()) {
      sink.warning(path,
                   "line " + std::to_string(line_no) + ": text before the first message ignored");
    }
  }

  const std::string thread = to_nfc(chat_name(path));
  const std::string_view dir = dir_of(path);
  if (!context.announced(thread)) {
    Conversation c;
    c.platform = "signal";
    c.thread_id = thread;
    c.title = thread;
    c.source_path = path;
    // signal-export writes "Me" for the exporting user; the user is listed only when they
    // wrote in this chat (a file without "Me" does not say which name is theirs).
    std::vector<std::string> seen;
    for (const Entry& e : entries) {
      if (e.sender.empty() || e.sender == "No-Sender") continue;
      const std::string name = e.sender == "Me" ? self : to_nfc(e.sender);
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
      seen.push_back(name);
      const bool is_self = e.sender == "Me" || name == self;
      c.participants.push_back({name, "", is_self});
    }
    c.is_group = c.participants.size() > 2;
    context.announce(c);
  }

  const TimeZone& zone = context.zone();
  for (Entry& e : entries) {
    // Trailing blank lines separate messages; they are not part of the text.
    while (e.lines.size() > 1 && trim(e.lines.back()).empty()) e.lines.pop_back();
    Message m;
    m.sender = e.sender == "Me" ? self : e.sender == "No-Sender" ? "" : to_nfc(e.sender);
    m.kind = m.sender.empty() ? MessageKind::system : MessageKind::text;
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
    std::string quote;
    bool first = true;
    bool in_body = false;  // a "> " quote opens the message, before its first text line
    for (std::size_t i = 0; i < e.lines.size(); ++i) {
      std::string line(e.lines[i]);
      if (auto a = link_line(line, dir)) {
        m.attachments.push_back(std::move(*a));
        continue;
      }
      const std::string kept = inline_links(line, dir, m.attachments);
      if (kept.size() != line.size() && trim(kept).empty()) continue;
      line = kept;
      if (i > 0 && i + 1 == e.lines.size()) {
        if (auto r = reactions_line(line, self)) {
          m.reactions = std::move(*r);
          continue;
        }
      }
      if (!in_body && line.substr(0, 2) == "> ") {
        quote += (quote.empty() ? "" : "\n") + line.substr(2);
        continue;
      }
      if (!trim(line).empty()) in_body = true;
      if (!first) body += '\n';
      body += line;
      first = false;
    }
    m.text = to_nfc(trim(body));
    m.reply_to = to_nfc(trim(quote));
    if (m.text == "(This message was deleted)" && m.attachments.empty()) {
      m.kind = MessageKind::unsent;
    }
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

namespace {

class SignalImporter final : public Importer {
 public:
  std::string name() const override { return "signal"; }
  std::string description() const override {
    return "Signal (signal-export Markdown/JSON/HTML, sigtop JSON/text; Signal Android XML goes "
           "to \"sms\")";
  }

  int detect(const ExportFiles& files) const override {
    int best = 0;
    std::size_t probes = 0;
    for (const ExportFile& f : files.files()) {
      if (!is_candidate(f.path)) continue;
      const std::string_view base = base_name(f.path);
      if (starts_with_ascii_ci(base, "signal") &&
          (ends_with_ci(base, ".txt") || ends_with_ci(base, ".md"))) {
        best = std::max(best, kNamedOnly);
      }
      if (probes++ >= kMaxDetectProbes) continue;
      try {
        if (flavour_of(f.path, head_of(files, f.path)) != Flavour::none) return kCertain;
      } catch (const std::exception&) {
        continue;
      }
    }
    return best;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    ImportContext context(files, sink, options);
    struct Chat {
      std::string path;
      Flavour flavour;
    };
    std::vector<Chat> chats;
    for (const ExportFile& f : files.files()) {
      if (!is_candidate(f.path)) continue;
      const Flavour flavour = flavour_of(f.path, head_of(files, f.path));
      if (flavour != Flavour::none) chats.push_back({f.path, flavour});
    }
    if (chats.empty()) {
      throw Error(ErrorCode::bad_input, "no Signal chat in the export",
                  "the export should hold signal-export chat folders (chat.md, data.json, "
                  "index.html) or sigtop export-messages files");
    }
    // signal-export writes each chat up to three times in one folder: read the richest
    // (data.json, then chat.md, then index.html) and say which were left.
    const auto rank = [](Flavour f) {
      return f == Flavour::export_json ? 3 : f == Flavour::export_markdown ? 2 : 1;
    };
    std::map<std::string, int> best_in_folder;
    for (const Chat& c : chats) {
      if (!is_export_chat(c)) continue;
      int& best = best_in_folder[std::string(dir_of(c.path))];
      best = std::max(best, rank(c.flavour));
    }
    std::map<std::string, std::string> media;
    for (const ExportFile& f : files.files()) {
      const std::string_view dir = dir_of(f.path);
      if (dir.empty()) continue;
      media.emplace(std::string(base_name(dir)) + "/" + std::string(base_name(f.path)), f.path);
    }
    for (const Chat& c : chats) {
      if (is_export_chat(c) && rank(c.flavour) < best_in_folder[std::string(dir_of(c.path))]) {
        sink.warning(c.path, "not read: the same chat's richer file in this folder was read");
        continue;
      }
      switch (c.flavour) {
        case Flavour::export_markdown:
          import_markdown(context, c.path);
          break;
        case Flavour::export_json:
          import_export_json(context, c.path);
          break;
        case Flavour::export_html:
          import_export_html(context, c.path);
          break;
        case Flavour::sigtop_json:
          import_sigtop_json(context, c.path, media);
          break;
        case Flavour::sigtop_text:
          import_sigtop_text(context, c.path, media);
          break;
        case Flavour::none:
          break;
      }
    }
  }

 private:
  // A file of a signal-export chat folder (chat-miner's loose .txt is a chat on its own).
  static bool is_export_chat(const auto& chat) {
    const std::string name = ascii_lower(base_name(chat.path));
    return (chat.flavour == Flavour::export_json || chat.flavour == Flavour::export_html ||
            chat.flavour == Flavour::export_markdown) &&
           (name == "chat.md" || name == "data.json" || name == "index.html") &&
           !dir_of(chat.path).empty();
  }
};

}  // namespace

}  // namespace signal

std::unique_ptr<Importer> make_signal_importer() {
  return std::make_unique<signal::SignalImporter>();
}

}  // namespace dmvault::formats
