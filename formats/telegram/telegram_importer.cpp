#include "telegram/telegram_importer.hpp"

#include "dmvault/error.hpp"
#include "telegram/telegram_internal.hpp"

namespace dmvault::formats {

namespace {

using telegram::ExportDir;
using telegram::Layout;

// Files larger than this are not read during detection: their name and folder decide.
constexpr std::uint64_t kMaxDetectRead = std::uint64_t{64} << 20;

constexpr int kCertain = 100;
// A result.json or messages.html too large to look into, in a folder named the way Telegram
// names its exports.
constexpr int kLikely = 80;

std::uint64_t size_of(const ExportFiles& files, const std::string& path) {
  for (const ExportFile& f : files.files()) {
    if (f.path == path) return f.size;
  }
  return 0;
}

bool telegram_folder_name(const std::string& dir) {
  return dir.find("ChatExport_") != std::string::npos ||
         dir.find("DataExport_") != std::string::npos;
}

int score_dir(const ExportFiles& files, const ExportDir& dir) {
  const std::string& file = !dir.json_file.empty() ? dir.json_file : dir.html_files.front();
  if (size_of(files, file) > kMaxDetectRead) return telegram_folder_name(dir.dir) ? kLikely : 0;
  const PlainBytes bytes = files.read(file, kMaxDetectRead);
  const bool looks = !dir.json_file.empty() ? telegram::looks_like_result_json(text_of(bytes))
                                            : telegram::looks_like_messages_html(text_of(bytes));
  return looks ? kCertain : 0;
}

class TelegramImporter final : public Importer {
 public:
  std::string name() const override { return std::string(telegram::kPlatform); }

  std::string description() const override {
    return "Telegram Desktop (result.json of one chat or the whole account, or messages.html)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      int best = 0;
      for (const ExportDir& dir : telegram::scan_layout(files.files()).dirs) {
        best = std::max(best, score_dir(files, dir));
        if (best == kCertain) break;
      }
      return best;
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const Layout layout = telegram::scan_layout(files.files());
    if (layout.dirs.empty()) {
      throw Error(ErrorCode::bad_input, "no Telegram export here (no result.json or messages.html)",
                  "Telegram Desktop writes result.json (JSON format) or messages.html (HTML) in "
                  "the folder it exports to, ChatExport_<date>/ or DataExport_<date>/");
    }
    telegram::ImportContext context(files, sink, options);
    for (const ExportDir& dir : layout.dirs) {
      if (!dir.json_file.empty()) {
        telegram::import_json_file(context, dir);
        for (const std::string& page : dir.html_files) {
          sink.warning(page, "ignored: the same chats are read from " + dir.json_file +
                                 " (the export was made in both formats)");
        }
      } else {
        telegram::import_html_dir(context, dir);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_telegram_importer() { return std::make_unique<TelegramImporter>(); }

}  // namespace dmvault::formats
