// message_N.html threads (HTML chosen instead of JSON in the download dialog). Parsed with gumbo;
// elements are found by the exporter's short class tokens (_a6-g message, _a6-h sender, _a6-p
// content, _a6-o / _a72d time, _a6-q reactions), never by whole class strings, which change with
// every redesign. Times are local wall-clock strings without a zone (formats/instagram/FORMAT.md,
// "Times").
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/html_dom.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_import.hpp"
#include "meta/meta_message.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <utility>

namespace dmvault::formats::meta {

namespace {

// The class tokens of each part, newest design first; the Facebook 2018-2022 tokens
// (_2lej/_2lek/_2let/_2lem) are accepted too, the classes being the exporter's, not the site's.
constexpr std::array<std::string_view, 2> kBlockClasses = {"_a6-g", "_2lej"};
constexpr std::array<std::string_view, 2> kSenderClasses = {"_a6-h", "_2lek"};
constexpr std::array<std::string_view, 2> kContentClasses = {"_a6-p", "_2let"};
constexpr std::array<std::string_view, 3> kTimeClasses = {"_a72d", "_a6-o", "_2lem"};
// Reactions: _a6-q since 2023; _tqp in Facebook's 2018-22 design.
constexpr std::array<std::string_view, 2> kReactionsClasses = {"_a6-q", "_tqp"};
constexpr std::string_view kTitleClass = "_a70e";
constexpr std::string_view kParticipantsPrefix = "Participants:";

// Elements whose text flows into the surrounding block.
bool is_inline(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_B:
    case GUMBO_TAG_I:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_TIME:
      return true;
    default:
      return false;
  }
}

// The text under `node` in document order, <br> as a newline, looking only into the elements
// whose tag `enter` accepts.
template <typename Enter>
std::string text_under(const GumboNode* node, Enter enter) {
  std::string out;
  std::vector<const GumboNode*> stack;
  push_children(node, stack);
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (is_text(n)) {
      out += n->v.text.text;
      continue;
    }
    const GumboTag tag = tag_of(n);
    if (tag == GUMBO_TAG_BR) {
      out += '\n';
    } else if (is_element(n) && enter(tag)) {
      push_children(n, stack);
    }
  }
  return out;
}

// All text of an element, scripts and styles left out.
std::string all_text(const GumboNode* element) {
  return text_under(element,
                    [](GumboTag tag) { return tag != GUMBO_TAG_SCRIPT && tag != GUMBO_TAG_STYLE; });
}

// The text of a block element itself: its text nodes and those of its inline descendants, not
// the text of nested blocks, links or media.
std::string own_text(const GumboNode* element) { return text_under(element, is_inline); }

// First element under `root` (itself included) that `match` accepts, in document order.
template <typename Match>
const GumboNode* find_first(const GumboNode* root, Match match) {
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n) && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (is_element(n) && match(n)) return n;
    push_children(n, stack);
  }
  return nullptr;
}

bool contains_media(const GumboNode* node) {
  return find_first(node, [](const GumboNode* n) {
           const GumboTag t = tag_of(n);
           return t == GUMBO_TAG_IMG || t == GUMBO_TAG_VIDEO || t == GUMBO_TAG_AUDIO;
         }) != nullptr;
}

bool is_http(std::string_view url) {
  return starts_with_ascii_ci(url, "http://") || starts_with_ascii_ci(url, "https://");
}

AttachmentKind kind_from_path(std::string_view path, AttachmentKind fallback) {
  if (path.find("/gifs/") != std::string_view::npos) return AttachmentKind::gif;
  if (path.find("/audio/") != std::string_view::npos) return AttachmentKind::audio;
  if (path.find("stickers") != std::string_view::npos) return AttachmentKind::sticker;
  if (path.find("/videos/") != std::string_view::npos) return AttachmentKind::video;
  if (path.find("/photos/") != std::string_view::npos) return AttachmentKind::photo;
  return fallback;
}

// "a, b and c" (the English list the header writes) into names.
std::vector<std::string> split_participants(std::string_view list) {
  std::vector<std::string> names;
  list = trim(list);
  while (!list.empty()) {
    const std::size_t comma = list.find(", ");
    std::string_view name = list.substr(0, comma);
    if (comma == std::string_view::npos) {
      const std::size_t last_and = name.rfind(" and ");
      if (last_and != std::string_view::npos) {
        names.emplace_back(trim(name.substr(0, last_and)));
        name = name.substr(last_and + 5);
      }
    }
    if (!trim(name).empty()) names.emplace_back(trim(name));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 2);
  }
  return names;
}

