// signal-export's HTML page (<Chat>/index.html), read with gumbo. Elements are found by class
// tokens, which both page designs share: a message is a "msg" element (a call an "event"), with
// "sender", a time ("date" + "time", or a <time datetime>), "quote", "body" and "reaction(s)".
// A message that follows the same sender within minutes ("msg cont") omits sender and time.
#include "common/format_text.hpp"
#include "common/html_dom.hpp"
#include "dmvault/error.hpp"
#include "signal/signal_internal.hpp"

#include <array>
#include <string>
#include <vector>

namespace dmvault::formats::signal {

namespace {

// The parts of a message that are not its text.
constexpr std::array<std::string_view, 9> kMetaClasses = {
    "date", "time", "sender", "quote", "reaction", "reactions", "meta", "icon", "pager"};

bool is_block(GumboTag tag) {
  return tag == GUMBO_TAG_P || tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_LI ||
         tag == GUMBO_TAG_BLOCKQUOTE || tag == GUMBO_TAG_PRE;
}

// The text of `node` as a reader sees it: <br> and blocks as line breaks, prettify()'s
// indentation and line breaks inside a paragraph folded to single spaces. Media elements and
// the lightbox copy of a figure are skipped (they are attachments, not text).
std::string visible_text(const GumboNode* node, bool skip_meta = false) {
  std::string out;
  struct Item {
    const GumboNode* node;
    bool close;
  };
  std::vector<Item> stack{{node, false}};
  bool pending_space = false;
  const auto newline = [&] {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (!out.empty() && out.back() != '\n') out += '\n';
    pending_space = false;
  };
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    const GumboNode* n = item.node;
    if (item.close) {
      newline();
      continue;
    }
    if (is_text(n)) {
      std::string_view t = n->v.text.text;
      for (const char c : t) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          pending_space = !out.empty() && out.back() != '\n';
        } else {
          if (pending_space) out += ' ';
          pending_space = false;
          out += c;
        }
      }
      continue;
    }
    if (!is_element(n) && n->type != GUMBO_NODE_DOCUMENT) continue;
    const GumboTag tag = tag_of(n);
    if (tag == GUMBO_TAG_BR) {
      newline();
      continue;
    }
    if (tag == GUMBO_TAG_FIGURE || tag == GUMBO_TAG_AUDIO || tag == GUMBO_TAG_VIDEO ||
        tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
        tag == GUMBO_TAG_INPUT || has_class(n, "file") || has_class(n, "modal") ||
        (skip_meta && n != node && has_any_class(n, kMetaClasses))) {
      continue;
    }
    if (is_block(tag) && n != node) {
      newline();
      stack.push_back({n, true});
    }
    const GumboVector& children = children_of(n);
    for (unsigned i = children.length; i > 0; --i)
      stack.push_back({child_at(children, i - 1), false});
  }
  return std::string(trim(out));
}

// The first element under `node` (itself included) that has class `token`.
const GumboNode* find_class(const GumboNode* node, std::string_view token) {
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n)) continue;
    if (has_class(n, token)) return n;
    push_children(n, stack);
  }
  return nullptr;
}

std::vector<const GumboNode*> find_all(const GumboNode* node, GumboTag tag) {
  std::vector<const GumboNode*> out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n)) continue;
    if (tag_of(n) == tag) out.push_back(n);
    push_children(n, stack);
  }
  return out;
}

bool is_local_link(std::string_view href) {
  return !href.empty() && href.find("://") == std::string_view::npos && href.front() != '#' &&
         href.rfind("mailto:", 0) != 0;
}

