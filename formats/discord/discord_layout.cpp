// Where the Discord inputs are in an export tree. The package's top folders are localised
// ("messages/", "Messages/", "Compte/"...), so its message folder is found by what it holds
// (channel folders c<id>/ with channel.json and messages.csv/json), never by its name.
#include "common/format_text.hpp"
#include "discord/discord_internal.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace dmvault::formats::discord {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "c123" (packages since about 2021-12) or "123" (before): the channel id, else "".
std::string channel_id_of(std::string_view folder) {
  if (!folder.empty() && folder.front() == 'c') folder.remove_prefix(1);
  return all_digits(folder) ? std::string(folder) : std::string();
}

struct Split {
  std::string parent;  // with its trailing '/', or ""
  std::string name;
};

Split split(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", std::string(path)};
  return {std::string(path.substr(0, slash + 1)), std::string(path.substr(slash + 1))};
}

bool ends_with_json(std::string_view path) {
  return ascii_lower(path.substr(path.size() - 5)) == ".json";
}

}  // namespace

Layout scan_layout(const std::vector<ExportFile>& files) {
  std::map<std::string, PackageChannel> channels;  // by dir
  for (const ExportFile& f : files) {
    const Split file = split(f.path);
    if (file.name != "channel.json" && file.name != "messages.csv" &&
        file.name != "messages.json") {
      continue;
    }
    if (file.parent.empty()) continue;
    const Split folder = split(std::string_view(file.parent).substr(0, file.parent.size() - 1));
    const std::string id = channel_id_of(folder.name);
    // A channel folder always sits inside the message folder, never at the root.
    if (id.empty() || folder.parent.empty()) continue;
    PackageChannel& c = channels[file.parent];
    c.dir = file.parent;
    c.id = id;
    if (file.name == "channel.json") {
      c.channel_file = f.path;
    } else if (file.name == "messages.csv") {
      // A folder with both (never seen) is read from the CSV, the older and longer-lived form.
      c.messages_file = f.path;
      c.csv = true;
    } else if (c.messages_file.empty()) {
      c.messages_file = f.path;
    }
  }
  std::map<std::string, Package> packages;  // by messages_dir
  for (auto& [dir, channel] : channels) {
    if (channel.messages_file.empty()) continue;  // a channel.json alone holds no messages
    const std::string messages_dir = split(dir.substr(0, dir.size() - 1)).parent;
    Package& p = packages[messages_dir];
    p.messages_dir = messages_dir;
    p.channels.push_back(std::move(channel));
  }
  Layout layout;
  std::vector<std::string> prefixes;
  for (auto& [dir, package] : packages) {
    const std::string prefix = split(dir.substr(0, dir.size() - 1)).parent;
    prefixes.push_back(prefix);
    for (const ExportFile& f : files) {
      if (f.path == dir + "index.json") package.index_file = f.path;
      const Split file = split(f.path);
      if (file.name != "user.json" || file.parent == dir) continue;
      // "<prefix><account folder>/user.json": one level below the package's top.
      if (file.parent.size() > prefix.size() && file.parent.rfind(prefix, 0) == 0 &&
          file.parent.find('/', prefix.size()) == file.parent.size() - 1) {
        package.user_candidates.push_back(f.path);
      }
    }
    std::sort(package.user_candidates.begin(), package.user_candidates.end());
    layout.packages.push_back(std::move(package));
  }
  for (const ExportFile& f : files) {
    if (f.path.size() < 5 || !ends_with_json(f.path)) continue;
    const bool in_package = std::any_of(prefixes.begin(), prefixes.end(),
                                        [&](const auto& p) { return f.path.rfind(p, 0) == 0; });
    if (!in_package) layout.dce_files.push_back(f.path);
  }
  std::sort(layout.dce_files.begin(), layout.dce_files.end());
  return layout;
}

bool dce_file_name(std::string_view path) {
  const std::string_view name = base_name(path);
  return name.size() > 6 && name.substr(name.size() - 6) == "].json" &&
         name.find(" [") != std::string_view::npos;
}

bool looks_like_dce(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  const auto skip_space = [&] {
    while (!bytes.empty() && (bytes.front() == ' ' || bytes.front() == '\n' ||
                              bytes.front() == '\r' || bytes.front() == '\t')) {
      bytes.remove_prefix(1);
    }
  };
  skip_space();
  if (bytes.empty() || bytes.front() != '{') return false;
  bytes.remove_prefix(1);
  skip_space();
  // DiscordChatExporter always writes "guild" first, then "channel", "dateRange", "exportedAt"
  // and "messages".
  if (bytes.substr(0, 7) != "\"guild\"") return false;
  const std::string_view head = bytes.substr(0, 4096);
  return head.find("\"channel\"") != std::string_view::npos;
}

std::optional<std::int64_t> snowflake_ms(std::string_view id) {
  if (!all_digits(id)) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : id) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  constexpr std::int64_t kDiscordEpochMs = 1420070400000;
  return static_cast<std::int64_t>(value >> 22) + kDiscordEpochMs;
}

AttachmentKind kind_from_name(std::string_view name) {
  const std::string_view base = base_name(name);
  const std::size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return AttachmentKind::file;
  const std::string ext = ascii_lower(base.substr(dot + 1));
  if (ext == "gif") return AttachmentKind::gif;
  if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "webp" || ext == "bmp" ||
      ext == "heic" || ext == "avif") {
    return AttachmentKind::photo;
  }
  if (ext == "mp4" || ext == "mov" || ext == "webm" || ext == "mkv" || ext == "avi" ||
      ext == "m4v") {
    return AttachmentKind::video;
  }
  if (ext == "mp3" || ext == "ogg" || ext == "wav" || ext == "m4a" || ext == "flac" ||
      ext == "opus" || ext == "aac") {
    return AttachmentKind::audio;
  }
  return AttachmentKind::file;
}

}  // namespace dmvault::formats::discord
