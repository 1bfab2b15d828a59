// Reader of Telegram Desktop's result.json: a single chat ({name, type, id, messages}) or the
// whole account ({about, personal_information, ..., chats: {list}, left_chats: {list}}).
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"
#include "telegram/telegram_internal.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

namespace dmvault::formats::telegram {

namespace {

// The account that made a whole-account export (personal_information).
struct SelfInfo {
  std::string peer_id;  // "user<user_id>"
};

struct ChatMeta {
  std::string id;    // the bare peer id as written, or ""
  std::string name;  // may be absent (saved_messages, replies)
  bool has_name = false;
  std::string type;
  bool left = false;  // from left_chats
};

std::string to_text(std::string_view s) { return to_nfc(s); }

// Strings and numbers both: ids and unix times are numbers in some versions, strings in others.
std::optional<std::string> scalar_text(element value) {
  if (const auto s = as_string(value)) return std::string(*s);
  std::int64_t i = 0;
  if (value.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  std::uint64_t u = 0;
  if (value.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  return std::nullopt;
}

std::optional<std::int64_t> unix_seconds(element value) {
  if (const auto n = as_int64(value)) return *n;
  const auto s = as_string(value);
  if (!s || s->empty() || s->size() > 18) return std::nullopt;
  std::int64_t out = 0;
  for (const char c : *s) {
    if (c < '0' || c > '9') return std::nullopt;
    out = out * 10 + (c - '0');
  }
  return out;
}

std::optional<std::string> string_member(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return std::nullopt;
  const auto s = as_string(*v);
  if (!s) return std::nullopt;
  return std::string(*s);
}

// What one message record becomes, before the conversation is known in full.
struct Parsed {
  Message message;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
  std::string actor_name;  // the sender or the service message's actor
  std::string actor_id;
  bool actor_has_name = false;
};

class MessageReader {
 public:
  MessageReader(ImportContext& context, const ExportDir& dir) : m_context(context), m_dir(dir) {}

  Parsed read(element value, std::string raw, std::size_t offset) const {
    Parsed p;
    p.offset = offset;
    Message& m = p.message;
    m.raw = std::move(raw);
    m.source_path = m_dir.json_file;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return p;
    }
    const std::string type = string_member(*obj, "type").value_or("");
    if (const auto id = member(*obj, "id")) {
      if (const auto s = scalar_text(*id)) {
        m.platform_message_id = *s;
      } else {
        p.problems.push_back("id is not a number");
      }
    }
    // An "unsupported" record has only its id and type: no date to miss.
    read_time(*obj, p, type != "unsupported");
    if (const auto edited = member(*obj, "edited_unixtime"); edited || member(*obj, "edited")) {
      m.edited = true;
    }
    const bool service = type == "service";
    read_actor(*obj, service ? "actor" : "from", p);
    if (service && p.actor_id.empty() && p.actor_name.empty()) read_actor(*obj, "from", p);
    std::vector<std::string> urls;
    m.text = read_text(*obj, urls, p.problems);
    if (const auto reply = member(*obj, "reply_to_message_id")) {
      if (const auto s = scalar_text(*reply)) {
        const auto peer = member(*obj, "reply_to_peer_id");
        const auto peer_text = peer ? scalar_text(*peer) : std::nullopt;
        // A reply to a message of another chat names that chat, so it cannot be taken for a
        // message of this one.
        m.reply_to = peer_text ? *peer_text + ":" + *s : *s;
      }
    }
    read_media(*obj, m, p.problems);
    read_reactions(*obj, m, p.problems);
    std::string forwarded;
    if (const auto fwd = member(*obj, "forwarded_from")) {
      if (const auto s = as_string(*fwd)) forwarded = to_text(*s);
      if (forwarded.empty()) forwarded = "Deleted Account";  // null: the exporter had no name
    }
    if (!urls.empty() || !forwarded.empty()) {
      Share share;
      if (!urls.empty()) share.link = urls.front();
      for (std::size_t i = 1; i < urls.size(); ++i) {
        share.text += (share.text.empty() ? "" : "\n") + urls[i];
      }
      share.owner = forwarded;
      m.share = std::move(share);
    }
    if (service) {
      read_service(*obj, p);
    } else if (type == "message") {
      if (m.text.empty()) m.text = describe_content(*obj);
      const bool sticker =
          std::any_of(m.attachments.begin(), m.attachments.end(),
                      [](const Attachment& a) { return a.kind == AttachmentKind::sticker; });
      if (sticker) {
        m.kind = MessageKind::sticker;
      } else if (!m.attachments.empty()) {
        m.kind = MessageKind::media;
      } else {
        m.kind = MessageKind::text;
      }
    } else {
      // "unsupported" (a media type the exporter could not write) or a type from a later version.
      m.kind = MessageKind::system;
      if (type == "unsupported") {
        p.problems.push_back("Telegram exported it as \"unsupported\" (a message it cannot write)");
      } else {
        p.problems.push_back(type.empty() ? std::string("the record has no type")
                                          : "message type \"" + type + "\" is not understood");
      }
    }
    return p;
  }

 private:
  void read_time(object obj, Parsed& p, bool required) const {
    if (const auto v = member(obj, "date_unixtime")) {
      if (const auto s = unix_seconds(*v)) {
        p.message.timestamp_ms = *s * 1000;
        p.has_time = true;
        return;
      }
      p.problems.push_back("date_unixtime is not a number");
    }
    const auto date = string_member(obj, "date");
    if (!date) {
      if (required) p.problems.push_back("the record has no date");
      return;
    }
    p.message.local_time = *date;
    if (const auto local = local_ms(*date)) {
      p.message.timestamp_ms = *local;
      p.has_time = true;
    } else {
      p.problems.push_back("date is not a date and time");
    }
  }

  // "2024-05-01T09:30:00": the exporting computer's wall clock, read in the user's zone.
  std::optional<std::int64_t> local_ms(std::string_view text) const {
    const auto iso = parse_iso8601(text);
    if (!iso) return std::nullopt;
    if (iso->has_zone) return iso->utc_ms;
    const std::int64_t local_seconds =
        iso->utc_ms >= 0 ? iso->utc_ms / 1000 : -((-iso->utc_ms + 999) / 1000);
    return m_context.zone().to_utc(local_seconds) * 1000 + (iso->utc_ms - local_seconds * 1000);
  }

  static void read_actor(object obj, std::string_view key, Parsed& p) {
    if (const auto v = member(obj, std::string(key) + "_id")) {
      if (const auto s = as_string(*v)) {
        p.actor_id = std::string(*s);
      } else if (const auto n = scalar_text(*v)) {
        // Exports before 2021 wrote the sender's bare user id as a number.
        p.actor_id = "user" + *n;
      }
    }
    if (const auto v = member(obj, key)) {
      if (const auto s = as_string(*v)) {
        p.actor_name = to_text(*s);
        p.actor_has_name = true;
      } else if (v->is_null() && !p.actor_id.empty()) {
        // The exporter writes null for an account deleted since; Telegram shows this name.
        p.actor_name = "Deleted Account";
        p.actor_has_name = true;
      }
    }
    p.message.sender = p.actor_name;
    p.message.sender_id = p.actor_id;
  }

  // The plain text: `text` (a string, or an array of strings and {type, text} parts) or, when
  // it is missing, `text_entities`. URLs of link and text_link parts go to `urls`.
  static std::string read_text(object obj, std::vector<std::string>& urls,
                               std::vector<std::string>& problems) {
    auto v = member(obj, "text");
    std::string_view key = "text";
    if (!v) {
      v = member(obj, "text_entities");
      key = "text_entities";
    }
    if (!v) return {};
    std::string out;
    if (const auto s = as_string(*v)) {
      out = std::string(*s);
    } else if (const auto parts = as_array(*v)) {
      for (const element part : *parts) {
        if (const auto run = as_string(part)) {
          out += *run;
          continue;
        }
        const auto entity = as_object(part);
        const auto text = entity ? string_member(*entity, "text") : std::nullopt;
        if (!text) {
          problems.push_back("a part of " + std::string(key) + " has no text");
          continue;
        }
        out += *text;
        const std::string type = string_member(*entity, "type").value_or("");
        std::string url;
        if (type == "link") {
          url = *text;
        } else if (type == "text_link") {
          url = string_member(*entity, "href").value_or("");
        }
        if (!url.empty() && std::find(urls.begin(), urls.end(), url) == urls.end()) {
          urls.push_back(url);
        }
      }
    } else if (!v->is_null()) {
      problems.push_back(std::string(key) + " is neither a string nor an array");
    }
    return to_text(out);
  }

  void add_file(Message& m, std::string_view path, AttachmentKind kind, std::string name) const {
    Attachment a;
    a.kind = kind;
    if (!is_skipped_file_note(path)) {
      a.uri = m_dir.dir + std::string(path);
      if (name.empty()) name = std::string(base_name(path));
    }
    a.name = to_text(name);
    m.attachments.push_back(std::move(a));
  }

  void read_media(object obj, Message& m, std::vector<std::string>& problems) const {
    if (const auto v = member(obj, "photo")) {
      if (const auto s = as_string(*v)) {
        add_file(m, *s, AttachmentKind::photo, "");
      } else {
        problems.push_back("photo is not a string");
      }
    }
    if (const auto v = member(obj, "file")) {
      const auto s = as_string(*v);
      if (!s) {
        problems.push_back("file is not a string");
      } else {
        const std::string media_type = string_member(obj, "media_type").value_or("");
        AttachmentKind kind = AttachmentKind::file;
        std::string name = string_member(obj, "file_name").value_or("");
        if (media_type == "sticker") {
          kind = AttachmentKind::sticker;
          // The emoji says what a sticker shows; its file name ("sticker.webp") does not.
          if (const auto emoji = string_member(obj, "sticker_emoji")) name = *emoji;
        } else if (media_type == "video_message" || media_type == "video_file") {
          kind = AttachmentKind::video;
        } else if (media_type == "voice_message" || media_type == "audio_file") {
          kind = AttachmentKind::audio;
        } else if (media_type == "animation") {
          kind = AttachmentKind::gif;
        }
        add_file(m, *s, kind, name);
      }
    }
    if (const auto v = member(obj, "contact_vcard")) {
      if (const auto s = as_string(*v)) add_file(m, *s, AttachmentKind::file, "");
    }
  }

  std::optional<std::int64_t> reaction_time(object recent) const {
    if (const auto v = member(recent, "date_unixtime")) {
      if (const auto s = unix_seconds(*v)) return *s * 1000;
    }
    const auto date = string_member(recent, "date");
    return date ? local_ms(*date) : std::nullopt;
  }

  void read_reactions(object obj, Message& m, std::vector<std::string>& problems) const {
    const auto v = member(obj, "reactions");
    if (!v) return;
    const auto list = as_array(*v);
    if (!list) {
      problems.push_back("reactions is not an array");
      return;
    }
    for (const element item : *list) {
      const auto r = as_object(item);
      if (!r) {
        problems.push_back("a reaction is not an object");
        continue;
      }
      const std::string type = string_member(*r, "type").value_or("");
      std::string what;
      if (const auto emoji = string_member(*r, "emoji")) {
        what = to_text(*emoji);
      } else if (const auto doc = member(*r, "document_id")) {
        what = "custom_emoji:" + scalar_text(*doc).value_or("");
      } else {
        what = type.empty() ? std::string("reaction") : type;
      }
      std::int64_t named = 0;
      if (const auto recent = member(*r, "recent")) {
        if (const auto people = as_array(*recent)) {
          for (const element person : *people) {
            const auto who = as_object(person);
            if (!who) continue;
            Reaction reaction;
            reaction.reaction = what;
            const auto from = string_member(*who, "from");
            const auto from_id = member(*who, "from_id");
            reaction.actor =
                from ? to_text(*from) : (from_id ? scalar_text(*from_id).value_or("") : "");
            reaction.timestamp_ms = reaction_time(*who);
            m.reactions.push_back(std::move(reaction));
            ++named;
          }
        }
      }
      const std::int64_t count =
          member(*r, "count") ? as_int64(*member(*r, "count")).value_or(named) : named;
      add_anonymous_reactions(m.reactions, what, count, named);
    }
  }

  // Text for messages that have no words of their own: polls, places, contacts, games.
  static std::string describe_content(object obj) {
    std::string out;
    if (const auto poll = member(obj, "poll"); poll && poll->is_object()) {
      const object p = *as_object(*poll);
      out = "Poll: " + string_member(p, "question").value_or("");
      if (const auto answers = member(p, "answers"); answers && answers->is_array()) {
        const array list = *as_array(*answers);  // named: a temporary would die before the loop
        for (const element a : list) {
          if (const auto ao = as_object(a)) out += "\n- " + string_member(*ao, "text").value_or("");
        }
      }
    } else if (const auto contact = member(obj, "contact_information");
               contact && contact->is_object()) {
      const object c = *as_object(*contact);
      std::string name = string_member(c, "first_name").value_or("");
      const std::string last = string_member(c, "last_name").value_or("");
      if (!last.empty()) name += (name.empty() ? "" : " ") + last;
      const std::string phone = string_member(c, "phone_number").value_or("");
      out = "Contact: " + name + (phone.empty() ? "" : (name.empty() ? "" : ", ") + phone);
    } else if (const auto place = string_member(obj, "place_name")) {
      out = "Place: " + *place;
      if (const auto address = string_member(obj, "address")) out += ", " + *address;
    } else if (const auto location = member(obj, "location_information");
               location && location->is_object()) {
      const object l = *as_object(*location);
      const auto lat = member(l, "latitude");
      const auto lon = member(l, "longitude");
      double a = 0;
      double b = 0;
      if (lat && lon && lat->get_double().get(a) == simdjson::SUCCESS &&
          lon->get_double().get(b) == simdjson::SUCCESS) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "Location: %.6f, %.6f", a, b);
        out = buf;
      } else {
        out = "Location";
      }
    } else if (const auto game = string_member(obj, "game_title")) {
      out = "Game: " + *game;
    } else if (const auto invoice = member(obj, "invoice_information");
               invoice && invoice->is_object()) {
      out = "Invoice: " + string_member(*as_object(*invoice), "title").value_or("");
    }
    return to_text(out);
  }

