// Reader of DiscordChatExporter's JSON (Tyrrrz/DiscordChatExporter, JsonMessageWriter): one file
// per channel, {guild, channel, dateRange, exportedAt, messages: [...], messageCount}.
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "discord/discord_internal.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace dmvault::formats::discord {

namespace {

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
  std::string id;
  std::string name;  // what Discord shows: the nickname, else the (global or user) name
};

User read_user(object obj) {
  User u;
  u.id = string_of(obj, "id");
  u.name = string_of(obj, "nickname");
  if (u.name.empty()) u.name = string_of(obj, "name");
  return u;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_url(std::string_view s) {
  return s.find("://") != std::string_view::npos || starts_with_ascii_ci(s, "data:");
}

// Kinds whose records are ordinary messages; the system ones get a line of their own when the
// exporter left the content empty.
bool is_regular_type(std::string_view type) {
  return type == "Default" || type == "Reply" || type == "ChatInputCommand" ||
         type == "ContextMenuCommand" || type == "ThreadStarterMessage";
}

struct Parsed {
  Message message;
  User author;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
};

class FileReader {
 public:
  FileReader(ImportContext& context, std::string path, const meta::JsonFile& file)
      : m_context(context), m_path(std::move(path)), m_file(file) {
    const std::size_t slash = m_path.rfind('/');
    m_dir = slash == std::string::npos ? std::string() : m_path.substr(0, slash + 1);
  }

  void run(object root) {
    Conversation c;
    c.platform = std::string(kPlatform);
    c.source_path = m_path;
    std::string guild_name;
    std::string channel_type;
    if (const auto guild = object_of(root, "guild")) guild_name = string_of(*guild, "name");
    if (const auto channel = object_of(root, "channel")) {
      c.thread_id = string_of(*channel, "id");
      c.title = string_of(*channel, "name");
      channel_type = string_of(*channel, "type");
    }
    if (c.thread_id.empty()) {
      throw Error(ErrorCode::bad_input, m_path + ": the channel has no id",
                  "give the JSON files DiscordChatExporter wrote, unchanged");
    }
    if (c.title.empty()) c.title = "Discord channel " + c.thread_id;
    std::vector<Parsed> parsed;
    meta::SpanScanner scan(m_file.text(), m_path);
    scan.enter();
    bool found = false;
    for (const auto field : root) {
      scan.next_member();
      const auto list = as_array(field.value);
      if (std::string_view(field.key) != "messages" || !list) {
        scan.skip();
        continue;
      }
      found = true;
      scan.enter();
      for (const element item : *list) {
        scan.next_element();
        const auto [begin, end] = scan.skip();
        Parsed p;
        p.offset = m_file.file_offset(begin);
        p.message.raw = std::string(m_file.text().substr(begin, end - begin));
        p.message.raw_offset = p.offset;
        p.message.source_path = m_path;
        read_message(item, p);
        parsed.push_back(std::move(p));
      }
      scan.next_element();
    }
    if (!found) {
      throw Error(ErrorCode::bad_input, m_path + ": no \"messages\" list in this export",
                  "give the JSON files DiscordChatExporter wrote, unchanged");
    }

    std::map<std::string, std::size_t> seen;
    for (const Parsed& p : parsed) {
      const std::string key = p.author.id.empty() ? "name:" + p.author.name : p.author.id;
      if (p.author.id.empty() && p.author.name.empty()) continue;
      if (!seen.emplace(key, c.participants.size()).second) continue;
      Participant person;
      person.name = p.author.name;
      person.platform_id = p.author.id;
      const std::string& self = m_context.options.self_name;
      person.is_self = !self.empty() && (self == person.name || self == person.platform_id);
      c.participants.push_back(std::move(person));
    }
    if (channel_type == "DirectTextChat") {
      c.is_group = false;
    } else if (!channel_type.empty()) {
      c.is_group = true;
    } else {
      c.is_group = c.participants.size() > 2;
    }
    emit_conversation(m_context, c, m_path, parsed);
  }

 private:
  void read_message(element value, Parsed& p) const {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    m.platform_message_id = string_of(*obj, "id");
    if (m.platform_message_id.empty()) p.problems.push_back("the message has no id");
    const std::string type = string_of(*obj, "type");
    m.local_time = string_of(*obj, "timestamp");
    if (const auto t = parse_iso8601(m.local_time)) {
      m.timestamp_ms = t->utc_ms;
      p.has_time = true;
    } else if (const auto created = snowflake_ms(m.platform_message_id)) {
      m.timestamp_ms = *created;
      p.has_time = true;
      p.problems.push_back("timestamp is not a date and time (the time is the one the id holds)");
    } else {
      p.problems.push_back("timestamp is not a date and time");
    }
    if (const auto edited = member(*obj, "timestampEdited"); edited && !edited->is_null()) {
      m.edited = true;
    }
    if (const auto author = object_of(*obj, "author")) p.author = read_user(*author);
    m.sender = p.author.name;
    m.sender_id = p.author.id;
    m.text = string_of(*obj, "content");
    if (const auto ref = object_of(*obj, "reference")) m.reply_to = string_of(*ref, "messageId");
    read_attachments(*obj, p);
    read_stickers(*obj, m);
    read_embeds(*obj, m);
    read_reactions(*obj, m);

    const bool has_sticker =
        std::any_of(m.attachments.begin(), m.attachments.end(),
                    [](const Attachment& a) { return a.kind == AttachmentKind::sticker; });
    if (type == "Call") {
      m.kind = MessageKind::call;
      m.call_duration_s = 0;  // no end: the call was missed or still going when exported
      const std::string ended = string_of(*obj, "callEndedTimestamp");
      const auto start = parse_iso8601(m.local_time);
      if (const auto end = parse_iso8601(ended); end && start && end->utc_ms >= start->utc_ms) {
        m.call_duration_s = (end->utc_ms - start->utc_ms) / 1000;
      }
      if (m.text.empty()) m.text = "Started a call";
    } else if (is_regular_type(type)) {
      if (has_sticker && m.attachments.size() == 1 && m.text.empty()) {
        m.kind = MessageKind::sticker;
      } else if (!m.attachments.empty()) {
        m.kind = MessageKind::media;
      } else if (m.text.empty() && m.share) {
        m.kind = MessageKind::share;
      } else {
        m.kind = MessageKind::text;
      }
    } else {
      m.kind = MessageKind::system;
      if (m.text.empty()) m.text = system_line(*obj, type, p);
    }
  }

  // The exporter writes a line for system messages in "content" in current versions; older
  // ones left it empty, so the same English line is made here.
  std::string system_line(object obj, const std::string& type, Parsed& p) const {
    std::string names;
    if (const auto mentions = array_of(obj, "mentions")) {
      for (const element e : *mentions) {
        if (const auto u = as_object(e)) {
          names += (names.empty() ? "" : ", ") + read_user(*u).name;
        }
      }
    }
    if (type == "RecipientAdd")
      return names.empty() ? "Added a recipient" : "Added " + names + " to the group";
    if (type == "RecipientRemove") {
      return names.empty() || names == p.author.name ? "Left the group"
                                                     : "Removed " + names + " from the group";
    }
    if (type == "ChannelNameChange") return "Changed the channel name";
    if (type == "ChannelIconChange") return "Changed the channel icon";
    if (type == "ChannelPinnedMessage") return "Pinned a message";
    if (type == "GuildMemberJoin") return "Joined the server";
    if (type == "ThreadCreated") return "Started a thread";
    p.problems.push_back(type.empty() ? std::string("the message has no type")
                                      : "message type \"" + type + "\" is not understood");
    return type;
  }

  // A --media export rewrites each url to a path relative to the JSON file; the export may have
  // escaped it, and Windows writes '\'.
  std::string resolve(std::string_view url, Parsed& p) const {
    std::string rel(url);
    std::replace(rel.begin(), rel.end(), '\\', '/');
    while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
    const std::string path = m_dir + rel;
    if (m_context.files.exists(path)) return path;
    const std::string decoded = m_dir + percent_decoded(rel);
    if (m_context.files.exists(decoded)) return decoded;
    p.problems.push_back("media file " + path + " is not in the export");
    return path;
  }

  void read_attachments(object obj, Parsed& p) const {
    const auto list = array_of(obj, "attachments");
    if (!list) return;
    for (const element e : *list) {
      const auto a = as_object(e);
      if (!a) {
        p.problems.push_back("an attachment is not an object");
        continue;
      }
      Attachment att;
      const std::string url = string_of(*a, "url");
      att.name = string_of(*a, "fileName");
      att.uri = url.empty() || is_url(url) ? url : resolve(url, p);
      att.kind = kind_from_name(att.name.empty() ? url : att.name);
      if (att.name.empty()) att.name = std::string(base_name(url));
      p.message.attachments.push_back(std::move(att));
    }
  }

  void read_stickers(object obj, Message& m) const {
    const auto list = array_of(obj, "stickers");
    if (!list) return;
    for (const element e : *list) {
      const auto s = as_object(e);
      if (!s) continue;
      Attachment att;
      att.kind = AttachmentKind::sticker;
      att.name = string_of(*s, "name");
      const std::string url = string_of(*s, "sourceUrl");
      Parsed ignored;
      att.uri = url.empty() || is_url(url) ? url : resolve(url, ignored);
      m.attachments.push_back(std::move(att));
    }
  }

  // Link previews: the first embed's url, title and description become the share, so the link
  // can be searched; further embeds add their urls and titles to its text.
  static void read_embeds(object obj, Message& m) {
    const auto list = array_of(obj, "embeds");
    if (!list) return;
    for (const element e : *list) {
      const auto embed = as_object(e);
      if (!embed) continue;
      const std::string url = string_of(*embed, "url");
      const std::string title = string_of(*embed, "title");
      const std::string description = string_of(*embed, "description");
      if (url.empty() && title.empty() && description.empty()) continue;
      if (!m.share) {
        Share share;
        share.link = url;
        share.text = title;
        if (!description.empty()) share.text += (share.text.empty() ? "" : "\n") + description;
        if (const auto author = object_of(*embed, "author"))
          share.owner = string_of(*author, "name");
        m.share = std::move(share);
        continue;
      }
      for (const std::string* part : {&url, &title}) {
        if (!part->empty()) m.share->text += (m.share->text.empty() ? "" : "\n") + *part;
      }
    }
  }

  static void read_reactions(object obj, Message& m) {
    const auto list = array_of(obj, "reactions");
    if (!list) return;
    for (const element e : *list) {
      const auto r = as_object(e);
      if (!r) continue;
      std::string what;
      if (const auto emoji = object_of(*r, "emoji")) {
        what = string_of(*emoji, "name");
        // A server's custom emoji has an id and a bare name: shown as :name:.
        if (!string_of(*emoji, "id").empty() && !what.empty()) what = ":" + what + ":";
      }
      if (what.empty()) what = "reaction";
      std::int64_t named = 0;
      if (const auto users = array_of(*r, "users")) {
        for (const element u : *users) {
          const auto user = as_object(u);
          if (!user) continue;
          m.reactions.push_back(Reaction{read_user(*user).name, what, std::nullopt});
          ++named;
        }
      }
      std::int64_t count = named;
      if (const auto v = member(*r, "count")) count = as_int64(*v).value_or(named);
      add_anonymous_reactions(m.reactions, what, count, named);
    }
  }

  ImportContext& m_context;
  std::string m_path;
  std::string m_dir;
  const meta::JsonFile& m_file;
};

}  // namespace

bool import_dce_file(ImportContext& context, const std::string& path) {
  // Whole: ExportFiles has no streaming read; simdjson then parses the file in one pass.
  const PlainBytes bytes = context.files.read(path);
  const bool named = dce_file_name(path);
  if (!named && !looks_like_dce(text_of(bytes))) return false;
  // A file named like the exporter's is parsed even when its start looks wrong, so that a
  // damaged one is reported as such rather than skipped.
  const meta::JsonFile file(path, text_of(bytes));
  const auto root = as_object(file.root());
  if (!root || !member(*root, "guild") || !member(*root, "channel")) {
    if (!named) return false;
    throw Error(ErrorCode::bad_input,
                path + ": not a DiscordChatExporter export (no \"guild\" and \"channel\")",
                "give the JSON files DiscordChatExporter wrote (export format JSON), unchanged");
  }
  FileReader(context, path, file).run(*root);
  return true;
}

}  // namespace dmvault::formats::discord
