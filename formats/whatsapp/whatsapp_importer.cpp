#include "whatsapp/whatsapp_importer.hpp"

#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "dmvault/error.hpp"
#include "whatsapp/whatsapp_internal.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace dmvault::formats {

namespace {

using whatsapp::Header;

// A chat file is read whole during detection only up to this size; a larger one named like a
// chat gets the benefit of the doubt.
constexpr std::uint64_t kMaxDetectRead = std::uint64_t{64} << 20;
// Unnamed .txt files looked into during detection (a tree of another platform may hold many).
constexpr std::size_t kMaxUnnamedProbes = 16;

constexpr int kNamedChat = 100;
constexpr int kUnnamedChat = 80;
constexpr int kLargeNamedChat = 90;

std::string_view as_text(const PlainBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         ascii_lower(text.substr(text.size() - suffix.size())) == suffix;
}

std::string_view parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string_view stem_of(std::string_view path) {
  std::string_view name = base_name(path);
  if (ends_with_ci(name, ".txt")) name.remove_suffix(4);
  return name;
}

// macOS resource forks ("__MACOSX/._x", "._x") come along when a zip was made on a Mac.
bool is_mac_junk(std::string_view path) {
  return path.substr(0, 9) == "__MACOSX/" || path.find("/__MACOSX/") != std::string_view::npos ||
         base_name(path).substr(0, 2) == "._";
}

bool is_named_chat(std::string_view path) {
  return base_name(path) == "_chat.txt" ||
         whatsapp::chat_name_from_file_stem(stem_of(path)).has_value();
}

struct Candidates {
  std::vector<const ExportFile*> named;
  std::vector<const ExportFile*> unnamed;
};

Candidates find_candidates(const ExportFiles& files) {
  Candidates out;
  for (const ExportFile& f : files.files()) {
    if (!ends_with_ci(f.path, ".txt") || is_mac_junk(f.path)) continue;
    (is_named_chat(f.path) ? out.named : out.unnamed).push_back(&f);
  }
  return out;
}

// One line of the file: [begin, end) without its terminator ("\n" or "\r\n"; the poll block
// of an iOS export uses LF inside a CRLF file).
struct Line {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::vector<Line> split_lines(std::string_view text, std::size_t start) {
  std::vector<Line> lines;
  std::size_t begin = start;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    if (end == std::string_view::npos) end = text.size();
    if (end > begin && text[end - 1] == '\r') --end;
    lines.push_back({begin, end});
    begin = next;
  }
  return lines;
}

std::size_t bom_length(std::string_view text) {
  return text.substr(0, 3) == "\xef\xbb\xbf" ? 3 : 0;
}

// Whether `text` opens the way a chat export does: its first non-empty line is a message header.
bool starts_like_chat(std::string_view text) {
  const std::size_t valid =
      first_invalid_utf8(text.substr(0, std::min<std::size_t>(text.size(), 4096)));
  // A multi-byte character cut by the 4096-byte window is not a reason to refuse.
  if (valid + 4 < std::min<std::size_t>(text.size(), 4096)) return false;
  for (const Line& line :
       split_lines(text.substr(0, std::min<std::size_t>(text.size(), 4096)), bom_length(text))) {
    const std::string_view content =
        whatsapp::strip_leading_marks(text.substr(line.begin, line.end - line.begin));
    if (trim(content).empty()) continue;
    const auto header = whatsapp::parse_header(content);
    return header.has_value() && header->rest < content.size();
  }
  return false;
}

std::string line_number_text(std::size_t index) { return "line " + std::to_string(index + 1); }

// The machine's zone, by name when the system says it (TimeZone names it "localtime").
std::string machine_zone_name(const TimeZone& zone) {
  if (zone.name() != "localtime") return zone.name();
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::read_symlink("/etc/localtime", ec);
  if (!ec) {
    const std::string text = target.string();
    const std::size_t at = text.find("zoneinfo/");
    if (at != std::string::npos) return text.substr(at + 9);
  }
  std::ifstream in("/etc/timezone");
  std::string name;
  if (in && std::getline(in, name) && !trim(name).empty()) return std::string(trim(name));
  return "the zone of /etc/localtime";
}

// A sender as the model keeps it: without WhatsApp's direction marks around phone numbers and
// without the "~ " it puts before people who are not in the exporter's contacts.
std::string clean_sender(std::string_view raw) {
  std::string name = whatsapp::without_marks(raw);
  std::string_view view = trim(name);
  if (!view.empty() && view.front() == '~') view = trim(view.substr(1));
  return to_nfc(view);
}

bool has_quote(std::string_view text) {
  for (const std::string_view q :
       {"\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e", "\xc2\xab", "\xc2\xbb"}) {
    if (text.find(q) != std::string_view::npos) return true;
  }
  return false;
}

std::string_view rtrim(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// A file name a media line can name: one path component of sane length.
bool looks_like_file_name(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name.find('/') == std::string_view::npos &&
         name.find('\n') == std::string_view::npos && name.find('.') != std::string_view::npos;
}

// One message of a chat file: where it is and what its first line says.
struct Record {
  std::size_t first_line = 0;
  std::size_t last_line = 0;
  std::int64_t timestamp_ms = 0;
  std::string local_time;
  std::string_view rest;        // after the header, marks stripped
  std::string_view sender_raw;  // as written, before ": "
  std::string sender;           // cleaned; empty for system lines
  std::string_view body;        // the first line's part after "Sender: "
  bool has_sender = false;
};

struct ParsedChat {
  std::string path;
  std::string name;                  // the chat's name, from the file name or the text
  std::vector<std::string> senders;  // in order of first message
  bool group_events = false;
  std::vector<Message> messages;
};

class ChatParser {
 public:
  ChatParser(const ExportFiles& files, ImportSink& sink, const TimeZone& zone,
             const std::map<std::string, std::string>& by_base_name)
      : m_files(files), m_sink(sink), m_zone(zone), m_by_base_name(by_base_name) {}

  ParsedChat parse(const std::string& path, std::string_view text, const ImportOptions& options);

 private:
  std::vector<Record> records(const std::string& path, std::string_view text,
                              const std::vector<Line>& lines);
  void split_senders(std::vector<Record>& records);
  Message message_of(const ParsedChat& chat, std::string_view text, const std::vector<Line>& lines,
                     const Record& record);
  std::string resolve_media(const std::string& chat_path, std::string_view name);

  const ExportFiles& m_files;
  ImportSink& m_sink;
  const TimeZone& m_zone;
  const std::map<std::string, std::string>& m_by_base_name;
  std::size_t m_missing_media = 0;
  std::string m_end_to_end_sender;  // iOS writes the notice with the chat's name as sender
  std::string m_group_name;
};

std::vector<Record> ChatParser::records(const std::string& path, std::string_view text,
                                        const std::vector<Line>& lines) {
  struct Found {
    std::size_t line;
    std::size_t offset;  // of the stripped content in the text
    Header header;
  };
  std::vector<Found> found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view raw = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
    const std::string_view content = whatsapp::strip_leading_marks(raw);
    auto header = whatsapp::parse_header(content);
    if (!header) continue;
    // A pasted log in another style inside a message is text, not a new message.
    if (!found.empty() && !header->same_style(found.front().header)) continue;
    found.push_back({i, lines[i].begin + (raw.size() - content.size()), *header});
  }
  if (found.empty()) {
    throw Error(ErrorCode::bad_input,
                path + ": no line starts with a WhatsApp date and time; this is not a chat export",
                "give the .txt (or .zip) WhatsApp's \"Export chat\" wrote");
  }

  std::vector<Header> headers;
  headers.reserve(found.size());
  for (const Found& f : found) headers.push_back(f.header);
  const whatsapp::OrderDecision order = whatsapp::infer_date_order(headers);
  if (!order.assumption.empty()) m_sink.warning(path, order.assumption);

  std::vector<Record> out;
  out.reserve(found.size());
  for (const Found& f : found) {
    const auto local = whatsapp::local_date_time(f.header, order.order);
    if (!local) {
      m_sink.warning(path, line_number_text(f.line) + ": the date does not exist when read as " +
                               whatsapp::describe(order.order) +
                               "; the line is kept as part of the message before it");
      continue;
    }
    Record r;
    r.first_line = f.line;
    r.timestamp_ms = m_zone.to_utc(local->local_seconds()) * 1000;
    r.local_time = std::string(
        text.substr(f.offset + f.header.local_begin, f.header.local_end - f.header.local_begin));
    r.rest = whatsapp::strip_leading_marks(
        text.substr(f.offset + f.header.rest, lines[f.line].end - f.offset - f.header.rest));
    out.push_back(std::move(r));
  }
  if (out.empty()) {
    throw Error(ErrorCode::bad_input, path + ": no message has a date that exists",
                "check that this is a WhatsApp chat export");
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].last_line = i + 1 < out.size() ? out[i + 1].first_line - 1 : lines.size() - 1;
  }
  std::size_t leading = 0;
  for (std::size_t i = 0; i < out.front().first_line; ++i) {
    if (!trim(text.substr(lines[i].begin, lines[i].end - lines[i].begin)).empty()) ++leading;
  }
  if (leading > 0) {
    m_sink.warning(path, "lines 1-" + std::to_string(out.front().first_line) +
                             " come before the first message and belong to none (they stay in "
                             "the stored file)");
  }
  return out;
}

