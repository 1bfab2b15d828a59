#include "x/x_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"
#include "x/x_internal.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::formats {

namespace {

using x::DmFile;
using x::FileKind;

// A file is read whole (ExportFiles has no partial read) but parsed one conversation at a time;
// past this size it is refused rather than read.
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;
// Detection reads the smallest DM file only when it is at most this large.
constexpr std::uint64_t kMaxDetectRead = std::uint64_t{16} << 20;
// account.js and manifest.js are a few kilobytes; anything larger is not the file we expect.
constexpr std::uint64_t kMaxSmallFile = std::uint64_t{16} << 20;

constexpr int kCertain = 100;
// A DM file with the archive's exact name, too large to look into.
constexpr int kLikely = 80;

std::string dir_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

std::string file_name_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct DirFile {
  DmFile role;
  std::string path;
  std::uint64_t size = 0;
};

// One folder of an archive (normally "data/", or "<archive name>/data/").
struct ArchiveDir {
  std::string dir;
  std::vector<DirFile> dm_files;   // sorted by kind, then part
  std::string account_file;        // "<dir>account.js" or ""
  std::string manifest_file;       // "<dir>manifest.js" or ""
  std::string message_event_file;  // "<dir>message-event.js" (X Chat, encrypted) or ""
  // Media files by the message id their name starts with ("<messageId>-<name>").
  std::map<std::string, std::vector<std::string>, std::less<>> media;
};

std::vector<ArchiveDir> scan_layout(const std::vector<ExportFile>& files) {
  std::map<std::string, ArchiveDir> dirs;
  for (const ExportFile& f : files) {
    const std::string name = file_name_of(f.path);
    if (const auto role = x::classify_dm_file(name)) {
      ArchiveDir& d = dirs[dir_of(f.path)];
      d.dm_files.push_back({*role, f.path, f.size});
    }
  }
  for (auto& [dir, d] : dirs) {
    d.dir = dir;
    std::sort(d.dm_files.begin(), d.dm_files.end(), [](const DirFile& a, const DirFile& b) {
      return std::make_pair(a.role.kind, a.role.part) < std::make_pair(b.role.kind, b.role.part);
    });
  }
  for (const ExportFile& f : files) {
    const std::string dir = dir_of(f.path);
    if (const auto it = dirs.find(dir); it != dirs.end()) {
      const std::string name = file_name_of(f.path);
      if (name == "account.js") it->second.account_file = f.path;
      if (name == "manifest.js") it->second.manifest_file = f.path;
      if (name == "message-event.js") it->second.message_event_file = f.path;
      continue;
    }
    // "<dir>direct_messages_media/<id>-<name>" and the group media folder.
    const std::string parent = dir_of(dir.empty() ? dir : dir.substr(0, dir.size() - 1));
    const auto it = dirs.find(parent);
    if (it == dirs.end()) continue;
    const std::string folder = dir.substr(parent.size());
    if (folder != "direct_messages_media/" && folder != "direct_messages_group_media/") continue;
    const std::string name = file_name_of(f.path);
    const std::size_t dash = name.find('-');
    if (dash == std::string::npos || dash == 0) continue;
    it->second.media[name.substr(0, dash)].push_back(f.path);
  }
  std::vector<ArchiveDir> out;
  for (auto& [dir, d] : dirs) out.push_back(std::move(d));
  return out;
}

// The account that made the archive.
struct Account {
  std::string id;
  std::string username;
  std::string display_name;
};

std::optional<std::string> string_member(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return std::nullopt;
  if (const auto s = as_string(*v)) return std::string(*s);
  std::uint64_t u = 0;
  if (v->get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  return std::nullopt;
}

std::optional<std::int64_t> iso_ms(std::string_view text) {
  const auto t = parse_iso8601(text);
  if (!t) return std::nullopt;
  return t->utc_ms;
}

// Time of an event: its createdAt.
std::optional<std::int64_t> created_at(object obj) {
  const auto s = string_member(obj, "createdAt");
  if (!s) return std::nullopt;
  return iso_ms(*s);
}

std::vector<std::string> string_list(object obj, std::string_view key) {
  std::vector<std::string> out;
  const auto v = member(obj, key);
  if (!v) return out;
  const auto list = as_array(*v);
  if (!list) return out;
  for (const element item : *list) {
    if (const auto s = as_string(item)) {
      out.emplace_back(*s);
    } else {
      std::uint64_t u = 0;
      if (item.get_uint64().get(u) == simdjson::SUCCESS) out.push_back(std::to_string(u));
    }
  }
  return out;
}

AttachmentKind media_kind(std::string_view url, std::string_view name) {
  if (url.find("/dm_gif/") != std::string_view::npos) return AttachmentKind::gif;
  const std::size_t dot = name.rfind('.');
  const std::string ext = dot == std::string_view::npos ? "" : ascii_lower(name.substr(dot + 1));
  if (ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp") return AttachmentKind::photo;
  if (ext == "gif") return AttachmentKind::gif;
  if (ext == "mp4" || ext == "mov" || ext == "m4v") return AttachmentKind::video;
  if (ext == "mp3" || ext == "m4a" || ext == "aac" || ext == "ogg" || ext == "opus") {
    return AttachmentKind::audio;
  }
  return AttachmentKind::file;
}

// One event of a conversation: {"messageCreate": {...}}, {"reactionCreate": {...}}, ...
struct Event {
  element value;
  std::string raw;
  std::size_t offset = 0;  // in the file
  std::string type;        // the event's single key
  std::optional<object> body;
};

struct SeparateReaction {
  Reaction reaction;
  std::string actor_id;
  std::string event_id;
  bool used = false;
};

class DirImport final {
 public:
  DirImport(const ExportFiles& files, ImportSink& sink, const ImportOptions& options,
            const ArchiveDir& dir)
      : m_files(files), m_sink(sink), m_options(options), m_dir(dir) {}

  void run(std::set<std::string>& announced) {
    m_announced = &announced;
    read_account();
    const bool has_full = has_kind(FileKind::messages);
    const bool has_group_full = has_kind(FileKind::group_messages);
    if (m_account.id.empty()) infer_self();
    for (const DirFile& f : m_dir.dm_files) {
      const FileKind kind = f.role.kind;
      if (kind == FileKind::headers && has_full) {
        m_sink.warning(f.path, "ignored: the same messages are read with their texts from " +
                                   m_dir.dir + "direct-messages.js");
        continue;
      }
      if (kind == FileKind::group_headers && has_group_full) {
        m_sink.warning(f.path, "ignored: the same messages are read with their texts from " +
                                   m_dir.dir + "direct-messages-group.js");
        continue;
      }
      if (kind == FileKind::headers || kind == FileKind::group_headers) {
        m_sink.warning(f.path,
                       "only message headers: the archive has no texts for these conversations "
                       "(senders and times are imported, texts are empty)");
      }
      import_file(f);
    }
    if (!m_dir.message_event_file.empty()) {
      m_sink.warning(m_dir.message_event_file,
                     "ignored: X Chat's end-to-end encrypted messages are in the archive only "
                     "encrypted and cannot be read");
    }
  }

 private:
  bool has_kind(FileKind kind) const {
    return std::any_of(m_dir.dm_files.begin(), m_dir.dm_files.end(),
                       [&](const DirFile& f) { return f.role.kind == kind; });
  }

  // account.js, else manifest.js's userInfo. A damaged one only costs the owner's name.
  void read_account() {
    if (!m_dir.account_file.empty()) {
      try {
        const PlainBytes bytes = m_files.read(m_dir.account_file, kMaxSmallFile);
        const std::string_view text = text_of(bytes);
        const auto start = x::js_payload_start(text);
        if (start) {
          const meta::JsonFile file(m_dir.account_file, text.substr(*start));
          if (const auto list = as_array(file.root())) {
            for (const element item : *list) {
              const auto wrapper = as_object(item);
              const auto account = wrapper ? member(*wrapper, "account") : std::nullopt;
              const auto obj = account ? as_object(*account) : std::nullopt;
              if (!obj) continue;
              m_account.id = string_member(*obj, "accountId").value_or("");
              m_account.username = string_member(*obj, "username").value_or("");
              m_account.display_name =
                  to_nfc(string_member(*obj, "accountDisplayName").value_or(""));
              break;
            }
          }
        }
      } catch (const Error& e) {
        m_sink.warning(m_dir.account_file,
                       std::string("not read, the owner is not marked: ") + e.what());
      }
      if (!m_account.id.empty()) return;
    }
    if (!m_dir.manifest_file.empty()) {
      try {
        const PlainBytes bytes = m_files.read(m_dir.manifest_file, kMaxSmallFile);
        const std::string_view text = text_of(bytes);
        const auto start = x::js_payload_start(text);
        if (start) {
          const meta::JsonFile file(m_dir.manifest_file, text.substr(*start));
          const auto root = as_object(file.root());
          const auto info = root ? member(*root, "userInfo") : std::nullopt;
          if (const auto obj = info ? as_object(*info) : std::nullopt) {
            m_account.id = string_member(*obj, "accountId").value_or("");
            m_account.username = string_member(*obj, "userName").value_or("");
            m_account.display_name = to_nfc(string_member(*obj, "displayName").value_or(""));
          }
        }
      } catch (const Error& e) {
        m_sink.warning(m_dir.manifest_file,
                       std::string("not read, the owner is not marked: ") + e.what());
      }
    }
  }

  // Without account.js or manifest.js: the id given as --self (ImportOptions::self_name), else
  // the one id that every one-to-one conversation id ("<id>-<id>") holds, when there are at
  // least two such conversations.
  void infer_self() {
    if (all_digits(m_options.self_name)) {
      m_account.id = m_options.self_name;
      return;
    }
    std::optional<std::set<std::string>> common;
    std::size_t conversations = 0;
    for (const DirFile& f : m_dir.dm_files) {
      if (f.role.kind != FileKind::messages && f.role.kind != FileKind::headers) continue;
      if (f.size > kMaxFileBytes) return;
      const PlainBytes bytes = m_files.read(f.path, kMaxFileBytes);
      const std::string_view text = text_of(bytes);
      constexpr std::string_view kKey = "\"conversationId\"";
      for (std::size_t pos = text.find(kKey); pos != std::string_view::npos;
           pos = text.find(kKey, pos + 1)) {
        std::size_t p = pos + kKey.size();
        while (p < text.size() && (text[p] == ' ' || text[p] == ':' || text[p] == '\n' ||
                                   text[p] == '\r' || text[p] == '\t')) {
          ++p;
        }
        if (p >= text.size() || text[p] != '"') continue;
        const std::size_t end = text.find('"', p + 1);
        if (end == std::string_view::npos) break;
        const std::string_view id = text.substr(p + 1, end - p - 1);
        const std::size_t dash = id.find('-');
        if (dash == std::string_view::npos) continue;
        const std::set<std::string> pair = {std::string(id.substr(0, dash)),
                                            std::string(id.substr(dash + 1))};
        ++conversations;
        if (!common) {
          common = pair;
        } else {
          std::set<std::string> both;
          std::set_intersection(common->begin(), common->end(), pair.begin(), pair.end(),
                                std::inserter(both, both.end()));
          common = std::move(both);
        }
      }
    }
    if (conversations >= 2 && common && common->size() == 1 && all_digits(*common->begin())) {
      m_account.id = *common->begin();
    }
  }

  std::string name_of(const std::string& id) const {
    if (!id.empty() && id == m_account.id) {
      if (!m_account.display_name.empty()) return m_account.display_name;
      if (!m_account.username.empty()) return "@" + m_account.username;
    }
    return id.empty() ? std::string() : "@" + id;
  }

  void import_file(const DirFile& f) {
    if (f.size > kMaxFileBytes) {
      throw Error(ErrorCode::bad_input,
                  f.path + ": " + std::to_string(f.size) +
                      " bytes, more than the 1 GiB an archive file is read up to",
                  "X splits large archives into -partN.js files; this one was not split");
    }
    const PlainBytes bytes = m_files.read(f.path, kMaxFileBytes);
    const std::string_view text = text_of(bytes);
    const auto start = x::js_payload_start(text);
    if (!start) {
      throw Error(ErrorCode::bad_input,
                  f.path +
                      ": byte 0: not an X archive file (no \"window.YTD.<name>.partN = \" "
                      "before the data)",
                  "give the archive as X delivered it (the .zip, or its unpacked folder)");
    }
    const bool group =
        f.role.kind == FileKind::group_messages || f.role.kind == FileKind::group_headers;
    const bool headers = f.role.kind == FileKind::headers || f.role.kind == FileKind::group_headers;
    for (const auto& [begin, end] : x::split_top_array(f.path, text, *start)) {
      read_conversation(f.path, text.substr(begin, end - begin), begin, group, headers);
    }
    if (m_missing_media > 0) {
      m_sink.warning(f.path, std::to_string(m_missing_media) +
                                 " media file(s) referenced here are not in the archive (kept as "
                                 "their URLs, never fetched)");
      m_missing_media = 0;
    }
  }

  void read_conversation(const std::string& path, std::string_view span, std::size_t base,
                         bool group, bool headers) {
    std::optional<meta::JsonFile> file;
    try {
      file.emplace(path, span);
    } catch (const Error&) {
      const auto where = meta::locate_json_error(span);
      throw Error(ErrorCode::bad_input,
                  path + ": invalid JSON at byte " + std::to_string(base + where.value_or(0)),
                  "the file is damaged or incomplete (an interrupted download or extraction); "
                  "download the archive again and re-import it");
    }
    const auto root = as_object(file->root());
    const auto conv_value = root ? member(*root, "dmConversation") : std::nullopt;
    const auto conv = conv_value ? as_object(*conv_value) : std::nullopt;
    if (!conv) {
      m_sink.warning(path, "entry at byte " + std::to_string(base) +
                               " ignored: it is not a {\"dmConversation\": {...}} object");
      return;
    }
    std::string thread_id = string_member(*conv, "conversationId").value_or("");
    if (thread_id.empty()) {
      thread_id = "conversation-at-byte-" + std::to_string(base);
      m_sink.warning(path, "conversation at byte " + std::to_string(base) +
                               " has no conversationId: its messages are kept under " + thread_id);
    }
    // The events with their exact bytes, walking the text alongside the DOM.
    std::vector<Event> events;
    meta::SpanScanner scan(file->text(), path);
    scan.enter();
    for (const auto field : *root) {
      scan.next_member();
      if (std::string_view(field.key) != "dmConversation") {
        scan.skip();
        continue;
      }
      scan.enter();
      for (const auto conv_field : *conv) {
        scan.next_member();
        const auto list = as_array(conv_field.value);
        if (std::string_view(conv_field.key) != "messages" || !list) {
          scan.skip();
          continue;
        }
        scan.enter();
        for (const element item : *list) {
          scan.next_element();
          const auto [b, e] = scan.skip();
          Event ev;
          ev.value = item;
          ev.raw = std::string(file->text().substr(b, e - b));
          ev.offset = base + b;
          if (const auto obj = as_object(item)) {
            for (const auto kv : *obj) {
              if (!ev.type.empty()) {
                ev.type.clear();  // more than one key: not an event we know
                ev.body.reset();
                break;
              }
              ev.type = std::string(kv.key);
              ev.body = as_object(kv.value);
            }
          }
          events.push_back(std::move(ev));
        }
        scan.next_element();
      }
      scan.next_member();
    }
    emit_conversation(path, thread_id, events, group, headers);
  }

  void emit_conversation(const std::string& path, const std::string& thread_id,
                         const std::vector<Event>& events, bool group, bool headers) {
    // First pass: who is in it, its name, the separate reaction events.
    std::vector<std::string> ids;
    const auto add_id = [&](const std::string& id) {
      if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    };
    if (!group) {
      const std::size_t dash = thread_id.find('-');
      if (dash != std::string::npos) {
        add_id(thread_id.substr(0, dash));
        add_id(thread_id.substr(dash + 1));
      }
    }
    std::optional<std::string> title;
    std::optional<bool> self_present;  // from the newest join/leave naming the owner
    std::set<std::string> message_ids;
    std::vector<SeparateReaction> separate;
    for (const Event& ev : events) {
      if (!ev.body) continue;
      const object body = *ev.body;
      add_id(string_member(body, "senderId").value_or(""));
      add_id(string_member(body, "recipientId").value_or(""));
      add_id(string_member(body, "initiatingUserId").value_or(""));
      for (const std::string& id : string_list(body, "participantsSnapshot")) add_id(id);
      const std::vector<std::string> users = string_list(body, "userIds");
      for (const std::string& id : users) add_id(id);
      if (ev.type == "messageCreate" || ev.type == "welcomeMessageCreate") {
        if (const auto id = string_member(body, "id")) message_ids.insert(*id);
      } else if (ev.type == "conversationNameUpdate" && !title) {
        if (const auto name = string_member(body, "name")) title = to_nfc(*name);
      } else if (ev.type == "reactionCreate") {
        SeparateReaction r;
        r.actor_id = string_member(body, "senderId").value_or("");
        r.reaction.actor = name_of(r.actor_id);
        r.reaction.reaction = to_nfc(reaction_text(body));
        r.reaction.timestamp_ms = created_at(body);
        r.event_id = string_member(body, "eventId").value_or("");
        separate.push_back(std::move(r));
      }
      if (!self_present && !m_account.id.empty()) {
        const bool names_self = std::find(users.begin(), users.end(), m_account.id) != users.end();
        if (ev.type == "participantsLeave" && names_self) self_present = false;
        if ((ev.type == "participantsJoin" && names_self) || ev.type == "joinConversation") {
          self_present = true;
        }
      }
    }
    if (m_announced->insert(thread_id).second) {
      Conversation c;
      c.platform = std::string(x::kPlatform);
      c.thread_id = thread_id;
      c.is_group = group;
      c.still_participant = self_present.value_or(true);
      c.source_path = path;
      std::vector<std::string> others;
      for (const std::string& id : ids) {
        Participant p;
        p.name = name_of(id);
        p.platform_id = id;
        p.is_self = !m_account.id.empty() && id == m_account.id;
        if (!p.is_self) others.push_back(p.name);
        c.participants.push_back(std::move(p));
      }
      if (title && !title->empty()) {
        c.title = *title;
      } else {
        for (const std::string& name : others) c.title += (c.title.empty() ? "" : ", ") + name;
        if (c.title.empty()) c.title = thread_id;
      }
      m_sink.conversation(c);
    }

    std::int64_t last_time = 0;
    for (const Event& ev : events) {
      Message m;
      m.raw = ev.raw;
      m.source_path = path;
      std::vector<std::string> problems;
      if (!ev.body) {
        m.kind = MessageKind::system;
        problems.push_back(ev.type.empty() ? "the event is not an object with one key"
                                           : "the event \"" + ev.type + "\" is not an object");
      } else if (ev.type == "messageCreate" || ev.type == "welcomeMessageCreate") {
        read_message(*ev.body, group, headers, m, problems, separate);
      } else if (ev.type == "reactionCreate") {
        const std::string event_id = string_member(*ev.body, "eventId").value_or("");
        if (message_ids.count(event_id) != 0) continue;  // kept on the message it is about
        const std::string actor_id = string_member(*ev.body, "senderId").value_or("");
        m.kind = MessageKind::system;
        m.sender_id = actor_id;
        m.sender = name_of(actor_id);
        m.text = m.sender + " reacted " + to_nfc(reaction_text(*ev.body)) +
                 " to a message that is not in this archive";
        problems.push_back("a reaction to message " + event_id +
                           ", which is not in this conversation");
      } else {
        read_event(ev.type, *ev.body, m, problems);
      }
      std::optional<std::int64_t> when = ev.body ? created_at(*ev.body) : std::nullopt;
      if (ev.body && !when) {
        problems.push_back(member(*ev.body, "createdAt") ? "createdAt is not an ISO-8601 time"
                                                         : "the event has no createdAt");
      }
      if (when) last_time = *when;
      m.timestamp_ms = when.value_or(last_time);
      if (!problems.empty()) {
        std::string what = "event at byte " + std::to_string(ev.offset) + " kept partly: ";
        for (std::size_t i = 0; i < problems.size(); ++i) what += (i ? "; " : "") + problems[i];
        m_sink.warning(path, what);
      }
      m_sink.message(thread_id, std::move(m));
    }
  }

  static std::string reaction_text(object body) {
    // Newer archives may name the emoji itself; the key ("like", "funny", ...) otherwise.
    if (const auto emoji = string_member(body, "emoji"); emoji && !emoji->empty()) return *emoji;
    return string_member(body, "reactionKey").value_or("");
  }

  void read_message(object body, bool group, bool headers, Message& m,
                    std::vector<std::string>& problems, std::vector<SeparateReaction>& separate) {
    const std::string id = string_member(body, "id").value_or("");
    if (id.empty()) problems.push_back("the message has no id");
    // Header records carry no text: they get no platform id, so that importing the full
    // archive later adds the texts instead of being taken for the same messages (FORMAT.md).
    if (!headers) m.platform_message_id = id;
    m.sender_id = string_member(body, "senderId").value_or("");
    m.sender = name_of(m.sender_id);
    if (m.sender_id.empty()) problems.push_back("the message has no senderId");
    if (const auto text = member(body, "text")) {
      if (const auto s = as_string(*text)) {
        m.text = to_nfc(unescape_html_entities(*s));
      } else {
        problems.push_back("text is not a string");
      }
    }
    if (const auto edits = member(body, "editHistory")) {
      if (const auto list = as_array(*edits)) m.edited = list->size() > 0;
    }
    // urls[]: the t.co links of the text stay as written; their expansions go to the share so
    // that they are shown and searched.
    const auto urls_value = member(body, "urls");
    if (const auto urls = urls_value ? as_array(*urls_value) : std::nullopt) {
      std::vector<std::string> expanded;
      for (const element item : *urls) {
        const auto obj = as_object(item);
        if (!obj) continue;
        auto link = string_member(*obj, "expanded");
        if (!link || link->empty()) link = string_member(*obj, "url");
        if (link && !link->empty()) expanded.push_back(to_nfc(*link));
      }
      if (!expanded.empty()) {
        Share share;
        share.link = expanded.front();
        for (std::size_t i = 1; i < expanded.size(); ++i) {
          share.text += (share.text.empty() ? "" : "\n") + expanded[i];
        }
        m.share = std::move(share);
      }
    }
    for (const std::string& url : string_list(body, "mediaUrls")) {
      m.attachments.push_back(attachment(id, url, group));
    }
    const auto reactions_value = member(body, "reactions");
    if (const auto reactions = reactions_value ? as_array(*reactions_value) : std::nullopt) {
      for (const element item : *reactions) {
        const auto obj = as_object(item);
        if (!obj) {
          problems.push_back("a reaction is not an object");
          continue;
        }
        Reaction r;
        r.actor = name_of(string_member(*obj, "senderId").value_or(""));
        r.reaction = to_nfc(reaction_text(*obj));
        r.timestamp_ms = created_at(*obj);
        m.reactions.push_back(std::move(r));
      }
    }
    for (SeparateReaction& r : separate) {
      if (!r.used && !id.empty() && r.event_id == id) {
        r.used = true;
        m.reactions.push_back(r.reaction);
      }
    }
    m.kind = m.attachments.empty() ? MessageKind::text : MessageKind::media;
  }

  Attachment attachment(const std::string& message_id, const std::string& url, bool group) {
    Attachment a;
    const std::string name(base_name(url));
    const std::string first = group ? "direct_messages_group_media/" : "direct_messages_media/";
    const std::string second = group ? "direct_messages_media/" : "direct_messages_group_media/";
    for (const std::string& folder : {first, second}) {
      const std::string candidate = m_dir.dir + folder + message_id + "-" + name;
      if (!message_id.empty() && m_files.exists(candidate)) {
        a.uri = candidate;
        break;
      }
    }
    if (a.uri.empty() && !message_id.empty()) {
      // The local name differs from the URL's (a video's variant, say): the message's only file.
      const auto it = m_dir.media.find(message_id);
      if (it != m_dir.media.end() && it->second.size() == 1) a.uri = it->second.front();
    }
    if (a.uri.empty()) {
      a.uri = url;
      ++m_missing_media;
    }
    a.name = std::string(base_name(a.uri));
    a.kind = media_kind(url, a.name);
    return a;
  }

  std::string names(const std::vector<std::string>& ids) const {
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + name_of(id);
    return out;
  }

  void read_event(const std::string& type, object body, Message& m,
                  std::vector<std::string>& problems) const {
    m.kind = MessageKind::system;
    if (const auto id = string_member(body, "id")) m.platform_message_id = *id;
    const std::string initiator = string_member(body, "initiatingUserId").value_or("");
    m.sender_id = initiator;
    m.sender = name_of(initiator);
    const std::vector<std::string> users = string_list(body, "userIds");
    if (type == "conversationNameUpdate") {
      const std::string name = to_nfc(string_member(body, "name").value_or(""));
      m.text = m.sender.empty() ? "The conversation was named \"" + name + "\""
                                : m.sender + " named the conversation \"" + name + "\"";
    } else if (type == "joinConversation") {
      const std::string self = m_account.id.empty() ? std::string("You") : name_of(m_account.id);
      const std::vector<std::string> snapshot = string_list(body, "participantsSnapshot");
      m.text = m.sender.empty() ? self + " joined the conversation"
                                : m.sender + " added " + self + " to the conversation";
      if (!snapshot.empty()) m.text += " (members: " + names(snapshot) + ")";
    } else if (type == "participantsJoin") {
      m.text = m.sender.empty() ? names(users) + " joined the conversation"
                                : m.sender + " added " + names(users);
    } else if (type == "participantsLeave") {
      const bool self_left = users.size() == 1 && users.front() == initiator;
      m.text = m.sender.empty() || self_left ? names(users) + " left the conversation"
                                             : m.sender + " removed " + names(users);
    } else {
      // Shown as its type so that the record is visible in listings (its fields stay in raw).
      m.text = "(" + type + ")";
      problems.push_back("event type \"" + type + "\" is not understood");
    }
  }

  const ExportFiles& m_files;
  ImportSink& m_sink;
  const ImportOptions& m_options;
  const ArchiveDir& m_dir;
  std::set<std::string>* m_announced = nullptr;
  Account m_account;
  std::size_t m_missing_media = 0;
};

class XImporter final : public Importer {
 public:
  std::string name() const override { return std::string(x::kPlatform); }

  std::string description() const override {
    return "X / Twitter archive (data/direct-messages.js and direct-messages-group.js)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      int best = 0;
      for (const ArchiveDir& dir : scan_layout(files.files())) {
        const auto smallest =
            std::min_element(dir.dm_files.begin(), dir.dm_files.end(),
                             [](const DirFile& a, const DirFile& b) { return a.size < b.size; });
        if (smallest->size > kMaxDetectRead) {
          best = std::max(best, kLikely);
          continue;
        }
        const PlainBytes bytes = files.read(smallest->path, kMaxDetectRead);
        const std::string_view text = text_of(bytes);
        const auto start = x::js_payload_start(text);
        if (start && text.substr(0, *start).find("YTD.direct_message") != std::string::npos) {
          return kCertain;
        }
      }
      return best;
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const std::vector<ArchiveDir> dirs = scan_layout(files.files());
    if (dirs.empty()) {
      throw Error(ErrorCode::bad_input,
                  "no X archive here (no data/direct-messages.js or direct-messages-group.js)",
                  "request your archive in X's settings (Your account > Download an archive of "
                  "your data) and give the .zip it sends, or its unpacked folder");
    }
    std::set<std::string> announced;
    for (const ArchiveDir& dir : dirs) {
      DirImport reader(files, sink, options, dir);
      reader.run(announced);
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_x_importer() { return std::make_unique<XImporter>(); }

}  // namespace dmvault::formats
