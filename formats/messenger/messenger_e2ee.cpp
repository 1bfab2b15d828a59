#include "messenger/messenger_e2ee.hpp"

#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_file.hpp"
#include "meta/meta_message.hpp"
#include "meta/meta_text.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <utility>

namespace dmvault::formats::messenger {

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// The literal the exporter writes in place of a file it could not fetch (reported).
constexpr std::string_view kFailedMedia = "Failed to download media";

std::string_view dir_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool is_dyi_path(std::string_view path) {
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) break;  // the file name itself
    const std::string_view part = path.substr(start, slash - start);
    if (part == "messages" || part == "your_instagram_activity" || meta::is_facebook_root(part)) {
      return true;
    }
    start = slash + 1;
  }
  return false;
}

// The kind of a media file, from its extension (the export does not say).
AttachmentKind kind_from_extension(std::string_view uri) {
  const std::size_t dot = uri.rfind('.');
  const std::string ext =
      dot == std::string_view::npos ? std::string() : ascii_lower(uri.substr(dot + 1));
  static constexpr std::array<std::string_view, 6> kPhotos = {"jpg",  "jpeg", "png",
                                                              "webp", "heic", "bmp"};
  static constexpr std::array<std::string_view, 5> kVideos = {"mp4", "mov", "webm", "m4v", "3gp"};
  static constexpr std::array<std::string_view, 7> kAudio = {"mp3", "ogg",  "wav", "m4a",
                                                             "aac", "opus", "amr"};
  const auto in = [&](const auto& list) {
    return std::find(list.begin(), list.end(), ext) != list.end();
  };
  if (ext == "gif") return AttachmentKind::gif;
  if (in(kPhotos)) return AttachmentKind::photo;
  if (in(kVideos)) return AttachmentKind::video;
  if (in(kAudio)) return AttachmentKind::audio;
  return AttachmentKind::file;
}

// "./media/x.jpeg" is relative to the thread file's folder; a user who moved the files may have
// flattened that, so the file name in the same folder is tried last.
std::string resolve_e2ee_media(const ExportFiles& files, std::string_view json_path,
                               std::string_view uri) {
  if (uri.find("://") != std::string_view::npos) return std::string(uri);
  std::string_view u = uri;
  while (u.starts_with("./")) u.remove_prefix(2);
  while (u.starts_with("/")) u.remove_prefix(1);
  if (u.empty() || u.find("..") != std::string_view::npos) return std::string(uri);
  const std::string dir(dir_of(json_path));
  const std::string prefix = dir.empty() ? std::string() : dir + "/";
  for (const std::string& candidate :
       {prefix + std::string(u), std::string(u), prefix + "media/" + std::string(base_name(u)),
        prefix + std::string(base_name(u))}) {
    if (files.exists(candidate)) return candidate;
  }
  return std::string(uri);
}

std::optional<std::string> repaired_string(object obj, std::string_view key) {
  const auto value = meta::member(obj, key);
  if (!value) return std::nullopt;
  const auto text = meta::as_string(*value);
  if (!text) return std::nullopt;
  return meta::repair_text(*text);
}

// "Sam K_12" -> "Sam K": the exporter appends _<N> to the name to keep files apart.
std::string title_from_thread_name(std::string_view name) {
  const std::size_t underscore = name.rfind('_');
  if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == name.size()) {
    return std::string(name);
  }
  const std::string_view digits = name.substr(underscore + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string(name);
  }
  return std::string(trim(name.substr(0, underscore)));
}

std::string first_url(std::string_view text) {
  for (const std::string_view scheme :
       {std::string_view("https://"), std::string_view("http://")}) {
    const std::size_t at = text.find(scheme);
    if (at == std::string_view::npos) continue;
    std::size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') ++end;
    return std::string(text.substr(at, end - at));
  }
  return {};
}