  static std::string joined_members(object obj) {
    std::string out;
    if (const auto members = member(obj, "members"); members && members->is_array()) {
      const array list = *as_array(*members);  // named: a temporary would die before the loop
      for (const element e : list) {
        const auto s = as_string(e);
        out += (out.empty() ? "" : ", ") + (s ? std::string(*s) : std::string("Deleted Account"));
      }
    }
    return out;
  }

  // Service messages have an empty text; a short English line says what happened so that it
  // reads in a listing and can be searched (the action and its fields stay in raw).
  static void read_service(object obj, Parsed& p) {
    Message& m = p.message;
    m.kind = MessageKind::system;
    const std::string action = string_member(obj, "action").value_or("");
    const std::string title = string_member(obj, "title").value_or("");
    const auto number = [&](std::string_view key) -> std::optional<std::int64_t> {
      const auto v = member(obj, key);
      if (!v) return std::nullopt;
      if (const auto n = as_int64(*v)) return n;
      return unix_seconds(*v);
    };
    std::string line;
    if (action == "phone_call" || action == "group_call") {
      m.kind = MessageKind::call;
      // No duration: the call never connected (missed, busy, declined).
      m.call_duration_s =
          number(action == "phone_call" ? "duration_seconds" : "duration").value_or(0);
      line = action == "phone_call" ? "Phone call" : "Group call";
      const std::string reason = string_member(obj, "discard_reason").value_or("");
      if (!reason.empty()) line += " (" + reason + ")";
    } else if (action == "create_group") {
      line = "Created group \"" + title + "\"";
      const std::string members = joined_members(obj);
      if (!members.empty()) line += " with " + members;
    } else if (action == "create_channel") {
      line = "Created channel \"" + title + "\"";
    } else if (action == "edit_group_title") {
      line = "Changed the group name to \"" + title + "\"";
    } else if (action == "invite_members") {
      line = "Invited " + joined_members(obj);
    } else if (action == "remove_members") {
      line = "Removed " + joined_members(obj);
    } else if (action == "join_group_by_link") {
      line = "Joined the group via an invite link";
    } else if (action == "join_group_by_request") {
      line = "Joined the group by request";
    } else if (action == "pin_message") {
      line = "Pinned a message";
      if (const auto id = number("message_id")) line += " (" + std::to_string(*id) + ")";
    } else if (action == "joined_telegram") {
      line = "Joined Telegram";
    } else if (action == "edit_group_photo") {
      line = "Changed the group photo";
    } else if (action == "delete_group_photo") {
      line = "Removed the group photo";
    } else if (action == "migrate_to_supergroup") {
      line = "Converted the group to a supergroup";
    } else if (action == "migrate_from_group") {
      line = "Converted from the group \"" + title + "\"";
    } else if (action == "clear_history") {
      line = "Cleared the history";
    } else if (action == "take_screenshot") {
      line = "Took a screenshot";
    } else if (action == "topic_created") {
      line = "Created the topic \"" + title + "\"";
    } else if (!action.empty()) {
      line = action;
      std::replace(line.begin(), line.end(), '_', ' ');
      line[0] = static_cast<char>(line[0] >= 'a' && line[0] <= 'z' ? line[0] - 32 : line[0]);
    } else if (const auto info = string_member(obj, "information_text")) {
      line = *info;  // a custom action: the exporter's own wording
    } else {
      p.problems.push_back("service message without an action");
    }
    if (m.text.empty()) m.text = to_text(line);
  }

