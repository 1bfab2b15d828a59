#include "snapchat/snapchat_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dmvault::formats {

namespace snapchat {

namespace {}  // namespace

std::vector<std::string> media_ids(std::string_view field) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t bar = field.find('|', start);
    const std::string_view piece = trim(
        field.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (!piece.empty()) out.emplace_back(piece);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

std::optional<std::string> media_id_of_file(std::string_view name) {
  const auto digit = [&](std::size_t i) { return name[i] >= '0' && name[i] <= '9'; };
  if (name.size() < 12 || name[4] != '-' || name[7] != '-' || name[10] != '_') return std::nullopt;
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!digit(i)) return std::nullopt;
  }
  std::string_view id = name.substr(11);
  const std::size_t dot = id.rfind('.');
  if (dot != std::string_view::npos) id = id.substr(0, dot);
  if (id.empty()) return std::nullopt;
  return std::string(id);
}

std::optional<std::int64_t> parse_created(std::string_view text) {
  text = trim(text);
  constexpr std::string_view kUtc = " UTC";
  if (text.size() <= kUtc.size() || text.substr(text.size() - kUtc.size()) != kUtc) {
    return std::nullopt;
  }
  text.remove_suffix(kUtc.size());
  const auto t = parse_iso8601(text);
  if (!t || t->has_zone) return std::nullopt;
  return t->utc_ms;
}

std::optional<std::int64_t> precise_time(std::int64_t value,
                                         std::optional<std::int64_t> created_ms) {
  // 2001-09-09 in milliseconds; 2286 in milliseconds is 1e13, so larger values are microseconds.
  constexpr std::int64_t kMinMs = 1'000'000'000'000;
  constexpr std::int64_t kMaxMs = 10'000'000'000'000;
  if (value <= 0) return std::nullopt;
  const std::int64_t as_micros = value / 1000;
  if (created_ms) {
    for (const std::int64_t ms : {value, as_micros}) {
      if (ms >= *created_ms - 999 && ms <= *created_ms + 999) return ms;
    }
    return std::nullopt;
  }
  if (value >= kMinMs && value < kMaxMs) return value;
  if (as_micros >= kMinMs && as_micros < kMaxMs) return as_micros;
  return std::nullopt;
}

}  // namespace snapchat

