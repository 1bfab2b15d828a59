// Names taken from a vault (export paths, attachment names, conversation titles) made safe to
// write: an export was made by someone else and may hold any bytes in its names, so nothing it
// says may reach outside the destination, name a device, hide a control sequence or collide.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace dmvault::exporting {

inline constexpr std::size_t kMaxComponentBytes = 255;  // NAME_MAX of Linux file systems

// One path component: control characters, '/' and '\' become '_', bytes that are not UTF-8
// become '_', "", "." and ".." become "_", and a name longer than `max_bytes` is cut at a
// character boundary keeping its extension. A name that is already safe is returned as is (so
// an export tree comes back byte-identical).
std::string safe_component(std::string_view name, std::size_t max_bytes = kMaxComponentBytes);

// A short, readable name for a conversation's files: "<id>-<title>" with the title made safe
// (spaces kept), cut to 80 bytes.
std::string conversation_stem(std::int64_t id, std::string_view title);

// Hands out unique safe paths inside one destination. Each raw folder of a path keeps the safe
// name it got first, so the files of one folder stay together; a name already taken in its
// folder (by a file or a folder) is renamed "name (2).jpg", "name (3).jpg" ...
class PathAllocator {
 public:
  explicit PathAllocator(std::size_t max_bytes = kMaxComponentBytes) : m_max(max_bytes) {}

  // The path for a file at `raw_path` ('/'-separated, from the vault; empty components and "."
  // are dropped, ".." is made safe, never followed), under `safe_root` (a folder path this
  // allocator returned, or "" for the destination's root).
  std::string file(std::string_view raw_path, const std::string& safe_root = "");
  // The same for a file named `raw_name` (one component: '/' in it is not a separator).
  std::string file_in(const std::string& safe_folder, std::string_view raw_name);
  // The safe path of the folder `raw_path` under `safe_root`; the same raw path always gives
  // the same folder.
  std::string folder(std::string_view raw_path, const std::string& safe_root = "");
  // A folder of its own named after `raw_name` in `safe_parent`, never shared with another
  // raw name (renamed "name (2)" when taken).
  std::string new_folder(const std::string& safe_parent, std::string_view raw_name);

 private:
  struct Folder {
    std::map<std::string, std::string, std::less<>> subfolders;  // raw name -> safe name
    std::set<std::string, std::less<>> taken;                    // safe names in use
  };
  std::string unique_in(Folder& folder, const std::string& safe);
  std::string descend(std::string_view raw_path, const std::string& safe_root, bool last_is_file,
                      std::string* file_name);

  std::size_t m_max;
  std::map<std::string, Folder, std::less<>> m_folders;  // by safe path; "" is the root
};

}  // namespace dmvault::exporting