  ImportContext& m_context;
  const ExportDir& m_dir;
};

bool is_group_type(std::string_view type) {
  return type == "private_group" || type == "private_supergroup" || type == "public_supergroup" ||
         type == "private_channel" || type == "public_channel" || type == "replies";
}

class FileReader {
 public:
  FileReader(ImportContext& context, const ExportDir& dir, const meta::JsonFile& file,
             const RepairedJson& repaired)
      : m_context(context),
        m_dir(dir),
        m_file(file),
        m_repaired(repaired),
        m_reader(context, dir) {}

  void run() {
    const auto root = as_object(m_file.root());
    if (!root) {
      throw Error(ErrorCode::bad_input,
                  m_dir.json_file + ": not a Telegram export (the document is not an object)",
                  "give the folder that Telegram Desktop's \"Export chat history\" or \"Export "
                  "Telegram data\" wrote");
    }
    if (const auto info = member(*root, "personal_information"); info && info->is_object()) {
      if (const auto id = member(*as_object(*info), "user_id")) {
        if (const auto s = scalar_text(*id)) m_self.peer_id = "user" + *s;
      }
    }
    meta::SpanScanner scan(m_file.text(), m_dir.json_file);
    bool found = false;
    const bool single = member(*root, "messages").has_value();
    if (single) {
      read_chat(*root, scan, false);
      found = true;
    } else {
      scan.enter();
      for (const auto field : *root) {
        scan.next_member();
        const std::string_view key = field.key;
        const auto section = as_object(field.value);
        if ((key == "chats" || key == "left_chats") && section) {
          found = true;
          read_section(*section, scan, key == "left_chats");
        } else {
          scan.skip();
        }
      }
    }
    if (!found) {
      throw Error(ErrorCode::bad_input,
                  m_dir.json_file +
                      ": no chats in this Telegram export (neither \"messages\" nor "
                      "\"chats\" is there)",
                  "export again with \"Personal chats\" (or the chat types you want) ticked and "
                  "the format set to JSON");
    }
  }

