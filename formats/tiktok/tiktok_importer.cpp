#include "tiktok/tiktok_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dmvault::formats {

namespace tiktok {

std::optional<std::string> chat_partner(std::string_view key) {
  constexpr std::string_view kPrefix = "Chat History with ";
  if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  if (!key.empty() && key.back() == ':') key.remove_suffix(1);
  key = trim(key);
  if (key.empty()) return std::nullopt;
  return std::string(key);
}

std::optional<std::string_view> bracketed_url(std::string_view content) {
  content = trim(content);
  if (content.size() < 3 || content.front() != '[' || content.back() != ']') return std::nullopt;
  const std::string_view inner = content.substr(1, content.size() - 2);
  if (!starts_with_ascii_ci(inner, "http://") && !starts_with_ascii_ci(inner, "https://")) {
    return std::nullopt;
  }
  if (std::any_of(inner.begin(), inner.end(),
                  [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == ']'; })) {
    return std::nullopt;
  }
  return inner;
}

}  // namespace tiktok

namespace {

constexpr std::string_view kPlatform = "tiktok";
constexpr const char* kHint =
    "request the data again from TikTok (Settings > Account > Download your data) choosing JSON";

// user_data_tiktok.json holds the whole account (watch history, comments...), so it is read whole
// and parsed with simdjson; past this size it is refused rather than read.
constexpr std::uint64_t kMaxFileBytes = std::uint64_t{1} << 30;
// Detection of the generic name user_data.json looks for the DM section in the first bytes only.
constexpr std::size_t kMaxDetectScan = std::size_t{64} << 20;

constexpr int kCertain = 100;
constexpr int kNameOnly = 40;

bool is_data_file(std::string_view path, bool& generic_name) {
  const std::string name = ascii_lower(base_name(path));
  generic_name = name == "user_data.json";
  return generic_name || name == "user_data_tiktok.json";
}

// Whether the first kMaxDetectScan bytes of the file name the DM section. Never throws.
bool mentions_direct_messages(const ExportFiles& files, const std::string& path) {
  static constexpr std::string_view kNeedles[] = {"\"ChatHistory\"", "\"Chat History with "};
  std::string window;
  std::size_t seen = 0;
  bool found = false;
  try {
    files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
      window.append(reinterpret_cast<const char*>(piece.data()), piece.size());
      for (const std::string_view needle : kNeedles) {
        if (window.find(needle) != std::string::npos) found = true;
      }
      seen += piece.size();
      // Keep a tail long enough for a needle that straddles two pieces.
      if (window.size() > 64) window.erase(0, window.size() - 64);
      return !found && seen < kMaxDetectScan;
    });
  } catch (const std::exception&) {
    return false;
  }
  return found;
}

std::string string_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return {};
  const auto s = as_string(*v);
  return s ? std::string(*s) : std::string();
}

std::optional<object> object_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return std::nullopt;
  return as_object(*v);
}

// The account's own username: Profile > "Profile Info" (older: "Profile Information") >
// ProfileMap > userName.
std::string profile_user_name(object root) {
  const auto profile = object_of(root, "Profile");
  if (!profile) return {};
  auto info = object_of(*profile, "Profile Info");
  if (!info) info = object_of(*profile, "Profile Information");
  if (!info) return {};
  const auto map = object_of(*info, "ProfileMap");
  if (!map) return {};
  return to_nfc(trim(string_of(*map, "userName")));
}

// The DM section's chats (Direct Message(s) > Direct Messages / Chat History > ChatHistory).
std::vector<object> chat_histories(object root) {
  std::vector<object> out;
  for (const auto section : root) {
    const std::string_view key = section.key;
    const auto dm = as_object(section.value);
    if (!dm || (key != "Direct Message" && key != "Direct Messages")) continue;
    for (const auto middle : *dm) {
      const std::string_view middle_key = middle.key;
      const auto history = as_object(middle.value);
      if (!history || (middle_key != "Direct Messages" && middle_key != "Chat History")) continue;
      if (const auto chats = object_of(*history, "ChatHistory")) out.push_back(*chats);
    }
  }
  return out;
}

