// The JSON flavours of the Signal importer: signal-export's data.json (one object a line, what
// its Markdown shows, with local times) and sigtop's export-messages -f json (an array of Signal
// Desktop's own message objects, UTC milliseconds, ids, service ids instead of names).
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_file.hpp"
#include "signal/signal_internal.hpp"

#include <simdjson.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace dmvault::formats::signal {

namespace {

using meta::as_array;
using meta::as_bool;
using meta::as_int64;
using meta::as_object;
using meta::as_string;
using meta::member;
using simdjson::dom::element;
using simdjson::dom::object;

std::string string_at(object obj, std::string_view key) {
  if (const auto v = member(obj, key)) {
    if (const auto s = as_string(*v)) return std::string(*s);
  }
  return {};
}

std::optional<std::int64_t> int_at(object obj, std::string_view key) {
  if (const auto v = member(obj, key)) return as_int64(*v);
  return std::nullopt;
}

bool bool_at(object obj, std::string_view key) {
  if (const auto v = member(obj, key)) return as_bool(*v).value_or(false);
  return false;
}

struct Parsed {
  Message message;
  bool has_time = false;
  std::size_t offset = 0;
  std::vector<std::string> problems;
};

// signal-export -----------------------------------------------------------------------------

// "(accepted, 1m 5s)" / "(accepted, 42s)" in signal-export's call line: the duration.
std::optional<std::int64_t> call_seconds(std::string_view text) {
  const std::size_t at = text.find("accepted, ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + 10);
  std::int64_t total = 0;
  bool any = false;
  while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
    std::int64_t n = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      n = n * 10 + (rest.front() - '0');
      rest.remove_prefix(1);
      if (n > 100000000) return std::nullopt;
    }
    if (rest.empty()) return std::nullopt;
    if (rest.front() == 'm') {
      total += n * 60;
    } else if (rest.front() == 's') {
      total += n;
    } else {
      return std::nullopt;
    }
    any = true;
    rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  return any ? std::optional<std::int64_t>(total) : std::nullopt;
}

// "\n\n> line one\n> line two\n\n" -> "line one\nline two".
std::string quote_text(std::string_view quote) {
  std::string out;
  std::size_t at = 0;
  while (at <= quote.size()) {
    const std::size_t nl = quote.find('\n', at);
    std::string_view line = quote.substr(at, nl == std::string_view::npos ? nl : nl - at);
    if (line.substr(0, 2) == "> ") {
      line.remove_prefix(2);
    } else if (line == ">") {
      line = {};
    }
    if (!trim(line).empty() || !out.empty()) out += (out.empty() ? "" : "\n") + std::string(line);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return to_nfc(trim(out));
}

Parsed read_export_line(object obj, const ImportContext& context, const TimeZone& zone,
                        const std::string& self, std::string_view dir) {
  Parsed p;
  Message& m = p.message;
  const std::string date = string_at(obj, "date");
  if (const auto ms = local_iso_to_utc_ms(date, zone)) {
    m.timestamp_ms = *ms;
    m.local_time = date;
    p.has_time = true;
  } else {
    p.problems.emplace_back("date");
  }
  const std::string sender = string_at(obj, "sender");
  m.sender = sender == "Me" ? self : sender == "No-Sender" ? "" : to_nfc(sender);
  m.text = to_nfc(trim(string_at(obj, "body")));
  m.reply_to = quote_text(string_at(obj, "quote"));
  if (const auto list = member(obj, "attachments")) {
    if (const auto items = as_array(*list)) {
      for (const element item : *items) {
        const auto a = as_object(item);
        if (!a) {
          p.problems.emplace_back("attachments");
          continue;
        }
        Attachment att;
        att.name = to_nfc(string_at(*a, "name"));
        const std::string path = percent_decoded(string_at(*a, "path"));
        if (path.empty()) {
          p.problems.emplace_back("attachments.path");
          continue;
        }
        att.uri = resolve(dir, path);
        if (att.name.empty()) att.name = std::string(base_name(path));
        att.kind = kind_of_name(path, false);
        m.attachments.push_back(std::move(att));
      }
    }
  }
  if (const auto list = member(obj, "reactions")) {
    if (const auto items = as_array(*list)) {
      for (const element item : *items) {
        // A namedtuple (name, emoji) is written as a two-element array; accept an object too.
        std::string name, emoji;
        if (const auto pair = as_array(item); pair && pair->size() == 2) {
          name = std::string(as_string(pair->at(0).value_unsafe()).value_or(""));
          emoji = std::string(as_string(pair->at(1).value_unsafe()).value_or(""));
        } else if (const auto r = as_object(item)) {
          name = string_at(*r, "name");
          emoji = string_at(*r, "emoji");
        }
        if (emoji.empty()) {
          p.problems.emplace_back("reactions");
          continue;
        }
        m.reactions.push_back({name == "Me" ? self : to_nfc(name), to_nfc(emoji), {}});
      }
    }
  }
  std::string sticker;
  if (const auto s = member(obj, "sticker")) {
    if (const auto text = as_string(*s)) {
      sticker = std::string(*text);
    } else if (const auto st = as_object(*s)) {
      sticker = string_at(*st, "emoji");
      const std::string pack = string_at(*st, "packId");
      const std::string id = string_at(*st, "id");
      const std::string ext = string_at(*st, "extension");
      if (!pack.empty() && !id.empty() && !ext.empty()) {
        // Stickers sit in exported_stickers/ at the export's root, beside the chat folders.
        Attachment a;
        a.kind = AttachmentKind::sticker;
        a.uri = resolve(dir, "../exported_stickers/" + pack + "/" + id + "." + ext);
        a.name = sticker.empty() ? id + "." + ext : to_nfc(sticker);
        m.attachments.push_back(std::move(a));
      }
      if (sticker.empty()) sticker = "sticker";
    }
  }
  if (bool_at(obj, "call")) {
    m.kind = MessageKind::call;
    m.call_duration_s = call_seconds(m.text);
  } else if (bool_at(obj, "deleted")) {
    m.kind = MessageKind::unsent;
  } else if (!sticker.empty()) {
    m.kind = MessageKind::sticker;
    if (m.text.empty()) m.text = to_nfc(sticker);
  } else if (m.sender.empty()) {
    m.kind = MessageKind::system;
  } else if (m.text.empty() && !m.attachments.empty()) {
    m.kind = MessageKind::media;
  }
  (void)context;
  return p;
}

// sigtop ------------------------------------------------------------------------------------

// Signal Desktop's message types that are notices, not something a person wrote.
bool is_notice_type(std::string_view type) {
  return type != "incoming" && type != "outgoing" && type != "call-history" && type != "story";
}

std::string sender_id_of(object obj) {
  for (const char* key : {"sourceServiceId", "sourceUuid", "source"}) {
    std::string id = string_at(obj, key);
    if (!id.empty()) return id;
  }
  return {};
}

// Signal stores a mention as U+FFFC in the body and its target in bodyRanges; sigtop's JSON
// keeps both, so the mention is written back as "@<id>" (the name is not in the export).
std::string with_mentions(std::string body, object obj) {
  const auto ranges_value = member(obj, "bodyRanges");
  const auto ranges = ranges_value ? as_array(*ranges_value) : std::nullopt;
  if (!ranges || body.find("\xEF\xBF\xBC") == std::string::npos) return body;
  std::vector<std::string> ids;
  for (const element r : *ranges) {
    const auto range = as_object(r);
    if (!range) continue;
    for (const char* key : {"mentionAci", "mentionUuid", "mentionServiceId"}) {
      const std::string id = string_at(*range, key);
      if (!id.empty()) {
        ids.push_back(id);
        break;
      }
    }
  }
  std::string out;
  std::size_t next = 0;
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t found = body.find("\xEF\xBF\xBC", at);
    if (found == std::string::npos) {
      out += body.substr(at);
      break;
    }
    out += body.substr(at, found - at);
    out += next < ids.size() ? "@" + ids[next++] : std::string("\xEF\xBF\xBC");
    at = found + 3;
  }
  return out;
}

struct SigtopChat {
  std::string conversation_id;
  std::string title;     // "Alice" from "Alice (+15551234567).json"
  std::string title_id;  // the detail: phone, username, service id; "group" for groups
  bool is_group = false;
  std::string self;
  const std::map<std::string, std::string>* media = nullptr;
  std::string media_folder;  // the folder sigtop's export-attachments names like the file
};

void add_sigtop_attachments(const SigtopChat& chat, object obj, Message& m,
                            std::vector<std::string>& problems) {
  const auto list = member(obj, "attachments");
  const auto items = list ? as_array(*list) : std::nullopt;
  if (!items) return;
  for (const element item : *items) {
    const auto a = as_object(item);
    if (!a) {
      problems.emplace_back("attachments");
      continue;
    }
    Attachment att;
    att.name = to_nfc(string_at(*a, "fileName"));
    const std::string type = string_at(*a, "contentType");
    const std::string path = string_at(*a, "path");
    att.kind = kind_of_content_type(type, att.name);
    // export-attachments writes "<Name> (<detail>)/<file name>": link to it when the export
    // holds it, else keep Signal Desktop's own path (attachments.noindex/<path>).
    if (!att.name.empty() && chat.media) {
      const auto it = chat.media->find(chat.media_folder + "/" + att.name);
      if (it != chat.media->end()) att.uri = it->second;
    }
    if (att.uri.empty()) att.uri = path;
    if (att.name.empty()) att.name = std::string(base_name(path));
    if (att.uri.empty()) att.uri = att.name;
    m.attachments.push_back(std::move(att));
  }
}

Parsed read_sigtop_message(object obj, const SigtopChat& chat) {
  Parsed p;
  Message& m = p.message;
  const std::string type = string_at(obj, "type");
  m.platform_message_id = string_at(obj, "id");
  if (m.platform_message_id.empty()) p.problems.emplace_back("id");
  std::optional<std::int64_t> time = int_at(obj, "sent_at");
  if (!time || *time <= 0) time = int_at(obj, "timestamp");
  if (!time || *time <= 0) time = int_at(obj, "received_at_ms");
  if (time && *time > 0) {
    m.timestamp_ms = *time;
    p.has_time = true;
  } else {
    p.problems.emplace_back("sent_at");
  }
  if (type == "outgoing") {
    m.sender = chat.self;
  } else if (type == "incoming") {
    m.sender_id = sender_id_of(obj);
    if (!chat.is_group) {
      m.sender = chat.title;
    } else {
      // sigtop's JSON has no names: a group member is named by their phone number, else id.
      const std::string phone = string_at(obj, "source");
      m.sender = phone.empty() ? m.sender_id : phone;
      if (m.sender.empty()) p.problems.emplace_back("source");
    }
  } else if (type == "call-history") {
    m.kind = MessageKind::call;
  }
  m.sender = to_nfc(m.sender);
  std::string body = string_at(obj, "body");
  // An edited message holds every version in editHistory, newest first; body is the newest.
  if (const auto history = member(obj, "editHistory")) {
    if (const auto versions = as_array(*history); versions && versions->size() > 1) {
      m.edited = true;
    }
  }
  m.text = to_nfc(with_mentions(std::move(body), obj));
  add_sigtop_attachments(chat, obj, m, p.problems);
  if (const auto q = member(obj, "quote")) {
    if (const auto quote = as_object(*q)) {
      const std::string text = string_at(*quote, "text");
      const auto id = int_at(*quote, "id");
      // The quote names its target by the quoted message's sent_at.
      m.reply_to = !text.empty() ? to_nfc(text) : id ? std::to_string(*id) : std::string();
    }
  }
  if (const auto r = member(obj, "reactions")) {
    if (const auto items = as_array(*r)) {
      for (const element item : *items) {
        const auto reaction = as_object(item);
        const std::string emoji = reaction ? string_at(*reaction, "emoji") : std::string();
        if (emoji.empty()) {
          // An emoji removed again is kept by Signal without one.
          if (!reaction) p.problems.emplace_back("reactions");
          continue;
        }
        Reaction out;
        out.reaction = to_nfc(emoji);
        const std::string from = string_at(*reaction, "fromId");
        // fromId is a conversation id: in a one-to-one chat the other person's is the chat's.
        if (!chat.is_group) {
          out.actor = from == chat.conversation_id ? chat.title : chat.self;
        } else {
          out.actor = from;
        }
        out.actor = to_nfc(out.actor);
        if (const auto t = int_at(*reaction, "timestamp")) out.timestamp_ms = *t;
        m.reactions.push_back(std::move(out));
      }
    }
  }
  if (const auto s = member(obj, "sticker")) {
    if (const auto sticker = as_object(*s)) {
      m.kind = MessageKind::sticker;
      const std::string emoji = string_at(*sticker, "emoji");
      if (m.text.empty()) m.text = to_nfc(emoji);
      Attachment a;
      a.kind = AttachmentKind::sticker;
      if (const auto d = member(*sticker, "data")) {
        if (const auto data = as_object(*d)) a.uri = string_at(*data, "path");
      }
      a.name = emoji.empty() ? "sticker" : to_nfc(emoji);
      if (!a.uri.empty()) m.attachments.push_back(std::move(a));
    }
  }
  if (const auto previews = member(obj, "preview")) {
    if (const auto items = as_array(*previews)) {
      for (const element item : *items) {
        if (const auto preview = as_object(item)) {
          Share share;
          share.link = string_at(*preview, "url");
          share.text = to_nfc(string_at(*preview, "title"));
          if (!share.link.empty()) {
            m.share = std::move(share);
            break;
          }
        }
      }
    }
  }
  if (bool_at(obj, "deletedForEveryone")) {
    m.kind = MessageKind::unsent;
  } else if (m.kind == MessageKind::text && is_notice_type(type)) {
    m.kind = MessageKind::system;
    // The notice's details stay in raw; its type is what can be read and searched.
    if (m.text.empty()) m.text = type;
  } else if (m.kind == MessageKind::text && m.text.empty() && !m.attachments.empty()) {
    m.kind = MessageKind::media;
  } else if (m.kind == MessageKind::text && m.text.empty() && bool_at(obj, "isViewOnce")) {
    // A view-once message, erased once viewed (isErased): only the fact stays.
    m.text = "(view-once message)";
  }
  return p;
}

}  // namespace