Message read_e2ee_message(const meta::ImportContext& context, const std::string& path,
                          element value, std::string raw, std::vector<std::string>& problems) {
  Message m;
  m.source_path = path;
  m.raw = std::move(raw);
  const auto obj = meta::as_object(value);
  if (!obj) {
    problems.emplace_back("the record is not a JSON object");
    return m;
  }
  if (auto sender = repaired_string(*obj, "senderName")) {
    m.sender = std::move(*sender);
  } else {
    problems.emplace_back("no senderName");
  }
  if (const auto ts = meta::member(*obj, "timestamp"); ts && meta::as_int64(*ts)) {
    m.timestamp_ms = *meta::as_int64(*ts);
  } else {
    problems.emplace_back("no timestamp");
  }
  if (auto text = repaired_string(*obj, "text")) m.text = std::move(*text);
  std::string type;
  if (const auto t = meta::member(*obj, "type"))
    type = std::string(meta::as_string(*t).value_or(""));
  bool unsent = false;
  if (const auto u = meta::member(*obj, "isUnsent")) unsent = meta::as_bool(*u).value_or(false);
  if (const auto media = meta::member(*obj, "media"); media && !media->is_null()) {
    if (const auto list = meta::as_array(*media)) {
      for (const element item : *list) {
        const auto entry = meta::as_object(item);
        const auto uri = entry ? meta::member(*entry, "uri") : std::nullopt;
        const auto text = uri ? meta::as_string(*uri) : std::nullopt;
        if (!text) {
          problems.emplace_back("a media entry without a uri");
          continue;
        }
        Attachment a;
        if (*text == kFailedMedia) {
          // Kept as a missing attachment: the message had one, the export lacks its file.
          problems.emplace_back("a media file the exporter failed to download");
          m.attachments.push_back(std::move(a));
          continue;
        }
        a.kind = kind_from_extension(*text);
        a.name = meta::attachment_name(*text);
        a.uri = resolve_e2ee_media(context.files, path, *text);
        m.attachments.push_back(std::move(a));
      }
    } else {
      problems.emplace_back("media is not an array");
    }
  }
  if (const auto reactions = meta::member(*obj, "reactions"); reactions && !reactions->is_null()) {
    if (const auto list = meta::as_array(*reactions)) {
      for (const element item : *list) {
        const auto entry = meta::as_object(item);
        if (!entry) {
          problems.emplace_back("a reaction is not an object");
          continue;
        }
        Reaction r;
        r.actor = repaired_string(*entry, "actor").value_or("");
        r.reaction = repaired_string(*entry, "reaction").value_or("");
        if (const auto ts = meta::member(*entry, "timestamp")) r.timestamp_ms = meta::as_int64(*ts);
        m.reactions.push_back(std::move(r));
      }
    } else {
      problems.emplace_back("reactions is not an array");
    }
  }
  m.edited = meta::marked_edited(m.text);
  if (unsent) {
    m.kind = MessageKind::unsent;
  } else if (!m.attachments.empty()) {
    m.kind = MessageKind::media;
  } else if (type == "link" && !first_url(m.text).empty()) {
    m.kind = MessageKind::share;
    m.share = Share{first_url(m.text), {}, {}};
  } else if (type == "placeholder") {
    m.kind = MessageKind::system;  // a notice standing in for content the export lacks
  } else if (const auto notice = meta::notice_kind(m.text)) {
    m.kind = *notice;
  } else {
    m.kind = MessageKind::text;
  }
  return m;
}

}  // namespace

