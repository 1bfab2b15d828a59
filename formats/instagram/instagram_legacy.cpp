// The single messages.json of Instagram exports made up to about 2020 (an array of threads with
// usernames, ISO-8601 times and CDN URLs for media), and the account's profile files. No real
// messages.json was found; the shape is what five independent parsers read (FORMAT.md).
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "instagram/instagram_internal.hpp"
#include "meta/meta_json_file.hpp"
#include "meta/meta_text.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace dmvault::formats::instagram {

namespace {

using meta::as_array;
using meta::as_object;
using meta::member;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::optional<std::string_view> string_member(object obj, std::string_view key) {
  const auto value = member(obj, key);
  return value ? meta::as_string(*value) : std::nullopt;
}

// The first http(s) URL anywhere in a value (animated_media_images nests it a few levels down).
std::optional<std::string> first_url(element value) {
  std::vector<element> queue = {value};
  for (std::size_t i = 0; i < queue.size() && i < 256; ++i) {
    const element v = queue[i];
    if (const auto s = meta::as_string(v)) {
      if (starts_with_ascii_ci(*s, "http://") || starts_with_ascii_ci(*s, "https://")) {
        return std::string(*s);
      }
    } else if (const auto obj = as_object(v)) {
      for (const auto field : *obj) queue.push_back(field.value);
    } else if (const auto list = as_array(v)) {
      for (const element item : *list) queue.push_back(item);
    }
  }
  return std::nullopt;
}

Message legacy_message(element value, std::string raw, const std::string& path,
                       std::vector<std::string>& problems) {
  Message m;
  m.source_path = path;
  m.raw = std::move(raw);
  const auto obj = as_object(value);
  if (!obj) {
    problems.emplace_back("the record is not a JSON object");
    return m;
  }
  const auto text_of = [&](std::string_view key) -> std::optional<std::string> {
    const auto s = string_member(*obj, key);
    if (!s) return std::nullopt;
    return to_nfc(*s);
  };
  if (auto sender = text_of("sender")) {
    m.sender = std::move(*sender);
    m.sender_id = m.sender;  // a username
  } else {
    problems.emplace_back("no sender");
  }
  if (const auto created = string_member(*obj, "created_at")) {
    if (const auto when = parse_iso8601(*created)) {
      m.timestamp_ms = when->utc_ms;
    } else {
      problems.emplace_back("created_at is not an ISO-8601 time");
    }
  } else {
    problems.emplace_back("no created_at");
  }
  m.text = text_of("text").value_or("");
  bool call = false;
  Share share;
  bool shared = false;
  for (const auto field : *obj) {
    const std::string_view key = field.key;
    const auto s = meta::as_string(field.value);
    if (key == "heart" && s && m.text.empty()) {
      m.text = to_nfc(*s);
    } else if (key == "media" || key == "media_url") {
      if (const auto url = first_url(field.value)) {
        m.attachments.push_back({AttachmentKind::photo, *url, std::string(base_name(*url)), {}});
      }
    } else if (key == "voice_media") {
      if (const auto url = first_url(field.value)) {
        m.attachments.push_back({AttachmentKind::audio, *url, std::string(base_name(*url)), {}});
      }
    } else if (key == "animated_media_images") {
      if (const auto url = first_url(field.value)) {
        m.attachments.push_back({AttachmentKind::gif, *url, std::string(base_name(*url)), {}});
      }
    } else if (key == "media_share_url" && s) {
      share.link = std::string(*s);
      shared = true;
    } else if (key == "media_share_caption" && s) {
      share.text = to_nfc(*s);
      shared = true;
    } else if (key == "media_owner" && s) {
      share.owner = to_nfc(*s);
      shared = true;
    } else if (key == "story_share" && s) {
      if (share.text.empty()) share.text = to_nfc(*s);
      shared = true;
    } else if (key == "link" && s) {
      if (share.link.empty()) share.link = std::string(*s);
      shared = true;
    } else if ((key == "profile_share_username" || key == "mentioned_username") && s) {
      if (share.owner.empty()) share.owner = to_nfc(*s);
      shared = true;
    } else if (key == "profile_share_name" && s) {
      if (share.text.empty()) share.text = to_nfc(*s);
      shared = true;
    } else if (key == "video_call_action") {
      call = true;
      if (s && m.text.empty()) m.text = to_nfc(*s);
    } else if (key == "likes") {
      const auto list = as_array(field.value);
      if (!list) continue;
      for (const element like : *list) {
        const auto l = as_object(like);
        if (!l) continue;
        Reaction r;
        r.actor = to_nfc(string_member(*l, "username").value_or(""));
        r.reaction = "like";
        if (const auto date = string_member(*l, "date")) {
          if (const auto when = parse_iso8601(*date)) r.timestamp_ms = when->utc_ms;
        }
        m.reactions.push_back(std::move(r));
      }
    }
  }
  if (shared) m.share = std::move(share);
  if (call) {
    m.kind = MessageKind::call;
  } else if (m.share) {
    m.kind = MessageKind::share;
  } else if (!m.attachments.empty()) {
    m.kind = MessageKind::media;
  } else {
    m.kind = MessageKind::text;
  }
  return m;
}

}  // namespace

