#include "meta/meta_json.hpp"

#include "meta/meta_json_file.hpp"
#include "meta/meta_text.hpp"

#include <utility>

namespace dmvault::formats::meta {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// A repaired string; a problem is noted when the value has another type (null counts as absent).
std::optional<std::string> text_value(element value, std::string_view key,
                                      std::vector<std::string>& problems, std::string_view where) {
  if (value.is_null()) return std::nullopt;
  const auto text = as_string(value);
  if (!text) {
    problems.push_back(std::string(where) + std::string(key) + " is not a string");
    return std::nullopt;
  }
  return repair_text(*text);
}

std::optional<std::int64_t> number_value(element value, std::string_view key,
                                         std::vector<std::string>& problems,
                                         std::string_view where) {
  if (value.is_null()) return std::nullopt;
  const auto number = as_int64(value);
  if (!number) problems.push_back(std::string(where) + std::string(key) + " is not a number");
  return number;
}

std::optional<std::string> text_member(object obj, std::string_view key,
                                       std::vector<std::string>& problems, std::string_view where) {
  const auto value = member(obj, key);
  return value ? text_value(*value, key, problems, where) : std::nullopt;
}

std::optional<std::int64_t> number_member(object obj, std::string_view key,
                                          std::vector<std::string>& problems,
                                          std::string_view where) {
  const auto value = member(obj, key);
  return value ? number_value(*value, key, problems, where) : std::nullopt;
}

void read_media(element value, AttachmentKind kind, std::string_view key, MetaMessage& m) {
  const auto list = as_array(value);
  if (!list) {
    m.problems.push_back(std::string(key) + " is not an array");
    return;
  }
  std::size_t index = 0;
  for (const element item : *list) {
    const std::string where = std::string(key) + "[" + std::to_string(index++) + "].";
    const auto obj = as_object(item);
    if (!obj) {
      m.problems.push_back(where.substr(0, where.size() - 1) + " is not an object");
      continue;
    }
    MetaMedia media;
    media.kind = kind;
    // A uri is a path or URL, not text: it is not repaired (NFC could change a path's bytes).
    if (const auto uri = member(*obj, "uri")) {
      if (const auto s = as_string(*uri)) {
        media.uri = std::string(*s);
      } else {
        m.problems.push_back(where + "uri is not a string");
      }
    } else {
      m.problems.push_back(where + "uri is missing");
    }
    if (const auto created = number_member(*obj, "creation_timestamp", m.problems, where)) {
      media.created_ms = *created * 1000;
    }
    m.media.push_back(std::move(media));
  }
}

void read_share(element value, MetaMessage& m) {
  const auto obj = as_object(value);
  if (!obj) {
    m.problems.push_back("share is not an object");
    return;
  }
  Share share;
  if (const auto link = member(*obj, "link"); link && !link->is_null()) {
    if (const auto s = as_string(*link)) {
      share.link = std::string(*s);
    } else {
      m.problems.push_back("share.link is not a string");
    }
  }
  share.text = text_member(*obj, "share_text", m.problems, "share.").value_or("");
  share.owner = text_member(*obj, "original_content_owner", m.problems, "share.").value_or("");
  // A shared profile names its account in profile_share_* instead.
  if (share.owner.empty()) {
    share.owner = text_member(*obj, "profile_share_username", m.problems, "share.").value_or("");
  }
  if (share.text.empty()) {
    share.text = text_member(*obj, "profile_share_name", m.problems, "share.").value_or("");
  }
  m.share = std::move(share);
}

void read_reactions(element value, MetaMessage& m) {
  const auto list = as_array(value);
  if (!list) {
    m.problems.push_back("reactions is not an array");
    return;
  }
  std::size_t index = 0;
  for (const element item : *list) {
    const std::string where = "reactions[" + std::to_string(index++) + "].";
    const auto obj = as_object(item);
    if (!obj) {
      m.problems.push_back(where.substr(0, where.size() - 1) + " is not an object");
      continue;
    }
    Reaction r;
    r.reaction = text_member(*obj, "reaction", m.problems, where).value_or("");
    r.actor = text_member(*obj, "actor", m.problems, where).value_or("");
    if (const auto ts = number_member(*obj, "timestamp", m.problems, where)) {
      r.timestamp_ms = *ts * 1000;
    }
    m.reactions.push_back(std::move(r));
  }
}

void read_users(element value, MetaMessage& m) {
  const auto list = as_array(value);
  if (!list) {
    m.problems.push_back("users is not an array");
    return;
  }
  for (const element item : *list) {
    if (const auto obj = as_object(item)) {
      if (auto name = text_member(*obj, "name", m.problems, "users[].")) {
        m.users.push_back(std::move(*name));
      }
    }
  }
}

void read_flag(element value, std::string_view key, bool& out, MetaMessage& m) {
  if (value.is_null()) return;
  if (const auto b = as_bool(value)) {
    out = *b;
  } else {
    m.problems.push_back(std::string(key) + " is not a boolean");
  }
}

MetaMessage read_message(element value, std::string raw, std::size_t offset) {
  MetaMessage m;
  m.raw = std::move(raw);
  m.offset = offset;
  const auto obj = as_object(value);
  if (!obj) {
    m.problems.push_back("the record is not a JSON object");
    return m;
  }
  std::optional<std::int64_t> seconds;
  for (const auto field : *obj) {
    const std::string_view key = field.key;
    const element v = field.value;
    if (key == "sender_name") {
      m.sender_name = text_value(v, key, m.problems, "");
    } else if (key == "timestamp_ms") {
      m.timestamp_ms = number_value(v, key, m.problems, "");
    } else if (key == "timestamp") {
      seconds = number_value(v, key, m.problems, "");
    } else if (key == "content") {
      m.content = text_value(v, key, m.problems, "");
    } else if (key == "type") {
      if (const auto s = as_string(v)) {
        m.type = std::string(*s);
      } else {
        m.problems.push_back("type is not a string");
      }
    } else if (key == "is_unsent") {
      read_flag(v, key, m.is_unsent, m);
    } else if (key == "is_unsent_image_by_messenger_kid_parent") {
      read_flag(v, key, m.is_unsent_by_kid_parent, m);
    } else if (key == "photos") {
      read_media(v, AttachmentKind::photo, key, m);
    } else if (key == "videos") {
      read_media(v, AttachmentKind::video, key, m);
    } else if (key == "audio_files") {
      read_media(v, AttachmentKind::audio, key, m);
    } else if (key == "files") {
      read_media(v, AttachmentKind::file, key, m);
    } else if (key == "gifs") {
      read_media(v, AttachmentKind::gif, key, m);
    } else if (key == "sticker") {
      const auto sticker = as_object(v);
      const auto uri = sticker ? member(*sticker, "uri") : std::nullopt;
      const auto text = uri ? as_string(*uri) : std::nullopt;
      if (text) {
        m.media.push_back({AttachmentKind::sticker, std::string(*text), std::nullopt});
        m.has_sticker = true;
      } else if (!v.is_null()) {
        m.problems.push_back("sticker has no uri");
      }
    } else if (key == "share") {
      read_share(v, m);
    } else if (key == "reactions") {
      read_reactions(v, m);
    } else if (key == "call_duration") {
      m.call_duration_s = number_value(v, key, m.problems, "");
    } else if (key == "users") {
      read_users(v, m);
    }
    // Every other key (is_geoblocked_for_viewer, is_taken_down, bumped_message_metadata, ip,
    // missed, ...) stays in m.raw for later versions to read.
  }
  if (!m.timestamp_ms && seconds) m.timestamp_ms = *seconds * 1000;
  return m;
}

}  // namespace

