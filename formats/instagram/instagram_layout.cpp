#include "instagram/instagram_internal.hpp"

#include <algorithm>
#include <array>

namespace dmvault::formats::instagram {

Layout scan_layout(const std::vector<ExportFile>& files) {
  Layout layout;
  for (ThreadGroup& group : meta::find_thread_groups(files)) {
    // Facebook's message trees (same exporter, same file names) belong to another importer.
    if (group.root != meta::MetaRoot::facebook) layout.threads.push_back(std::move(group));
  }
  for (const ExportFile& file : files) {
    const std::string_view path = file.path;
    if (path.ends_with("personal_information/personal_information.json") ||
        path == "profile.json" || path.ends_with("/profile.json")) {
      layout.profile_files.push_back(file.path);
    }
    if (path == "messages.json" || path.ends_with("/messages.json")) {
      layout.legacy_files.push_back(file.path);
    }
  }
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

}  // namespace dmvault::formats::instagram
