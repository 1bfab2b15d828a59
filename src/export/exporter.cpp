// The export formats but html (export_html.cpp): original, json, text, csv and media, and the
// selection they share.
#include "export/exporter.hpp"

#include "dmvault/error.hpp"
#include "export/export_internal.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace dmvault::exporting {

namespace {

constexpr std::array<std::pair<std::string_view, Format>, 6> kFormats{{
    {"original", Format::original},
    {"html", Format::html},
    {"json", Format::json},
    {"text", Format::text},
    {"csv", Format::csv},
    {"media", Format::media},
}};

// First and last selected message of a conversation, as the files are written.
struct Span {
  std::uint64_t messages = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
  void add(const catalog::MessageView& m) {
    if (messages == 0) first_ms = m.timestamp_ms;
    last_ms = m.timestamp_ms;
    ++messages;
  }
};

// --- original ------------------------------------------------------------------------------

void export_original(Job& job) {
  const std::vector<catalog::SourceRecord> all = job.catalog.sources();
  std::vector<catalog::SourceRecord> chosen;
  if (job.request.sources.empty()) {
    chosen = all;
  } else {
    for (const std::int64_t id : job.request.sources) {
      const auto found = std::find_if(all.begin(), all.end(),
                                      [id](const catalog::SourceRecord& s) { return s.id == id; });
      if (found == all.end()) {
        throw Error(ErrorCode::usage, "--source " + std::to_string(id) + ": no such import",
                    "'dmvault list --sources' lists the imports of a vault");
      }
      chosen.push_back(*found);
    }
  }
  if (chosen.empty()) {
    throw Error(ErrorCode::no_match, "the vault holds no import yet", "'dmvault import' adds one");
  }
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    // The first import keeps the root, so a single import comes back exactly as it went in.
    const std::string root =
        i == 0 ? std::string() : job.names.new_folder("", "source-" + std::to_string(chosen[i].id));
    for (const catalog::StoredFile& file : job.catalog.files(chosen[i].id)) {
      job.write_object(job.names.file(file.path, root), file.content, file.mtime_unix);
    }
  }
}

// --- json ----------------------------------------------------------------------------------

void write_conversation_header(std::ostream& out, const catalog::ConversationSummary& c) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("id", c.id);
  json.field("platform", c.platform);
  json.field("thread_id", c.thread_id);
  json.field("title", c.title);
  json.field("is_group", c.is_group);
  json.key("participants").begin_array();
  for (const std::string& p : c.participants) json.value(p);
  json.end_array();
  json.end_object();
}

void export_json(Job& job, const std::vector<SelectedConversation>& conversations) {
  const Presentation& show = job.request.presentation;
  struct Entry {
    const SelectedConversation* conversation;
    std::string file;
    Span span;
  };
  std::vector<Entry> entries;
  const std::string folder = job.names.folder("conversations");
  for (const SelectedConversation& c : conversations) {
    Entry entry{
        &c,
        job.names.file_in(folder, conversation_stem(c.summary.id, c.summary.title) + ".json"),
        {}};
    job.write_text(entry.file, [&](std::ostream& out) {
      out << "{\"conversation\":";
      write_conversation_header(out, c.summary);
      out << ",\n\"messages\":[\n";
      job.catalog.for_each_message(c.summary.id, request_for(job.request.selection, c.summary.id),
                                   [&](const catalog::MessageView& m) {
                                     if (entry.span.messages > 0) out << ',';
                                     show.message_json(out, m);
                                     entry.span.add(m);
                                   });
      out << "]}\n";
    });
    job.summary.messages += entry.span.messages;
    ++job.summary.conversations;
    entries.push_back(std::move(entry));
    job.progress();
  }
  job.write_text(job.names.file("index.json"), [&](std::ostream& out) {
    util::JsonWriter json(out);
    json.begin_object();
    json.field("format", "dmvault-export");
    json.field("version", 1);
    json.field("messages", job.summary.messages);
    json.key("conversations").begin_array();
    for (const Entry& e : entries) {
      const catalog::ConversationSummary& c = e.conversation->summary;
      json.begin_object();
      json.field("id", c.id);
      json.field("platform", c.platform);
      json.field("title", c.title);
      json.key("participants").begin_array();
      for (const std::string& p : c.participants) json.value(p);
      json.end_array();
      json.field("messages", e.span.messages);
      if (e.span.messages > 0) {
        json.field("first", show.timestamp(e.span.first_ms));
        json.field("last", show.timestamp(e.span.last_ms));
      } else {
        json.key("first").null();
        json.key("last").null();
      }
      json.field("file", e.file);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    out << '\n';
  });
}

// --- text ----------------------------------------------------------------------------------

// Control characters of a title or name shown on a header line become '?'.
std::string plain(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '?';
  }
  return out;
}