void import_export_json(ImportContext& context, const std::string& path) {
  const PlainBytes bytes = context.files.read(path, kMaxChatBytes);
  std::string_view text = text_of(bytes);
  if (const std::size_t bad = first_invalid_utf8(text); bad != text.size()) {
    throw Error(ErrorCode::bad_input, path + ": byte " + std::to_string(bad) + ": not valid UTF-8",
                "signal-export writes UTF-8; the file may be damaged");
  }
  std::size_t base = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") base = 3;
  const TimeZone& zone = context.zone();
  const std::string self = self_name(context, "Me");
  const std::string_view dir = dir_of(path);
  simdjson::dom::parser parser;
  std::vector<Parsed> parsed;
  std::vector<std::string> senders;
  std::size_t line_no = 0;
  for (std::size_t at = base; at < text.size();) {
    const std::size_t nl = text.find('\n', at);
    std::string_view line = text.substr(at, nl == std::string_view::npos ? nl : nl - at);
    const std::size_t offset = at;
    at = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    const simdjson::padded_string padded(line);
    element root;
    if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
      throw Error(ErrorCode::bad_input,
                  path + ": line " + std::to_string(line_no) +
                      ": invalid JSON: " + simdjson::error_message(error),
                  "signal-export writes one JSON object a line; the file may be cut short");
    }
    const auto obj = as_object(root);
    if (!obj) {
      throw Error(ErrorCode::bad_input,
                  path + ": line " + std::to_string(line_no) + ": not a JSON object",
                  "signal-export writes one JSON object a line");
    }
    Parsed p = read_export_line(*obj, context, zone, self, dir);
    p.offset = offset;
    p.message.raw = std::string(line);
    p.message.raw_offset = offset;
    p.message.source_path = path;
    const std::string sender = string_at(*obj, "sender");
    if (!sender.empty() && sender != "No-Sender" &&
        std::find(senders.begin(), senders.end(), sender) == senders.end()) {
      senders.push_back(sender);
    }
    parsed.push_back(std::move(p));
  }
  Conversation c;
  c.platform = "signal";
  c.thread_id = to_nfc(chat_name(path));
  c.title = c.thread_id;
  c.source_path = path;
  for (const std::string& s : senders) {
    const std::string name = s == "Me" ? self : to_nfc(s);
    c.participants.push_back({name, "", s == "Me" || name == self});
  }
  c.is_group = c.participants.size() > 2;
  if (parsed.empty()) {
    context.sink.warning(path, "no messages in this chat file");
    context.announce(c);
    return;
  }
  emit_conversation(context, c, path, parsed);
}