// The attachments of a message body: images (not the lightbox's second copy), audio and video
// sources, and links to local files.
void add_attachments(const GumboNode* body, std::string_view dir, Message& m) {
  std::vector<const GumboNode*> stack{body};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n)) continue;
    const GumboTag tag = tag_of(n);
    std::string_view src;
    AttachmentKind kind = AttachmentKind::file;
    std::string name;
    // The full-size copy of the figure's image, and a quote's thumbnails.
    if (has_class(n, "modal") || has_class(n, "quote")) continue;
    if (tag == GUMBO_TAG_IMG) {
      src = attribute(n, "src");
      name = std::string(attribute(n, "alt"));
      kind = AttachmentKind::photo;
    } else if (tag == GUMBO_TAG_AUDIO || tag == GUMBO_TAG_VIDEO) {
      src = attribute(n, "src");
      if (src.empty()) {
        for (const GumboNode* s : find_all(n, GUMBO_TAG_SOURCE)) {
          src = attribute(s, "src");
          if (!src.empty()) break;
        }
      }
      kind = tag == GUMBO_TAG_AUDIO ? AttachmentKind::audio : AttachmentKind::video;
    } else if (tag == GUMBO_TAG_A && is_local_link(attribute(n, "href"))) {
      src = attribute(n, "href");
      name = visible_text(n);
      kind = AttachmentKind::file;
    } else {
      push_children(n, stack);
      continue;
    }
    if (src.empty()) continue;
    Attachment a;
    const std::string path = percent_decoded(src);
    a.uri = resolve(dir, path);
    a.name = to_nfc(trim(name).empty() ? std::string(base_name(path)) : std::string(trim(name)));
    a.kind = kind == AttachmentKind::file ? kind_of_name(path, false)
             : kind == AttachmentKind::photo && kind_of_name(path, true) == AttachmentKind::gif
                 ? AttachmentKind::gif
                 : kind;
    m.attachments.push_back(std::move(a));
  }
}

// Reactions: chips with the reactor in their title, or the text "Name: 👍, Bo: ❤️".
void add_reactions(const GumboNode* box, const std::string& self, Message& m) {
  std::vector<const GumboNode*> stack;
  push_children(box, stack);
  bool any_titled = false;
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n)) continue;
    const std::string_view title = attribute(n, "title");
    if (!title.empty()) {
      const std::string emoji = visible_text(n);
      if (!emoji.empty()) {
        const std::string actor = to_nfc(trim(title));
        m.reactions.push_back({actor == "Me" ? self : actor, to_nfc(emoji), {}});
        any_titled = true;
      }
      continue;
    }
    push_children(n, stack);
  }
  if (any_titled) return;
  const std::string text = visible_text(box);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(", ", start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t colon = item.rfind(": ");
    if (colon != std::string::npos && colon > 0) {
      const std::string actor = to_nfc(trim(item.substr(0, colon)));
      m.reactions.push_back(
          {actor == "Me" ? self : actor, to_nfc(trim(item.substr(colon + 2))), {}});
    }
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
}

struct Parsed {
  Message message;
  bool has_time = false;
  std::size_t offset = 0;
  std::vector<std::string> problems;
};

}  // namespace

