#include "meta/meta_message.hpp"

#include "common/format_text.hpp"

#include <array>
#include <utility>

namespace dmvault::formats::meta {

namespace {

struct Notice {
  std::string_view pattern;  // '*' matches any run of characters (at least one)
  MessageKind kind;
};

// Seen in real exports (formats-meta.md §2.4, the samples) unless marked otherwise.
constexpr std::array kNotices = {
    // Likes and reactions (a reaction also sits on the message reacted to).
    Notice{"Liked a message", MessageKind::system},
    Notice{"* liked a message", MessageKind::system},
    Notice{"Gostou de uma mensagem", MessageKind::system},  // Portuguese, IG 2025 sample
    Notice{"Nag-like ng message", MessageKind::system},     // Filipino, IG HTML
    Notice{"Reacted * to your message", MessageKind::system},
    Notice{"* reacted * to your message", MessageKind::system},
    // Attachment placeholders the exporter writes when it has no file or puts a share beside.
    Notice{"You sent an attachment.", MessageKind::system},
    Notice{"* sent an attachment.", MessageKind::system},
    // Group events.
    Notice{"* added * to the group.", MessageKind::system},
    Notice{"* removed * from the group.", MessageKind::system},
    Notice{"* left the group.", MessageKind::system},
    Notice{"* named the group *.", MessageKind::system},
    Notice{"* changed the group photo.", MessageKind::system},
    Notice{"* set the nickname for * to *.", MessageKind::system},
    Notice{"* set your nickname to *.", MessageKind::system},
    Notice{"* added * as a group admin.", MessageKind::system},
    Notice{"* removed * as a group admin.", MessageKind::system},
    Notice{"* voted for * in the poll: *", MessageKind::system},
    Notice{"This poll is no longer available.", MessageKind::system},
    Notice{"You are now connected on Messenger", MessageKind::system},
    Notice{"* unsent a message.", MessageKind::unsent},  // reported by parsers (HTML)
    // Calls (JSON has call_duration beside these; HTML only has the line).
    Notice{"The call ended.", MessageKind::call},
    Notice{"The video chat ended.", MessageKind::call},
    Notice{"Video chat ended", MessageKind::call},
    Notice{"Audio call ended", MessageKind::call},
    Notice{"* started a video chat.", MessageKind::call},
    Notice{"* started a call.", MessageKind::call},
    Notice{"* started an audio call.", MessageKind::call},
    Notice{"* joined the video chat.", MessageKind::call},
    Notice{"* joined the call.", MessageKind::call},
    Notice{"You missed a video call with *.", MessageKind::call},
    Notice{"You missed a call with *.", MessageKind::call},
    Notice{"* missed a video call with you.", MessageKind::call},
    Notice{"* missed a call with you.", MessageKind::call},
};

// Notices are one short line; longer texts are what people wrote.
constexpr std::size_t kMaxNoticeBytes = 300;

// A pattern split at its stars: the text must start with `head`, end with `tail`, and hold
// the `middles` in order between them, each star standing for at least one character.
struct SplitPattern {
  std::string_view head, tail;
  std::array<std::string_view, 3> middles{};
  std::size_t middle_count = 0;
  bool has_star = false;
  MessageKind kind = MessageKind::system;
};

constexpr SplitPattern split(const Notice& notice) {
  SplitPattern out;
  out.kind = notice.kind;
  std::string_view rest = notice.pattern;
  const std::size_t first = rest.find('*');
  if (first == std::string_view::npos) {
    out.head = rest;
    return out;
  }
  out.has_star = true;
  out.head = rest.substr(0, first);
  rest.remove_prefix(first + 1);
  for (std::size_t star = rest.find('*'); star != std::string_view::npos; star = rest.find('*')) {
    out.middles[out.middle_count++] = rest.substr(0, star);
    rest.remove_prefix(star + 1);
  }
  out.tail = rest;
  return out;
}

constexpr auto kSplitNotices = [] {
  std::array<SplitPattern, kNotices.size()> out{};
  for (std::size_t i = 0; i < kNotices.size(); ++i) out[i] = split(kNotices[i]);
  return out;
}();

// Whether `text` matches: a star takes one or more characters, so each middle is found at
// least one character after what came before, and one more must be left for the last star.
// The leftmost place for each middle leaves the most room for the rest, so no backtracking.
bool matches(const SplitPattern& pattern, std::string_view text) {
  if (!pattern.has_star) return text == pattern.head;
  if (text.size() < pattern.head.size() + pattern.tail.size() || !text.starts_with(pattern.head) ||
      !text.ends_with(pattern.tail)) {
    return false;
  }
  const std::string_view between =
      text.substr(pattern.head.size(), text.size() - pattern.head.size() - pattern.tail.size());
  std::size_t taken = 0;
  for (std::size_t i = 0; i < pattern.middle_count; ++i) {
    const std::string_view middle = pattern.middles[i];
    const std::size_t at = between.find(middle, taken + 1);
    if (at == std::string_view::npos) return false;
    taken = at + middle.size();
  }
  return between.size() > taken;
}

}  // namespace

std::optional<MessageKind> notice_kind(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > kMaxNoticeBytes || text.find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  for (const SplitPattern& pattern : kSplitNotices) {
    if (matches(pattern, text)) return pattern.kind;
  }
  return std::nullopt;
}

bool marked_edited(std::string_view text) {
  constexpr std::string_view kSuffix = " (edited)";
  return text.size() > kSuffix.size() && text.ends_with(kSuffix);
}

std::string attachment_name(std::string_view uri) { return std::string(base_name(uri)); }

Message to_message(MetaMessage&& record, const std::string& source_path, const UriResolver& resolve,
                   std::vector<std::string>& problems) {
  problems = std::move(record.problems);
  Message m;
  m.source_path = source_path;
  m.raw = std::move(record.raw);
  if (record.sender_name) {
    m.sender = std::move(*record.sender_name);
  } else {
    problems.emplace_back("no sender_name");
  }
  if (record.timestamp_ms) {
    m.timestamp_ms = *record.timestamp_ms;
  } else {
    problems.emplace_back("no timestamp_ms");
  }
  if (record.content) m.text = std::move(*record.content);
  m.edited = marked_edited(m.text);
  for (MetaMedia& media : record.media) {
    Attachment a;
    a.kind = media.kind;
    a.name = attachment_name(media.uri);
    a.uri = media.uri.empty() ? std::string() : resolve(media.uri);
    a.created_ms = media.created_ms;
    m.attachments.push_back(std::move(a));
  }
  m.share = std::move(record.share);
  m.reactions = std::move(record.reactions);
  m.call_duration_s = record.call_duration_s;

  // Structure first: it does not depend on the account's language.
  if (record.is_unsent || record.is_unsent_by_kid_parent) {
    m.kind = MessageKind::unsent;
  } else if (record.call_duration_s || record.type == "Call") {
    m.kind = MessageKind::call;
  } else if (record.type == "Subscribe" || record.type == "Unsubscribe" || !record.users.empty()) {
    m.kind = MessageKind::system;
  } else if (record.has_sticker) {
    m.kind = MessageKind::sticker;
  } else if (m.share) {
    m.kind = MessageKind::share;
  } else if (!m.attachments.empty()) {
    m.kind = MessageKind::media;
  } else if (const auto notice = notice_kind(m.text)) {
    m.kind = *notice;
  } else {
    m.kind = MessageKind::text;
  }
  return m;
}

}  // namespace dmvault::formats::meta