void import_sigtop_json(ImportContext& context, const std::string& path,
                        const std::map<std::string, std::string>& media) {
  const PlainBytes bytes = context.files.read(path, kMaxChatBytes);
  const meta::JsonFile file(path, text_of(bytes));
  const auto array = as_array(file.root());
  if (!array) {
    throw Error(ErrorCode::bad_input, path + ": byte 0: not a JSON array",
                "sigtop export-messages -f json writes an array of messages");
  }
  SigtopChat chat;
  const std::string stem = chat_name(path);
  chat.title = to_nfc(split_detail(stem, &chat.title_id));
  chat.is_group = chat.title_id == "group";
  chat.self = self_name(context, "You");
  chat.media = &media;
  chat.media_folder = stem;
  std::set<std::string> group_senders;
  for (const element item : *array) {
    const auto obj = as_object(item);
    if (!obj) continue;
    if (chat.conversation_id.empty()) chat.conversation_id = string_at(*obj, "conversationId");
    const std::string type = string_at(*obj, "type");
    if (type == "group-v2-change" || type == "group-v1-migration" ||
        member(*obj, "groupV2Change")) {
      chat.is_group = true;
    }
    if (type == "incoming") group_senders.insert(sender_id_of(*obj));
  }
  if (group_senders.size() > 1) chat.is_group = true;
  if (chat.conversation_id.empty()) chat.conversation_id = to_nfc(stem);

  meta::SpanScanner scan(file.text(), path);
  scan.enter();
  std::vector<Parsed> parsed;
  std::vector<std::string> senders;
  for (const element item : *array) {
    scan.next_element();
    const auto [begin, end] = scan.skip();
    const auto obj = as_object(item);
    Parsed p;
    if (obj) {
      p = read_sigtop_message(*obj, chat);
    } else {
      p.problems.emplace_back("not an object");
    }
    p.offset = file.file_offset(begin);
    p.message.raw = std::string(file.text().substr(begin, end - begin));
    p.message.raw_offset = p.offset;
    p.message.source_path = path;
    const Message& m = p.message;
    if (!m.sender.empty() && m.sender != chat.self &&
        std::find(senders.begin(), senders.end(), m.sender) == senders.end()) {
      senders.push_back(m.sender);
    }
    parsed.push_back(std::move(p));
  }
  Conversation c;
  c.platform = "signal";
  c.thread_id = chat.conversation_id;
  c.title = chat.title;
  c.is_group = chat.is_group;
  c.source_path = path;
  c.participants.push_back({chat.self, "", true});
  if (!chat.is_group) {
    c.participants.push_back({chat.title, chat.title_id, false});
  } else {
    for (const std::string& s : senders) c.participants.push_back({s, "", false});
  }
  if (chat.is_group && !senders.empty()) {
    context.sink.warning(path,
                         "a group chat: sigtop's JSON has no names, so members are named by "
                         "their phone number or Signal id (its text output has the names)");
  }
  emit_conversation(context, c, path, parsed);
}

}  // namespace dmvault::formats::signal
