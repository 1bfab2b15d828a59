// Test doubles for importers: an export held in memory (path -> bytes), loadable from a folder
// of tests/data, and a sink that records what an importer emits and checks the ordering
// contract of importer.hpp as it goes.
#pragma once

#include "dmvault/importer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dmvault::test {

class MemoryExport final : public ExportFiles {
 public:
  MemoryExport() = default;
  // Every regular file under `dir`, with paths relative to it.
  static MemoryExport from_directory(const std::filesystem::path& dir);

  void add(const std::string& path, std::string bytes);
  void remove(const std::string& path);
  const std::string& bytes(const std::string& path) const { return m_files.at(path); }
  std::size_t reads() const { return m_reads; }
  // Size of the pieces read_stream() hands out (1 makes every token straddle two pieces).
  void set_stream_piece(std::size_t bytes) { m_piece = bytes == 0 ? 1 : bytes; }

  const std::vector<ExportFile>& files() const override { return m_list; }
  bool exists(const std::string& path) const override { return m_files.count(path) != 0; }
  PlainBytes read(const std::string& path, std::uint64_t max_bytes) const override;
  void read_stream(const std::string& path,
                   const std::function<bool(std::span<const std::uint8_t>)>& sink) const override;

 private:
  void relist();

  std::map<std::string, std::string> m_files;
  std::vector<ExportFile> m_list;
  mutable std::size_t m_reads = 0;
  std::size_t m_piece = 4096;
};

struct WarningRecord {
  std::string path;
  std::string what;
};
struct MessageRecord {
  std::string thread_id;
  Message message;
};
using Record = std::variant<Conversation, MessageRecord, WarningRecord>;

class RecordingSink final : public ImportSink {
 public:
  void conversation(const Conversation& conversation) override;
  void message(const std::string& thread_id, Message message) override;
  void warning(const std::string& path, const std::string& what) override;

  const std::vector<Record>& records() const { return m_records; }
  std::vector<Conversation> conversations() const;
  std::vector<MessageRecord> messages() const;
  std::vector<WarningRecord> warnings() const;
  // Breaches of the importer contract seen so far (a message before its conversation, a
  // conversation announced twice); empty when the importer behaved.
  const std::vector<std::string>& violations() const { return m_violations; }

 private:
  std::vector<Record> m_records;
  std::vector<std::string> m_announced;
  std::vector<std::string> m_violations;
};

// A string as Meta's exporter writes it inside JSON quotes: every byte outside printable ASCII
// as its own \u00XX escape (the mojibake the importers repair).
std::string meta_escaped(std::string_view utf8);

}  // namespace dmvault::test
