#include "slack/slack_importer.hpp"

#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"
#include "slack/slack_internal.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace dmvault::formats {

namespace {

using slack::kPlatform;

constexpr int kCertain = 100;
// users.json, channels.json... and one day of one conversation are read whole up to this.
constexpr std::uint64_t kMaxFile = std::uint64_t{1} << 30;
// Bytes of users.json looked at during detection.
constexpr std::size_t kHeadBytes = 256;

constexpr const char* kListFiles[] = {"channels.json", "groups.json", "mpims.json", "dms.json"};

struct Split {
  std::string parent;  // with its trailing '/', or ""
  std::string name;
};

Split split(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", std::string(path)};
  return {std::string(path.substr(0, slash + 1)), std::string(path.substr(slash + 1))};
}

// One conversation folder of the export: <prefix><folder>/<YYYY-MM-DD>.json.
struct Folder {
  std::string name;
  std::vector<std::string> days;  // sorted, so in date order
};

// One export: the folder holding users.json.
struct Workspace {
  std::string prefix;
  std::map<std::string, Folder> folders;  // by folder name
};

std::vector<Workspace> scan_layout(const std::vector<ExportFile>& files) {
  std::map<std::string, Workspace> spaces;
  for (const ExportFile& f : files) {
    const Split file = split(f.path);
    if (file.name == "users.json") spaces[file.parent].prefix = file.parent;
  }
  for (const ExportFile& f : files) {
    const Split file = split(f.path);
    if (!slack::is_day_file(file.name) || file.parent.empty()) continue;
    const Split folder = split(std::string_view(file.parent).substr(0, file.parent.size() - 1));
    const auto it = spaces.find(folder.parent);
    if (it == spaces.end()) continue;
    Folder& d = it->second.folders[folder.name];
    d.name = folder.name;
    d.days.push_back(f.path);
  }
  std::vector<Workspace> out;
  for (auto& [prefix, space] : spaces) {
    for (auto& [name, folder] : space.folders) std::sort(folder.days.begin(), folder.days.end());
    out.push_back(std::move(space));
  }
  return out;
}

std::string head_of(const ExportFiles& files, const std::string& path) {
  std::string head;
  files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
    const std::size_t take = std::min(piece.size(), kHeadBytes - head.size());
    head.append(reinterpret_cast<const char*>(piece.data()), take);
    return head.size() < kHeadBytes;
  });
  return head;
}