 private:
  void read_section(object section, meta::SpanScanner& scan, bool left) {
    scan.enter();
    for (const auto field : section) {
      scan.next_member();
      const auto list = as_array(field.value);
      if (std::string_view(field.key) != "list" || !list) {
        scan.skip();
        continue;
      }
      scan.enter();
      for (const element chat : *list) {
        scan.next_element();
        if (const auto obj = as_object(chat)) {
          read_chat(*obj, scan, left);
        } else {
          const auto [begin, end] = scan.skip();
          (void)end;
          m_context.sink.warning(m_dir.json_file, "chat at byte " + std::to_string(offset(begin)) +
                                                      " ignored: it is not a JSON object");
        }
      }
      scan.next_element();
    }
    scan.next_member();
  }

  std::size_t offset(std::size_t text_offset) const {
    return m_repaired.original_offset(m_file.file_offset(text_offset));
  }

  void read_chat(object chat, meta::SpanScanner& scan, bool left) {
    ChatMeta meta;
    meta.left = left;
    if (const auto id = member(chat, "id")) meta.id = scalar_text(*id).value_or("");
    if (const auto name = member(chat, "name")) {
      if (const auto s = as_string(*name)) {
        meta.name = to_text(*s);
        meta.has_name = true;
      }
    }
    meta.type = string_member(chat, "type").value_or("");
    std::vector<Parsed> parsed;
    std::size_t chat_begin = 0;
    scan.enter();
    for (const auto field : chat) {
      if (!scan.next_member()) break;
      const auto list = as_array(field.value);
      if (std::string_view(field.key) != "messages" || !list) {
        const auto [begin, end] = scan.skip();
        (void)end;
        if (chat_begin == 0) chat_begin = begin;
        continue;
      }
      scan.enter();
      for (const element item : *list) {
        scan.next_element();
        const auto [begin, end] = scan.skip();
        if (chat_begin == 0) chat_begin = begin;
        parsed.push_back(m_reader.read(item, std::string(m_file.text().substr(begin, end - begin)),
                                       offset(begin)));
      }
      scan.next_element();
    }
    scan.next_member();
    emit(meta, std::move(parsed), chat_begin);
  }