// Without --self or a profile, the owner is the one sender who writes in more chats than anyone
// else, and in at least two: everyone else talks to them only. "" when no one stands out.
std::string infer_owner(const std::vector<object>& histories) {
  std::map<std::string, std::size_t> chats_of;
  for (const object chats : histories) {
    for (const auto chat : chats) {
      const auto list = as_array(chat.value);
      if (!list) continue;
      std::set<std::string> senders;
      for (const element item : *list) {
        const auto obj = as_object(item);
        if (!obj) continue;
        const std::string from = to_nfc(trim(string_of(*obj, "From")));
        if (!from.empty()) senders.insert(from);
      }
      for (const std::string& who : senders) ++chats_of[who];
    }
  }
  std::string best;
  std::size_t best_count = 0;
  std::size_t second = 0;
  for (const auto& [who, count] : chats_of) {
    if (count > best_count) {
      second = best_count;
      best = who;
      best_count = count;
    } else if (count > second) {
      second = count;
    }
  }
  return best_count >= 2 && best_count > second ? best : std::string();
}

bool is_url(std::string_view text) {
  return (starts_with_ascii_ci(text, "https://") || starts_with_ascii_ci(text, "http://")) &&
         std::none_of(text.begin(), text.end(),
                      [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
}

struct Parsed {
  Message message;
  bool has_time = false;
  std::size_t offset = 0;
  std::vector<std::string> problems;
};

class FileImport {
 public:
  FileImport(ImportContext& context, std::string path)
      : m_context(context), m_path(std::move(path)) {}

  void run() {
    const PlainBytes bytes = m_context.files.read(m_path, kMaxFileBytes);
    const meta::JsonFile file(m_path, text_of(bytes));
    const auto root = as_object(file.root());
    if (!root) {
      throw Error(ErrorCode::bad_input, m_path + ": not a TikTok data export (not a JSON object)",
                  kHint);
    }
    m_self = to_nfc(trim(m_context.options.self_name));
    if (m_self.empty()) m_self = profile_user_name(*root);
    if (m_self.empty()) m_self = infer_owner(chat_histories(*root));

    // Root > "Direct Message" (older: "Direct Messages") > "Direct Messages" (older: "Chat
    // History") > "ChatHistory" > {"Chat History with <name>:": [ messages ]}.
    meta::SpanScanner scan(file.text(), m_path);
    bool found = false;
    scan.enter();
    for (const auto section : *root) {
      scan.next_member();
      const std::string_view key = section.key;
      const auto dm = as_object(section.value);
      if (!dm || (key != "Direct Message" && key != "Direct Messages")) {
        scan.skip();
        continue;
      }
      scan.enter();
      for (const auto middle : *dm) {
        scan.next_member();
        const std::string_view middle_key = middle.key;
        const auto history = as_object(middle.value);
        if (!history || (middle_key != "Direct Messages" && middle_key != "Chat History")) {
          scan.skip();
          continue;
        }
        scan.enter();
        for (const auto inner : *history) {
          scan.next_member();
          const auto chats = as_object(inner.value);
          if (!chats || std::string_view(inner.key) != "ChatHistory") {
            scan.skip();
            continue;
          }
          found = true;
          read_chats(*chats, file, scan);
        }
        scan.next_member();
      }
      scan.next_member();
    }
    if (!found) {
      m_context.sink.warning(m_path,
                             "no direct messages in this export (no \"Direct Message\" > "
                             "\"ChatHistory\" section)");
    }
  }

 private:
  void read_chats(object chats, const meta::JsonFile& file, meta::SpanScanner& scan) {
    scan.enter();
    std::size_t index = 0;
    for (const auto chat : chats) {
      scan.next_member();
      ++index;
      const std::string_view key = chat.key;
      const auto list = as_array(chat.value);
      if (!list) {
        const std::size_t begin = scan.skip().first;
        if (!chat.value.is_null()) {
          m_context.sink.warning(m_path, "chat " + std::to_string(index) + " (byte " +
                                             std::to_string(file.file_offset(begin)) +
                                             ") is not a list of messages: ignored");
        }
        continue;
      }
      auto partner = tiktok::chat_partner(key);
      const bool named = partner.has_value();
      if (!partner) {
        m_context.sink.warning(m_path, "chat " + std::to_string(index) +
                                           ": its key is not \"Chat History with <name>:\"; the "
                                           "key is used as the conversation's name");
        partner = std::string(trim(key));
      }
      std::vector<Parsed> parsed;
      scan.enter();
      for (const element item : *list) {
        scan.next_element();
        const auto [begin, end] = scan.skip();
        Parsed p;
        p.offset = file.file_offset(begin);
        p.message.raw = std::string(file.text().substr(begin, end - begin));
        p.message.raw_offset = p.offset;
        p.message.source_path = m_path;
        read_message(item, p);
        parsed.push_back(std::move(p));
      }
      scan.next_element();
      emit(to_nfc(*partner), named, parsed);
    }
    scan.next_member();
  }

  // `named`: the key named the other person ("Chat History with <name>:").
  void emit(const std::string& partner, bool named, std::vector<Parsed>& parsed) {
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = partner;
    c.title = partner;
    c.source_path = m_path;
    if (named) {
      c.participants.push_back({partner, partner, !m_self.empty() && partner == m_self});
    }
    if (!m_self.empty() && partner != m_self) c.participants.push_back({m_self, m_self, true});
    std::set<std::string> others;
    if (named && partner != m_self) others.insert(partner);
    for (const Parsed& p : parsed) {
      const std::string& who = p.message.sender;
      if (who.empty() || who == m_self) continue;
      others.insert(who);
      const bool known = std::any_of(c.participants.begin(), c.participants.end(),
                                     [&](const Participant& x) { return x.name == who; });
      if (!known) c.participants.push_back({who, who, false});
    }
    // Chats with more than one other person (TikTok group chats) name several senders; while
    // the owner is unknown, one of the senders may be them.
    c.is_group = others.size() > (m_self.empty() ? 2u : 1u);
    emit_conversation(m_context, c, m_path, parsed);
  }

  void read_message(element value, Parsed& p) const {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    const auto date = member(*obj, "Date");
    const auto date_text = date ? as_string(*date) : std::nullopt;
    if (date_text) m.local_time = std::string(*date_text);
    if (const auto t = date_text ? parse_iso8601(*date_text) : std::nullopt) {
      // The export writes UTC without saying so (FORMAT.md).
      m.timestamp_ms = t->utc_ms;
      p.has_time = true;
    } else {
      p.problems.push_back(date ? "Date is not a date and time" : "no Date");
    }
    const auto from = member(*obj, "From");
    const auto from_text = from ? as_string(*from) : std::nullopt;
    if (from_text) {
      m.sender = to_nfc(trim(*from_text));
      m.sender_id = m.sender;
    } else {
      p.problems.push_back(from ? "From is not a string" : "no From");
    }
    const auto content = member(*obj, "Content");
    const auto content_text = content ? as_string(*content) : std::nullopt;
    if (!content_text) {
      if (!content || !content->is_null()) {
        p.problems.push_back(content ? "Content is not a string" : "no Content");
      }
      return;
    }
    const std::string_view text = *content_text;
    if (const auto url = tiktok::bracketed_url(text)) {
      // Stickers and GIFs: only their address is exported, never the image.
      Attachment a;
      a.kind = AttachmentKind::sticker;
      a.uri = std::string(*url);
      a.name = std::string(base_name(*url));
      m.attachments.push_back(std::move(a));
      m.kind = MessageKind::sticker;
      return;
    }
    m.text = to_nfc(text);
    const std::string_view trimmed = trim(text);
    if (is_url(trimmed)) {
      // A shared video or profile: the export keeps only its address.
      m.kind = MessageKind::share;
      m.share = Share{std::string(trimmed), "", ""};
    }
  }

  ImportContext& m_context;
  std::string m_path;
  std::string m_self;
};

class TikTokImporter final : public Importer {
 public:
  std::string name() const override { return std::string(kPlatform); }
  std::string description() const override {
    return "TikTok (direct messages of the JSON data export, user_data_tiktok.json)";
  }

  int detect(const ExportFiles& files) const override {
    int best = 0;
    for (const ExportFile& f : files.files()) {
      bool generic = false;
      if (!is_data_file(f.path, generic)) continue;
      if (!generic || mentions_direct_messages(files, f.path)) return kCertain;
      best = kNameOnly;
    }
    return best;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    ImportContext context(files, sink, options);
    std::vector<std::string> paths;
    for (const ExportFile& f : files.files()) {
      bool generic = false;
      if (is_data_file(f.path, generic)) paths.push_back(f.path);
    }
    if (paths.empty()) {
      throw Error(ErrorCode::bad_input, "no TikTok user_data_tiktok.json in the export", kHint);
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) FileImport(context, path).run();
  }
};

}  // namespace

std::unique_ptr<Importer> make_tiktok_importer() { return std::make_unique<TikTokImporter>(); }

}  // namespace dmvault::formats
