// Reader of Telegram Desktop's HTML export: messages.html, messages2.html, ... of one chat (1000
// messages a page). Parsed with gumbo; the structure is tdesktop's export_output_html.cpp
// (formats/telegram/FORMAT.md, "HTML export").
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/html_dom.hpp"
#include "dmvault/error.hpp"
#include "telegram/telegram_internal.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <utility>

namespace dmvault::formats::telegram {

namespace {

using Predicate = std::function<bool(const GumboNode*)>;

// Depth-first, document order. `stop` prunes the subtrees it matches (not searched inside).
void find_all(const GumboNode* node, const Predicate& match, std::vector<const GumboNode*>& out,
              const Predicate& stop = nullptr) {
  if (node->type != GUMBO_NODE_DOCUMENT && !is_element(node)) return;
  const GumboVector& kids = children_of(node);
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = child_at(kids, i);
    if (!is_element(c)) continue;
    if (match(c)) {
      out.push_back(c);
      continue;
    }
    if (stop && stop(c)) continue;
    find_all(c, match, out, stop);
  }
}

const GumboNode* find_first(const GumboNode* node, const Predicate& match,
                            const Predicate& stop = nullptr) {
  std::vector<const GumboNode*> out;
  find_all(node, match, out, stop);
  return out.empty() ? nullptr : out.front();
}

const GumboNode* child_with_class(const GumboNode* node, std::string_view token) {
  const GumboVector& kids = children_of(node);
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* c = child_at(kids, i);
    if (is_element(c) && has_class(c, token)) return c;
  }
  return nullptr;
}

// The text of a subtree as Telegram wrote it: a <br> is a line break; the line breaks and
// indentation of the file itself are layout (the exporter writes every newline of a text as
// <br>), so they are dropped.
void append_text(const GumboNode* node, std::string& out, std::vector<std::string>* urls) {
  if (is_text(node)) {
    for (const char* p = node->v.text.text; *p != '\0'; ++p) {
      if (*p != '\n' && *p != '\r') out += *p;
    }
    return;
  }
  if (!is_element(node)) return;
  if (tag_of(node) == GUMBO_TAG_BR) {
    out += '\n';
    return;
  }
  if (urls != nullptr && tag_of(node) == GUMBO_TAG_A) {
    const std::string_view href = attribute(node, "href");
    if (starts_with_ascii_ci(href, "http://") || starts_with_ascii_ci(href, "https://")) {
      if (std::find(urls->begin(), urls->end(), href) == urls->end()) urls->emplace_back(href);
    }
  }
  const GumboVector& kids = children_of(node);
  for (unsigned i = 0; i < kids.length; ++i) append_text(child_at(kids, i), out, urls);
}

// Text with the file's indentation trimmed at both ends.
std::string text_of(const GumboNode* node, std::vector<std::string>* urls = nullptr) {
  if (node == nullptr) return {};
  std::string out;
  append_text(node, out, urls);
  const std::size_t begin = out.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const std::size_t end = out.find_last_not_of(" \t");
  return to_nfc(out.substr(begin, end - begin + 1));
}

unsigned two_digits(std::string_view s, std::size_t at, bool& ok) {
  if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') {
    ok = false;
    return 0;
  }
  return static_cast<unsigned>((s[at] - '0') * 10 + (s[at + 1] - '0'));
}

}  // namespace