void ChatParser::split_senders(std::vector<Record>& records) {
  std::set<std::string_view> known;
  for (Record& r : records) {
    const std::size_t colon = r.rest.find(": ");
    if (colon == std::string_view::npos || colon == 0) continue;
    const std::string_view candidate = r.rest.substr(0, colon);
    // System lines that quote a group's name ("X changed the subject to "a: b"") hold ": "
    // inside the quotes; names with quotes are far rarer than such subjects.
    if (has_quote(candidate)) continue;
    r.has_sender = true;
    r.sender_raw = candidate;
    r.body = whatsapp::strip_leading_marks(r.rest.substr(colon + 2));
    if (!whatsapp::is_end_to_end_notice(r.body)) known.insert(candidate);
  }
  // "John Doe:." and "Name:" (an empty body): no ": ", but a sender seen elsewhere.
  for (Record& r : records) {
    if (r.has_sender) continue;
    std::string_view best;
    for (const std::string_view name : known) {
      if (name.size() > best.size() && r.rest.size() > name.size() &&
          r.rest.substr(0, name.size()) == name && r.rest[name.size()] == ':') {
        best = name;
      }
    }
    if (best.empty()) continue;
    r.has_sender = true;
    r.sender_raw = best;
    r.body = whatsapp::strip_leading_marks(r.rest.substr(best.size() + 1));
  }
  for (Record& r : records) {
    if (r.has_sender) r.sender = clean_sender(r.sender_raw);
  }
}