struct HtmlFile {
  std::string title;
  std::vector<std::string> participants;
  bool has_participants = false;
  std::vector<std::pair<Message, std::vector<std::string>>> messages;  // with their problems
  std::vector<std::size_t> offsets;  // of each message's block in the file, for warnings
};

class BlockReader {
 public:
  BlockReader(ImportContext& context, const ThreadGroup& thread, const std::string& path,
              std::string_view html)
      : m_context(context), m_thread(thread), m_path(path), m_html(html) {}

  // Reads one block into `file`: true when it was a message, false for a header block
  // (a participants line, "Mailbox thread pending", an invite link).
  bool read(const GumboNode* block, HtmlFile& file);

 private:
  void walk_content(const GumboNode* root, const GumboNode* skip_a, const GumboNode* skip_b);
  void add_media(std::string_view src, AttachmentKind kind);
  void read_reactions(const GumboNode* list);
  std::optional<std::int64_t> utc_ms(std::string_view local);

  ImportContext& m_context;
  const ThreadGroup& m_thread;
  const std::string& m_path;
  std::string_view m_html;
  // Per block:
  std::vector<std::string> m_texts;
  std::vector<std::string> m_links;
  Message m_message;
  std::vector<std::string> m_problems;
};

std::optional<std::int64_t> BlockReader::utc_ms(std::string_view local) {
  const auto parsed = parse_local_date_time(local);
  if (!parsed) return std::nullopt;
  return m_context.zone().to_utc(parsed->local_seconds()) * 1000;
}

void BlockReader::add_media(std::string_view src, AttachmentKind kind) {
  src = trim(src);
  if (src.empty()) return;
  Attachment a;
  a.kind = is_http(src) ? kind : kind_from_path(src, kind);
  a.name = attachment_name(src);
  a.uri = resolve_media(m_context.files, m_thread, src);
  m_message.attachments.push_back(std::move(a));
}

void BlockReader::read_reactions(const GumboNode* list) {
  const GumboVector& items = list->v.element.children;
  for (unsigned i = 0; i < items.length; ++i) {
    const GumboNode* li = child_at(items, i);
    if (tag_of(li) != GUMBO_TAG_LI) continue;
    const std::string full = to_nfc(all_text(li));
    std::string_view text = trim(full);
    if (text.empty()) continue;
    Reaction r;
    // "❤️name (Apr 23, 2022 5:32 pm)": the time in parentheses is optional.
    if (text.back() == ')') {
      const std::size_t open = text.rfind('(');
      if (open != std::string_view::npos) {
        const auto when = utc_ms(text.substr(open + 1, text.size() - open - 2));
        if (when) {
          r.timestamp_ms = when;
          text = trim(text.substr(0, open));
        }
      }
    }
    const std::size_t emoji = first_grapheme_length(text);
    r.reaction = std::string(text.substr(0, emoji));
    r.actor = std::string(trim(text.substr(emoji)));
    if (r.actor.empty()) m_problems.push_back("a reaction without an actor");
    m_message.reactions.push_back(std::move(r));
  }
}

