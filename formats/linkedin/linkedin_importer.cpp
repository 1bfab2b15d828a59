#include "linkedin/linkedin_importer.hpp"

#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/html_dom.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "linkedin/linkedin_csv.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dmvault::formats {

namespace linkedin {

namespace {

std::string header_name(std::string_view field) {
  std::string out;
  for (const char c : trim(field)) {
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

// Tags that LinkedIn's HTML messages (InMail, sponsored messages) are made of.
constexpr std::array<std::string_view, 33> kHtmlTags = {
    "p",  "br",    "div",   "span", "a",     "b",    "i",   "u",      "strong",    "em", "ul", "ol",
    "li", "table", "tbody", "tr",   "td",    "th",   "img", "h1",     "h2",        "h3", "h4", "h5",
    "h6", "html",  "body",  "head", "style", "font", "hr",  "center", "blockquote"};

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CENTER:
      return true;
    default:
      return false;
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

std::optional<Columns> map_header(const std::vector<std::string>& header) {
  Columns c;
  c.count = header.size();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = header_name(header[i]);
    std::size_t* slot = name == "CONVERSATION ID"          ? &c.conversation_id
                        : name == "CONVERSATION TITLE"     ? &c.conversation_title
                        : name == "FROM"                   ? &c.from
                        : name == "SENDER PROFILE URL"     ? &c.sender_url
                        : name == "TO"                     ? &c.to
                        : name == "RECIPIENT PROFILE URLS" ? &c.recipient_urls
                        : name == "DATE"                   ? &c.date
                        : name == "SUBJECT"                ? &c.subject
                        : name == "CONTENT"                ? &c.content
                        : name == "FOLDER"                 ? &c.folder
                        : name == "ATTACHMENTS"            ? &c.attachments
                                                           : nullptr;
    if (slot != nullptr && *slot == Columns::kNone) *slot = i;
  }
  if (c.conversation_id == Columns::kNone || c.from == Columns::kNone || c.date == Columns::kNone ||
      c.content == Columns::kNone) {
    return std::nullopt;
  }
  return c;
}

bool looks_like_html(std::string_view content) {
  std::size_t at = 0;
  while ((at = content.find('<', at)) != std::string_view::npos) {
    std::size_t i = at + 1;
    if (i < content.size() && content[i] == '/') ++i;
    std::size_t end = i;
    while (end < content.size() && ((content[end] >= 'a' && content[end] <= 'z') ||
                                    (content[end] >= 'A' && content[end] <= 'Z') ||
                                    (content[end] >= '0' && content[end] <= '9'))) {
      ++end;
    }
    if (end > i && end < content.size() &&
        (content[end] == '>' || content[end] == ' ' || content[end] == '/')) {
      const std::string tag = ascii_lower(content.substr(i, end - i));
      if (std::find(kHtmlTags.begin(), kHtmlTags.end(), tag) != kHtmlTags.end()) return true;
    }
    at = at + 1;
  }
  return false;
}

std::string html_to_text(std::string_view html, const std::string& path) {
  const HtmlDocument doc(html, path, "a LinkedIn message");
  std::string out;
  // A pending line break, written only before more text, so that blocks never leave blank
  // lines at the ends.
  bool want_break = false;
  const auto text = [&](std::string_view piece) {
    for (const char c : piece) {
      if (is_space(c)) {
        if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        continue;
      }
      if (want_break && !out.empty()) {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
      }
      want_break = false;
      out += c;
    }
  };
  // Depth-first without recursion; nullptr marks the end of a block element.
  std::vector<const GumboNode*> stack{doc.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node == nullptr) {
      want_break = true;
      continue;
    }
    if (is_text(node)) {
      text(node->v.text.text);
      continue;
    }
    const GumboTag tag = tag_of(node);
    if (tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_SCRIPT) continue;
    if (tag == GUMBO_TAG_BR) {
      // Consecutive <br> make empty lines, as they show.
      if (want_break) out += '\n';
      want_break = true;
      continue;
    }
    if (is_block(tag)) {
      want_break = true;
      stack.push_back(nullptr);
    }
    if (is_element(node) || node->type == GUMBO_NODE_DOCUMENT) push_children(node, stack);
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

std::vector<std::string> split_list(std::string_view field) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t comma = field.find(',', start);
    const std::string_view piece = trim(field.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!piece.empty()) out.emplace_back(piece);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace linkedin

namespace {

using linkedin::Columns;
using linkedin::CsvRecord;
using linkedin::CsvStream;

constexpr std::string_view kPlatform = "linkedin";
constexpr const char* kHint =
    "give messages.csv as LinkedIn wrote it (Settings > Data privacy > Get a copy of your data)";
constexpr std::size_t kDetectHead = std::size_t{64} << 10;
constexpr std::size_t kMaxDetectProbes = 64;
constexpr int kCertain = 100;

bool is_csv(std::string_view path) {
  const std::string lower = ascii_lower(base_name(path));
  return lower.size() > 4 && lower.substr(lower.size() - 4) == ".csv";
}

// The header of a CSV file, read from its first bytes; nullopt when it is not a LinkedIn
// messages header. Never throws.
std::optional<Columns> probe_header(const ExportFiles& files, const std::string& path) {
  try {
    std::optional<std::vector<std::string>> header;
    CsvStream csv(path, [&](CsvRecord& r) {
      if (!header) header = std::move(r.fields);
    });
    std::size_t seen = 0;
    files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
      const std::string_view bytes(reinterpret_cast<const char*>(piece.data()), piece.size());
      const std::size_t nl = bytes.find('\n');
      csv.feed(bytes.substr(0, nl == std::string_view::npos ? bytes.size() : nl + 1));
      seen += piece.size();
      return !header && nl == std::string_view::npos && seen < kDetectHead;
    });
    if (!header) return std::nullopt;
    return linkedin::map_header(*header);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Texts written on Windows hold CRLF inside quoted fields; the model's texts end lines with LF
// (raw keeps the bytes).
std::string unix_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

class FileImport {
 public:
  FileImport(ImportContext& context, std::string path)
      : m_context(context),
        m_path(std::move(path)),
        m_self(to_nfc(trim(context.options.self_name))) {}

  void run() {
    CsvStream csv(m_path, [&](CsvRecord& r) { on_record(r); });
    m_context.files.read_stream(m_path, [&](std::span<const std::uint8_t> piece) {
      csv.feed({reinterpret_cast<const char*>(piece.data()), piece.size()});
      return true;
    });
    csv.finish();
    if (!m_columns) {
      throw Error(ErrorCode::bad_input, m_path + ": the file is empty", kHint);
    }
  }

 private:
  std::string field(const CsvRecord& r, std::size_t column) const {
    if (column == Columns::kNone || column >= r.fields.size()) return {};
    return r.fields[column];
  }

  void on_record(CsvRecord& r) {
    if (const std::size_t bad = first_invalid_utf8(r.raw); bad != r.raw.size()) {
      throw Error(ErrorCode::bad_input,
                  m_path + ": line " + std::to_string(r.line) + ": not valid UTF-8", kHint);
    }
    if (!m_columns) {
      m_columns = linkedin::map_header(r.fields);
      if (!m_columns) {
        throw Error(ErrorCode::bad_input,
                    m_path + ": line " + std::to_string(r.line) +
                        ": the header has no CONVERSATION ID, FROM, DATE and CONTENT columns",
                    kHint);
      }
      return;
    }
    if (std::all_of(r.fields.begin(), r.fields.end(),
                    [](const std::string& f) { return trim(f).empty(); })) {
      return;  // a blank line
    }
    const Columns& col = *m_columns;
    std::vector<std::string> problems;
    if (r.fields.size() != col.count) {
      problems.push_back(std::to_string(r.fields.size()) + " fields where the header has " +
                         std::to_string(col.count));
    }
    std::string thread = to_nfc(trim(field(r, col.conversation_id)));
    if (thread.empty()) {
      problems.push_back("no CONVERSATION ID");
      thread = "(no conversation id)";
    }

    Message m;
    m.raw = r.raw;
    m.source_path = m_path;
    m.sender = to_nfc(trim(field(r, col.from)));
    m.sender_id = to_nfc(trim(field(r, col.sender_url)));
    if (m.sender.empty()) problems.push_back("no FROM");

    const std::string date = std::string(trim(field(r, col.date)));
    std::string_view stamp = date;
    const bool utc = stamp.size() > 4 && stamp.substr(stamp.size() - 4) == " UTC";
    if (utc) stamp.remove_suffix(4);
    if (const auto t = parse_iso8601(stamp)) {
      m.timestamp_ms = t->utc_ms;
      m_last_time = t->utc_ms;
      // Read as UTC either way; the wall-clock text is kept when the zone was not written.
      if (!utc && !t->has_zone) m.local_time = date;
    } else {
      m.timestamp_ms = m_last_time;
      problems.push_back(date.empty() ? "no DATE" : "DATE is not a date and time");
    }

    const std::string content = field(r, col.content);
    std::string text = linkedin::looks_like_html(content) ? linkedin::html_to_text(content, m_path)
                                                          : unix_lines(trim(content));
    const std::string subject = std::string(trim(field(r, col.subject)));
    // InMail has a subject: it is shown above the text (and searched with it).
    if (!subject.empty()) text = text.empty() ? subject : subject + "\n\n" + text;
    m.text = to_nfc(text);
    for (const std::string& link : linkedin::split_list(field(r, col.attachments))) {
      Attachment a;
      a.uri = link;
      a.name = std::string(base_name(link));
      a.kind = AttachmentKind::file;
      m.attachments.push_back(std::move(a));
    }
    if (m.text.empty() && !m.attachments.empty()) m.kind = MessageKind::media;

    if (!m_context.announced(thread)) announce(thread, r);
    if (!problems.empty()) {
      m_context.sink.warning(m_path, record_problem("record", m_index, r.offset, problems));
    }
    ++m_index;
    m_context.sink.message(thread, std::move(m));
  }

  // A conversation is announced at its first record, from what that record says: its title and
  // everyone in FROM and TO.
  void announce(const std::string& thread, const CsvRecord& r) {
    const Columns& col = *m_columns;
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = thread;
    c.source_path = m_path;
    const auto add = [&](std::string name, std::string url) {
      name = to_nfc(name);
      if (name.empty()) return;
      for (const Participant& p : c.participants) {
        if (p.name == name) return;
      }
      const bool is_self = !m_self.empty() && name == m_self;
      c.participants.push_back({std::move(name), to_nfc(url), is_self});
    };
    add(std::string(trim(field(r, col.from))), std::string(trim(field(r, col.sender_url))));
    const std::vector<std::string> to = linkedin::split_list(field(r, col.to));
    const std::vector<std::string> urls = linkedin::split_list(field(r, col.recipient_urls));
    for (std::size_t i = 0; i < to.size(); ++i) {
      add(to[i], urls.size() == to.size() ? urls[i] : std::string());
    }
    c.is_group = c.participants.size() > 2;
    c.title = to_nfc(trim(field(r, col.conversation_title)));
    if (c.title.empty()) {
      for (const Participant& p : c.participants) {
        if (p.is_self) continue;
        c.title += (c.title.empty() ? "" : ", ") + p.name;
      }
    }
    if (c.title.empty()) c.title = thread;
    m_context.announce(c);
  }

  ImportContext& m_context;
  std::string m_path;
  std::string m_self;
  std::optional<Columns> m_columns;
  std::int64_t m_last_time = 0;
  std::size_t m_index = 0;
};

class LinkedInImporter final : public Importer {
 public:
  std::string name() const override { return std::string(kPlatform); }
  std::string description() const override { return "LinkedIn (messages.csv of the data export)"; }

  int detect(const ExportFiles& files) const override {
    std::size_t probes = 0;
    for (const ExportFile& f : files.files()) {
      if (!is_csv(f.path)) continue;
      if (probes++ >= kMaxDetectProbes) break;
      if (probe_header(files, f.path)) return kCertain;
    }
    return 0;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    ImportContext context(files, sink, options);
    std::vector<std::string> paths;
    for (const ExportFile& f : files.files()) {
      if (is_csv(f.path) && probe_header(files, f.path)) paths.push_back(f.path);
    }
    if (paths.empty()) {
      throw Error(ErrorCode::bad_input, "no LinkedIn messages.csv in the export", kHint);
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) FileImport(context, path).run();
  }
};

}  // namespace

std::unique_ptr<Importer> make_linkedin_importer() { return std::make_unique<LinkedInImporter>(); }

}  // namespace dmvault::formats