void export_text(Job& job, const std::vector<SelectedConversation>& conversations) {
  const Presentation& show = job.request.presentation;
  const std::string folder = job.names.folder("conversations");
  for (const SelectedConversation& c : conversations) {
    const std::string path =
        job.names.file_in(folder, conversation_stem(c.summary.id, c.summary.title) + ".txt");
    std::uint64_t count = 0;
    job.write_text(path, [&](std::ostream& out) {
      out << plain(c.summary.title.empty() ? "(untitled)" : c.summary.title) << '\n';
      out << c.summary.platform << ", " << c.selected
          << (c.selected == 1 ? " message" : " messages");
      if (!c.summary.participants.empty()) {
        out << ", with ";
        for (std::size_t i = 0; i < c.summary.participants.size(); ++i) {
          out << (i > 0 ? ", " : "") << plain(c.summary.participants[i]);
        }
      }
      out << "\n\n";
      std::string day;
      job.catalog.for_each_message(c.summary.id, request_for(job.request.selection, c.summary.id),
                                   [&](const catalog::MessageView& m) {
                                     const std::string today = show.local_date(m.timestamp_ms);
                                     if (today != day) {
                                       if (!day.empty()) out << '\n';
                                       out << "--- " << today << " ---\n";
                                       day = today;
                                     }
                                     show.message_text(out, m);
                                     ++count;
                                   });
    });
    job.summary.messages += count;
    ++job.summary.conversations;
    job.progress();
  }
}

// --- csv -----------------------------------------------------------------------------------

// RFC 4180: a field holding a comma, quote, CR or LF is quoted, quotes doubled.
void csv_field(std::ostream& out, std::string_view value, bool last = false) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << value;
  } else {
    out << '"';
    for (const char c : value) {
      if (c == '"') out << '"';
      out << c;
    }
    out << '"';
  }
  out << (last ? "\r\n" : ",");
}

void export_csv(Job& job, const std::vector<SelectedConversation>& conversations) {
  const Presentation& show = job.request.presentation;
  job.write_text(job.names.file("messages.csv"), [&](std::ostream& out) {
    out << "conversation_id,conversation,platform,message_id,timestamp,timestamp_ms,local_time,"
           "sender,sender_id,kind,text,attachments,reactions,reply_to,share_link,share_text\r\n";
    for (const SelectedConversation& c : conversations) {
      job.catalog.for_each_message(c.summary.id, request_for(job.request.selection, c.summary.id),
                                   [&](const catalog::MessageView& m) {
                                     std::string attachments;
                                     for (const auto& a : m.attachments) {
                                       if (!attachments.empty()) attachments += "; ";
                                       attachments += attachment_file_name(a);
                                     }
                                     std::string reactions;
                                     for (const auto& r : m.reactions) {
                                       if (!reactions.empty()) reactions += "; ";
                                       reactions += r.reaction + " " + r.actor;
                                     }
                                     csv_field(out, std::to_string(m.conversation_id));
                                     csv_field(out, m.conversation);
                                     csv_field(out, m.platform);
                                     csv_field(out, std::to_string(m.message_id));
                                     csv_field(out, show.timestamp(m.timestamp_ms));
                                     csv_field(out, std::to_string(m.timestamp_ms));
                                     csv_field(out, show.local_minute(m.timestamp_ms));
                                     csv_field(out, m.sender);
                                     csv_field(out, m.sender_id);
                                     csv_field(out, m.kind);
                                     csv_field(out, m.text);
                                     csv_field(out, attachments);
                                     csv_field(out, reactions);
                                     csv_field(out, m.reply_to);
                                     csv_field(out, m.share ? m.share->link : std::string());
                                     csv_field(out, m.share ? m.share->text : std::string(), true);
                                     ++job.summary.messages;
                                   });
      ++job.summary.conversations;
      job.progress();
    }
  });
}

// --- media ---------------------------------------------------------------------------------