// users.json is an array of objects starting with "id" (Slack writes "id" first).
bool looks_like_users(const std::string& head) {
  std::size_t pos = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (pos == std::string::npos || head[pos] != '[') return false;
  pos = head.find_first_not_of(" \t\r\n", pos + 1);
  if (pos == std::string::npos) return false;
  if (head[pos] == ']') return true;
  if (head[pos] != '{') return false;
  pos = head.find_first_not_of(" \t\r\n", pos + 1);
  return pos != std::string::npos && head.compare(pos, 4, "\"id\"") == 0;
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

struct User {
  std::string name;    // what the importer shows: the real name, else the display name, else
                       // the handle
  std::string handle;  // "name"
};

// A conversation as the list files describe it.
struct Channel {
  std::string id;
  std::string name;
  std::string list;  // the file it came from: "channels.json", "dms.json", ...
  std::vector<std::string> members;
};

AttachmentKind kind_from_mimetype(std::string_view mimetype) {
  if (mimetype == "image/gif") return AttachmentKind::gif;
  if (mimetype.substr(0, 6) == "image/") return AttachmentKind::photo;
  if (mimetype.substr(0, 6) == "video/") return AttachmentKind::video;
  if (mimetype.substr(0, 6) == "audio/") return AttachmentKind::audio;
  return AttachmentKind::file;
}

// The link without its "t=" query parameter: the access token Slack appends to file links of an
// export (it stays in raw).
std::string without_token(const std::string& url) {
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return url;
  std::string query;
  std::size_t pos = q + 1;
  while (pos <= url.size()) {
    std::size_t amp = url.find('&', pos);
    if (amp == std::string::npos) amp = url.size();
    const std::string part = url.substr(pos, amp - pos);
    if (part.rfind("t=", 0) != 0 && !part.empty()) query += (query.empty() ? "" : "&") + part;
    pos = amp + 1;
  }
  return url.substr(0, q) + (query.empty() ? "" : "?" + query);
}

// Subtypes that are events of the conversation rather than something someone said.
bool is_system_subtype(std::string_view s) {
  static const std::set<std::string_view> kSystem = {"channel_join",
                                                     "channel_leave",
                                                     "group_join",
                                                     "group_leave",
                                                     "channel_topic",
                                                     "channel_purpose",
                                                     "channel_name",
                                                     "group_topic",
                                                     "group_purpose",
                                                     "group_name",
                                                     "channel_archive",
                                                     "channel_unarchive",
                                                     "group_archive",
                                                     "group_unarchive",
                                                     "pinned_item",
                                                     "unpinned_item",
                                                     "bot_add",
                                                     "bot_remove",
                                                     "bot_enable",
                                                     "bot_disable",
                                                     "channel_convert_to_private",
                                                     "channel_convert_to_public",
                                                     "reminder_add",
                                                     "joiner_notification",
                                                     "app_conversation_join",
                                                     "channel_canvas_updated"};
  return kSystem.count(s) != 0;
}

// Subtypes of ordinary messages.
bool is_message_subtype(std::string_view s) {
  return s.empty() || s == "bot_message" || s == "me_message" || s == "file_share" ||
         s == "thread_broadcast" || s == "reply_broadcast" || s == "slackbot_response" ||
         s == "file_comment" || s == "reminder_message";
}

struct Parsed {
  Message message;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
};

class WorkspaceReader {
 public:
  WorkspaceReader(ImportContext& context, const Workspace& space)
      : m_context(context), m_space(space) {}

  void run() {
    read_users();
    for (const char* list : kListFiles) read_list(list);
    slack::Names names;
    names.user = [this](std::string_view id) { return user_name(id); };
    names.channel = [this](std::string_view id) {
      const auto it = m_channel_names.find(std::string(id));
      return it != m_channel_names.end() ? it->second : std::string();
    };
    m_names = std::move(names);
    for (const auto& [name, folder] : m_space.folders) read_folder(folder);
  }

 private:
  std::string user_name(std::string_view id) const {
    const auto it = m_users.find(std::string(id));
    return it != m_users.end() ? it->second.name : std::string();
  }

  void read_users() {
    const std::string path = m_space.prefix + "users.json";
    const PlainBytes bytes = m_context.files.read(path, kMaxFile);
    const meta::JsonFile file(path, text_of(bytes));
    const auto list = as_array(file.root());
    if (!list) {
      throw Error(ErrorCode::bad_input, path + ": not a list of users",
                  "give the folder or .zip of a Slack workspace export, unchanged");
    }
    for (const element e : *list) {
      const auto u = as_object(e);
      if (!u) continue;
      const std::string id = string_of(*u, "id");
      if (id.empty()) continue;
      User user;
      user.handle = string_of(*u, "name");
      std::string real = string_of(*u, "real_name");
      std::string display;
      if (const auto profile = object_of(*u, "profile")) {
        if (real.empty()) real = string_of(*profile, "real_name");
        display = string_of(*profile, "display_name");
      }
      user.name = !real.empty() ? real : !display.empty() ? display : user.handle;
      if (user.name.empty()) user.name = id;
      m_users[id] = std::move(user);
    }
  }

  void read_list(const std::string& list_name) {
    const std::string path = m_space.prefix + list_name;
    if (!m_context.files.exists(path)) return;
    const PlainBytes bytes = m_context.files.read(path, kMaxFile);
    const meta::JsonFile file(path, text_of(bytes));
    const auto list = as_array(file.root());
    if (!list) {
      m_context.sink.warning(path, "ignored: not a list of conversations");
      return;
    }
    for (const element e : *list) {
      const auto c = as_object(e);
      if (!c) continue;
      Channel channel;
      channel.id = string_of(*c, "id");
      channel.name = string_of(*c, "name");
      channel.list = list_name;
      if (const auto members = array_of(*c, "members")) {
        for (const element m : *members) {
          if (const auto id = as_string(m)) channel.members.emplace_back(*id);
        }
      }
      if (channel.id.empty()) continue;
      if (!channel.name.empty() && list_name != "dms.json") {
        m_channel_names[channel.id] = channel.name;
      }
      // DM folders are named by id, the others by name.
      const std::string folder =
          list_name == "dms.json" || channel.name.empty() ? channel.id : channel.name;
      m_channels.emplace(folder, std::move(channel));
    }
  }

  bool is_self(const std::string& id) const {
    const std::string& self = m_context.options.self_name;
    if (self.empty()) return false;
    if (self == id) return true;
    const auto it = m_users.find(id);
    return it != m_users.end() && (it->second.name == self || it->second.handle == self);
  }

  void add_participant(Conversation& c, std::set<std::string>& seen, const std::string& id,
                       const std::string& fallback_name) {
    if (id.empty() || !seen.insert(id).second) return;
    std::string name = user_name(id);
    if (name.empty()) name = fallback_name.empty() ? id : fallback_name;
    c.participants.push_back(Participant{name, id, is_self(id)});
  }

  void read_folder(const Folder& folder) {
    Conversation c;
    c.platform = std::string(kPlatform);
    const auto it = m_channels.find(folder.name);
    const Channel* channel = it != m_channels.end() ? &it->second : nullptr;
    std::set<std::string> seen;
    if (channel) {
      c.thread_id = channel->id;
      c.source_path = m_space.prefix + channel->list;
      c.is_group = channel->list != "dms.json";
      if (channel->list == "channels.json" || channel->list == "groups.json") {
        c.title = "#" + channel->name;
      }
      for (const std::string& id : channel->members) add_participant(c, seen, id, "");
    } else {
      c.thread_id = folder.name;
      c.source_path = folder.days.front();
      c.is_group = true;
      c.title = "#" + folder.name;
      m_context.sink.warning(folder.days.front(),
                             "the folder " + folder.name +
                                 " is in no channels/groups/mpims/dms list: its name is used as "
                                 "the conversation's id");
    }
    std::vector<Parsed> parsed;
    for (const std::string& day : folder.days) read_day(day, parsed);
    for (const Parsed& p : parsed) {
      add_participant(c, seen, p.message.sender_id, p.message.sender);
    }
    if (c.title.empty()) {
      for (const Participant& p : c.participants) {
        if (p.is_self) continue;
        c.title += (c.title.empty() ? "" : ", ") + p.name;
      }
      if (c.title.empty()) c.title = folder.name;
    }
    // Messages are emitted with their day file as source_path; the warnings of a record name
    // its own file.
    fill_missing_times(parsed);
    m_context.announce(c);
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      Parsed& p = parsed[i];
      if (!p.problems.empty()) {
        m_context.sink.warning(p.message.source_path,
                               record_problem("message", m_index[i], p.offset, p.problems));
      }
      m_context.sink.message(c.thread_id, std::move(p.message));
    }
    m_index.clear();
  }

  void read_day(const std::string& path, std::vector<Parsed>& parsed) {
    const PlainBytes bytes = m_context.files.read(path, kMaxFile);
    const meta::JsonFile file(path, text_of(bytes));
    const auto list = as_array(file.root());
    if (!list) {
      throw Error(ErrorCode::bad_input, path + ": not a list of messages",
                  "give the folder or .zip of a Slack workspace export, unchanged");
    }
    meta::SpanScanner scan(file.text(), path);
    scan.enter();
    std::size_t index = 0;
    for (const element item : *list) {
      scan.next_element();
      const auto [begin, end] = scan.skip();
      Parsed p;
      p.offset = file.file_offset(begin);
      p.message.raw = std::string(file.text().substr(begin, end - begin));
      p.message.source_path = path;
      read_message(item, p);
      parsed.push_back(std::move(p));
      m_index.push_back(index++);
    }
  }

  void read_message(element value, Parsed& p) const {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    const std::string ts = string_of(*obj, "ts");
    if (const auto ms = slack::ts_ms(ts)) {
      m.timestamp_ms = *ms;
      m.platform_message_id = ts;
      p.has_time = true;
    } else {
      p.problems.push_back("ts is not a time");
    }
    const std::string subtype = string_of(*obj, "subtype");
    m.sender_id = string_of(*obj, "user");
    if (m.sender_id.empty()) m.sender_id = string_of(*obj, "bot_id");
    m.sender = user_name(m.sender_id);
    if (m.sender.empty()) {
      if (const auto profile = object_of(*obj, "user_profile")) {
        m.sender = string_of(*profile, "real_name");
        if (m.sender.empty()) m.sender = string_of(*profile, "display_name");
      }
    }
    if (m.sender.empty()) m.sender = string_of(*obj, "username");
    if (m.sender.empty()) {
      if (const auto bot = object_of(*obj, "bot_profile")) m.sender = string_of(*bot, "name");
    }
    // Slack's own bot is in no users.json.
    if (m.sender.empty() && m.sender_id == "USLACKBOT") m.sender = "Slackbot";
    if (m.sender.empty()) m.sender = m.sender_id;
    if (const auto text = member(*obj, "text")) {
      if (const auto s = as_string(*text)) m.text = slack::render_mrkdwn(*s, m_names);
    }
    const std::string thread = string_of(*obj, "thread_ts");
    if (!thread.empty() && thread != ts) m.reply_to = thread;
    m.edited = object_of(*obj, "edited").has_value();
    read_files(*obj, m);
    read_unfurls(*obj, m);
    read_reactions(*obj, m);

    if (subtype == "tombstone") {
      m.kind = MessageKind::unsent;
    } else if (subtype == "huddle_thread" || subtype == "sh_room_created") {
      m.kind = MessageKind::call;
      if (const auto room = object_of(*obj, "room")) {
        const auto start = member(*room, "date_start");
        const auto end = member(*room, "date_end");
        // Plain values rather than optionals: GCC's -O2 flow analysis takes the latter for
        // maybe-uninitialized.
        const std::int64_t s = start ? as_int64(*start).value_or(0) : 0;
        const std::int64_t e = end ? as_int64(*end).value_or(-1) : -1;
        if (s > 0 && e >= s) m.call_duration_s = e - s;
      }
      if (m.text.empty()) m.text = "Huddle";
    } else if (is_system_subtype(subtype)) {
      m.kind = MessageKind::system;
    } else {
      if (!is_message_subtype(subtype)) {
        p.problems.push_back("subtype \"" + subtype +
                             "\" is not understood (kept as a system "
                             "record)");
        m.kind = MessageKind::system;
      } else if (!m.attachments.empty()) {
        m.kind = MessageKind::media;
      } else if (m.text.empty() && m.share) {
        m.kind = MessageKind::share;
      } else {
        m.kind = MessageKind::text;
      }
    }
  }

  void read_files(object obj, Message& m) const {
    std::vector<object> files;
    if (const auto list = array_of(obj, "files")) {
      for (const element e : *list) {
        if (const auto f = as_object(e)) files.push_back(*f);
      }
    }
    // Exports before 2019 wrote one "file" on a file_share message.
    if (const auto f = object_of(obj, "file"); f && files.empty()) files.push_back(*f);
    for (const object f : files) {
      Attachment a;
      a.name = string_of(f, "name");
      if (a.name.empty()) a.name = string_of(f, "title");
      const std::string mimetype = string_of(f, "mimetype");
      a.kind = mimetype.empty() ? AttachmentKind::file : kind_from_mimetype(mimetype);
      const std::string id = string_of(f, "id");
      // slackdump writes the files it downloads to __uploads/<file id>/<name>.
      const std::string local = m_space.prefix + "__uploads/" + id + "/" + a.name;
      if (!id.empty() && !a.name.empty() && m_context.files.exists(local)) {
        a.uri = local;
      } else {
        a.uri = without_token(string_of(f, "url_private"));
      }
      if (a.name.empty()) a.name = id;
      m.attachments.push_back(std::move(a));
    }
  }

  // Link previews ("attachments" in Slack's terms): the first one's link, title and text become
  // the share; further ones add their links and titles to its text.
  static void read_unfurls(object obj, Message& m) {
    const auto list = array_of(obj, "attachments");
    if (!list) return;
    for (const element e : *list) {
      const auto a = as_object(e);
      if (!a) continue;
      std::string link = string_of(*a, "from_url");
      if (link.empty()) link = string_of(*a, "original_url");
      if (link.empty()) link = string_of(*a, "title_link");
      const std::string title = string_of(*a, "title");
      std::string text = string_of(*a, "text");
      if (text.empty()) text = string_of(*a, "fallback");
      if (link.empty() && title.empty() && text.empty()) continue;
      if (!m.share) {
        Share share;
        share.link = link;
        share.text = title;
        if (!text.empty() && text != title) share.text += (share.text.empty() ? "" : "\n") + text;
        share.owner = string_of(*a, "service_name");
        if (share.owner.empty()) share.owner = string_of(*a, "author_name");
        m.share = std::move(share);
        continue;
      }
      for (const std::string* part : std::initializer_list<const std::string*>{&link, &title}) {
        if (!part->empty()) m.share->text += (m.share->text.empty() ? "" : "\n") + *part;
      }
    }
  }

  void read_reactions(object obj, Message& m) const {
    const auto list = array_of(obj, "reactions");
    if (!list) return;
    for (const element e : *list) {
      const auto r = as_object(e);
      if (!r) continue;
      const std::string name = string_of(*r, "name");
      const std::string what = name.empty() ? std::string("reaction") : ":" + name + ":";
      std::int64_t named = 0;
      if (const auto users = array_of(*r, "users")) {
        for (const element u : *users) {
          const auto id = as_string(u);
          if (!id) continue;
          std::string actor = user_name(*id);
          if (actor.empty()) actor = std::string(*id);
          m.reactions.push_back(Reaction{actor, what, std::nullopt});
          ++named;
        }
      }
      std::int64_t count = named;
      if (const auto v = member(*r, "count")) count = as_int64(*v).value_or(named);
      add_anonymous_reactions(m.reactions, what, count, named);
    }
  }

  ImportContext& m_context;
  const Workspace& m_space;
  std::map<std::string, User> m_users;
  std::map<std::string, Channel> m_channels;  // by folder name
  std::map<std::string, std::string> m_channel_names;
  slack::Names m_names;
  std::vector<std::size_t> m_index;  // per parsed record: its index in its day file
};

