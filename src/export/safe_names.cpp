#include "export/safe_names.hpp"

#include <cstdint>
#include <vector>

namespace dmvault::exporting {

namespace {

// Length of the valid UTF-8 sequence at `at`, or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t min = 0;
  std::uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
    code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
    code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
    code = lead & 0x07u;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// Cuts `text` to at most `max` bytes without splitting a character (text is valid UTF-8).
std::string cut(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// "photo.jpg" -> {"photo", ".jpg"}; a leading dot or a long "extension" is not one.
std::pair<std::string_view, std::string_view> split_extension(std::string_view name) {
  constexpr std::size_t kMaxExtension = 16;
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot > kMaxExtension) {
    return {name, {}};
  }
  return {name.substr(0, dot), name.substr(dot)};
}

std::string fit(std::string_view stem, std::string_view suffix, std::size_t max) {
  if (stem.size() + suffix.size() <= max) return std::string(stem) + std::string(suffix);
  if (suffix.size() >= max) return cut(std::string(stem) + std::string(suffix), max);
  return cut(stem, max - suffix.size()) + std::string(suffix);
}

std::vector<std::string_view> components_of(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t slash = path.find('/', begin);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view part = path.substr(begin, slash - begin);
    if (!part.empty() && part != ".") parts.push_back(part);
    begin = slash + 1;
  }
  return parts;
}

std::string joined(const std::string& folder, const std::string& name) {
  return folder.empty() ? name : folder + "/" + name;
}

}  // namespace

std::string safe_component(std::string_view name, std::size_t max_bytes) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t at = 0; at < name.size();) {
    const std::size_t length = utf8_length(name, at);
    if (length == 0) {
      out += '_';
      ++at;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[at]);
    if (length == 1 && (c < 0x20 || c == 0x7F || c == '/' || c == '\\')) {
      out += '_';
    } else if (length == 2 && c == 0xC2 && static_cast<unsigned char>(name[at + 1]) < 0xA0) {
      out += '_';  // C1 controls (U+0080..U+009F): terminals act on them too
    } else {
      out.append(name.substr(at, length));
    }
    at += length;
  }
  if (out.empty() || out == "." || out == "..") return "_";
  if (out.size() > max_bytes) {
    const auto [stem, extension] = split_extension(out);
    out = fit(stem, extension, max_bytes);
  }
  return out;
}

std::string conversation_stem(std::int64_t id, std::string_view title) {
  constexpr std::size_t kMaxTitle = 80;
  std::string stem = std::to_string(id);
  std::string safe = title.empty() ? std::string() : safe_component(title, kMaxTitle);
  // A title of dots would make "12-.." harmless but odd; keep names readable.
  if (!safe.empty() && safe != "_") stem += "-" + safe;
  return stem;
}

std::string PathAllocator::unique_in(Folder& folder, const std::string& safe) {
  std::string name = safe;
  if (folder.taken.contains(name)) {
    const auto [stem, extension] = split_extension(safe);
    for (std::uint64_t n = 2;; ++n) {
      name = fit(stem, " (" + std::to_string(n) + ")" + std::string(extension), m_max);
      if (!folder.taken.contains(name)) break;
    }
  }
  folder.taken.insert(name);
  return name;
}

std::string PathAllocator::descend(std::string_view raw_path, const std::string& safe_root,
                                   bool last_is_file, std::string* file_name) {
  std::vector<std::string_view> parts = components_of(raw_path);
  std::string_view last;
  if (last_is_file) {
    last = parts.empty() ? std::string_view("_") : parts.back();
    if (!parts.empty()) parts.pop_back();
  }
  std::string path = safe_root;
  for (const std::string_view raw : parts) {
    Folder& here = m_folders[path];
    auto found = here.subfolders.find(raw);
    if (found == here.subfolders.end()) {
      const std::string name = unique_in(here, safe_component(raw, m_max));
      found = here.subfolders.emplace(std::string(raw), name).first;
    }
    path = joined(path, found->second);
  }
  if (last_is_file) *file_name = std::string(last);
  return path;
}

std::string PathAllocator::file(std::string_view raw_path, const std::string& safe_root) {
  std::string raw_name;
  const std::string folder_path = descend(raw_path, safe_root, true, &raw_name);
  return file_in(folder_path, raw_name);
}

std::string PathAllocator::file_in(const std::string& safe_folder, std::string_view raw_name) {
  return joined(safe_folder, unique_in(m_folders[safe_folder], safe_component(raw_name, m_max)));
}

std::string PathAllocator::folder(std::string_view raw_path, const std::string& safe_root) {
  return descend(raw_path, safe_root, false, nullptr);
}

std::string PathAllocator::new_folder(const std::string& safe_parent, std::string_view raw_name) {
  const std::string path = file_in(safe_parent, raw_name);
  m_folders[path];
  return path;
}

}  // namespace dmvault::exporting
