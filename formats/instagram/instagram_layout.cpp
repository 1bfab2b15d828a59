#include "common/format_text.hpp"
#include "instagram/instagram_internal.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace dmvault::formats::instagram {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string_view>& parts, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    out.append(parts[i]);
    out.push_back('/');
  }
  return out;
}

// N of "message_N.json" / "message_N.html", with the extension.
bool parse_message_file_name(std::string_view name, std::uint64_t& number, bool& html) {
  constexpr std::string_view kPrefix = "message_";
  if (!name.starts_with(kPrefix)) return false;
  name.remove_prefix(kPrefix.size());
  if (name.ends_with(".json")) {
    html = false;
    name.remove_suffix(5);
  } else if (name.ends_with(".html")) {
    html = true;
    name.remove_suffix(5);
  } else {
    return false;
  }
  if (name.empty() || name.size() > 9) return false;
  number = 0;
  for (const char c : name) {
    if (c < '0' || c > '9') return false;
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

bool is_facebook_root(std::string_view component) {
  return component == "your_facebook_activity" || component == "your_activity_across_facebook";
}

}  // namespace

Layout scan_layout(const std::vector<ExportFile>& files) {
  Layout layout;
  std::map<std::string, ThreadGroup> groups;  // by folder path
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    const std::vector<std::string_view> parts = split_path(path);
    for (const std::string_view part : parts) {
      if (part == "your_instagram_activity") layout.instagram_markers = true;
      if (is_facebook_root(part)) layout.facebook_markers = true;
    }
    if (path.ends_with("personal_information/personal_information.json")) {
      layout.instagram_markers = true;
      layout.profile_files.push_back(file.path);
    }
    if (path == "profile.json" || path.ends_with("/profile.json")) {
      layout.profile_files.push_back(file.path);
    }
    if (path.find("followers_and_following/") != std::string_view::npos) {
      layout.instagram_markers = true;
    }
    if (path.find("messages/stickers_used/") != std::string_view::npos ||
        path.ends_with("profile_information/profile_information.json")) {
      layout.facebook_markers = true;
    }
    const std::string_view name = parts.back();
    if (name == "messages.json") layout.legacy_files.push_back(file.path);

    std::uint64_t number = 0;
    bool html = false;
    if (parts.size() < 4 || !parse_message_file_name(name, number, html)) continue;
    const std::size_t messages = parts.size() - 4;
    if (parts[messages] != "messages") continue;
    // Facebook's message trees (same exporter, same file names) belong to another importer.
    if (messages > 0 && is_facebook_root(parts[messages - 1])) continue;
    const std::string dir = join(parts, 0, parts.size() - 1);
    auto [it, inserted] = groups.try_emplace(dir.substr(0, dir.size() - 1));
    ThreadGroup& group = it->second;
    if (inserted) {
      group.thread_id = std::string(parts[messages + 2]);
      group.section = std::string(parts[messages + 1]);
      group.dir = it->first;
      group.instagram_root = messages > 0 && parts[messages - 1] == "your_instagram_activity";
      group.export_root = join(parts, 0, group.instagram_root ? messages - 1 : messages);
    }
    (html ? group.html_files : group.json_files).push_back({file.path, number});
  }
  const auto by_number = [](const ThreadFile& a, const ThreadFile& b) {
    return std::tie(a.number, a.path) < std::tie(b.number, b.path);
  };
  for (auto& [dir, group] : groups) {
    std::sort(group.json_files.begin(), group.json_files.end(), by_number);
    std::sort(group.html_files.begin(), group.html_files.end(), by_number);
    layout.threads.push_back(std::move(group));
  }
  std::sort(layout.threads.begin(), layout.threads.end(),
            [](const ThreadGroup& a, const ThreadGroup& b) {
              return std::tie(a.thread_id, a.dir) < std::tie(b.thread_id, b.dir);
            });
  std::sort(layout.legacy_files.begin(), layout.legacy_files.end());
  std::sort(layout.profile_files.begin(), layout.profile_files.end());
  return layout;
}

bool has_legacy_siblings(const std::vector<ExportFile>& files, std::string_view messages_json) {
  const std::size_t slash = messages_json.rfind('/');
  const std::string_view dir =
      slash == std::string_view::npos ? std::string_view() : messages_json.substr(0, slash + 1);
  static constexpr std::array<std::string_view, 8> kSiblings = {
      "profile.json",  "media.json",    "connections.json", "likes.json",
      "comments.json", "settings.json", "searches.json",    "saved.json"};
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    if (!path.starts_with(dir)) continue;
    const std::string_view rest = path.substr(dir.size());
    if (rest.starts_with("direct/")) return true;
    if (std::find(kSiblings.begin(), kSiblings.end(), rest) != kSiblings.end()) return true;
  }
  return false;
}

std::string resolve_media(const ExportFiles& files, const ThreadGroup& thread,
                          std::string_view uri) {
  if (uri.find("://") != std::string_view::npos) return std::string(uri);  // never fetched
  std::string_view u = uri;
  while (u.starts_with("./")) u.remove_prefix(2);
  while (u.starts_with("/")) u.remove_prefix(1);
  if (u.empty()) return std::string(uri);
  std::vector<std::string> candidates;
  candidates.push_back(thread.export_root + std::string(u));
  candidates.emplace_back(u);
  // Eras differ in the prefix before messages/ ("", your_instagram_activity/, and in 2024 HTML
  // the wrong your_activity_across_facebook/): try the suffix from messages/ under each root.
  const std::vector<std::string_view> parts = split_path(u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] != "messages") continue;
    const std::string suffix = join(parts, i, parts.size());
    const std::string tail = suffix.substr(0, suffix.size() - 1);
    candidates.push_back(thread.export_root + "your_instagram_activity/" + tail);
    candidates.push_back(thread.export_root + tail);
    break;
  }
  // The section can differ too (a 2025 sample points photos at messages/cross-app-inbox/ while
  // the thread sits in inbox/): look in the thread's own folder by kind folder and file name.
  if (parts.size() >= 2) {
    candidates.push_back(thread.dir + "/" + std::string(parts[parts.size() - 2]) + "/" +
                         std::string(parts.back()));
  }
  candidates.push_back(thread.dir + "/" + std::string(parts.back()));
  for (const std::string& candidate : candidates) {
    if (files.exists(candidate)) return candidate;
  }
  return std::string(uri);
}

bool ImportContext::is_self(std::string_view name) const {
  return std::find(self_names.begin(), self_names.end(), name) != self_names.end();
}

bool ImportContext::announce(const Conversation& conversation) {
  if (!m_announced.insert(conversation.thread_id).second) return false;
  sink.conversation(conversation);
  return true;
}

const TimeZone& ImportContext::zone() {
  if (!m_zone) m_zone = TimeZone::load(options.timezone);
  return *m_zone;
}

std::string record_problem(std::size_t index, std::size_t offset,
                           const std::vector<std::string>& problems) {
  std::string out = "record " + std::to_string(index + 1) + " (byte " + std::to_string(offset) +
                    ") kept with what could be read: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i != 0) out += "; ";
    out += problems[i];
  }
  return out;
}

}  // namespace dmvault::formats::instagram