bool looks_like_legacy_messages(std::string_view bytes) {
  try {
    const meta::JsonFile file("messages.json", bytes);
    array threads;
    if (file.root().get_array().get(threads) != simdjson::SUCCESS) return false;
    for (const element thread : threads) {
      const auto obj = as_object(thread);
      if (!obj) return false;
      const auto conversation = member(*obj, "conversation");
      return conversation && conversation->is_array();
    }
    return false;
  } catch (const Error&) {
    return false;
  }
}

void import_legacy_file(ImportContext& context, const std::string& path) {
  const PlainBytes bytes = context.files.read(path);
  const meta::JsonFile file(path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  array threads;
  if (file.root().get_array().get(threads) != simdjson::SUCCESS) {
    context.sink.warning(path, "ignored: not a list of conversations (pre-2020 messages.json)");
    return;
  }
  std::map<std::string, int> used_ids;
  meta::SpanScanner scan(file.text(), path);
  scan.enter();
  std::size_t thread_index = 0;
  for (const element thread : threads) {
    ++thread_index;
    if (!scan.next_element()) break;
    const auto obj = as_object(thread);
    if (!obj) {
      scan.skip();
      context.sink.warning(
          path, "conversation " + std::to_string(thread_index) + " is not a JSON object; ignored");
      continue;
    }
    // The messages come before or after the participants; hold their spans until the
    // conversation can be announced.
    std::vector<std::pair<element, std::pair<std::size_t, std::size_t>>> records;
    std::vector<std::string> participants;
    scan.enter();
    for (const auto field : *obj) {
      if (!scan.next_member()) break;
      const std::string_view key = field.key;
      if (key == "conversation" && field.value.is_array()) {
        scan.enter();
        const array items = *as_array(field.value);
        for (const element item : items) {
          if (!scan.next_element()) break;
          records.emplace_back(item, scan.skip());
        }
        scan.next_element();
        continue;
      }
      scan.skip();
      if (key == "participants") {
        if (const auto list = as_array(field.value)) {
          for (const element p : *list) {
            if (const auto s = meta::as_string(p)) participants.push_back(to_nfc(*s));
          }
        }
      }
    }
    scan.next_member();

    Conversation c;
    c.platform = std::string(kPlatform);
    c.source_path = path;
    std::vector<std::string> sorted = participants;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& name : sorted) {
      if (!c.thread_id.empty()) c.thread_id += ',';
      c.thread_id += name;
    }
    if (c.thread_id.empty()) c.thread_id = "conversation-" + std::to_string(thread_index);
    // Two group chats of the same people are two threads.
    if (const int seen = used_ids[c.thread_id]++; seen > 0) {
      c.thread_id += "#" + std::to_string(seen + 1);
    }
    for (const std::string& name : participants) {
      Participant p;
      p.name = name;
      p.platform_id = name;
      p.is_self = context.is_self(name);
      if (!p.is_self) {
        if (!c.title.empty()) c.title += ", ";
        c.title += name;
      }
      c.participants.push_back(std::move(p));
    }
    if (c.title.empty()) c.title = c.thread_id;
    c.is_group = participants.size() > 2;
    context.announce(c);

    std::vector<std::string> problems;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto [begin, end] = records[i].second;
      problems.clear();
      Message m = legacy_message(
          records[i].first, std::string(file.text().substr(begin, end - begin)), path, problems);
      if (!problems.empty()) {
        context.sink.warning(path, record_problem(i, file.file_offset(begin), problems));
      }
      context.sink.message(c.thread_id, std::move(m));
    }
  }
}

std::vector<std::string> read_profile_names(const ExportFiles& files,
                                            const std::vector<std::string>& profile_files) {
  std::vector<std::string> names;
  const auto add = [&](std::string name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  };
  for (const std::string& path : profile_files) {
    try {
      const PlainBytes bytes = files.read(path, std::uint64_t{16} << 20);
      const meta::JsonFile file(path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      const auto root = as_object(file.root());
      if (!root) continue;
      // 2020+: {"profile_user": [{"string_map_data": {"Name": {"value": ...}, ...}}]}
      if (const auto users = member(*root, "profile_user")) {
        if (const auto list = as_array(*users)) {
          for (const element user : *list) {
            const auto u = as_object(user);
            const auto map = u ? member(*u, "string_map_data") : std::nullopt;
            const auto m = map ? as_object(*map) : std::nullopt;
            if (!m) continue;
            for (const std::string_view key : {"Name", "Username"}) {
              const auto entry = member(*m, key);
              const auto e = entry ? as_object(*entry) : std::nullopt;
              if (const auto value = e ? string_member(*e, "value") : std::nullopt) {
                add(meta::repair_text(*value));
              }
            }
          }
        }
      }
      // Before 2020: profile.json {"username": ..., "name": ...}, plain UTF-8.
      for (const std::string_view key : {"name", "username"}) {
        if (const auto value = string_member(*root, key)) add(to_nfc(*value));
      }
    } catch (const Error&) {
      // A profile file is a hint for is_self; a damaged one is stored like any file and
      // simply not used.
    }
  }
  return names;
}

}  // namespace dmvault::formats::instagram
