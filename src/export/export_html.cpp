// --format html: a static site that works offline, from a folder or straight out of the zip.
//   index.html                       the conversations, with counts and date ranges
//   conversations/<id>-<title>/N.html  pages of `page_size` messages, oldest first, prev/next
//   media/                           every file a selected message references, written once per
//                                    content and name; when nothing is filtered out, also every
//                                    other stored file of the imports that is not a JSON or HTML
//                                    document (posts, profile pictures, media no message
//                                    names), listed on other-media.html
//   style.css                        the one stylesheet, with print rules
//   search.html, search.js, search-index.js   offline search: a small script over an index of
//                                    the messages (a .js file, since browsers refuse fetch()
//                                    from file:// pages)
// Nothing is loaded from elsewhere: no fonts, no scripts, no images from the network. Every text
// from the vault is escaped; links from shares are kept only when they are http(s). (No
// Content-Security-Policy: browsers disagree on what 'self' means for file:// pages, and a
// policy that blocks the site's own stylesheet offline is worse than none; no inline script
// exists for one to protect.)
#include "dmvault/error.hpp"
#include "export/export_internal.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace dmvault::exporting {

namespace {

constexpr std::string_view kCss =
    R"css(:root { color-scheme: light dark; --bg: #f4f4f6; --fg: #1c1c1e;
  --bubble: #ffffff; --muted: #6b6b70; --accent: #3a6ff7; --line: #d9d9de; }
@media (prefers-color-scheme: dark) { :root { --bg: #18181a; --fg: #ececef; --bubble: #2a2a2e;
  --muted: #9a9aa0; --accent: #7aa2ff; --line: #3a3a3e; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, nav, main, footer { max-width: 52rem; margin: 0 auto; padding: 0.5rem 1rem; }
header h1 { margin: 0.3rem 0; font-size: 1.4rem; }
a { color: var(--accent); }
.meta, .pager, time, .day, .missing { color: var(--muted); font-size: 0.85rem; }
.pager { display: flex; gap: 1rem; justify-content: space-between; }
.conversations { list-style: none; padding: 0; }
.conversations li { background: var(--bubble); border-radius: 0.6rem; margin: 0.4rem 0;
  padding: 0.6rem 0.9rem; }
.day { text-align: center; margin: 1.2rem 0 0.4rem; }
.msg { background: var(--bubble); border-radius: 1rem; margin: 0.35rem 0; padding: 0.5rem 0.8rem;
  max-width: 85%; width: fit-content; overflow-wrap: anywhere; }
.msg.system { background: none; max-width: 100%; margin: 0.35rem auto; color: var(--muted);
  font-style: italic; text-align: center; }
.msg .sender { font-weight: 600; font-size: 0.85rem; }
.s0 .sender { color: #c2410c; } .s1 .sender { color: #15803d; } .s2 .sender { color: #1d4ed8; }
.s3 .sender { color: #a21caf; } .s4 .sender { color: #b45309; } .s5 .sender { color: #0f766e; }
.s6 .sender { color: #be123c; } .s7 .sender { color: #4d7c0f; }
.msg .text { white-space: pre-wrap; }
.msg img, .msg video { display: block; max-width: 100%; max-height: 28rem; border-radius: 0.5rem;
  margin: 0.3rem 0; }
.msg audio { display: block; margin: 0.3rem 0; }
.reply, .share { border-left: 3px solid var(--line); padding-left: 0.5rem; margin: 0.2rem 0;
  color: var(--muted); }
.reactions { font-size: 0.85rem; }
.unsent { color: var(--muted); font-style: italic; }
:target { outline: 2px solid var(--accent); }
#results li { margin: 0.4rem 0; list-style: none; }
#q { width: 100%; font-size: 1.1rem; padding: 0.4rem; }
@media print {
  :root { --bg: #fff; --fg: #000; --bubble: #fff; --muted: #444; }
  nav, .pager, .noprint { display: none !important; }
  body { font-size: 10.5pt; }
  .msg { border: 1px solid #bbb; break-inside: avoid; max-width: 100%; }
  .msg img, .msg video { max-height: 12cm; }
  a { color: #000; text-decoration: none; }
}
)css";

constexpr std::string_view kSearchJs = R"js("use strict";
// Offline search over search-index.js (DMVAULT_INDEX): every word must occur in the sender or
// the text, compared without case and accents. Results are built with textContent only.
(function () {
  var index = window.DMVAULT_INDEX || { conversations: [], messages: [] };
  var fold = function (s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var folded = null;
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  var limit = 500;
  function run() {
    if (folded === null) {
      folded = index.messages.map(function (m) { return fold(m[4] + " " + m[5]); });
    }
    var words = fold(input.value).split(/\s+/).filter(function (w) { return w.length > 0; });
    while (list.firstChild) list.removeChild(list.firstChild);
    if (words.length === 0) { status.textContent = ""; return; }
    var found = 0;
    for (var i = 0; i < index.messages.length; i++) {
      var hay = folded[i], ok = true;
      for (var j = 0; j < words.length && ok; j++) ok = hay.indexOf(words[j]) >= 0;
      if (!ok) continue;
      found++;
      if (found > limit) continue;
      var m = index.messages[i], c = index.conversations[m[0]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = c.href + m[1] + ".html#m" + m[2];
      a.textContent = m[3] + "  " + c.title + "  " + m[4];
      var p = document.createElement("div");
      p.textContent = m[5];
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    }
    status.textContent = found + (found === 1 ? " message" : " messages") +
        (found > limit ? " (the first " + limit + " shown)" : "");
  }
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  var q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; run(); }
})();
)js";

constexpr std::size_t kIndexTextBytes = 400;

void escape(std::ostream& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out << "&amp;";
        break;
      case '<':
        out << "&lt;";
        break;
      case '>':
        out << "&gt;";
        break;
      case '"':
        out << "&quot;";
        break;
      case '\'':
        out << "&#39;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in HTML text.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == '\x7F') {
          out << "\xEF\xBF\xBD";
        } else {
          out << c;
        }
    }
  }
}

std::string escaped(std::string_view text) {
  std::ostringstream out;
  escape(out, text);
  return out.str();
}

// A relative URL for a safe path: each byte outside the unreserved set is %-encoded ('/' kept),
// so names with spaces, '#', '?', '%' or any script work as links.
std::string url_of(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

bool is_web_link(std::string_view link) {
  return link.starts_with("https://") || link.starts_with("http://");
}

// A stable colour class per sender name.
int sender_class(std::string_view sender) {
  std::uint32_t h = 2166136261u;
  for (const char c : sender) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return static_cast<int>(h % 8);
}

void page_head(std::ostream& out, std::string_view title, std::string_view root) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";
  escape(out, title);
  out << "</title>\n<link rel=\"stylesheet\" href=\"" << root << "style.css\">\n</head>\n<body>\n";
}

struct ConversationPages {
  const SelectedConversation* conversation = nullptr;
  std::string folder;  // safe path of its pages
  std::size_t pages = 0;
  std::uint64_t messages = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
};

class HtmlExport {
 public:
  HtmlExport(Job& job) : m_job(job), m_show(job.request.presentation) {}

  void run(const std::vector<SelectedConversation>& conversations) {
    // Fixed names first, so nothing from the vault can take them.
    m_css = m_job.names.file("style.css");
    m_index = m_job.names.file("index.html");
    m_search = m_job.names.file("search.html");
    m_search_js = m_job.names.file("search.js");
    m_search_index = m_job.names.file("search-index.js");
    const bool everything =
        !m_job.request.selection.filtered && m_job.request.selection.conversation_ids.empty();
    if (everything) m_other_media = m_job.names.file("other-media.html");
    m_media = m_job.names.new_folder("", "media");
    const std::string root = m_job.names.new_folder("", "conversations");
    m_job.write_text(m_css, [](std::ostream& out) { out << kCss; });
    for (const SelectedConversation& c : conversations) {
      ConversationPages pages;
      pages.conversation = &c;
      pages.folder = m_job.names.new_folder(root, conversation_stem(c.summary.id, c.summary.title));
      write_conversation(pages);
      m_done.push_back(std::move(pages));
      ++m_job.summary.conversations;
      m_job.progress();
    }
    if (everything) write_other_media();
    write_index();
    write_search();
  }

 private:
  void write_conversation(ConversationPages& pages) {
    const std::size_t page_size = std::max<std::size_t>(1, m_job.request.page_size);
    std::vector<catalog::MessageView> page;
    page.reserve(std::min<std::size_t>(page_size, 4096));
    const std::int64_t id = pages.conversation->summary.id;
    m_job.catalog.for_each_message(id, request_for(m_job.request.selection, id),
                                   [&](const catalog::MessageView& m) {
                                     // A full page is written when the next message shows that
                                     // another page follows.
                                     if (page.size() == page_size) {
                                       write_page(pages, page, false);
                                       page.clear();
                                     }
                                     if (pages.messages == 0) pages.first_ms = m.timestamp_ms;
                                     pages.last_ms = m.timestamp_ms;
                                     ++pages.messages;
                                     page.push_back(m);
                                   });
    write_page(pages, page, true);
    m_job.summary.messages += pages.messages;
  }

  // Writes the media of a page's messages (once across the export per content and name: the
  // same bytes sent under two names are found under both) and remembers where.
  void write_media(const std::vector<catalog::MessageView>& page) {
    for (const catalog::MessageView& m : page) {
      for (const catalog::AttachmentView& a : m.attachments) {
        if (!a.content) continue;
        const std::string name = attachment_file_name(a);
        if (m_media_paths.contains({*a.content, name})) continue;
        const std::string path = m_job.names.file_in(m_media, name);
        m_job.write_object(path, *a.content, m.timestamp_ms / 1000);
        m_media_paths.emplace(std::pair{*a.content, name}, path);
        m_media_contents.insert(*a.content);
      }
    }
  }

  // The imports' other files: whatever is not a document (JSON, HTML) and was not written as a
  // message's attachment, so the site holds every picture and recording of the export.
  void write_other_media() {
    struct Other {
      std::string path;
      std::string original;
    };
    std::vector<Other> others;
    for (const catalog::SourceRecord& source : m_job.catalog.sources()) {
      for (const catalog::StoredFile& file : m_job.catalog.files(source.id)) {
        const std::size_t dot = file.path.rfind('.');
        std::string extension = dot == std::string::npos ? "" : file.path.substr(dot + 1);
        for (char& c : extension)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (extension == "json" || extension == "html" || extension == "htm") continue;
        if (!m_media_contents.insert(file.content).second) continue;
        const std::size_t slash = file.path.rfind('/');
        const std::string name =
            slash == std::string::npos ? file.path : file.path.substr(slash + 1);
        const std::string path = m_job.names.file_in(m_media, name);
        m_job.write_object(path, file.content, file.mtime_unix);
        others.push_back({path, file.path});
      }
    }
    m_job.write_text(m_other_media, [&](std::ostream& out) {
      page_head(out, "Other media", "");
      out << "<nav class=\"noprint\"><a href=\"" << url_of(m_index)
          << "\">All conversations</a></nav>\n<header><h1>Other media</h1>\n<p class=\"meta\">"
          << others.size()
          << " files of the export that no message shows</p></header>\n<main>\n<ul>\n";
      for (const Other& other : others) {
        out << "<li><a href=\"" << url_of(other.path) << "\">";
        escape(out, other.original);
        out << "</a></li>\n";
      }
      out << "</ul>\n</main>\n</body>\n</html>\n";
    });
  }

  void write_page(ConversationPages& pages, const std::vector<catalog::MessageView>& page,
                  bool last) {
    write_media(page);
    const std::size_t number = ++pages.pages;
    const catalog::ConversationSummary& c = pages.conversation->summary;
    const std::string title = c.title.empty() ? "(untitled)" : c.title;
    const std::string path = pages.folder + "/" + std::to_string(number) + ".html";
    m_job.write_text(path, [&](std::ostream& out) {
      page_head(out, title + " \u2014 " + std::to_string(number), "../../");
      out << "<nav class=\"noprint\"><a href=\"../../" << url_of(m_index)
          << "\">All conversations</a> \u00b7 <a href=\"../../" << url_of(m_search)
          << "\">Search</a></nav>\n<header>\n<h1>";
      escape(out, title);
      out << "</h1>\n<p class=\"meta\">";
      escape(out, c.platform);
      if (!c.participants.empty()) {
        out << " \u00b7 ";
        for (std::size_t i = 0; i < c.participants.size(); ++i) {
          if (i > 0) out << ", ";
          escape(out, c.participants[i]);
        }
      }
      out << " \u00b7 " << pages.conversation->selected << " messages</p>\n</header>\n";
      pager(out, number, last);
      out << "<main>\n";
      std::string day;
      for (const catalog::MessageView& m : page) {
        const std::string today = m_show.local_date(m.timestamp_ms);
        if (today != day) {
          out << "<div class=\"day\">" << escaped(today) << "</div>\n";
          day = today;
        }
        message(out, m);
      }
      out << "</main>\n";
      pager(out, number, last);
      out << "</body>\n</html>\n";
    });
  }

  static void pager(std::ostream& out, std::size_t number, bool last) {
    out << "<nav class=\"pager\"><span>";
    if (number > 1) out << "<a href=\"" << number - 1 << ".html\" rel=\"prev\">\u2190 Older</a>";
    out << "</span><span>Page " << number << "</span><span>";
    if (!last) out << "<a href=\"" << number + 1 << ".html\" rel=\"next\">Newer \u2192</a>";
    out << "</span></nav>\n";
  }

  void message(std::ostream& out, const catalog::MessageView& m) {
    const bool system = m.sender.empty();
    out << "<article class=\"msg "
        << (system ? "system" : "s" + std::to_string(sender_class(m.sender))) << "\" id=\"m"
        << m.message_id << "\">";
    if (!system) {
      out << "<div class=\"sender\">";
      escape(out, m.sender);
      out << "</div>";
    }
    if (!m.reply_to.empty()) {
      out << "<div class=\"reply\">\u21a9 ";
      escape(out, m.reply_to);
      out << "</div>";
    }
    if (m.kind == "unsent") {
      out << "<div class=\"unsent\">(unsent)</div>";
    } else if (!m.text.empty()) {
      out << "<div class=\"text\">";
      escape(out, m.text);
      out << "</div>";
    }
    if (m.share) {
      out << "<div class=\"share\">";
      const std::string label = m.share->text.empty() ? m.share->link : m.share->text;
      if (is_web_link(m.share->link)) {
        out << "<a href=\"" << escaped(m.share->link) << "\" rel=\"noopener noreferrer\">";
        escape(out, label);
        out << "</a>";
      } else {
        escape(out, label);
      }
      if (!m.share->owner.empty()) {
        out << " \u00b7 ";
        escape(out, m.share->owner);
      }
      out << "</div>";
    }
    for (const catalog::AttachmentView& a : m.attachments) attachment(out, a);
    if (!m.reactions.empty()) {
      out << "<div class=\"reactions\">";
      for (std::size_t i = 0; i < m.reactions.size(); ++i) {
        if (i > 0) out << " \u00b7 ";
        escape(out, m.reactions[i].reaction);
        out << ' ';
        escape(out, m.reactions[i].actor);
      }
      out << "</div>";
    }
    out << "<time datetime=\"" << escaped(m_show.timestamp(m.timestamp_ms)) << "\">"
        << escaped(m_show.local_minute(m.timestamp_ms)) << "</time></article>\n";
  }

  void attachment(std::ostream& out, const catalog::AttachmentView& a) {
    const std::string name = attachment_file_name(a);
    const auto found = a.content ? m_media_paths.find({*a.content, name}) : m_media_paths.end();
    if (found == m_media_paths.end()) {
      out << "<div class=\"missing\">[" << escaped(a.kind) << "] " << escaped(name)
          << " (not in the export)</div>";
      return;
    }
    const std::string href = escaped("../../" + url_of(found->second));
    if (a.kind == "photo" || a.kind == "gif" || a.kind == "sticker") {
      out << "<a href=\"" << href << "\"><img src=\"" << href << "\" alt=\"" << escaped(name)
          << "\"></a>";
    } else if (a.kind == "video") {
      out << "<video controls preload=\"metadata\" src=\"" << href << "\"></video>";
    } else if (a.kind == "audio") {
      out << "<audio controls preload=\"metadata\" src=\"" << href << "\"></audio>";
    } else {
      out << "<div class=\"file\"><a href=\"" << href << "\">" << escaped(name) << "</a></div>";
    }
  }

  void write_index() {
    m_job.write_text(m_index, [&](std::ostream& out) {
      page_head(out, "Messages", "");
      out << "<nav class=\"noprint\"><a href=\"" << url_of(m_search) << "\">Search</a>";
      if (!m_other_media.empty()) {
        out << " \u00b7 <a href=\"" << url_of(m_other_media) << "\">Other media</a>";
      }
      out << "</nav>\n<header><h1>Messages</h1>\n<p class=\"meta\">" << m_done.size()
          << " conversations, " << m_job.summary.messages
          << " messages</p></header>\n<main>\n<ul class=\"conversations\">\n";
      for (const ConversationPages& p : m_done) {
        const catalog::ConversationSummary& c = p.conversation->summary;
        out << "<li><a href=\"" << url_of(p.folder) << "/1.html\">";
        escape(out, c.title.empty() ? "(untitled)" : c.title);
        out << "</a><div class=\"meta\">";
        escape(out, c.platform);
        out << " \u00b7 " << p.messages << " messages";
        if (p.messages > 0) {
          out << " \u00b7 " << escaped(m_show.local_date(p.first_ms)) << " \u2013 "
              << escaped(m_show.local_date(p.last_ms));
        }
        out << " \u00b7 " << p.pages << (p.pages == 1 ? " page" : " pages") << "</div></li>\n";
      }
      out << "</ul>\n</main>\n</body>\n</html>\n";
    });
  }

  void write_search() {
    m_job.write_text(m_search, [&](std::ostream& out) {
      page_head(out, "Search", "");
      out << "<nav class=\"noprint\"><a href=\"" << url_of(m_index)
          << "\">All conversations</a></nav>\n<header><h1>Search</h1></header>\n<main>\n"
             "<input id=\"q\" type=\"search\" placeholder=\"Words to find\" autofocus>\n"
             "<p id=\"status\" class=\"meta\"></p>\n<ul id=\"results\"></ul>\n</main>\n"
             "<script src=\""
          << url_of(m_search_index) << "\"></script>\n<script src=\"" << url_of(m_search_js)
          << "\"></script>\n</body>\n</html>\n";
    });
    m_job.write_text(m_search_js, [](std::ostream& out) { out << kSearchJs; });
    // A second pass over the selection: the index is one file, written after the pages.
    m_job.write_text(m_search_index, [&](std::ostream& out) {
      out << "window.DMVAULT_INDEX = {\"conversations\": [\n";
      for (std::size_t i = 0; i < m_done.size(); ++i) {
        const catalog::ConversationSummary& c = m_done[i].conversation->summary;
        util::JsonWriter json(out);
        json.begin_object();
        json.field("title", c.title.empty() ? std::string("(untitled)") : c.title);
        json.field("href", url_of(m_done[i].folder) + "/");
        json.end_object();
        out << (i + 1 < m_done.size() ? ",\n" : "\n");
      }
      out << "],\n\"messages\": [\n";
      bool first = true;
      const std::size_t page_size = std::max<std::size_t>(1, m_job.request.page_size);
      for (std::size_t i = 0; i < m_done.size(); ++i) {
        const std::int64_t id = m_done[i].conversation->summary.id;
        std::uint64_t position = 0;
        m_job.catalog.for_each_message(
            id, request_for(m_job.request.selection, id), [&](const catalog::MessageView& m) {
              const std::uint64_t page = position / page_size + 1;
              ++position;
              std::string text = m.kind == "unsent" ? std::string("(unsent)") : m.text;
              for (const auto& a : m.attachments) text += " [" + attachment_file_name(a) + "]";
              if (text.size() > kIndexTextBytes) {
                std::size_t cut = kIndexTextBytes;
                while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
                text = text.substr(0, cut) + "\u2026";
              }
              if (!first) out << ",\n";
              first = false;
              util::JsonWriter json(out);
              json.begin_array();
              json.value(i);
              json.value(page);
              json.value(m.message_id);
              json.value(m_show.local_minute(m.timestamp_ms));
              json.value(m.sender);
              json.value(text);
              json.end_array();
            });
      }
      out << "\n]};\n";
    });
  }

  Job& m_job;
  const Presentation& m_show;
  std::string m_css, m_index, m_search, m_search_js, m_search_index, m_media, m_other_media;
  std::map<std::pair<ObjectId, std::string>, std::string> m_media_paths;  // -> safe path
  std::set<ObjectId> m_media_contents;
  std::vector<ConversationPages> m_done;
};

}  // namespace

void export_html(Job& job, const std::vector<SelectedConversation>& conversations) {
  HtmlExport(job).run(conversations);
}

}  // namespace dmvault::exporting