namespace {

constexpr std::string_view kPlatform = "snapchat";
constexpr const char* kHint =
    "request the data again from Snapchat (accounts.snapchat.com > My Data) with JSON files";

constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;
constexpr std::size_t kDetectHead = std::size_t{64} << 10;

constexpr int kCertain = 100;
constexpr int kNameOnly = 50;

bool is_chat_history(std::string_view path) {
  return ascii_lower(base_name(path)) == "chat_history.json";
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

std::string_view parent_dir_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  return base_name(path.substr(0, slash));
}

AttachmentKind kind_from_name(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : ascii_lower(name.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp" || ext == "heic") {
    return AttachmentKind::photo;
  }
  if (ext == "gif") return AttachmentKind::gif;
  if (ext == "mp4" || ext == "mov" || ext == "m4v" || ext == "webm") return AttachmentKind::video;
  if (ext == "mp3" || ext == "m4a" || ext == "aac" || ext == "ogg" || ext == "opus" ||
      ext == "wav") {
    return AttachmentKind::audio;
  }
  return AttachmentKind::file;
}

std::optional<std::string> string_member(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return std::nullopt;
  const auto s = as_string(*v);
  if (!s) return std::nullopt;
  return std::string(*s);
}

bool is_url(std::string_view text) {
  return (starts_with_ascii_ci(text, "https://") || starts_with_ascii_ci(text, "http://")) &&
         std::none_of(text.begin(), text.end(),
                      [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
}

struct Parsed {
  Message message;
  bool has_time = false;
  std::size_t offset = 0;
  std::vector<std::string> problems;
  bool is_sender = false;
  std::string title;        // "Conversation Title" when not null
  std::string friend_name;  // legacy lists: the other person (From or To)
};

class FileImport {
 public:
  FileImport(ImportContext& context, std::string path,
             const std::map<std::string, std::string, std::less<>>& media)
      : m_context(context), m_path(std::move(path)), m_media(media) {}

  void run() {
    const PlainBytes bytes = m_context.files.read(m_path, kMaxFileBytes);
    const meta::JsonFile file(m_path, text_of(bytes));
    const auto root = as_object(file.root());
    if (!root) {
      throw Error(ErrorCode::bad_input,
                  m_path + ": not a Snapchat chat history (the JSON is not an object)", kHint);
    }
    m_self = to_nfc(trim(m_context.options.self_name));
    bool legacy = false;
    for (const auto field : *root) legacy = legacy || legacy_section(field.key).has_value();

    meta::SpanScanner scan(file.text(), m_path);
    scan.enter();
    std::size_t index = 0;
    // Legacy exports: the friends' messages, in first-seen order.
    std::vector<std::string> friends;
    std::map<std::string, std::vector<Parsed>> by_friend;
    for (const auto field : *root) {
      scan.next_member();
      ++index;
      const std::string_view key = field.key;
      const auto list = as_array(field.value);
      const auto section = legacy_section(key);
      if (!list || (legacy && !section)) {
        const std::size_t begin = scan.skip().first;
        m_context.sink.warning(m_path, "entry " + std::to_string(index) + " (byte " +
                                           std::to_string(file.file_offset(begin)) +
                                           ") is not a list of chat messages: ignored");
        continue;
      }
      std::vector<Parsed> parsed = read_list(*list, file, scan, section.value_or(false), legacy);
      if (!legacy) {
        emit(to_nfc(key), parsed);
        continue;
      }
      for (Parsed& p : parsed) {
        if (!by_friend.count(p.friend_name)) friends.push_back(p.friend_name);
        by_friend[p.friend_name].push_back(std::move(p));
      }
    }
    scan.next_member();
    for (const std::string& name : friends) emit(name, by_friend[name]);
    if (m_missing_media > 0) {
      m_context.sink.warning(m_path, std::to_string(m_missing_media) +
                                         " media referenced by \"Media IDs\" are not in "
                                         "chat_media/ (kept as references)");
    }
  }

 private:
  // "Received Saved Chat History" (false) or "Sent Saved Chat History" (true); nullopt for any
  // other key.
  static std::optional<bool> legacy_section(std::string_view key) {
    if (key.find("Chat History") == std::string_view::npos) return std::nullopt;
    if (key.substr(0, 9) == "Received ") return false;
    if (key.substr(0, 5) == "Sent ") return true;
    return std::nullopt;
  }

  std::vector<Parsed> read_list(array list, const meta::JsonFile& file, meta::SpanScanner& scan,
                                bool sent, bool legacy) {
    std::vector<Parsed> parsed;
    scan.enter();
    for (const element item : list) {
      scan.next_element();
      const auto [begin, end] = scan.skip();
      Parsed p;
      p.offset = file.file_offset(begin);
      p.message.raw = std::string(file.text().substr(begin, end - begin));
      p.message.raw_offset = p.offset;
      p.message.source_path = m_path;
      if (legacy) {
        read_legacy(item, sent, p);
      } else {
        read_message(item, p);
      }
      parsed.push_back(std::move(p));
    }
    scan.next_element();
    return parsed;
  }

  void emit(const std::string& key, std::vector<Parsed>& parsed) {
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = key;
    c.source_path = m_path;
    for (const Parsed& p : parsed) {
      if (!p.title.empty()) c.title = p.title;
    }
    // Group chats carry their title on every message; a one-to-one chat is keyed by the
    // friend's username.
    c.is_group = !c.title.empty();
    if (c.title.empty()) c.title = key;
    const auto add = [&](const std::string& name, const std::string& id, bool is_self) {
      if (name.empty()) return;
      for (Participant& x : c.participants) {
        if (x.name == name) {
          x.is_self = x.is_self || is_self;
          return;
        }
      }
      c.participants.push_back({name, id, is_self});
    };
    if (!c.is_group) add(key, key, !m_self.empty() && key == m_self);
    for (const Parsed& p : parsed) {
      add(p.message.sender, p.message.sender_id,
          p.is_sender || (!m_self.empty() && p.message.sender == m_self));
    }
    emit_conversation(m_context, c, m_path, parsed);
  }

  void read_time(object obj, Parsed& p) const {
    Message& m = p.message;
    const auto created = string_member(obj, "Created");
    std::optional<std::int64_t> created_ms =
        created ? snapchat::parse_created(*created) : std::nullopt;
    if (created && !created_ms) p.problems.push_back("Created is not a date and time");
    if (const auto v = member(obj, "Created(microseconds)")) {
      const auto n = as_int64(*v);
      const auto precise = n ? snapchat::precise_time(*n, created_ms) : std::nullopt;
      if (precise) {
        created_ms = precise;
      } else {
        p.problems.push_back("Created(microseconds) does not match Created");
      }
    }
    if (created_ms) {
      m.timestamp_ms = *created_ms;
      p.has_time = true;
    } else if (!created) {
      p.problems.push_back("no Created");
    }
  }

  void read_message(element value, Parsed& p) {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    read_time(*obj, p);
    if (const auto from = string_member(*obj, "From")) {
      m.sender = to_nfc(trim(*from));
      m.sender_id = m.sender;
    } else {
      p.problems.push_back("no From");
    }
    if (const auto sender = member(*obj, "IsSender")) {
      p.is_sender = as_bool(*sender).value_or(false);
    }
    if (p.is_sender && m.sender.empty()) m.sender = m_self.empty() ? "Me" : m_self;
    if (const auto title = string_member(*obj, "Conversation Title")) {
      p.title = to_nfc(trim(*title));
    }
    const auto content = member(*obj, "Content");
    if (content && !content->is_null() && !as_string(*content)) {
      p.problems.push_back("Content is not a string");
    }
    const std::string text =
        content ? unescape_html_entities(as_string(*content).value_or("")) : std::string();
    const std::string type = string_member(*obj, "Media Type").value_or("");
    apply_type(type, text, p);
    if (const auto ids = string_member(*obj, "Media IDs")) add_media(*ids, type, m);
    if (m.kind == MessageKind::text && m.text.empty() && !m.attachments.empty()) {
      m.kind = MessageKind::media;
    }
  }

  void read_legacy(element value, bool sent, Parsed& p) {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    read_time(*obj, p);
    const auto other = string_member(*obj, sent ? "To" : "From");
    if (other) {
      p.friend_name = to_nfc(trim(*other));
    } else {
      p.friend_name = "(unknown)";
      p.problems.push_back(sent ? "no To" : "no From");
    }
    p.is_sender = sent;
    if (sent) {
      m.sender = m_self.empty() ? "Me" : m_self;
    } else {
      m.sender = p.friend_name;
      m.sender_id = p.friend_name;
    }
    const auto text_value = member(*obj, "Text");
    const std::string text =
        text_value ? unescape_html_entities(as_string(*text_value).value_or("")) : std::string();
    apply_type(string_member(*obj, "Media Type").value_or(""), text, p);
  }

  // Kind and text from "Media Type" (FORMAT.md has the table).
  void apply_type(const std::string& type, const std::string& text, Parsed& p) const {
    Message& m = p.message;
    m.text = to_nfc(text);
    const std::string_view trimmed = trim(m.text);
    if (type == "TEXT" || type.empty()) {
      m.kind = MessageKind::text;
      if (type.empty()) p.problems.push_back("no Media Type");
    } else if (type == "MEDIA" || type == "PHOTO" || type == "VIDEO" || type == "IMAGE" ||
               type == "NOTE") {
      m.kind = MessageKind::media;
    } else if (type == "STICKER") {
      m.kind = MessageKind::sticker;
    } else if (type == "SHARE" || type == "LOCATION") {
      m.kind = MessageKind::share;
      if (is_url(trimmed)) m.share = Share{std::string(trimmed), "", ""};
    } else if (type.rfind("STATUS", 0) == 0) {
      m.kind = MessageKind::system;
      if (m.text.empty()) {
        if (type == "STATUSERASEDMESSAGE") {
          m.text = "erased a message";
        } else if (type == "STATUSPARTICIPANTREMOVED") {
          m.text = "removed a participant";
        } else if (type == "STATUSSAVETOCAMERAROLL") {
          m.text = "saved a message to the camera roll";
        } else {
          m.text = "(" + type + ")";
          p.problems.push_back("unknown Media Type");
        }
      }
    } else {
      m.kind = m.text.empty() ? MessageKind::system : MessageKind::text;
      if (m.text.empty()) m.text = "(" + type + ")";
      p.problems.push_back("unknown Media Type");
    }
  }

  void add_media(const std::string& field, const std::string& type, Message& m) {
    for (const std::string& id : snapchat::media_ids(field)) {
      Attachment a;
      if (const auto it = m_media.find(id); it != m_media.end()) {
        a.uri = it->second;
        a.name = std::string(base_name(it->second));
        a.kind = kind_from_name(a.name);
      } else {
        // Not in the export (chat media left out of the request, or expired): the id is kept
        // as a reference so that a later export with the file can be matched by hand.
        a.uri = id;
        a.name = id;
        a.kind = type == "NOTE" ? AttachmentKind::audio : AttachmentKind::file;
        ++m_missing_media;
      }
      if (type == "STICKER") a.kind = AttachmentKind::sticker;
      m.attachments.push_back(std::move(a));
    }
  }

  ImportContext& m_context;
  std::string m_path;
  const std::map<std::string, std::string, std::less<>>& m_media;
  std::string m_self;
  std::size_t m_missing_media = 0;
};

class SnapchatImporter final : public Importer {
 public:
  std::string name() const override { return std::string(kPlatform); }
  std::string description() const override {
    return "Snapchat (saved chats of the My Data export, json/chat_history.json)";
  }

  int detect(const ExportFiles& files) const override {
    int best = 0;
    for (const ExportFile& f : files.files()) {
      if (!is_chat_history(f.path)) continue;
      best = std::max(best, kNameOnly);
      try {
        const std::string head = head_of(files, f.path);
        if (head.find("\"Media Type\"") != std::string::npos ||
            head.find("Saved Chat History\"") != std::string::npos) {
          return kCertain;
        }
      } catch (const std::exception&) {
        continue;
      }
    }
    return best;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    ImportContext context(files, sink, options);
    std::vector<std::string> paths;
    // Media by the id their name carries, from any chat_media/ folder (the first path wins).
    std::map<std::string, std::string, std::less<>> media;
    for (const ExportFile& f : files.files()) {
      if (is_chat_history(f.path)) paths.push_back(f.path);
      if (parent_dir_name(f.path) == "chat_media") {
        if (auto id = snapchat::media_id_of_file(base_name(f.path))) {
          const auto it = media.find(*id);
          if (it == media.end() || f.path < it->second) media[*id] = f.path;
        }
      }
      if (ascii_lower(base_name(f.path)) == "snap_history.json") {
        sink.warning(f.path,
                     "snap history (when snaps were sent, never their content) is not "
                     "imported");
      }
    }
    if (paths.empty()) {
      throw Error(ErrorCode::bad_input, "no Snapchat json/chat_history.json in the export", kHint);
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) FileImport(context, path, media).run();
  }
};

}  // namespace

std::unique_ptr<Importer> make_snapchat_importer() { return std::make_unique<SnapchatImporter>(); }

}  // namespace dmvault::formats