  std::string thread_id(const ChatMeta& meta, std::size_t chat_begin) {
    if (!meta.id.empty()) return meta.id;
    // Only hand-made or trimmed files lack the id; the name (or else the file) stands in, so
    // that the same file imports to the same conversation.
    const std::string fallback = meta.has_name
                                     ? "name:" + meta.name
                                     : m_dir.json_file + "#" + std::to_string(offset(chat_begin));
    m_context.sink.warning(m_dir.json_file,
                           "a chat has no id; its conversation is keyed by " +
                               std::string(meta.has_name ? "its name" : "its place in the file") +
                               ", so other exports of it will not merge with this one");
    return fallback;
  }

  void emit(const ChatMeta& meta, std::vector<Parsed> parsed, std::size_t chat_begin) {
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = thread_id(meta, chat_begin);
    if (meta.has_name) {
      c.title = meta.name;
    } else if (meta.type == "saved_messages") {
      c.title = "Saved Messages";
    } else if (meta.type == "replies") {
      c.title = "Replies";
    }
    c.still_participant = !meta.left;
    c.source_path = m_dir.json_file;

    // In a personal or bot chat the peer is the other person (the chat id is theirs); in Saved
    // Messages it is the account itself.
    std::string self_id = m_self.peer_id;
    std::string other_id;
    if (!meta.id.empty() && (meta.type == "personal_chat" || meta.type == "bot_chat")) {
      other_id = "user" + meta.id;
    } else if (!meta.id.empty() && meta.type == "saved_messages") {
      self_id = "user" + meta.id;
    }
    std::map<std::string, std::size_t> index;  // platform id (or name) -> participant
    for (const Parsed& p : parsed) {
      if (p.actor_id.empty() && !p.actor_has_name) continue;
      const std::string key = p.actor_id.empty() ? "name:" + p.actor_name : p.actor_id;
      const auto it = index.find(key);
      if (it != index.end()) {
        Participant& known = c.participants[it->second];
        if (known.name.empty() && !p.actor_name.empty()) known.name = p.actor_name;
        continue;
      }
      Participant person;
      person.name = p.actor_name;
      person.platform_id = p.actor_id;
      if (!self_id.empty() && p.actor_id == self_id) {
        person.is_self = true;
      } else if (!other_id.empty() && p.actor_id.rfind("user", 0) == 0) {
        person.is_self = p.actor_id != other_id;
      } else if (!m_context.options.self_name.empty()) {
        person.is_self = p.actor_name == m_context.options.self_name;
      }
      index.emplace(key, c.participants.size());
      c.participants.push_back(std::move(person));
    }
    if (!m_context.options.self_name.empty()) {
      for (Participant& person : c.participants) {
        if (person.name == m_context.options.self_name) person.is_self = true;
      }
    }
    if (!meta.type.empty() && meta.type != "saved_messages") {
      c.is_group = is_group_type(meta.type);
    } else if (meta.type.empty()) {
      c.is_group = c.participants.size() > 2;
    }
    emit_conversation(m_context, c, m_dir.json_file, parsed);
  }