void BlockReader::walk_content(const GumboNode* root, const GumboNode* skip_a,
                               const GumboNode* skip_b) {
  struct Item {
    const GumboNode* node;
    bool text_counted;
  };
  std::vector<Item> stack = {{root, false}};
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    const GumboNode* n = item.node;
    if (!is_element(n) || n == skip_a || n == skip_b) continue;
    const GumboTag tag = tag_of(n);
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_SOURCE) continue;
    if (tag == GUMBO_TAG_UL && has_any_class(n, kReactionsClasses)) {
      read_reactions(n);
      continue;
    }
    if (tag == GUMBO_TAG_IMG) {
      add_media(attribute(n, "src"), AttachmentKind::photo);
      continue;
    }
    if (tag == GUMBO_TAG_VIDEO || tag == GUMBO_TAG_AUDIO) {
      // Their children are the "Click for video:" fallback link to the same file.
      std::string_view src = attribute(n, "src");
      if (src.empty()) {
        if (const GumboNode* s =
                find_first(n, [](const GumboNode* x) { return tag_of(x) == GUMBO_TAG_SOURCE; })) {
          src = attribute(s, "src");
        }
      }
      add_media(src, tag == GUMBO_TAG_VIDEO ? AttachmentKind::video : AttachmentKind::audio);
      continue;
    }
    bool counted = item.text_counted;
    if (tag == GUMBO_TAG_A) {
      const std::string_view href = trim(attribute(n, "href"));
      if (contains_media(n)) {
        counted = true;  // the link wraps the media it names: the media is the attachment
      } else {
        if (is_http(href)) {
          m_links.emplace_back(href);
        } else if (!href.empty() && !href.starts_with("#")) {
          add_media(href, AttachmentKind::file);
        }
        continue;  // a link's text is its URL or a "Click for ..." label
      }
    } else if (!counted) {
      const std::string text = to_nfc(own_text(n));
      if (!trim(text).empty()) m_texts.emplace_back(trim(text));
    }
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = kids.length; i-- > 0;) {
      const GumboNode* k = child_at(kids, i);
      stack.push_back({k, counted || is_inline(tag_of(k))});
    }
  }
}

bool BlockReader::read(const GumboNode* block, HtmlFile& file) {
  m_texts.clear();
  m_links.clear();
  m_problems.clear();
  m_message = Message();
  const GumboNode* sender =
      find_first(block, [](const GumboNode* n) { return has_any_class(n, kSenderClasses); });
  if (sender == nullptr) {
    sender = find_first(block, [](const GumboNode* n) {
      return tag_of(n) == GUMBO_TAG_H2 || tag_of(n) == GUMBO_TAG_H3;
    });
  }
  const GumboNode* time = nullptr;
  for (const std::string_view token : kTimeClasses) {
    time = find_first(block, [&](const GumboNode* n) { return has_class(n, token); });
    if (time != nullptr) break;
  }
  const GumboNode* content =
      find_first(block, [](const GumboNode* n) { return has_any_class(n, kContentClasses); });
  const std::string sender_text = sender ? to_nfc(trim(all_text(sender))) : std::string();
  if (time == nullptr) {
    // Header blocks: "Participants: a, b and c", "Mailbox thread pending", an invite link.
    if (starts_with_ascii_ci(sender_text, kParticipantsPrefix)) {
      file.participants =
          split_participants(std::string_view(sender_text).substr(kParticipantsPrefix.size()));
      file.has_participants = true;
      return false;
    }
    if (content == nullptr) return false;
  }
  m_message.source_path = m_path;
  m_message.raw = std::string(source_of(block, m_html));
  m_message.sender = sender_text;
  if (sender == nullptr) m_problems.emplace_back("no sender");
  if (time != nullptr) {
    m_message.local_time = to_nfc(trim(all_text(time)));
    if (const auto when = utc_ms(m_message.local_time)) {
      m_message.timestamp_ms = *when;
    } else {
      m_problems.emplace_back("unrecognised date format (the time is kept as written)");
    }
  } else {
    m_problems.emplace_back("no time");
  }
  walk_content(content != nullptr ? content : block, content != nullptr ? nullptr : sender,
               content != nullptr ? nullptr : time);
  if (!m_links.empty()) {
    Share share;
    share.link = m_links.front();
    // A shared post shows "X sent an attachment.", then its caption, then its owner.
    if (m_texts.size() >= 2) share.text = m_texts[1];
    if (m_texts.size() >= 3) share.owner = m_texts[2];
    for (std::size_t i = 3; i < m_texts.size(); ++i) share.text += "\n" + m_texts[i];
    if (!m_texts.empty()) m_message.text = m_texts.front();
    m_message.share = std::move(share);
  } else {
    for (std::size_t i = 0; i < m_texts.size(); ++i) {
      if (i != 0) m_message.text += '\n';
      m_message.text += m_texts[i];
    }
  }
  m_message.edited = marked_edited(m_message.text);
  const bool sticker =
      std::any_of(m_message.attachments.begin(), m_message.attachments.end(),
                  [](const Attachment& a) { return a.kind == AttachmentKind::sticker; });
  if (sticker) {
    m_message.kind = MessageKind::sticker;
  } else if (m_message.share) {
    m_message.kind = MessageKind::share;
  } else if (!m_message.attachments.empty()) {
    m_message.kind = MessageKind::media;
  } else if (const auto notice = notice_kind(m_message.text)) {
    m_message.kind = *notice;
  } else {
    m_message.kind = MessageKind::text;
  }
  file.offsets.push_back(static_cast<std::size_t>(block->v.element.start_pos.offset));
  file.messages.emplace_back(std::move(m_message), std::move(m_problems));
  m_message = Message();
  m_problems.clear();
  return true;
}

