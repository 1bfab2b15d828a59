#include "meta/meta_layout.hpp"

#include "dmvault/error.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>
#include <tuple>

namespace dmvault::formats::meta {

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

MetaRoot root_of(std::string_view component) {
  if (component == "your_instagram_activity") return MetaRoot::instagram;
  if (is_facebook_root(component)) return MetaRoot::facebook;
  return MetaRoot::bare;
}

// Sections only Facebook's exporter writes (msgvault's discover.go; Instagram exports show
// inbox/, message_requests/ and cross-app-inbox/ only).
bool is_messenger_only_section(std::string_view section) {
  return section == "archived_threads" || section == "filtered_threads" ||
         section == "e2ee_cutover";
}

bool has_upper(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

bool is_facebook_root(std::string_view component) {
  return component == "your_facebook_activity" || component == "your_activity_across_facebook";
}

bool parse_message_file_name(std::string_view name, std::uint64_t& number, bool& html) {
  // Facebook's 2018-19 exports hold one file per thread, without a part number.
  if (name == "message.json" || name == "message.html") {
    number = 0;
    html = name.ends_with(".html");
    return true;
  }
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

std::vector<ThreadGroup> find_thread_groups(const std::vector<ExportFile>& files) {
  std::map<std::string, ThreadGroup> groups;  // by folder path
  for (const ExportFile& file : files) {
    const std::vector<std::string_view> parts = split_path(file.path);
    std::uint64_t number = 0;
    bool html = false;
    if (parts.size() < 3 || !parse_message_file_name(parts.back(), number, html)) continue;
    // <root>messages/<section>/<thread>/file, or <root>messages/<thread>/file (Facebook's early
    // 2018 exports had no sections).
    std::size_t messages = parts.size() - 3;
    bool sectioned = false;
    if (parts.size() >= 4 && parts[parts.size() - 4] == "messages") {
      messages = parts.size() - 4;
      sectioned = true;
    } else if (parts[messages] != "messages") {
      continue;
    }
    const std::string dir = join(parts, 0, parts.size() - 1);
    auto [it, inserted] = groups.try_emplace(dir.substr(0, dir.size() - 1));
    ThreadGroup& group = it->second;
    if (inserted) {
      group.thread_id = std::string(parts[parts.size() - 2]);
      group.section = sectioned ? std::string(parts[messages + 1]) : std::string();
      group.dir = it->first;
      group.root = messages > 0 ? root_of(parts[messages - 1]) : MetaRoot::bare;
      group.export_root = join(parts, 0, group.root == MetaRoot::bare ? messages : messages - 1);
    }
    (html ? group.html_files : group.json_files).push_back({file.path, number});
  }
  const auto by_number = [](const ThreadFile& a, const ThreadFile& b) {
    return std::tie(a.number, a.path) < std::tie(b.number, b.path);
  };
  std::vector<ThreadGroup> out;
  for (auto& [dir, group] : groups) {
    std::sort(group.json_files.begin(), group.json_files.end(), by_number);
    std::sort(group.html_files.begin(), group.html_files.end(), by_number);
    out.push_back(std::move(group));
  }
  std::sort(out.begin(), out.end(), [](const ThreadGroup& a, const ThreadGroup& b) {
    return std::tie(a.thread_id, a.dir) < std::tie(b.thread_id, b.dir);
  });
  return out;
}

PlatformEvidence path_evidence(const std::vector<ExportFile>& files,
                               const std::vector<ThreadGroup>& threads) {
  PlatformEvidence e;
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    for (const std::string_view part : split_path(path)) {
      if (part == "your_instagram_activity") e.instagram = true;
      if (is_facebook_root(part)) e.facebook = true;
    }
    if (path.ends_with("personal_information/personal_information.json") ||
        path.find("followers_and_following/") != std::string_view::npos) {
      e.instagram = true;
    }
    if (path.find("messages/stickers_used/") != std::string_view::npos ||
        path.ends_with("profile_information/profile_information.json")) {
      e.facebook = true;
    }
  }
  for (const ThreadGroup& t : threads) {
    if (t.root != MetaRoot::bare) continue;
    // Facebook's 2018-20 folders are <NameNoSpaces>_<10 mixed-case characters>; Instagram's
    // are a lowercase username or slug and a lowercase or numeric suffix in every era.
    if (is_messenger_only_section(t.section) || has_upper(t.thread_id)) e.facebook = true;
    // Unnumbered message.json / message.html and section-less threads are Facebook's 2018-19
    // layouts (Instagram then wrote one messages.json).
    if (t.section.empty()) e.facebook = true;
    for (const auto* list : {&t.json_files, &t.html_files}) {
      for (const ThreadFile& f : *list) {
        if (f.number == 0) e.facebook = true;
      }
    }
  }
  return e;
}

PlatformEvidence content_evidence(std::string_view bytes) {
  const auto has = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return bytes.find(n) != std::string_view::npos; });
  };
  // Media uris start with the export's root (a tree whose messages/ folder was unzipped alone
  // still says where it came from): the exporter's own words, as strong as a path.
  const bool instagram_uri = has({"\"your_instagram_activity/"});
  const bool facebook_uri = has({"\"your_facebook_activity/", "\"your_activity_across_facebook/"});
  // Stickers (messages/stickers_used/) and generic files are attachments only Facebook's
  // exporter writes.
  const bool facebook_structure = has({"\"sticker\":", "stickers_used", "\"files\":"});
  // Instagram shares link to its own posts, reels and stories; its group invites are ig.me. A
  // Facebook chat can share such links too, so they count only when nothing structural speaks.
  const bool instagram_links = has({"instagram.com/", "instagram.com\\/", "ig.me/j/"});

  PlatformEvidence e;
  e.facebook = facebook_uri || facebook_structure;
  e.instagram = instagram_uri || (instagram_links && !e.facebook);
  if (instagram_uri && !facebook_uri) e.facebook = false;  // Instagram's own paths win
  return e;
}