std::vector<std::string> e2ee_candidates(const std::vector<ExportFile>& files) {
  // Folders that have a media/ folder, as "" (the top) or "some/dir/".
  std::set<std::string, std::less<>> with_media;
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    for (std::size_t at = path.find("media/"); at != std::string_view::npos;
         at = path.find("media/", at + 1)) {
      if (at == 0 || path[at - 1] == '/') with_media.emplace(path.substr(0, at));
    }
  }
  std::vector<std::pair<bool, std::string>> found;  // (no media/ beside it, path)
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    if (!path.ends_with(".json") || is_dyi_path(path)) continue;
    std::uint64_t number = 0;
    bool html = false;
    if (meta::parse_message_file_name(base_name(path), number, html)) continue;
    const std::string_view dir = dir_of(path);
    const std::string prefix = dir.empty() ? std::string() : std::string(dir) + "/";
    found.emplace_back(with_media.count(prefix) == 0, file.path);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  out.reserve(found.size());
  for (auto& [no_media, path] : found) out.push_back(std::move(path));
  return out;
}

bool looks_like_e2ee_thread(std::string_view bytes) {
  if (bytes.find("\"threadName\"") == std::string_view::npos) return false;
  try {
    const meta::JsonFile file("", bytes);
    const auto root = meta::as_object(file.root());
    if (!root) return false;
    const auto name = meta::member(*root, "threadName");
    const auto participants = meta::member(*root, "participants");
    const auto messages = meta::member(*root, "messages");
    return name && name->is_string() && participants && participants->is_array() && messages &&
           messages->is_array();
  } catch (const Error&) {
    return false;
  }
}

bool import_e2ee_file(meta::ImportContext& context, const std::string& path) {
  const PlainBytes bytes = context.files.read(path);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("\"threadName\"") == std::string_view::npos) return false;
  const meta::JsonFile file(path, text);
  const auto root = meta::as_object(file.root());
  if (!root) return false;
  const auto name_value = meta::member(*root, "threadName");
  const auto messages_value = meta::member(*root, "messages");
  if (!name_value || !name_value->is_string() || !messages_value || !messages_value->is_array()) {
    return false;
  }
  Conversation c;
  c.platform = context.platform;
  const std::string thread_name = meta::repair_text(*meta::as_string(*name_value));
  c.thread_id = thread_name.empty() ? std::string(base_name(path)) : thread_name;
  c.title = title_from_thread_name(thread_name);
  c.source_path = path;
  if (const auto participants = meta::member(*root, "participants")) {
    if (const auto list = meta::as_array(*participants)) {
      for (const element item : *list) {
        // Plain strings in the format; {"name": ...} objects are accepted too.
        std::optional<std::string> name;
        if (const auto s = meta::as_string(item)) {
          name = meta::repair_text(*s);
        } else if (const auto obj = meta::as_object(item)) {
          name = repaired_string(*obj, "name");
        }
        if (!name) {
          context.sink.warning(path, "thread header: a participant is not a name");
          continue;
        }
        Participant p;
        p.is_self = context.is_self(*name);
        p.name = std::move(*name);
        c.participants.push_back(std::move(p));
      }
    } else {
      context.sink.warning(path, "thread header: participants is not an array");
    }
  }
  if (c.title.empty()) c.title = c.thread_id;
  c.is_group = c.participants.size() > 2;
  if (!context.announce(c)) {
    context.sink.warning(path,
                         "a second file for an end-to-end-encrypted thread already imported; its "
                         "messages are added to that thread");
  }

  meta::SpanScanner scan(file.text(), path);
  scan.enter();
  for (const auto field : *root) {
    if (!scan.next_member()) break;
    if (field.key != "messages") {
      scan.skip();
      continue;
    }
    scan.enter();
    std::size_t index = 0;
    std::vector<std::string> problems;
    const simdjson::dom::array items = *meta::as_array(field.value);
    for (const element item : items) {
      if (!scan.next_element()) break;
      const auto [begin, end] = scan.skip();
      problems.clear();
      Message m = read_e2ee_message(context, path, item,
                                    std::string(file.text().substr(begin, end - begin)), problems);
      if (!problems.empty()) {
        context.sink.warning(path, meta::record_problem(index, file.file_offset(begin), problems));
      }
      context.sink.message(c.thread_id, std::move(m));
      ++index;
    }
    scan.next_element();
  }
  return true;
}

}  // namespace dmvault::formats::messenger
