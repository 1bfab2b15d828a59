// Reader of the legacy Hangouts.json of a Takeout (until 2022): {"conversations": [{"conversation":
// {...}, "events": [...]}]}, or the older {"conversation_state": [{"conversation_state":
// {"conversation": {...}, "event": [...]}}]}. Streamed one conversation at a time.
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <charconv>
#include <map>
#include <set>
#include <utility>

namespace dmvault::formats::google_chat {

namespace {

struct Parsed {
  Message message;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
};

std::optional<std::int64_t> integer_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return std::nullopt;
  if (const auto i = as_int64(*v)) return i;
  const auto s = as_string(*v);
  if (!s || s->empty()) return std::nullopt;
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
  if (ec != std::errc() || end != s->data() + s->size()) return std::nullopt;
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hangouts wraps links in Google's redirector ("https://www.google.com/url?q=<address>&..."):
// the address itself, percent-decoded.
std::string link_target(const std::string& target) {
  constexpr std::string_view kRedirect = "https://www.google.com/url?q=";
  if (target.rfind(kRedirect, 0) != 0) return target;
  const std::string_view q = std::string_view(target).substr(kRedirect.size());
  const std::string_view encoded = q.substr(0, q.find('&'));
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 &&
        hex_value(encoded[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return is_valid_utf8(out) ? out : target;
}

std::string gaia_of(object obj, std::string_view key) {
  const auto id = object_of(obj, key);
  return id ? string_of(*id, "gaia_id") : std::string();
}

class ConversationReader {
 public:
  ConversationReader(ImportContext& context, const std::string& path, std::uint64_t base)
      : m_context(context), m_path(path), m_base(base) {}

  void run(std::string_view span) {
    std::optional<meta::JsonFile> file;
    try {
      file.emplace(m_path, span);
    } catch (const Error&) {
      const auto where = meta::locate_json_error(span);
      throw Error(ErrorCode::bad_input,
                  m_path + ": invalid JSON at byte " + std::to_string(m_base + where.value_or(0)),
                  "the file is damaged or incomplete (an interrupted download or extraction); "
                  "download the Takeout archive again and re-import it");
    }
    const auto root = as_object(file->root());
    if (!root) return;  // the streamer only hands out objects
    // The 2018+ layout, then the older one.
    static constexpr std::string_view kNew[] = {"events"};
    static constexpr std::string_view kOld[] = {"conversation_state", "event"};
    std::optional<object> meta_obj;
    std::optional<array> events;
    std::span<const std::string_view> events_path;
    std::string id;
    if (const auto outer = object_of(*root, "conversation")) {
      meta_obj = object_of(*outer, "conversation");
      if (const auto cid = object_of(*outer, "conversation_id")) id = string_of(*cid, "id");
      events = array_of(*root, "events");
      events_path = kNew;
    } else if (const auto state = object_of(*root, "conversation_state")) {
      meta_obj = object_of(*state, "conversation");
      events = array_of(*state, "event");
      events_path = kOld;
      if (const auto cid = object_of(*root, "conversation_id")) id = string_of(*cid, "id");
    }
    if (id.empty() && meta_obj) {
      if (const auto cid = object_of(*meta_obj, "id")) id = string_of(*cid, "id");
    }
    if (!meta_obj && !events) {
      m_context.sink.warning(m_path, "entry at byte " + std::to_string(m_base) +
                                         " ignored: it is not a Hangouts conversation");
      return;
    }
    if (id.empty()) {
      id = "hangouts-at-byte-" + std::to_string(m_base);
      m_context.sink.warning(m_path, "conversation at byte " + std::to_string(m_base) +
                                         " has no id: its messages are kept under " + id);
    }

    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = id;
    c.source_path = m_path;
    if (meta_obj) read_meta(*meta_obj, c);

    std::vector<Parsed> parsed;
    if (events) {
      const auto spans = element_spans(file->text(), m_path, *root, events_path);
      std::size_t i = 0;
      for (const element e : *events) {
        const auto [begin, end] = spans.at(i++);
        Parsed p;
        p.offset = static_cast<std::size_t>(m_base) + begin;
        p.message.raw = std::string(file->text().substr(begin, end - begin));
        p.message.source_path = m_path;
        read_event(e, p, c);
        parsed.push_back(std::move(p));
      }
    }
    if (c.title.empty()) c.title = title_of(c);
    emit_conversation(m_context, c, m_path, parsed);
  }

 private:
  void read_meta(object conv, Conversation& c) {
    c.is_group = string_of(conv, "type") == "GROUP";
    c.title = string_of(conv, "name");
    if (const auto self = object_of(conv, "self_conversation_state")) {
      if (const auto read = object_of(*self, "self_read_state")) {
        m_self = gaia_of(*read, "participant_id");
      }
    }
    if (const auto list = array_of(conv, "participant_data")) {
      for (const element e : *list) {
        const auto p = as_object(e);
        if (!p) continue;
        const std::string gaia = gaia_of(*p, "id");
        const std::string name = string_of(*p, "fallback_name");
        if (gaia.empty()) continue;
        if (!name.empty()) m_names[gaia] = name;
        add_participant(c, gaia);
      }
    }
  }

  bool is_self(const std::string& gaia) const {
    const std::string& self = m_context.options.self_name;
    if (!self.empty()) {
      const auto it = m_names.find(gaia);
      if (self == gaia || (it != m_names.end() && it->second == self)) return true;
    }
    return !m_self.empty() && gaia == m_self;
  }

  std::string name_of(const std::string& gaia) const {
    const auto it = m_names.find(gaia);
    return it != m_names.end() ? it->second : gaia;
  }

  void add_participant(Conversation& c, const std::string& gaia) {
    if (gaia.empty() || !m_seen.insert(gaia).second) return;
    c.participants.push_back(Participant{name_of(gaia), gaia, is_self(gaia)});
  }

  std::string title_of(const Conversation& c) const {
    std::string title;
    for (const Participant& p : c.participants) {
      if (p.is_self) continue;
      title += (title.empty() ? "" : ", ") + p.name;
    }
    return title.empty() ? "Hangouts conversation" : title;
  }

  std::string names_of(object obj, std::string_view key, Conversation& c) {
    std::string out;
    if (const auto list = array_of(obj, key)) {
      for (const element e : *list) {
        const auto id = as_object(e);
        if (!id) continue;
        const std::string gaia = string_of(*id, "gaia_id");
        if (gaia.empty()) continue;
        add_participant(c, gaia);
        out += (out.empty() ? "" : ", ") + name_of(gaia);
      }
    }
    return out;
  }

  void read_event(element value, Parsed& p, Conversation& c) {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the event is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    m.platform_message_id = string_of(*obj, "event_id");
    if (m.platform_message_id.empty()) p.problems.push_back("the event has no event_id");
    m.sender_id = gaia_of(*obj, "sender_id");
    if (!m.sender_id.empty()) {
      add_participant(c, m.sender_id);
      m.sender = name_of(m.sender_id);
    }
    if (const auto us = integer_of(*obj, "timestamp")) {
      // Microseconds since the epoch.
      m.timestamp_ms = *us / 1000;
      p.has_time = true;
    } else {
      p.problems.push_back("timestamp is not a number of microseconds");
    }
    const std::string type = string_of(*obj, "event_type");
    if (const auto chat = object_of(*obj, "chat_message")) {
      read_chat_message(*chat, p);
      if (type != "REGULAR_CHAT_MESSAGE" && !type.empty() && type != "SMS") {
        p.problems.push_back("event type \"" + type + "\" is not understood");
      }
      return;
    }
    m.kind = MessageKind::system;
    const std::string who = m.sender;
    if (const auto h = object_of(*obj, "hangout_event")) {
      m.kind = MessageKind::call;
      const std::string what = string_of(*h, "event_type");
      const bool audio = string_of(*h, "media_type") == "AUDIO_ONLY";
      if (what == "END_HANGOUT") {
        m.text = audio ? "Voice call ended" : "Video call ended";
        m.call_duration_s = integer_of(*h, "hangout_duration_secs").value_or(0);
      } else {
        m.text = audio ? "Started a voice call" : "Started a video call";
        if (what != "START_HANGOUT") p.problems.push_back("call event type is not understood");
      }
    } else if (const auto r = object_of(*obj, "conversation_rename")) {
      const std::string name = string_of(*r, "new_name");
      m.text = who + " renamed the conversation to \"" + name + "\"";
      if (!name.empty()) c.title = name;
    } else if (const auto change = object_of(*obj, "membership_change")) {
      const std::string names = names_of(*change, "participant_id", c);
      if (string_of(*change, "type") == "LEAVE") {
        const bool left = names == who || names.empty();
        m.text = left ? who + " left the conversation" : who + " removed " + names;
        if (const auto list = array_of(*change, "participant_id")) {
          for (const element e : *list) {
            const auto id = as_object(e);
            if (id && is_self(string_of(*id, "gaia_id"))) c.still_participant = false;
          }
        }
      } else {
        m.text = who + " added " + names;
      }
    } else {
      m.text = "(" + (type.empty() ? std::string("event") : type) + ")";
      p.problems.push_back(type.empty() ? std::string("the event has no event_type")
                                        : "event type \"" + type + "\" is not understood");
    }
  }

  void read_chat_message(object chat, Parsed& p) {
    Message& m = p.message;
    const auto content = object_of(chat, "message_content");
    if (content) {
      if (const auto segments = array_of(*content, "segment")) {
        for (const element e : *segments) {
          const auto s = as_object(e);
          if (!s) continue;
          const std::string type = string_of(*s, "type");
          if (type == "LINE_BREAK") {
            const std::string text = string_of(*s, "text");
            m.text += text.empty() ? "\n" : text;
          } else {
            m.text += string_of(*s, "text");
            if (type == "LINK" && !m.share) {
              if (const auto data = object_of(*s, "link_data")) {
                const std::string target = link_target(string_of(*data, "link_target"));
                if (!target.empty()) m.share = Share{target, "", ""};
              }
            }
          }
        }
      }
      if (const auto list = array_of(*content, "attachment")) {
        for (const element e : *list) {
          const auto a = as_object(e);
          const auto item = a ? object_of(*a, "embed_item") : std::nullopt;
          if (item) read_embed(*item, p);
        }
      }
    }
    if (!m.attachments.empty()) {
      m.kind = MessageKind::media;
    } else if (m.text.empty() && m.share) {
      m.kind = MessageKind::share;
    } else {
      m.kind = MessageKind::text;
    }
  }

  // Photos and videos are links to Google+ / Google Photos (never fetched); places are shares.
  static void read_embed(object item, Parsed& p) {
    Message& m = p.message;
    if (const auto photo = object_of(item, "plus_photo")) {
      Attachment a;
      const std::string media = string_of(*photo, "media_type");
      a.kind = media == "VIDEO"            ? AttachmentKind::video
               : media == "ANIMATED_PHOTO" ? AttachmentKind::gif
                                           : AttachmentKind::photo;
      a.uri = string_of(*photo, "url");
      if (a.uri.empty()) a.uri = string_of(*photo, "original_content_url");
      if (a.uri.empty()) {
        if (const auto thumb = object_of(*photo, "thumbnail")) a.uri = string_of(*thumb, "url");
      }
      a.name = std::string(base_name(a.uri));
      m.attachments.push_back(std::move(a));
      return;
    }
    for (const char* key : {"place_v2", "place"}) {
      if (const auto place = object_of(item, key)) {
        Share share;
        share.link = string_of(*place, "url");
        share.text = string_of(*place, "name");
        if (const auto address = object_of(*place, "address")) {
          if (const auto postal = object_of(*address, "postal_address_v2")) {
            const std::string street = string_of(*postal, "street_address");
            if (!street.empty()) share.text += (share.text.empty() ? "" : "\n") + street;
          }
        }
        if (!m.share) m.share = std::move(share);
        return;
      }
    }
    p.problems.push_back("an attachment of an unknown kind (kept in raw)");
  }

  ImportContext& m_context;
  const std::string& m_path;
  std::uint64_t m_base;
  std::string m_self;                          // the owner's gaia id
  std::map<std::string, std::string> m_names;  // gaia id -> fallback_name
  std::set<std::string> m_seen;
};

}  // namespace

bool import_hangouts_file(ImportContext& context, const std::string& path) {
  TopArrayStreamer streamer(path, {"conversations", "conversation_state"}, kMaxHangoutsConversation,
                            [&](std::string_view element, std::uint64_t offset) {
                              ConversationReader(context, path, offset).run(element);
                            });
  context.files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
    streamer.feed(piece);
    return true;
  });
  streamer.finish();
  return streamer.found();
}

}  // namespace dmvault::formats::google_chat
