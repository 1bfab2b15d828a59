// Every registered importer, fed through an in-memory export. Input layout (text, so that seeds
// made from tests/data stay readable and mutations keep their shape):
//   <importer name>\n              which importer; without a registered name on the first line,
//                                  the first byte picks one (its value modulo the count)
//   @@ <path>\n<bytes>             a file of the export, up to the next "\n@@ " or the end
//   @@ <path>\n<bytes> ...
// The importer is asked to detect() and then to import() whatever it scored, as --platform
// forces an importer on any tree.
#include "dmvault/importer.hpp"
#include "formats/memory_export.hpp"
#include "fuzz/fuzz_target.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace dmvault;

namespace {

const std::vector<std::unique_ptr<Importer>>& importers() {
  static const auto list = all_importers();
  return list;
}

class CountingSink final : public ImportSink {
 public:
  void conversation(const Conversation& conversation) override {
    m_bytes += conversation.thread_id.size();
  }
  void message(const std::string& thread_id, Message message) override {
    m_bytes += thread_id.size() + message.text.size();
  }
  void warning(const std::string& path, const std::string& what) override {
    m_bytes += path.size() + what.size();
  }

 private:
  std::size_t m_bytes = 0;
};

test::MemoryExport parse_files(std::string_view text) {
  test::MemoryExport files;
  constexpr std::string_view kMarker = "@@ ";
  std::size_t at = text.find(kMarker);
  if (at != 0) {
    at = text.find(std::string("\n").append(kMarker));
    if (at == std::string_view::npos) return files;
    ++at;
  }
  while (at != std::string_view::npos) {
    const std::size_t name_begin = at + kMarker.size();
    const std::size_t name_end = text.find('\n', name_begin);
    if (name_end == std::string_view::npos) break;
    const std::size_t next = text.find(std::string("\n").append(kMarker), name_end);
    const std::size_t content_end = next == std::string_view::npos ? text.size() : next;
    const std::string path(text.substr(name_begin, name_end - name_begin));
    if (!path.empty() && !files.exists(path)) {
      files.add(path, std::string(text.substr(name_end + 1, content_end - name_end - 1)));
    }
    at = next == std::string_view::npos ? next : next + 1;
  }
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text = fuzz::text_of(data, size);
  const Importer* chosen = nullptr;
  const std::size_t line_end = text.find('\n');
  if (line_end != std::string_view::npos) {
    for (const auto& importer : importers()) {
      if (importer->name() == text.substr(0, line_end)) chosen = importer.get();
    }
  }
  if (chosen != nullptr) {
    text.remove_prefix(line_end + 1);
  } else {
    chosen = importers()[data[0] % importers().size()].get();
    text.remove_prefix(1);
  }
  test::MemoryExport files = parse_files(text);
  // Streamed formats must not care where the pieces break.
  files.set_stream_piece(1 + size % 613);

  int score = 0;
  fuzz::expect_errors([&] { score = chosen->detect(files); });
  if (score < 0 || score > 100) __builtin_trap();
  ImportOptions options;
  options.timezone = "Europe/Lisbon";
  CountingSink sink;
  fuzz::expect_errors([&] { chosen->import(files, sink, options); });
  return 0;
}
