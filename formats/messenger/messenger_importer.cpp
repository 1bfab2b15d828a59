#include "messenger/messenger_importer.hpp"

#include "dmvault/error.hpp"
#include "messenger/messenger_e2ee.hpp"
#include "meta/meta_import.hpp"
#include "meta/meta_json_file.hpp"
#include "meta/meta_layout.hpp"
#include "meta/meta_text.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

namespace dmvault::formats {

namespace {

using meta::MetaRoot;
using meta::ThreadGroup;

// Scores (Importer::detect, FORMAT.md "Detection"). Instagram's importer reads the same
// evidence (meta::tree_evidence): a bare tree with Instagram evidence scores 100 there and 0-50
// here, one with no evidence 60 there and 40 here, one with Facebook evidence only 30 there and
// 100 here. The two never tie on a tree either could claim; on an equal score the importer
// registered first (Instagram) would win, and --platform decides in the end.
constexpr int kCertain = 100;
constexpr int kCombined = 90;   // Facebook's root beside Instagram evidence (a combined export)
constexpr int kConflict = 50;   // a bare tree with evidence for both apps
constexpr int kAmbiguous = 40;  // a bare tree with no evidence either way: Instagram's 60 wins

// Detection reads at most this many candidate E2EE files, each at most this large.
constexpr std::size_t kMaxDetectCandidates = 8;
constexpr std::uint64_t kMaxDetectRead = std::uint64_t{16} << 20;

bool any_root(const std::vector<ThreadGroup>& threads, MetaRoot root) {
  return std::any_of(threads.begin(), threads.end(),
                     [&](const ThreadGroup& t) { return t.root == root; });
}

bool has_e2ee_thread(const ExportFiles& files) {
  const std::vector<std::string> candidates = messenger::e2ee_candidates(files.files());
  std::size_t looked = 0;
  for (const std::string& path : candidates) {
    if (looked++ == kMaxDetectCandidates) break;
    try {
      const PlainBytes bytes = files.read(path, kMaxDetectRead);
      if (messenger::looks_like_e2ee_thread(
              {reinterpret_cast<const char*>(bytes.data()), bytes.size()})) {
        return true;
      }
    } catch (const Error&) {
      continue;  // too large to probe: not evidence either way
    }
  }
  return false;
}

// The account owner's name from profile_information.json ({"profile_v2": {"name": {"full_name":
// ...}}} since 2021, "profile" before), so their own messages and participation are marked.
// Never throws: without it nobody is marked.
std::vector<std::string> read_self_names(const ExportFiles& files) {
  std::vector<std::string> names;
  for (const ExportFile& file : files.files()) {
    if (!file.path.ends_with("profile_information/profile_information.json")) continue;
    try {
      const PlainBytes bytes = files.read(file.path, kMaxDetectRead);
      const meta::JsonFile json(file.path,
                                {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      const auto root = meta::as_object(json.root());
      if (!root) continue;
      for (const std::string_view key : {"profile_v2", "profile"}) {
        const auto profile = meta::member(*root, key);
        const auto profile_obj = profile ? meta::as_object(*profile) : std::nullopt;
        const auto name = profile_obj ? meta::member(*profile_obj, "name") : std::nullopt;
        const auto name_obj = name ? meta::as_object(*name) : std::nullopt;
        const auto full = name_obj ? meta::member(*name_obj, "full_name") : std::nullopt;
        const auto text = full ? meta::as_string(*full) : std::nullopt;
        if (text && !text->empty()) {
          names.push_back(meta::repair_text(*text));
          return names;
        }
      }
    } catch (const Error&) {
      continue;
    }
  }
  return names;
}

// The same thread folder can sit in two sections (inbox/ and archived_threads/, reported by
// parsers) or two roots, holding the same records. They are one conversation (announced once),
// and a record already emitted from an earlier folder of that thread is not emitted again.
// Only threads that occur more than once are tracked, by a hash of each record's bytes.
class RepeatedThreadSink final : public ImportSink {
 public:
  RepeatedThreadSink(ImportSink& inner, std::set<std::string> repeated)
      : m_inner(inner), m_repeated(std::move(repeated)) {}

  // Called before each thread folder: what the previous one emitted becomes "seen".
  void next_folder(const std::string& first_file) {
    flush();
    m_folder = first_file;
  }
  void flush() {
    for (auto& [thread, hashes] : m_current) m_seen[thread].insert(hashes.begin(), hashes.end());
    m_current.clear();
    if (m_skipped != 0) {
      m_inner.warning(m_folder, std::to_string(m_skipped) +
                                    " records already imported from another folder of the same "
                                    "thread were skipped");
    }
    m_skipped = 0;
  }

  void conversation(const Conversation& conversation) override {
    m_inner.conversation(conversation);
  }
  void message(const std::string& thread_id, Message message) override {
    if (m_repeated.count(thread_id) != 0) {
      const std::size_t hash = std::hash<std::string>{}(message.raw);
      auto& seen = m_seen[thread_id];
      if (const auto it = seen.find(hash); it != seen.end()) {
        seen.erase(it);  // one earlier occurrence answers for one repeat
        ++m_skipped;
        return;
      }
      m_current[thread_id].insert(hash);
    }
    m_inner.message(thread_id, std::move(message));
  }
  void warning(const std::string& path, const std::string& what) override {
    m_inner.warning(path, what);
  }

 private:
  ImportSink& m_inner;
  std::set<std::string> m_repeated;
  std::map<std::string, std::multiset<std::size_t>> m_seen;
  std::map<std::string, std::multiset<std::size_t>> m_current;
  std::string m_folder;
  std::size_t m_skipped = 0;
};

class MessengerImporter final : public Importer {
 public:
  std::string name() const override { return std::string(messenger::kPlatform); }

  std::string description() const override {
    return "Facebook Messenger (Meta JSON or HTML export, or the end-to-end-encrypted chats "
           "export)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      const std::vector<ThreadGroup> threads = meta::find_thread_groups(files.files());
      const bool facebook_root = any_root(threads, MetaRoot::facebook);
      const bool bare = any_root(threads, MetaRoot::bare);
      if (facebook_root || bare) {
        const meta::PlatformEvidence evidence = meta::tree_evidence(files, threads);
        if (facebook_root) return evidence.instagram ? kCombined : kCertain;
        if (evidence.facebook) return evidence.instagram ? kConflict : kCertain;
        if (evidence.instagram) return 0;
        return kAmbiguous;
      }
      if (any_root(threads, MetaRoot::instagram)) return 0;
      return has_e2ee_thread(files) ? kCertain : 0;
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const std::vector<ThreadGroup> threads = meta::find_thread_groups(files.files());
    std::set<std::string> ids;
    std::set<std::string> repeated;
    for (const ThreadGroup& thread : threads) {
      if (!ids.insert(thread.thread_id).second) repeated.insert(thread.thread_id);
    }
    RepeatedThreadSink dedup(sink, std::move(repeated));
    meta::ImportContext context(messenger::kPlatform, files, dedup, options);
    if (!options.self_name.empty()) {
      context.self_names.push_back(options.self_name);
    } else {
      context.self_names = read_self_names(files);
    }
    bool any = false;
    for (const ThreadGroup& thread : threads) {
      if (thread.root == MetaRoot::instagram) {
        const std::string& first = thread.json_files.empty() ? thread.html_files.front().path
                                                             : thread.json_files.front().path;
        sink.warning(first,
                     "ignored: an Instagram message folder (your_instagram_activity/); import it "
                     "with --platform instagram");
        continue;
      }
      any = true;
      dedup.next_folder(thread.json_files.empty() ? thread.html_files.front().path
                                                  : thread.json_files.front().path);
      if (!thread.json_files.empty()) {
        meta::import_json_thread(context, thread);
      } else {
        meta::import_html_thread(context, thread);
      }
    }
    dedup.flush();
    for (const std::string& path : messenger::e2ee_candidates(files.files())) {
      if (messenger::import_e2ee_file(context, path)) any = true;
    }
    if (!any) {
      throw Error(ErrorCode::bad_input, "no Messenger messages in this export",
                  "Facebook keeps them in your_facebook_activity/messages/inbox/<thread>/"
                  "message_1.json (or .html), your_activity_across_facebook/messages/ in 2024, "
                  "messages/inbox/ before; end-to-end-encrypted chats are one JSON file per "
                  "chat from messenger.com/secure_storage; give the whole export to import");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_messenger_importer() {
  return std::make_unique<MessengerImporter>();
}

}  // namespace dmvault::formats