std::string ChatParser::resolve_media(const std::string& chat_path, std::string_view name) {
  const std::string_view folder = parent_of(chat_path);
  const std::string beside =
      folder.empty() ? std::string(name) : std::string(folder) + "/" + std::string(name);
  if (m_files.exists(beside)) return beside;
  if (const auto it = m_by_base_name.find(std::string(name)); it != m_by_base_name.end()) {
    return it->second;
  }
  ++m_missing_media;
  return beside;
}

Message ChatParser::message_of(const ParsedChat& chat, std::string_view text,
                               const std::vector<Line>& lines, const Record& r) {
  Message m;
  m.timestamp_ms = r.timestamp_ms;
  m.local_time = to_nfc(r.local_time);
  m.source_path = chat.path;
  m.raw = std::string(
      text.substr(lines[r.first_line].begin, lines[r.last_line].end - lines[r.first_line].begin));

  std::string body(r.has_sender ? r.body : r.rest);
  for (std::size_t i = r.first_line + 1; i <= r.last_line; ++i) {
    body += '\n';
    body.append(text.substr(lines[i].begin, lines[i].end - lines[i].begin));
  }
  if (const auto unedited = whatsapp::without_edited_marker(body)) {
    m.edited = true;
    body = std::string(*unedited);
  }
  const std::string_view trimmed = rtrim(body);

  if (!r.has_sender) {
    m.kind = MessageKind::system;
    m.text = to_nfc(trimmed);
    return m;
  }
  m.sender = r.sender;
  m.kind = MessageKind::text;
  if (whatsapp::is_end_to_end_notice(trimmed)) {
    m.sender.clear();
    m.kind = MessageKind::system;
    m.text = to_nfc(trimmed);
    return m;
  }
  if (whatsapp::is_deleted_notice(trimmed)) {
    m.kind = MessageKind::unsent;
    m.text = to_nfc(trim(whatsapp::without_marks(trimmed)));
    return m;
  }
  if (whatsapp::placeholder_kind(trimmed)) {
    m.kind = MessageKind::media;
    m.text = to_nfc(trim(whatsapp::without_marks(trimmed)));
    return m;
  }

  // iOS: "caption <attached: 00000012-PHOTO-2019-06-20-16-00-15.jpg>", on the first line.
  const std::size_t first_end = trimmed.find('\n');
  const std::string_view first_line = rtrim(trimmed.substr(0, first_end));
  const std::string_view more =
      first_end == std::string_view::npos ? std::string_view() : trimmed.substr(first_end + 1);
  if (!first_line.empty() && first_line.back() == '>') {
    const std::size_t open = first_line.rfind('<');
    const std::size_t colon =
        open == std::string_view::npos ? std::string_view::npos : first_line.find(':', open);
    if (colon != std::string_view::npos) {
      const std::string_view label = first_line.substr(open + 1, colon - open - 1);
      const std::string name(trim(
          whatsapp::without_marks(first_line.substr(colon + 1, first_line.size() - colon - 2))));
      if (looks_like_file_name(name) &&
          (whatsapp::is_attached_label(label) || m_by_base_name.count(name) != 0)) {
        m.kind = MessageKind::media;
        m.attachments.push_back(
            {whatsapp::attachment_kind_of(name), resolve_media(chat.path, name), name, {}});
        std::string caption(whatsapp::trim_marks(first_line.substr(0, open)));
        if (!more.empty()) caption += (caption.empty() ? "" : "\n") + std::string(more);
        m.text = to_nfc(rtrim(caption));
        return m;
      }
    }
  }
  // Android: "IMG-20240101-WA0001.jpg (file attached)", a caption on the lines after it.
  if (!first_line.empty() && first_line.back() == ')') {
    const std::size_t open = first_line.rfind(" (");
    if (open != std::string_view::npos) {
      const std::string_view label = first_line.substr(open + 2, first_line.size() - open - 3);
      const std::string name(trim(whatsapp::without_marks(first_line.substr(0, open))));
      if (looks_like_file_name(name) &&
          (whatsapp::is_file_attached_label(label) || m_by_base_name.count(name) != 0)) {
        m.kind = MessageKind::media;
        m.attachments.push_back(
            {whatsapp::attachment_kind_of(name), resolve_media(chat.path, name), name, {}});
        m.text = to_nfc(rtrim(more));
        return m;
      }
    }
  }
  if (whatsapp::is_call_notice(trimmed)) {
    m.kind = MessageKind::call;
    m.text = to_nfc(trim(whatsapp::without_marks(trimmed)));
    return m;
  }
  if (const std::string_view link = whatsapp::location_link(trimmed); !link.empty()) {
    m.kind = MessageKind::share;
    m.share = Share{std::string(link), {}, {}};
  }
  m.text = to_nfc(trimmed);
  return m;
}