HtmlFile read_html_file(ImportContext& context, const ThreadGroup& thread, const std::string& path,
                        std::string_view html, std::size_t bom) {
  if (!is_valid_utf8(html)) {
    // gumbo would replace the bad bytes with U+FFFD; the record's raw bytes keep them.
    context.sink.warning(path, "not valid UTF-8 at byte " +
                                   std::to_string(bom + first_invalid_utf8(html)) +
                                   "; invalid bytes are read as U+FFFD");
  }
  const HtmlDocument document(html, path, "a Meta export page");
  HtmlFile file;
  const GumboNode* root = document.root();
  if (const GumboNode* t =
          find_first(root, [](const GumboNode* n) { return has_class(n, kTitleClass); })) {
    file.title = to_nfc(trim(all_text(t)));
  }
  if (file.title.empty()) {
    if (const GumboNode* header =
            find_first(root, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_HEADER; })) {
      if (const GumboNode* h1 =
              find_first(header, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_H1; })) {
        file.title = to_nfc(trim(all_text(h1)));
      }
    }
  }
  if (file.title.empty()) {
    if (const GumboNode* t =
            find_first(root, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_TITLE; })) {
      file.title = to_nfc(trim(all_text(t)));
    }
  }
  BlockReader reader(context, thread, path, html);
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n) && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (is_element(n) && has_any_class(n, kBlockClasses)) {
      reader.read(n, file);
      continue;
    }
    if (is_element(n) && !file.has_participants) {
      // Outside message blocks the participants line is a plain element of its own.
      const std::string own = to_nfc(trim(own_text(n)));
      if (starts_with_ascii_ci(own, kParticipantsPrefix)) {
        file.participants =
            split_participants(std::string_view(own).substr(kParticipantsPrefix.size()));
        file.has_participants = true;
      }
    }
    push_children(n, stack);
  }
  for (std::size_t& offset : file.offsets) offset += bom;
  return file;
}

}  // namespace

void import_html_thread(ImportContext& context, const ThreadGroup& thread) {
  std::vector<HtmlFile> files;
  files.reserve(thread.html_files.size());
  for (const ThreadFile& f : thread.html_files) {
    const PlainBytes bytes = context.files.read(f.path);
    std::string_view html(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::size_t bom = 0;
    if (html.starts_with("\xEF\xBB\xBF")) {
      html.remove_prefix(3);
      bom = 3;
    }
    files.push_back(read_html_file(context, thread, f.path, html, bom));
  }
  if (files.empty()) return;
  if (!context.announced(thread.thread_id)) {
    Conversation c;
    c.platform = context.platform;
    c.thread_id = thread.thread_id;
    c.source_path = thread.html_files.front().path;
    for (const HtmlFile& f : files) {
      if (c.title.empty()) c.title = f.title;
    }
    std::vector<std::string> names;
    for (const HtmlFile& f : files) {
      if (f.has_participants) {
        names = f.participants;
        break;
      }
    }
    if (names.empty()) {
      // Without a participants line (one-to-one threads), the senders are the participants.
      for (const HtmlFile& f : files) {
        for (const auto& [message, problems] : f.messages) {
          if (!message.sender.empty() &&
              std::find(names.begin(), names.end(), message.sender) == names.end()) {
            names.push_back(message.sender);
          }
        }
      }
    }
    for (std::string& name : names) {
      Participant p;
      p.is_self = context.is_self(name);
      p.name = std::move(name);
      c.participants.push_back(std::move(p));
    }
    if (c.title.empty()) c.title = thread.thread_id;
    c.is_group = c.participants.size() > 2;
    context.announce(c);
  }
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (std::size_t i = 0; i < files[f].messages.size(); ++i) {
      auto& [message, problems] = files[f].messages[i];
      if (!problems.empty()) {
        context.sink.warning(thread.html_files[f].path,
                             record_problem(i, files[f].offsets[i], problems));
      }
      context.sink.message(thread.thread_id, std::move(message));
    }
  }
}

}  // namespace dmvault::formats::meta
