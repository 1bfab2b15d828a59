#include "formats/memory_export.hpp"

#include "dmvault/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace dmvault::test {

MemoryExport MemoryExport::from_directory(const std::filesystem::path& dir) {
  MemoryExport out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + entry.path().string());
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out.add(std::filesystem::relative(entry.path(), dir).generic_string(), std::move(bytes));
  }
  return out;
}

void MemoryExport::add(const std::string& path, std::string bytes) {
  m_files[path] = std::move(bytes);
  relist();
}

void MemoryExport::remove(const std::string& path) {
  m_files.erase(path);
  relist();
}

void MemoryExport::relist() {
  m_list.clear();
  for (const auto& [path, bytes] : m_files) m_list.push_back({path, bytes.size()});
}

PlainBytes MemoryExport::read(const std::string& path, std::uint64_t max_bytes) const {
  ++m_reads;
  const auto it = m_files.find(path);
  if (it == m_files.end()) {
    throw Error(ErrorCode::bad_input, path + ": no such file in the export");
  }
  if (it->second.size() > max_bytes) {
    throw Error(ErrorCode::bad_input,
                path + ": larger than the " + std::to_string(max_bytes) + " bytes allowed");
  }
  PlainBytes out(it->second.size());
  if (!it->second.empty()) std::memcpy(out.data(), it->second.data(), it->second.size());
  return out;
}

void MemoryExport::read_stream(
    const std::string& path, const std::function<bool(std::span<const std::uint8_t>)>& sink) const {
  ++m_reads;
  const auto it = m_files.find(path);
  if (it == m_files.end()) {
    throw Error(ErrorCode::bad_input, path + ": no such file in the export");
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(it->second.data());
  for (std::size_t at = 0; at < it->second.size(); at += m_piece) {
    if (!sink(std::span(data + at, std::min(m_piece, it->second.size() - at)))) return;
  }
}

void RecordingSink::conversation(const Conversation& conversation) {
  if (std::find(m_announced.begin(), m_announced.end(), conversation.thread_id) !=
      m_announced.end()) {
    m_violations.push_back("conversation " + conversation.thread_id + " announced twice");
  }
  m_announced.push_back(conversation.thread_id);
  m_records.emplace_back(conversation);
}

void RecordingSink::message(const std::string& thread_id, Message message) {
  if (std::find(m_announced.begin(), m_announced.end(), thread_id) == m_announced.end()) {
    m_violations.push_back("message for " + thread_id + " before its conversation");
  }
  m_records.emplace_back(MessageRecord{thread_id, std::move(message)});
}

void RecordingSink::warning(const std::string& path, const std::string& what) {
  m_records.emplace_back(WarningRecord{path, what});
}

std::vector<Conversation> RecordingSink::conversations() const {
  std::vector<Conversation> out;
  for (const Record& r : m_records) {
    if (const auto* c = std::get_if<Conversation>(&r)) out.push_back(*c);
  }
  return out;
}

std::vector<MessageRecord> RecordingSink::messages() const {
  std::vector<MessageRecord> out;
  for (const Record& r : m_records) {
    if (const auto* m = std::get_if<MessageRecord>(&r)) out.push_back(*m);
  }
  return out;
}

std::vector<WarningRecord> RecordingSink::warnings() const {
  std::vector<WarningRecord> out;
  for (const Record& r : m_records) {
    if (const auto* w = std::get_if<WarningRecord>(&r)) out.push_back(*w);
  }
  return out;
}

std::string meta_escaped(std::string_view utf8) {
  std::string out;
  for (const char ch : utf8) {
    const auto b = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (b >= 0x80 || b < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", b);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace dmvault::test
