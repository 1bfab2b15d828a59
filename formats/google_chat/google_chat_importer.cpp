#include "google_chat/google_chat_importer.hpp"

#include "dmvault/error.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <algorithm>

namespace dmvault::formats {

namespace {

using google_chat::Layout;

constexpr int kCertain = 100;
// Bytes of Hangouts.json looked at during detection.
constexpr std::size_t kHeadBytes = 4096;

// Whether the start of a Hangouts.json is the object holding its conversation list.
bool looks_like_hangouts(const ExportFiles& files, const std::string& path) {
  std::string head;
  files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
    const std::size_t take = std::min(piece.size(), kHeadBytes - head.size());
    head.append(reinterpret_cast<const char*>(piece.data()), take);
    return head.size() < kHeadBytes;
  });
  const std::size_t first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || head[first] != '{') return false;
  return head.find("\"conversations\"") != std::string::npos ||
         head.find("\"conversation_state\"") != std::string::npos;
}

// A Google Chat group folder whose messages.json starts as {"messages": [...] }.
bool looks_like_chat(const ExportFiles& files, const google_chat::ChatGroup& group) {
  if (!group.info_file.empty()) return true;
  std::string head;
  files.read_stream(group.messages_file, [&](std::span<const std::uint8_t> piece) {
    const std::size_t take = std::min(piece.size(), std::size_t{64} - head.size());
    head.append(reinterpret_cast<const char*>(piece.data()), take);
    return head.size() < 64;
  });
  const std::size_t first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || head[first] != '{') return false;
  const std::size_t key = head.find_first_not_of(" \t\r\n", first + 1);
  return key != std::string::npos && head.compare(key, 10, "\"messages\"") == 0;
}

int score(const ExportFiles& files, const Layout& layout) {
  for (const google_chat::ChatTree& tree : layout.chat) {
    for (const google_chat::ChatGroup& group : tree.groups) {
      if (looks_like_chat(files, group)) return kCertain;
    }
  }
  for (const std::string& path : layout.hangouts_files) {
    if (looks_like_hangouts(files, path)) return kCertain;
  }
  return 0;
}

class GoogleChatImporter final : public Importer {
 public:
  std::string name() const override { return std::string(google_chat::kPlatform); }

  std::string description() const override {
    return "Google Chat and Hangouts (Google Takeout: Google Chat/Groups, Hangouts.json)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      return score(files, google_chat::scan_layout(files.files()));
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const Layout layout = google_chat::scan_layout(files.files());
    google_chat::ImportContext context(files, sink, options);
    for (const google_chat::ChatTree& tree : layout.chat) {
      google_chat::import_chat_tree(context, tree);
    }
    bool any_hangouts = false;
    for (const std::string& path : layout.hangouts_files) {
      if (google_chat::import_hangouts_file(context, path)) {
        any_hangouts = true;
      } else {
        sink.warning(path, "ignored: no \"conversations\" list in this file");
      }
    }
    if (layout.chat.empty() && !any_hangouts) {
      throw Error(ErrorCode::bad_input,
                  "no Google Chat or Hangouts export here (no Google Chat/Groups/*/messages.json "
                  "and no Hangouts.json)",
                  "give the Takeout archive (or its folder) with Google Chat or Hangouts selected");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_google_chat_importer() {
  return std::make_unique<GoogleChatImporter>();
}

}  // namespace dmvault::formats