MetaThread parse_thread_file(const std::string& path, std::string_view bytes) {
  const JsonFile file(path, bytes);
  MetaThread thread;
  const auto root = as_object(file.root());
  if (!root) return thread;
  SpanScanner scan(file.text(), path);
  scan.enter();
  for (const auto field : *root) {
    if (!scan.next_member()) break;
    const std::string_view key = field.key;
    const element value = field.value;
    if (key == "messages" && value.is_array()) {
      thread.has_messages = true;
      scan.enter();
      const array items = *as_array(value);
      for (const element item : items) {
        if (!scan.next_element()) break;
        const auto [begin, end] = scan.skip();
        thread.messages.push_back(read_message(
            item, std::string(file.text().substr(begin, end - begin)), file.file_offset(begin)));
      }
      scan.next_element();
      continue;
    }
    scan.skip();
    if (key == "participants") {
      const auto list = as_array(value);
      if (!list) {
        thread.problems.push_back("participants is not an array");
        continue;
      }
      for (const element item : *list) {
        // {"name": ...} in every era seen; a bare string is accepted too.
        std::optional<std::string> name;
        if (const auto obj = as_object(item)) {
          name = text_member(*obj, "name", thread.problems, "participants[].");
        } else if (const auto s = as_string(item)) {
          name = repair_text(*s);
        }
        if (name) thread.participants.push_back(std::move(*name));
      }
    } else if (key == "title") {
      if (const auto s = as_string(value)) thread.title = repair_text(*s);
    } else if (key == "is_still_participant") {
      thread.is_still_participant = as_bool(value);
    } else if (key == "thread_type") {
      thread.thread_type = std::string(as_string(value).value_or(""));
    } else if (key == "thread_path") {
      thread.thread_path = std::string(as_string(value).value_or(""));
    } else if (key == "joinable_mode") {
      thread.has_joinable_mode = value.is_object();
    } else if (key == "is_pending") {
      thread.is_pending = as_bool(value).value_or(false);
    }
  }
  return thread;
}

}  // namespace dmvault::formats::meta
