#include "common/format_text.hpp"
#include "telegram/telegram_internal.hpp"

#include <algorithm>
#include <map>

namespace dmvault::formats::telegram {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// N of messages<N>.html (messages.html is page 1), or 0 when the name is not a message page.
std::uint64_t html_page_number(std::string_view name) {
  constexpr std::string_view kPrefix = "messages";
  constexpr std::string_view kSuffix = ".html";
  if (name.size() < kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return 0;
  }
  const std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.empty()) return 1;
  if (digits.size() > 9 || digits.front() == '0') return 0;
  std::uint64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n < 2 ? 0 : n;  // "messages1.html" is not a name the exporter uses
}

}  // namespace

Layout scan_layout(const std::vector<ExportFile>& files) {
  std::map<std::string, ExportDir> dirs;
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::string>>> pages;
  for (const ExportFile& f : files) {
    const std::size_t slash = f.path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : f.path.substr(0, slash + 1);
    const std::string_view name = std::string_view(f.path).substr(dir.size());
    if (name == "result.json") {
      ExportDir& d = dirs[dir];
      d.dir = dir;
      d.json_file = f.path;
    } else if (const std::uint64_t n = html_page_number(name); n != 0) {
      ExportDir& d = dirs[dir];
      d.dir = dir;
      pages[dir].emplace_back(n, f.path);
    }
  }
  Layout layout;
  for (auto& [dir, d] : dirs) {
    auto& list = pages[dir];
    std::sort(list.begin(), list.end());
    for (auto& page : list) d.html_files.push_back(std::move(page.second));
    layout.dirs.push_back(std::move(d));
  }
  return layout;
}

RepairedJson::RepairedJson(std::string_view bytes) : m_view(bytes) {
  if (bytes.find("\\x") == std::string_view::npos) return;
  m_text.reserve(bytes.size());
  bool in_string = false;
  std::size_t i = 0;
  while (i < bytes.size()) {
    const char c = bytes[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      m_text.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = false;
      m_text.push_back(c);
      ++i;
    } else if (c == '\\' && i + 1 < bytes.size()) {
      if (bytes[i + 1] == 'x' && i + 3 < bytes.size() && is_hex(bytes[i + 2]) &&
          is_hex(bytes[i + 3])) {
        m_starts.push_back(m_text.size());
        m_text.append("\\u00");
        m_text.push_back(bytes[i + 2]);
        m_text.push_back(bytes[i + 3]);
        i += 4;
      } else {
        // Any other escape is left for the JSON parser to accept or refuse.
        m_text.push_back(c);
        m_text.push_back(bytes[i + 1]);
        i += 2;
      }
    } else {
      m_text.push_back(c);
      ++i;
    }
  }
  m_view = m_text;
}

std::size_t RepairedJson::original_offset(std::size_t offset) const {
  // Each repair made the text 2 bytes longer; an offset inside a repair maps to its start.
  const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
  const auto before = static_cast<std::size_t>(after - m_starts.begin());
  if (before == 0) return offset;
  const std::size_t last = m_starts[before - 1];
  if (offset < last + 6) return last - 2 * (before - 1);
  return offset - 2 * before;
}

bool is_skipped_file_note(std::string_view value) {
  // tdesktop writes "[<name> ](File not included. ...)", "(File exceeds maximum size. ...)",
  // "(File unavailable, please try again later)" and the same with "Photo" for pictures.
  if (value.empty() || value.back() != ')') return false;
  return value.find("(File ") != std::string_view::npos ||
         value.find("(Photo ") != std::string_view::npos;
}

bool looks_like_result_json(std::string_view bytes) {
  // A single-chat export starts with the chat ({"name", "type", "id", "messages"}), a whole
  // account export with {"about": ..., "personal_information" ...}; both carry message fields
  // soon after. A look at the start is enough to tell them from other apps' result.json files.
  const std::string_view head = bytes.substr(0, std::min<std::size_t>(bytes.size(), 1 << 16));
  const std::size_t start = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string_view::npos || head[start] != '{') return false;
  const bool has_messages = head.find("\"messages\"") != std::string_view::npos;
  const bool has_chats = head.find("\"chats\"") != std::string_view::npos ||
                         head.find("\"left_chats\"") != std::string_view::npos;
  const bool telegram_fields = head.find("\"date_unixtime\"") != std::string_view::npos ||
                               head.find("\"from_id\"") != std::string_view::npos ||
                               head.find("\"personal_chat\"") != std::string_view::npos ||
                               head.find("\"personal_information\"") != std::string_view::npos ||
                               head.find("\"text_entities\"") != std::string_view::npos;
  return (has_messages || has_chats) && telegram_fields;
}

bool looks_like_messages_html(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, std::min<std::size_t>(bytes.size(), 1 << 16));
  return head.find("class=\"page_wrap\"") != std::string_view::npos &&
         (head.find("class=\"message ") != std::string_view::npos ||
          head.find("class=\"history\"") != std::string_view::npos);
}

}  // namespace dmvault::formats::telegram