PlatformEvidence tree_evidence(const ExportFiles& files, const std::vector<ThreadGroup>& threads,
                               std::uint64_t max_read) {
  PlatformEvidence e = path_evidence(files.files(), threads);
  if (e.instagram || e.facebook) return e;
  const auto bare = std::find_if(threads.begin(), threads.end(), [](const ThreadGroup& t) {
    return t.root == MetaRoot::bare && !t.json_files.empty();
  });
  if (bare == threads.end()) return e;
  try {
    const PlainBytes bytes = files.read(bare->json_files.front().path, max_read);
    return content_evidence({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  } catch (const Error&) {
    return e;  // too large or unreadable: the paths are all there is
  }
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
  // Eras differ in the prefix before messages/ ("", your_instagram_activity/, Facebook's two
  // roots, and in Instagram's 2024 HTML the wrong your_activity_across_facebook/): try the
  // suffix from messages/ under each root, the thread's own first.
  const std::vector<std::string_view> parts = split_path(u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] != "messages") continue;
    const std::string suffix = join(parts, i, parts.size());
    const std::string tail = suffix.substr(0, suffix.size() - 1);
    if (thread.root == MetaRoot::facebook) {
      for (const char* root : {"your_facebook_activity/", "your_activity_across_facebook/"}) {
        candidates.push_back(thread.export_root + root + tail);
      }
      candidates.push_back(thread.export_root + tail);
    } else {
      candidates.push_back(thread.export_root + "your_instagram_activity/" + tail);
      candidates.push_back(thread.export_root + tail);
    }
    break;
  }
  // The section can differ too (a 2025 sample points photos at messages/cross-app-inbox/ while
  // the thread sits in inbox/; a thread archived after the export started keeps inbox/ uris):
  // look in the thread's own folder by kind folder and file name.
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

}  // namespace dmvault::formats::meta