class SlackImporter final : public Importer {
 public:
  std::string name() const override { return std::string(kPlatform); }

  std::string description() const override {
    return "Slack (workspace export: users.json, channels.json, per-day JSON files)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      for (const Workspace& space : scan_layout(files.files())) {
        if (space.folders.empty()) continue;
        const bool listed =
            std::any_of(std::begin(kListFiles), std::end(kListFiles),
                        [&](const char* name) { return files.exists(space.prefix + name); });
        if (listed && looks_like_users(head_of(files, space.prefix + "users.json"))) {
          return kCertain;
        }
      }
    } catch (const Error&) {
      // detection never fails an import; the chosen importer reports the problem
    }
    return 0;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const std::vector<Workspace> spaces = scan_layout(files.files());
    ImportContext context(files, sink, options);
    bool any = false;
    for (const Workspace& space : spaces) {
      if (space.folders.empty()) continue;
      any = true;
      WorkspaceReader(context, space).run();
    }
    if (!any) {
      throw Error(ErrorCode::bad_input,
                  "no Slack export here (no users.json beside conversation folders of "
                  "YYYY-MM-DD.json files)",
                  "give the .zip a Slack workspace export produced, or its unpacked folder");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_slack_importer() { return std::make_unique<SlackImporter>(); }

}  // namespace dmvault::formats
