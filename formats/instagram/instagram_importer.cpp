#include "instagram/instagram_importer.hpp"

#include "dmvault/error.hpp"
#include "instagram/instagram_internal.hpp"

#include <algorithm>

namespace dmvault::formats {

namespace {

using instagram::Layout;
using instagram::ThreadGroup;

// A pre-2020 messages.json is read during detection only when nothing else tells the era; a
// file larger than this gets the benefit of the doubt instead of a full read.
constexpr std::uint64_t kMaxDetectRead = std::uint64_t{64} << 20;

// Scores (Importer::detect): a Facebook Messenger export has the same files, so a tree that
// could be either scores below certainty and one that looks like Facebook lower still, leaving
// room for a Messenger importer to win it.
constexpr int kCertain = 100;
constexpr int kAmbiguous = 60;
constexpr int kLooksLikeFacebook = 30;

std::uint64_t size_of(const ExportFiles& files, const std::string& path) {
  for (const ExportFile& f : files.files()) {
    if (f.path == path) return f.size;
  }
  return 0;
}

bool is_legacy_export(const ExportFiles& files, const std::string& path, bool read_allowed) {
  if (instagram::has_legacy_siblings(files.files(), path)) return true;
  if (!read_allowed) return false;
  const PlainBytes bytes = files.read(path, kMaxDetectRead);
  return instagram::looks_like_legacy_messages(
      {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

// The threads this importer takes: those under your_instagram_activity/ when there are any
// (a combined Meta export may also hold a bare messages/ tree that is not Instagram's), else all.
std::vector<const ThreadGroup*> chosen_threads(const Layout& layout) {
  const bool any_instagram_root =
      std::any_of(layout.threads.begin(), layout.threads.end(),
                  [](const ThreadGroup& t) { return t.root == meta::MetaRoot::instagram; });
  std::vector<const ThreadGroup*> out;
  for (const ThreadGroup& t : layout.threads) {
    if (!any_instagram_root || t.root == meta::MetaRoot::instagram) out.push_back(&t);
  }
  return out;
}

class InstagramImporter final : public Importer {
 public:
  std::string name() const override { return std::string(instagram::kPlatform); }

  std::string description() const override {
    return "Instagram (Meta JSON or HTML export, or the pre-2020 messages.json)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      const Layout layout = instagram::scan_layout(files.files());
      int score = 0;
      if (!layout.threads.empty()) {
        // The same evidence rule as the Messenger importer's (meta_layout.hpp), so the two never
        // both claim a tree with certainty.
        const meta::PlatformEvidence evidence = meta::tree_evidence(files, layout.threads);
        if (evidence.instagram) {
          score = kCertain;
        } else {
          score = evidence.facebook ? kLooksLikeFacebook : kAmbiguous;
        }
      }
      for (const std::string& path : layout.legacy_files) {
        if (score == kCertain) break;
        const bool small = size_of(files, path) <= kMaxDetectRead;
        if (is_legacy_export(files, path, small)) score = kCertain;
      }
      return score;
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const Layout layout = instagram::scan_layout(files.files());
    const std::vector<const ThreadGroup*> threads = chosen_threads(layout);
    std::vector<std::string> legacy;
    for (const std::string& path : layout.legacy_files) {
      if (is_legacy_export(files, path, true)) legacy.push_back(path);
    }
    if (threads.empty() && legacy.empty()) {
      throw Error(ErrorCode::bad_input, "no Instagram messages in this export",
                  "Instagram keeps them in your_instagram_activity/messages/inbox/<thread>/"
                  "message_1.json (or .html), messages/inbox/ before 2023, or messages.json "
                  "before 2020; give the whole export (all its parts) to import");
    }
    meta::ImportContext context(instagram::kPlatform, files, sink, options);
    if (!options.self_name.empty()) {
      context.self_names.push_back(options.self_name);
    } else {
      context.self_names = instagram::read_profile_names(files, layout.profile_files);
    }
    for (const ThreadGroup* thread : threads) {
      if (!thread->json_files.empty()) {
        meta::import_json_thread(context, *thread);
      } else {
        meta::import_html_thread(context, *thread);
      }
    }
    for (const ThreadGroup& thread : layout.threads) {
      if (std::find(threads.begin(), threads.end(), &thread) != threads.end()) continue;
      const std::string& first = thread.json_files.empty() ? thread.html_files.front().path
                                                           : thread.json_files.front().path;
      sink.warning(first,
                   "ignored: a message folder outside your_instagram_activity/ in an export "
                   "that has one (import it with --platform of the app it belongs to)");
    }
    for (const std::string& path : legacy) instagram::import_legacy_file(context, path);
  }
};

}  // namespace

std::unique_ptr<Importer> make_instagram_importer() {
  return std::make_unique<InstagramImporter>();
}

}  // namespace dmvault::formats