ParsedChat ChatParser::parse(const std::string& path, std::string_view text,
                             const ImportOptions& options) {
  if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
    const auto line = static_cast<std::size_t>(
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    throw Error(ErrorCode::bad_input,
                path + ": " + line_number_text(line) +
                    ": not valid UTF-8 (WhatsApp writes its exports in UTF-8)",
                "give the file exactly as WhatsApp exported it");
  }
  ParsedChat chat;
  chat.path = path;
  m_missing_media = 0;
  m_end_to_end_sender.clear();
  m_group_name.clear();

  const std::vector<Line> lines = split_lines(text, bom_length(text));
  std::vector<Record> records = this->records(path, text, lines);
  split_senders(records);

  std::set<std::string> seen;
  chat.messages.reserve(records.size());
  for (const Record& r : records) {
    Message m = message_of(chat, text, lines, r);
    if (r.has_sender && m.kind == MessageKind::system && m_end_to_end_sender.empty()) {
      m_end_to_end_sender = r.sender;
    }
    if (!r.has_sender) {
      if (whatsapp::is_group_event(m.text)) chat.group_events = true;
      if (m_group_name.empty()) m_group_name = whatsapp::created_group_name(m.text);
    }
    if (!m.sender.empty() && seen.insert(m.sender).second) chat.senders.push_back(m.sender);
    chat.messages.push_back(std::move(m));
  }
  if (m_missing_media > 0) {
    m_sink.warning(path, std::to_string(m_missing_media) +
                             " attached media files are not in the export (the messages keep "
                             "their names)");
  }

  // The chat's name: the file's name says it on Android; an iOS _chat.txt may sit in a folder
  // named like its zip; else the text: iOS writes the encryption notice with the chat's name as
  // its sender, a group names itself when created, and a two-person chat is named after the
  // other person, as WhatsApp names its exports.
  const std::string_view stem = stem_of(path);
  if (auto named = whatsapp::chat_name_from_file_stem(stem)) {
    chat.name = std::move(*named);
  } else if (base_name(path) == "_chat.txt") {
    if (auto folder = whatsapp::chat_name_from_file_stem(base_name(parent_of(path)))) {
      chat.name = std::move(*folder);
    }
  } else {
    chat.name = std::string(stem);
  }
  if (chat.name.empty()) chat.name = m_end_to_end_sender;
  if (chat.name.empty()) chat.name = m_group_name;
  if (chat.name.empty() && chat.senders.size() == 2 && !options.self_name.empty()) {
    for (const std::string& s : chat.senders) {
      if (ascii_lower(s) != ascii_lower(to_nfc(options.self_name))) chat.name = s;
    }
  }
  if (chat.name.empty()) {
    std::vector<std::string> names = chat.senders;
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) chat.name += (chat.name.empty() ? "" : ", ") + n;
  }
  if (chat.name.empty()) chat.name = std::string(stem);
  chat.name = to_nfc(chat.name);
  return chat;
}