// "DD.MM.YYYY HH:MM:SS UTC+HH:MM" (the offset since about 2022; older pages have none, and are
// read in the user's zone). Exposed for the tests through the internal header.
std::optional<std::int64_t> parse_html_date(std::string_view title, const TimeZone* zone) {
  title = trim(title);
  bool ok = true;
  if (title.size() < 19 || title[2] != '.' || title[5] != '.' || title[10] != ' ' ||
      title[13] != ':' || title[16] != ':') {
    return std::nullopt;
  }
  const unsigned day = two_digits(title, 0, ok);
  const unsigned month = two_digits(title, 3, ok);
  const unsigned year_hi = two_digits(title, 6, ok);
  const unsigned year_lo = two_digits(title, 8, ok);
  const unsigned hour = two_digits(title, 11, ok);
  const unsigned minute = two_digits(title, 14, ok);
  const unsigned second = two_digits(title, 17, ok);
  const std::int64_t year = year_hi * 100 + year_lo;
  if (!ok || !is_valid_date(year, month, day) || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::int64_t local =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  std::string_view rest = trim(title.substr(19));
  if (rest.empty()) {
    if (zone == nullptr) return std::nullopt;
    return zone->to_utc(local) * 1000;
  }
  if (rest.size() != 9 || rest.substr(0, 3) != "UTC" || (rest[3] != '+' && rest[3] != '-') ||
      rest[6] != ':') {
    return std::nullopt;
  }
  const unsigned oh = two_digits(rest, 4, ok);
  const unsigned om = two_digits(rest, 7, ok);
  if (!ok || oh > 14 || om > 59) return std::nullopt;
  const std::int64_t offset =
      (rest[3] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
  return (local - offset) * 1000;
}

namespace {

// A link of the page made an export path: relative to the page's folder, with "../" resolved.
std::string export_path(const std::string& page_dir, std::string_view href) {
  if (href.empty() || starts_with_ascii_ci(href, "http://") ||
      starts_with_ascii_ci(href, "https://") || href.front() == '#' ||
      href.find(':') != std::string_view::npos) {
    return std::string(href);
  }
  std::vector<std::string> parts;
  const std::string joined = page_dir + std::string(href);
  std::size_t pos = 0;
  while (pos <= joined.size()) {
    const std::size_t slash = joined.find('/', pos);
    const std::string part =
        joined.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct PageMessage {
  Message message;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
};

class PageReader {
 public:
  PageReader(ImportContext& context, const std::string& path, std::string_view html)
      : m_context(context), m_path(path), m_html(html) {
    const std::size_t slash = path.rfind('/');
    m_dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  }

  std::string title;
  std::vector<PageMessage> messages;

  // `previous_sender`: the last sender of the page before (a "joined" message continues it).
  void read(std::string& previous_sender) {
    const HtmlDocument document(m_html, m_path, "a Telegram export page");
    const GumboNode* root = document.root();
    if (const GumboNode* header =
            find_first(root, [](const GumboNode* n) { return has_class(n, "page_header"); })) {
      title = text_of(find_first(header, [](const GumboNode* n) { return has_class(n, "text"); }));
    }
    std::vector<const GumboNode*> blocks;
    find_all(
        root, [](const GumboNode* n) { return has_class(n, "message"); }, blocks);
    for (const GumboNode* block : blocks) {
      const std::string_view id = attribute(block, "id");
      // Day separators are service blocks with negative ids ("message-1"): not messages.
      if (id.substr(0, 8) == "message-") continue;
      PageMessage m =
          has_class(block, "service") ? service(block) : regular(block, previous_sender);
      if (id.substr(0, 7) == "message") m.message.platform_message_id = std::string(id.substr(7));
      messages.push_back(std::move(m));
    }
  }

 private:
  PageMessage start(const GumboNode* block) const {
    PageMessage m;
    m.offset = block->v.element.start_pos.offset;
    m.message.raw = std::string(source_of(block, m_html));
    m.message.source_path = m_path;
    return m;
  }

  PageMessage service(const GumboNode* block) const {
    PageMessage m = start(block);
    m.message.kind = MessageKind::system;
    m.message.text = text_of(child_with_class(block, "body"));
    // Service blocks carry no time: the previous message's is used (see import_html_dir).
    if (const GumboNode* wrap = child_with_class(block, "userpic_wrap")) {
      if (const GumboNode* link =
              find_first(wrap, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_A; })) {
        add_attachment(m.message, attribute(link, "href"), AttachmentKind::photo, "");
      }
    }
    return m;
  }

  void add_attachment(Message& message, std::string_view href, AttachmentKind kind,
                      std::string name) const {
    Attachment a;
    a.kind = kind;
    if (!href.empty()) {
      a.uri = export_path(m_dir, href);
      if (name.empty()) name = std::string(base_name(a.uri));
    }
    a.name = to_nfc(name);
    message.attachments.push_back(std::move(a));
  }

  void read_time(const GumboNode* body, PageMessage& m) {
    const GumboNode* date = child_with_class(body, "date");
    const std::string_view title_attr = date ? attribute(date, "title") : std::string_view();
    if (title_attr.empty()) {
      m.problems.push_back("the message has no date");
      return;
    }
    m.message.local_time = std::string(trim(title_attr));
    const auto ms = parse_html_date(title_attr, nullptr);
    if (ms) {
      m.message.timestamp_ms = *ms;
      m.has_time = true;
      // The title had its offset: the time is exact, not a wall clock to keep.
      m.message.local_time.clear();
      return;
    }
    if (const auto local = parse_html_date(title_attr, &m_context.zone())) {
      m.message.timestamp_ms = *local;
      m.has_time = true;
      return;
    }
    m.problems.push_back("the date is not \"DD.MM.YYYY HH:MM:SS\"");
  }

  // What a generic media block (media_wrap > .media.<kind>) is.
  void read_generic_media(const GumboNode* media, PageMessage& m,
                          std::vector<std::string>& descriptions) const {
    const std::string media_title = text_of(child_with_class_deep(media, "title"));
    const std::string description = text_of(child_with_class_deep(media, "description"));
    const std::string status = text_of(child_with_class_deep(media, "status"));
    const std::string_view href = tag_of(media) == GUMBO_TAG_A ? attribute(media, "href") : "";
    // Without a file the description says why ("Not included, change data exporting settings
    // to download.") and there is no link.
    const bool local_file = !href.empty() && !starts_with_ascii_ci(href, "http");
    const auto file = [&](AttachmentKind kind, std::string name) {
      add_attachment(m.message, local_file ? href : std::string_view(), kind, std::move(name));
    };
    if (has_class(media, "media_call")) {
      m.message.kind = MessageKind::call;
      std::int64_t seconds = 0;
      if (const std::size_t open = status.rfind(" ("); open != std::string::npos) {
        for (std::size_t i = open + 2; i < status.size() && status[i] >= '0' && status[i] <= '9';
             ++i) {
          seconds = seconds * 10 + (status[i] - '0');
        }
      }
      m.message.call_duration_s = seconds;
      descriptions.push_back("Call: " + status);
    } else if (has_class(media, "media_voice_message") || has_class(media, "media_audio_file")) {
      file(AttachmentKind::audio, "");
    } else if (has_class(media, "media_video")) {
      file(AttachmentKind::video, "");
    } else if (has_class(media, "media_photo")) {
      file(media_title == "Sticker" ? AttachmentKind::sticker : AttachmentKind::photo,
           media_title == "Sticker" ? status : "");
    } else if (has_class(media, "media_file")) {
      file(AttachmentKind::file, media_title == "File" ? "" : media_title);
    } else if (has_class(media, "media_contact")) {
      if (local_file) file(AttachmentKind::file, "");
      descriptions.push_back("Contact: " + media_title + (status.empty() ? "" : ", " + status));
    } else if (has_class(media, "media_location") || has_class(media, "media_live_location") ||
               has_class(media, "media_venue")) {
      descriptions.push_back(
          (has_class(media, "media_venue") ? "Place: " : "Location: ") +
          (media_title == "Location" || media_title == "Live location" ? status : media_title) +
          (description.empty() ? "" : ", " + description));
    } else {
      std::string line = media_title;
      if (!description.empty()) line += (line.empty() ? "" : ", ") + description;
      if (!line.empty()) descriptions.push_back(line);
    }
  }

  static const GumboNode* child_with_class_deep(const GumboNode* node, std::string_view token) {
    return find_first(node, [token](const GumboNode* n) { return has_class(n, token); });
  }

  void read_media(const GumboNode* body, PageMessage& m, std::vector<std::string>& descriptions) {
    std::vector<const GumboNode*> wraps;
    find_all(
        body, [](const GumboNode* n) { return has_class(n, "media_wrap"); }, wraps);
    for (const GumboNode* wrap : wraps) {
      const GumboVector& kids = children_of(wrap);
      for (unsigned i = 0; i < kids.length; ++i) {
        const GumboNode* c = child_at(kids, i);
        if (!is_element(c)) continue;
        const std::string_view href = attribute(c, "href");
        if (has_class(c, "photo_wrap")) {
          add_attachment(m.message, href, AttachmentKind::photo, "");
        } else if (has_class(c, "sticker_wrap")) {
          add_attachment(m.message, href, AttachmentKind::sticker, "");
        } else if (has_class(c, "animated_wrap")) {
          add_attachment(m.message, href, AttachmentKind::gif, "");
        } else if (has_class(c, "video_file_wrap")) {
          add_attachment(m.message, href, AttachmentKind::video, "");
        } else if (has_class(c, "media")) {
          read_generic_media(c, m, descriptions);
        } else if (has_class(c, "media_poll")) {
          std::string line = "Poll: " + text_of(child_with_class_deep(c, "question"));
          std::vector<const GumboNode*> answers;
          find_all(
              c, [](const GumboNode* n) { return has_class(n, "answer"); }, answers);
          for (const GumboNode* a : answers) {
            // "- Friday <span class="details">1 vote</span>": the answer without its count.
            std::string answer;
            const GumboVector& parts = children_of(a);
            for (unsigned j = 0; j < parts.length; ++j) {
              const GumboNode* part = child_at(parts, j);
              if (!is_element(part) || !has_class(part, "details"))
                append_text(part, answer, nullptr);
            }
            line += "\n" + std::string(trim(answer));
          }
          descriptions.push_back(to_nfc(line));
        }
      }
    }
  }

  void read_reactions(const GumboNode* body, PageMessage& m) const {
    std::vector<const GumboNode*> reactions;
    find_all(
        body, [](const GumboNode* n) { return has_class(n, "reaction"); }, reactions);
    for (const GumboNode* r : reactions) {
      const std::string emoji = text_of(child_with_class_deep(r, "emoji"));
      if (emoji.empty()) continue;
      std::int64_t count = 1;
      const std::string count_text = text_of(child_with_class_deep(r, "count"));
      if (!count_text.empty() && count_text.size() < 10 &&
          count_text.find_first_not_of("0123456789") == std::string::npos) {
        count = std::stoll(count_text);
      }
      for (std::int64_t i = 0; i < std::min(count, kMaxAnonymousReactions); ++i) {
        m.message.reactions.push_back(Reaction{"", emoji, std::nullopt});
      }
    }
  }

  PageMessage regular(const GumboNode* block, std::string& previous_sender) {
    PageMessage m = start(block);
    Message& msg = m.message;
    const GumboNode* body = child_with_class(block, "body");
    if (body == nullptr) {
      m.problems.push_back("the message has no body");
      msg.kind = MessageKind::system;
      msg.sender = previous_sender;
      return m;
    }
    read_time(body, m);
    if (const GumboNode* from = child_with_class(body, "from_name")) {
      std::string name = text_of(from);
      // "Name via @bot": the bot is kept in raw.
      if (const std::size_t via = name.rfind(" via @"); via != std::string::npos) {
        name.resize(via);
      }
      previous_sender = name;
    } else if (!has_class(block, "joined")) {
      m.problems.push_back("the message has no sender");
    }
    msg.sender = previous_sender;
    // "forwarded body" holds the original sender; "forwarded userpic_wrap" only a picture.
    const GumboNode* forwarded = nullptr;
    const GumboVector& parts = children_of(body);
    for (unsigned i = 0; i < parts.length && forwarded == nullptr; ++i) {
      const GumboNode* c = child_at(parts, i);
      if (is_element(c) && has_class(c, "forwarded") && has_class(c, "body")) forwarded = c;
    }
    if (forwarded != nullptr) {
      if (const GumboNode* from = child_with_class(forwarded, "from_name")) {
        // The forwarded sender's name, then a date span.
        std::string name;
        const GumboVector& kids = children_of(from);
        for (unsigned i = 0; i < kids.length; ++i) {
          const GumboNode* c = child_at(kids, i);
          if (is_element(c) && has_class(c, "date")) break;
          append_text(c, name, nullptr);
        }
        Share share;
        share.owner = to_nfc(trim(name));
        msg.share = std::move(share);
      }
    }
    if (const GumboNode* reply =
            find_first(body, [](const GumboNode* n) { return has_class(n, "reply_to"); })) {
      if (const GumboNode* link =
              find_first(reply, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_A; })) {
        const std::string_view href = attribute(link, "href");
        // "#go_to_message7", or "messages2.html#go_to_message7" across pages.
        if (const std::size_t at = href.find("go_to_message"); at != std::string_view::npos) {
          msg.reply_to = std::string(href.substr(at + 13));
        }
      }
    }
    std::vector<std::string> descriptions;
    read_media(body, m, descriptions);
    std::vector<std::string> urls;
    const GumboNode* text = find_first(
        body, [](const GumboNode* n) { return has_class(n, "text"); },
        [](const GumboNode* n) { return has_class(n, "media_wrap"); });
    msg.text = text_of(text, &urls);
    if (msg.text.empty()) {
      for (const std::string& d : descriptions) msg.text += (msg.text.empty() ? "" : "\n") + d;
      msg.text = to_nfc(msg.text);
    }
    if (!urls.empty()) {
      if (!msg.share) msg.share = Share{};
      msg.share->link = urls.front();
      for (std::size_t i = 1; i < urls.size(); ++i) {
        msg.share->text += (msg.share->text.empty() ? "" : "\n") + urls[i];
      }
    }
    read_reactions(body, m);
    if (msg.kind != MessageKind::call) {
      const bool sticker =
          std::any_of(msg.attachments.begin(), msg.attachments.end(),
                      [](const Attachment& a) { return a.kind == AttachmentKind::sticker; });
      msg.kind = sticker                    ? MessageKind::sticker
                 : !msg.attachments.empty() ? MessageKind::media
                                            : MessageKind::text;
    }
    return m;
  }

  ImportContext& m_context;
  const std::string& m_path;
  std::string_view m_html;
  std::string m_dir;
};

}  // namespace

void import_html_dir(ImportContext& context, const ExportDir& dir) {
  struct Page {
    std::string path;
    std::vector<PageMessage> messages;
  };
  std::vector<Page> pages;
  std::string title;
  std::string previous_sender;
  for (const std::string& path : dir.html_files) {
    const PlainBytes bytes = context.files.read(path);
    std::string_view html(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::size_t bom = 0;
    if (html.substr(0, 3) == "\xEF\xBB\xBF") {
      bom = 3;
      html.remove_prefix(3);
    }
    if (!is_valid_utf8(html)) {
      throw Error(ErrorCode::bad_input,
                  path + ": not UTF-8 at byte " + std::to_string(bom + first_invalid_utf8(html)),
                  "Telegram writes its HTML pages in UTF-8; the file is damaged or not one of "
                  "them");
    }
    PageReader reader(context, path, html);
    reader.read(previous_sender);
    if (title.empty()) title = reader.title;
    for (PageMessage& m : reader.messages) m.offset += bom;
    pages.push_back({path, std::move(reader.messages)});
  }
  // The HTML pages name the chat but not its id: the name keys the conversation, like a
  // result.json chat without an id.
  Conversation c;
  c.platform = std::string(kPlatform);
  c.title = title;
  c.thread_id = "name:" + (title.empty() ? dir.dir : title);
  c.source_path = dir.html_files.front();
  std::map<std::string, bool> seen;
  for (const Page& page : pages) {
    for (const PageMessage& m : page.messages) {
      if (m.message.kind == MessageKind::system || m.message.sender.empty()) continue;
      if (seen.emplace(m.message.sender, true).second) {
        Participant p;
        p.name = m.message.sender;
        p.is_self = !context.options.self_name.empty() && p.name == context.options.self_name;
        c.participants.push_back(std::move(p));
      }
    }
  }
  c.is_group = c.participants.size() > 2;
  context.announce(c);
  // Service blocks carry no time: they take the previous message's, or the first time of the
  // chat when they open it.
  std::int64_t last_time = 0;
  for (const Page& page : pages) {
    const auto timed = std::find_if(page.messages.begin(), page.messages.end(),
                                    [](const PageMessage& m) { return m.has_time; });
    if (timed != page.messages.end()) {
      last_time = timed->message.timestamp_ms;
      break;
    }
  }
  for (Page& page : pages) {
    for (std::size_t i = 0; i < page.messages.size(); ++i) {
      PageMessage& m = page.messages[i];
      if (m.has_time) {
        last_time = m.message.timestamp_ms;
      } else {
        m.message.timestamp_ms = last_time;
      }
      if (!m.problems.empty()) {
        context.sink.warning(page.path, record_problem("message", i, m.offset, m.problems));
      }
      context.sink.message(c.thread_id, std::move(m.message));
    }
  }
}

}  // namespace dmvault::formats::telegram
