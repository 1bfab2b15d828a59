#include "formats/format_test_support.hpp"

#include <gtest/gtest.h>

namespace dmvault::test {

MemoryExport make_export(std::initializer_list<std::pair<std::string, std::string>> files) {
  MemoryExport e;
  for (const auto& [path, bytes] : files) e.add(path, bytes);
  return e;
}

RecordingSink import_checked(const Importer& importer, const MemoryExport& files,
                             const ImportOptions& options) {
  RecordingSink sink;
  importer.import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
  return sink;
}

std::string meta_string(std::string_view utf8) { return "\"" + meta_escaped(utf8) + "\""; }

std::string thread_json(const std::vector<std::string>& participants, const std::vector<Msg>& msgs,
                        const std::string& title) {
  std::string out = "{\n  \"participants\": [";
  for (std::size_t i = 0; i < participants.size(); ++i) {
    out += (i ? ", " : "") + std::string("{\"name\": ") + meta_string(participants[i]) + "}";
  }
  out += "],\n  \"messages\": [\n";
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const Msg& m = msgs[i];
    out += "    {\"sender_name\": " + meta_string(m.sender) +
           ", \"timestamp_ms\": " + std::to_string(m.ts);
    if (!m.content.empty()) out += ", \"content\": " + meta_string(m.content);
    if (!m.extra.empty()) out += ", " + m.extra;
    out += i + 1 < msgs.size() ? "},\n" : "}\n";
  }
  out += "  ],\n  \"title\": " + meta_string(title) + ",\n  \"is_still_participant\": true\n}\n";
  return out;
}

}  // namespace dmvault::test