class WhatsAppImporter final : public Importer {
 public:
  std::string name() const override { return std::string(whatsapp::kPlatform); }

  std::string description() const override {
    return "WhatsApp (chat export: .txt, or .zip with media; Android and iOS)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      const Candidates candidates = find_candidates(files);
      for (const ExportFile* f : candidates.named) {
        if (f->size > kMaxDetectRead) return kLargeNamedChat;
        if (starts_like_chat(as_text(files.read(f->path, kMaxDetectRead)))) return kNamedChat;
      }
      std::size_t probes = 0;
      for (const ExportFile* f : candidates.unnamed) {
        if (f->size > kMaxDetectRead) continue;
        if (++probes > kMaxUnnamedProbes) break;
        if (starts_like_chat(as_text(files.read(f->path, kMaxDetectRead)))) return kUnnamedChat;
      }
      return 0;
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const Candidates candidates = find_candidates(files);
    std::vector<std::string> chosen;
    for (const ExportFile* f : candidates.named) chosen.push_back(f->path);
    if (chosen.empty()) {
      for (const ExportFile* f : candidates.unnamed) {
        if (starts_like_chat(as_text(files.read(f->path)))) chosen.push_back(f->path);
      }
    }
    if (chosen.empty()) {
      throw Error(ErrorCode::bad_input, "no WhatsApp chat (.txt) in the export",
                  "give the .txt or .zip WhatsApp's \"Export chat\" wrote");
    }

    const TimeZone zone = TimeZone::load(options.timezone);
    if (options.timezone.empty()) {
      sink.warning(chosen.front(), "WhatsApp writes local times without a zone; read them in " +
                                       machine_zone_name(zone) +
                                       " (this machine's zone); pass --timezone to choose another");
    }

    // Media named by a message but not beside the chat file are looked up by name anywhere.
    std::map<std::string, std::string> by_base_name;
    for (const ExportFile& f : files.files()) {
      if (!is_mac_junk(f.path)) by_base_name.emplace(std::string(base_name(f.path)), f.path);
    }

    ChatParser parser(files, sink, zone, by_base_name);
    std::vector<ParsedChat> chats;
    for (const std::string& path : chosen) {
      const PlainBytes bytes = files.read(path);
      chats.push_back(parser.parse(path, as_text(bytes), options));
    }
    emit(chats, sink, options);
  }

 private:
  // One conversation per chat name: two files of one chat (a re-download beside the first)
  // are one conversation, announced once with everyone seen in either.
  static void emit(std::vector<ParsedChat>& chats, ImportSink& sink, const ImportOptions& options) {
    const std::string self = to_nfc(options.self_name);
    std::vector<std::string> order;
    std::map<std::string, std::vector<ParsedChat*>> by_name;
    for (ParsedChat& chat : chats) {
      auto& group = by_name[chat.name];
      if (group.empty()) order.push_back(chat.name);
      group.push_back(&chat);
    }
    for (const std::string& name : order) {
      const auto& group = by_name[name];
      Conversation c;
      c.platform = std::string(whatsapp::kPlatform);
      c.thread_id = name;
      c.title = name;
      c.source_path = group.front()->path;
      std::set<std::string> seen;
      bool group_events = false;
      bool self_found = self.empty();
      for (const ParsedChat* chat : group) {
        group_events = group_events || chat->group_events;
        for (const std::string& sender : chat->senders) {
          if (!seen.insert(sender).second) continue;
          Participant p;
          p.name = sender;
          p.is_self = !self.empty() && (sender == self || ascii_lower(sender) == ascii_lower(self));
          self_found = self_found || p.is_self;
          c.participants.push_back(std::move(p));
        }
      }
      c.is_group = group_events || c.participants.size() > 2;
      if (!self_found) {
        sink.warning(c.source_path, "no message of this chat is from '" + self +
                                        "' (--self): nobody is marked as you");
      }
      sink.conversation(c);
      for (ParsedChat* chat : group) {
        for (Message& m : chat->messages) sink.message(c.thread_id, std::move(m));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_whatsapp_importer() { return std::make_unique<WhatsAppImporter>(); }

}  // namespace dmvault::formats