void export_media(Job& job, const std::vector<SelectedConversation>& conversations) {
  for (const SelectedConversation& c : conversations) {
    std::string folder;  // made when the first file comes: no empty folders
    std::set<ObjectId> written;
    job.catalog.for_each_message(
        c.summary.id, request_for(job.request.selection, c.summary.id),
        [&](const catalog::MessageView& m) {
          ++job.summary.messages;
          for (const auto& a : m.attachments) {
            if (!a.content || !written.insert(*a.content).second) continue;
            if (folder.empty()) {
              folder = job.names.new_folder("", conversation_stem(c.summary.id, c.summary.title));
            }
            job.write_object(job.names.file_in(folder, attachment_file_name(a)), *a.content,
                             m.timestamp_ms / 1000);
          }
        });
    ++job.summary.conversations;
    job.progress();
  }
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  for (const auto& [text, format] : kFormats) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view format_name(Format format) {
  for (const auto& [text, value] : kFormats) {
    if (value == format) return text;
  }
  return "?";
}

std::string attachment_file_name(const catalog::AttachmentView& attachment) {
  const auto last = [](std::string_view text) {
    while (!text.empty() && text.back() == '/') text.remove_suffix(1);
    const std::size_t slash = text.rfind('/');
    return slash == std::string_view::npos ? text : text.substr(slash + 1);
  };
  std::string_view name = last(attachment.name);
  if (name.empty()) name = last(attachment.uri);
  return name.empty() ? std::string("attachment") : std::string(name);
}

void Job::write_object(const std::string& safe_path, const ObjectId& content,
                       std::int64_t mtime_unix) {
  const std::optional<std::uint64_t> size = vault.object_size(content);
  if (!size) {
    throw Error(ErrorCode::corrupted,
                safe_path + ": the stored file is missing from the vault (object " +
                    to_hex(content).substr(0, 16) + ")",
                "run 'dmvault verify' to see what is damaged");
  }
  sink.add_file({.path = safe_path, .size = size, .mtime_unix = mtime_unix},
                [&](FileWriter& writer) {
                  vault.read_stream(
                      content, [&](std::span<const std::uint8_t> bytes) { writer.write(bytes); });
                });
  ++summary.files;
  summary.bytes += *size;
  progress();
}

void Job::write_text(const std::string& safe_path,
                     const std::function<void(std::ostream&)>& produce) {
  summary.bytes += add_text_file(sink, safe_path, produce);
  ++summary.files;
  progress();
}

catalog::SearchRequest request_for(const Selection& selection, std::int64_t conversation_id) {
  catalog::SearchRequest request = selection.request;
  const std::string in_conversation =
      " AND m.conversation_id = ?" + std::to_string(request.params.size() + 1);
  request.where = "(" + request.where + ")" + in_conversation;
  if (request.driver_param != 0) {
    request.driven_where = "(" + request.driven_where + ")" + in_conversation;
  }
  request.params.push_back({.is_int = true, .number = conversation_id, .text = {}});
  request.sort = catalog::SearchRequest::Sort::oldest;
  request.limit = 0;
  request.context = 0;
  return request;
}

std::vector<SelectedConversation> selected_conversations(catalog::Catalog& catalog,
                                                         const Selection& selection) {
  std::vector<SelectedConversation> out;
  for (catalog::ConversationSummary& c : catalog.conversations()) {
    if (!selection.conversation_ids.empty() &&
        std::find(selection.conversation_ids.begin(), selection.conversation_ids.end(), c.id) ==
            selection.conversation_ids.end()) {
      continue;
    }
    const std::uint64_t selected =
        selection.filtered ? catalog.count_matches(request_for(selection, c.id)) : c.messages;
    if (selected == 0) continue;
    out.push_back({std::move(c), selected});
  }
  return out;
}

ExportSummary export_vault(const Vault& vault, catalog::Catalog& catalog,
                           const ExportRequest& request, OutputSink& sink) {
  Job job(vault, catalog, request, sink);
  try {
    if (request.format == Format::original) {
      export_original(job);
    } else {
      const std::vector<SelectedConversation> conversations =
          selected_conversations(catalog, request.selection);
      if (conversations.empty()) {
        throw Error(ErrorCode::no_match, "no message matches the selection",
                    "'dmvault list' shows the conversations; 'dmvault search' tries a query");
      }
      switch (request.format) {
        case Format::json:
          export_json(job, conversations);
          break;
        case Format::text:
          export_text(job, conversations);
          break;
        case Format::csv:
          export_csv(job, conversations);
          break;
        case Format::media:
          export_media(job, conversations);
          break;
        case Format::html:
          export_html(job, conversations);
          break;
        case Format::original:
          break;
      }
    }
    sink.finish();
  } catch (...) {
    sink.abandon();
    throw;
  }
  return job.summary;
}

}  // namespace dmvault::exporting