  ImportContext& m_context;
  const ExportDir& m_dir;
  const meta::JsonFile& m_file;
  const RepairedJson& m_repaired;
  MessageReader m_reader;
  SelfInfo m_self;
};

}  // namespace

void import_json_file(ImportContext& context, const ExportDir& dir) {
  const PlainBytes bytes = context.files.read(dir.json_file);
  const RepairedJson repaired({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  std::optional<meta::JsonFile> file;
  try {
    file.emplace(dir.json_file, repaired.text());
  } catch (const Error& e) {
    if (repaired.repairs() == 0) throw;
    // The parser's offset is one in the repaired text: find the failure again and report
    // where it is in the file itself.
    std::string_view text = repaired.text();
    std::size_t bom = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
      bom = 3;
      text.remove_prefix(3);
    }
    const auto where = meta::locate_json_error(text);
    if (!where) throw;
    // Keep the parser's reason: what follows "at byte N" in its message.
    const std::string what = e.what();
    std::string reason;
    if (const std::size_t at = what.find(" at byte "); at != std::string::npos) {
      if (const std::size_t colon = what.find(": ", at); colon != std::string::npos) {
        reason = what.substr(colon);
      }
    }
    throw Error(ErrorCode::bad_input,
                dir.json_file + ": invalid JSON at byte " +
                    std::to_string(repaired.original_offset(bom + *where)) + reason,
                e.hint());
  }
  FileReader(context, dir, *file, repaired).run();
}

}  // namespace dmvault::formats::telegram