void import_export_html(ImportContext& context, const std::string& path) {
  const PlainBytes bytes = context.files.read(path, kMaxChatBytes);
  const std::string_view html = text_of(bytes);
  if (const std::size_t bad = first_invalid_utf8(html); bad != html.size()) {
    throw Error(ErrorCode::bad_input, path + ": byte " + std::to_string(bad) + ": not valid UTF-8",
                "signal-export writes UTF-8; the file may be damaged");
  }
  const HtmlDocument doc(html, path, "a signal-export chat page");
  const TimeZone& zone = context.zone();
  const std::string self = self_name(context, "Me");
  const std::string_view dir = dir_of(path);

  std::vector<Parsed> parsed;
  std::vector<std::string> senders;
  std::string last_sender;
  std::optional<std::int64_t> last_time;
  std::string last_local;
  std::vector<const GumboNode*> stack{doc.root()};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!is_element(n) && n->type != GUMBO_NODE_DOCUMENT) continue;
    const bool is_msg = is_element(n) && has_class(n, "msg");
    const bool is_event = is_element(n) && has_class(n, "event");
    if (!is_msg && !is_event) {
      push_children(n, stack);
      continue;
    }
    Parsed p;
    Message& m = p.message;
    const std::string_view source = source_of(n, html);
    m.raw = std::string(source);
    m.source_path = path;
    p.offset = source.empty() ? 0 : static_cast<std::size_t>(source.data() - html.data());

    // The time: a <time datetime="ISO">, else the "date" and "time" spans.
    std::string local;
    for (const GumboNode* t : find_all(n, GUMBO_TAG_TIME)) {
      local = std::string(trim(attribute(t, "datetime")));
      if (!local.empty()) break;
    }
    if (local.empty()) {
      const GumboNode* date = find_class(n, "date");
      const GumboNode* time = find_class(n, "time");
      if (date && time) local = visible_text(date) + " " + visible_text(time);
    }
    if (!local.empty()) {
      if (const auto ms = local_iso_to_utc_ms(local, zone)) {
        m.timestamp_ms = *ms;
        m.local_time = local;
        p.has_time = true;
        last_time = ms;
        last_local = local;
      } else {
        p.problems.emplace_back("time");
      }
    } else if (last_time) {
      // A grouped message ("cont") shares the previous message's minute.
      m.timestamp_ms = *last_time;
      m.local_time = last_local;
      p.has_time = true;
    }

    if (is_event) {
      m.kind = has_class(n, "call") ? MessageKind::call : MessageKind::system;
      m.text = to_nfc(visible_text(n, true));
      if (!p.has_time) p.problems.emplace_back("time");
      parsed.push_back(std::move(p));
      last_sender.clear();
      continue;
    }

    if (const GumboNode* sender = find_class(n, "sender")) {
      last_sender = to_nfc(visible_text(sender));
    } else if (!has_class(n, "cont")) {
      p.problems.emplace_back("sender");
    }
    m.sender = last_sender == "Me" ? self : last_sender == "No-Sender" ? "" : last_sender;
    if (has_class(n, "me") && m.sender.empty()) m.sender = self;
    if (!m.sender.empty() && m.sender != self &&
        std::find(senders.begin(), senders.end(), m.sender) == senders.end()) {
      senders.push_back(m.sender);
    }
    if (const GumboNode* quote = find_class(n, "quote")) m.reply_to = to_nfc(visible_text(quote));
    if (has_class(n, "deleted")) {
      m.kind = MessageKind::unsent;
    } else {
      // The body is Markdown rendered into <p class=body>; an HTML parser (a browser's too)
      // closes that paragraph at the <p> or <figure> inside it, so the text and media are
      // read from the whole message, leaving out its sender, time, quote and reactions.
      if (!find_class(n, "body")) p.problems.emplace_back("body");
      m.text = to_nfc(visible_text(n, true));
      add_attachments(n, dir, m);
      if (m.text.empty() && !m.attachments.empty()) m.kind = MessageKind::media;
    }
    const GumboNode* reactions = find_class(n, "reactions");
    if (!reactions) reactions = find_class(n, "reaction");
    if (reactions) add_reactions(reactions, self, m);
    if (m.sender.empty() && m.kind == MessageKind::text) m.kind = MessageKind::system;
    if (!p.has_time) p.problems.emplace_back("time");
    parsed.push_back(std::move(p));
  }
  if (parsed.empty()) {
    throw Error(ErrorCode::bad_input, path + ": byte 0: no messages on the page",
                "a signal-export page holds \"msg\" elements; the file may be cut short");
  }
  Conversation c;
  c.platform = "signal";
  c.thread_id = to_nfc(chat_name(path));
  c.title = c.thread_id;
  c.source_path = path;
  const bool self_wrote = std::any_of(parsed.begin(), parsed.end(),
                                      [&](const Parsed& q) { return q.message.sender == self; });
  if (self_wrote) c.participants.push_back({self, "", true});
  for (const std::string& s : senders) c.participants.push_back({s, "", false});
  c.is_group = c.participants.size() > 2;
  emit_conversation(context, c, path, parsed);
}

}  // namespace dmvault::formats::signal
