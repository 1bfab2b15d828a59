#include "imessage/imessage_importer.hpp"

#include "common/format_text.hpp"
#include "common/import_context.hpp"
#include "dmvault/error.hpp"
#include "imessage/imessage_database.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::formats {

namespace {

using imessage::Database;
using imessage::Query;

// The database is read whole into memory (SQLite reads it in place); a larger file is refused
// rather than read.
constexpr std::uint64_t kMaxDatabaseBytes = std::uint64_t{2} << 30;
// A blob in `raw` is written out in hex up to this size; a larger one (a link preview's
// payload_data) is replaced by its size.
constexpr std::size_t kMaxRawBlob = 64 * 1024;

constexpr int kCertain = 100;

// The attachment query's column naming the message (not a column of the attachment row).
constexpr std::string_view kJoinColumn = "dmvault_message_id";

// "1 attachment", "2 attachments".
std::string counted(std::size_t n, const std::string& singular) {
  return std::to_string(n) + " " + singular + (n == 1 ? "" : "s");
}

// iOS backups keep sms.db (the same schema) under this hashed name [formats-other.md §6.4].
constexpr std::string_view kBackupName = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";

bool is_database_name(std::string_view path) {
  const std::string name = ascii_lower(base_name(path));
  return name == "chat.db" || name == "sms.db" || name == kBackupName;
}

std::string dir_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash + 1));
}

bool has_sqlite_head(const ExportFiles& files, const std::string& path) {
  std::vector<std::uint8_t> head;
  files.read_stream(path, [&](std::span<const std::uint8_t> piece) {
    const std::size_t n = std::min<std::size_t>(piece.size(), 16 - head.size());
    head.insert(head.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(n));
    return head.size() < 16;
  });
  return imessage::is_sqlite_header(head);
}

void append_json_string(std::string& out, std::string_view text) {
  bool repaired = false;
  const std::string valid = imessage::repaired_utf8(text, repaired);
  out += '"';
  for (const char c : valid) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      out += esc;
    } else {
      out += c;
    }
  }
  out += '"';
}

// One row as a JSON object of its columns (ROWID, a local row number, left out so that the same
// message of two copies of the database has the same raw): integers and reals as numbers, texts
// as strings, blobs as "x'HEX'" (SQL's notation) or, when large, their size.
std::string row_json(const Query& q) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "{";
  bool first = true;
  for (int i = 0; i < q.columns(); ++i) {
    const std::string name = q.column_name(i);
    const std::string lower = ascii_lower(name);
    if (lower == "rowid" || lower == kJoinColumn) continue;
    if (!first) out += ",";
    first = false;
    append_json_string(out, name);
    out += ":";
    if (q.is_null(i)) {
      out += "null";
    } else if (q.is_integer(i)) {
      out += std::to_string(q.integer(i));
    } else if (q.is_real(i)) {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", q.real(i));
      out += number;
    } else if (q.is_blob(i)) {
      const auto blob = q.blob(i);
      if (blob.size() > kMaxRawBlob) {
        out += "\"[" + std::to_string(blob.size()) + " bytes]\"";
        continue;
      }
      out += "\"x'";
      for (const std::uint8_t b : blob) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
      }
      out += "'\"";
    } else {
      append_json_string(out, q.text(i));
    }
  }
  return out + "}";
}

// Column access by name; a column the database's version lacks reads as NULL.
class Columns {
 public:
  explicit Columns(const Query& q) {
    for (int i = 0; i < q.columns(); ++i) m_index[ascii_lower(q.column_name(i))] = i;
  }
  std::optional<int> find(std::string_view name) const {
    const auto it = m_index.find(std::string(name));
    if (it == m_index.end()) return std::nullopt;
    return it->second;
  }
  std::int64_t integer(const Query& q, std::string_view name) const {
    const auto i = find(name);
    return i && !q.is_null(*i) ? q.integer(*i) : 0;
  }
  std::optional<std::string> text(const Query& q, std::string_view name) const {
    const auto i = find(name);
    if (!i || q.is_null(*i)) return std::nullopt;
    return std::string(q.text(*i));
  }
  std::span<const std::uint8_t> blob(const Query& q, std::string_view name) const {
    const auto i = find(name);
    if (!i || q.is_null(*i)) return {};
    return q.blob(*i);
  }

 private:
  std::map<std::string, int> m_index;
};

AttachmentKind attachment_kind(std::string_view mime, std::string_view name, bool sticker) {
  if (sticker) return AttachmentKind::sticker;
  const std::string type = ascii_lower(mime);
  const std::string lower = ascii_lower(name);
  const auto ext = [&](std::string_view e) {
    return lower.size() >= e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0;
  };
  if (type == "image/gif" || ext(".gif")) return AttachmentKind::gif;
  if (type.rfind("image/", 0) == 0) return AttachmentKind::photo;
  if (type.rfind("video/", 0) == 0) return AttachmentKind::video;
  if (type.rfind("audio/", 0) == 0) return AttachmentKind::audio;
  if (type.empty()) {
    if (ext(".jpg") || ext(".jpeg") || ext(".png") || ext(".heic") || ext(".webp")) {
      return AttachmentKind::photo;
    }
    if (ext(".mov") || ext(".mp4") || ext(".m4v")) return AttachmentKind::video;
    if (ext(".caf") || ext(".m4a") || ext(".amr") || ext(".mp3")) return AttachmentKind::audio;
  }
  return AttachmentKind::file;
}

struct AttachmentRow {
  Attachment attachment;
  bool found = true;  // the file is in the export
  std::string raw;
};

// A message of the database before it is emitted.
struct Pending {
  std::int64_t rowid = 0;
  std::string guid;
  std::size_t thread = 0;
  bool has_time = false;
  Message message;
  std::string row_raw;
  std::vector<std::string> attachment_raws;
  std::vector<std::string> tapback_raws;
  std::vector<std::string> problems;
};

struct Tapback {
  std::int64_t rowid = 0;
  std::string guid;
  imessage::TapbackTarget target;
  bool add = true;
  std::string reaction;
  std::string actor;
  std::optional<std::int64_t> time_ms;
  std::size_t thread = 0;
  std::string raw;
};

struct Thread {
  Conversation conversation;
  std::vector<std::string> handles;   // other participants' handle ids, in order
  std::vector<std::size_t> messages;  // indexes into the pending messages
};

class DatabaseImport {
 public:
  DatabaseImport(ImportContext& context, const std::string& path)
      : m_context(context), m_path(path) {
    m_self = context.options.self_name.empty() ? "Me" : to_nfc(context.options.self_name);
    index_attachment_files();
  }

  void run() {
    PlainBytes bytes = m_context.files.read(m_path, kMaxDatabaseBytes);
    const Database db(m_path, bytes);
    if (!db.has_table("message")) {
      throw Error(ErrorCode::bad_input, m_path + ": not a Messages database (no message table)",
                  "give ~/Library/Messages/chat.db (macOS) or sms.db (an iOS backup)");
    }
    read_handles(db);
    read_chats(db);
    read_message_chats(db);
    read_attachments(db);
    read_messages(db);
    fold_tapbacks();
    emit();
  }

 private:
  void index_attachment_files() {
    // Both the database's folder ("Messages/Attachments/...") and any other copy of the
    // Attachments folder in the export; the database's own folder wins.
    const std::string dir = dir_of(m_path);
    for (const ExportFile& f : m_context.files.files()) {
      const std::string key = imessage::attachments_key(f.path);
      if (key.empty()) continue;
      const bool own = f.path == dir + key;
      const auto [it, inserted] = m_attachment_files.emplace(key, f.path);
      if (!inserted && own) it->second = f.path;
    }
  }

  std::string handle_name(std::int64_t rowid) const {
    const auto it = m_handles.find(rowid);
    return it == m_handles.end() ? "" : it->second;
  }

  void read_handles(const Database& db) {
    if (!db.has_table("handle")) return;
    Query q(db, "SELECT * FROM handle");
    const Columns c(q);
    while (q.step()) {
      bool repaired = false;
      m_handles[c.integer(q, "rowid")] =
          to_nfc(imessage::repaired_utf8(c.text(q, "id").value_or(""), repaired));
    }
  }

  std::size_t thread_for(const std::string& key, const std::string& source) {
    if (const auto it = m_thread_index.find(key); it != m_thread_index.end()) return it->second;
    Thread t;
    t.conversation.platform = "imessage";
    t.conversation.thread_id = key;
    t.conversation.source_path = source;
    m_threads.push_back(std::move(t));
    m_thread_index[key] = m_threads.size() - 1;
    return m_threads.size() - 1;
  }

  void add_handle(Thread& t, const std::string& handle) {
    if (handle.empty()) return;
    if (std::find(t.handles.begin(), t.handles.end(), handle) == t.handles.end()) {
      t.handles.push_back(handle);
    }
  }

  void read_chats(const Database& db) {
    if (!db.has_table("chat")) return;
    {
      Query q(db, "SELECT * FROM chat ORDER BY ROWID");
      const Columns c(q);
      while (q.step()) {
        bool repaired = false;
        const std::int64_t rowid = c.integer(q, "rowid");
        // One thread per chat_identifier: the same person over SMS and iMessage has two chats
        // with one identifier (formats-other.md §6.4: merge per chat, not per handle).
        std::string key =
            imessage::repaired_utf8(c.text(q, "chat_identifier").value_or(""), repaired);
        if (key.empty()) key = imessage::repaired_utf8(c.text(q, "guid").value_or(""), repaired);
        if (key.empty()) key = "chat" + std::to_string(rowid);
        key = to_nfc(key);
        const std::size_t index = thread_for(key, m_path);
        Thread& t = m_threads[index];
        const std::string name =
            to_nfc(trim(imessage::repaired_utf8(c.text(q, "display_name").value_or(""), repaired)));
        if (t.conversation.title.empty()) t.conversation.title = name;
        if (c.integer(q, "style") == 43) t.conversation.is_group = true;
        m_chat_thread[rowid] = index;
      }
    }
    if (!db.has_table("chat_handle_join")) return;
    Query q(db, "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY chat_id, handle_id");
    while (q.step()) {
      const auto it = m_chat_thread.find(q.integer(0));
      if (it != m_chat_thread.end()) add_handle(m_threads[it->second], handle_name(q.integer(1)));
    }
  }

  void read_message_chats(const Database& db) {
    if (!db.has_table("chat_message_join")) return;
    // A message joined to two chats goes to the first one.
    Query q(db, "SELECT message_id, chat_id FROM chat_message_join ORDER BY message_id, chat_id");
    while (q.step()) {
      const auto it = m_chat_thread.find(q.integer(1));
      if (it != m_chat_thread.end()) m_message_thread.emplace(q.integer(0), it->second);
    }
  }

  void read_attachments(const Database& db) {
    if (!db.has_table("message_attachment_join") || !db.has_table("attachment")) return;
    Query q(db,
            "SELECT a.*, j.message_id AS dmvault_message_id FROM message_attachment_join j "
            "JOIN attachment a ON a.ROWID = j.attachment_id ORDER BY j.message_id, a.ROWID");
    const Columns c(q);
    while (q.step()) {
      bool repaired = false;
      AttachmentRow row;
      const std::string filename =
          imessage::repaired_utf8(c.text(q, "filename").value_or(""), repaired);
      const std::string transfer =
          imessage::repaired_utf8(c.text(q, "transfer_name").value_or(""), repaired);
      Attachment& a = row.attachment;
      a.name = to_nfc(transfer.empty() ? std::string(base_name(filename)) : transfer);
      a.kind =
          attachment_kind(c.text(q, "mime_type").value_or(""),
                          filename.empty() ? transfer : filename, c.integer(q, "is_sticker") != 0);
      a.created_ms = imessage::apple_time_ms(c.integer(q, "created_date"));
      const std::string key = imessage::attachments_key(filename);
      if (const auto it = m_attachment_files.find(key);
          !key.empty() && it != m_attachment_files.end()) {
        a.uri = it->second;
      } else {
        row.found = false;
      }
      row.raw = row_json(q);
      m_attachments[c.integer(q, "dmvault_message_id")].push_back(std::move(row));
    }
  }

  std::size_t orphan_thread(const std::string& handle) {
    const bool known = !handle.empty();
    const std::size_t index = thread_for(known ? handle : "unknown", m_path);
    Thread& t = m_threads[index];
    if (known) add_handle(t, handle);
    if (t.conversation.title.empty()) {
      t.conversation.title = known ? handle : "Messages without a chat";
    }
    return index;
  }

  // The text of a group event (item_type other than 0), or nullopt for an unknown one.
  std::optional<std::string> group_event(std::int64_t item_type, std::int64_t action,
                                         const std::string& actor, const std::string& other,
                                         const std::optional<std::string>& title) const {
    const std::string who = actor.empty() ? "Someone" : actor;
    const std::string whom = other.empty() ? "someone" : other;
    if (item_type == 1 && action == 0) return who + " added " + whom + " to the conversation";
    if (item_type == 1 && action == 1) return who + " removed " + whom + " from the conversation";
    if (item_type == 2) {
      if (title) return who + " named the conversation \xE2\x80\x9C" + *title + "\xE2\x80\x9D";
      return who + " changed the group photo";
    }
    if (item_type == 3 && action == 0) return who + " left the conversation";
    if (item_type == 3 && action == 1) return who + " changed the group photo";
    if (item_type == 3 && action == 2) return who + " removed the group photo";
    return std::nullopt;
  }

  void read_messages(const Database& db) {
    Query q(db, "SELECT * FROM message ORDER BY ROWID");
    const Columns c(q);
    while (q.step()) {
      const std::int64_t rowid = c.integer(q, "rowid");
      const bool from_me = c.integer(q, "is_from_me") != 0;
      const std::string handle = handle_name(c.integer(q, "handle_id"));
      const std::string actor = from_me ? m_self : handle;
      std::size_t thread = 0;
      if (const auto it = m_message_thread.find(rowid); it != m_message_thread.end()) {
        thread = it->second;
      } else {
        thread = orphan_thread(handle);
        ++m_orphans;
      }
      const std::optional<std::int64_t> time = imessage::apple_time_ms(c.integer(q, "date"));
      const std::int64_t associated_type = c.integer(q, "associated_message_type");
      const std::optional<std::string> associated = c.text(q, "associated_message_guid");
      const auto target = associated ? imessage::parse_tapback_target(*associated) : std::nullopt;
      const std::string reaction = imessage::tapback_reaction(
          associated_type, c.text(q, "associated_message_emoji").value_or(""));

      if (!reaction.empty() && target) {
        Tapback t;
        t.rowid = rowid;
        bool bad = false;
        t.guid = imessage::repaired_utf8(c.text(q, "guid").value_or(""), bad);
        t.target = *target;
        t.add = associated_type < 3000;
        t.reaction = reaction;
        t.actor = actor;
        t.time_ms = time;
        t.thread = thread;
        t.raw = row_json(q);
        m_tapbacks.push_back(std::move(t));
        continue;
      }

      Pending p;
      p.rowid = rowid;
      p.thread = thread;
      bool repaired = false;
      p.guid = imessage::repaired_utf8(c.text(q, "guid").value_or(""), repaired);
      Message& m = p.message;
      m.platform_message_id = p.guid;
      m.sender = actor;
      m.sender_id = from_me ? "" : handle;
      if (!from_me) add_handle(m_threads[thread], handle);
      if (time) {
        m.timestamp_ms = *time;
        p.has_time = true;
      } else {
        p.problems.push_back("no date: given the previous message's time");
      }
      if (!reaction.empty()) p.problems.push_back("a tapback without a target message");

      // The text: `text`, else the string inside attributedBody (macOS 13+ often leaves `text`
      // NULL).
      std::string text;
      if (const auto plain = c.text(q, "text"); plain && !plain->empty()) {
        bool bad = false;
        text = imessage::repaired_utf8(*plain, bad);
        if (bad) p.problems.push_back("text: invalid UTF-8 replaced by U+FFFD");
      } else if (const auto blob = c.blob(q, "attributedbody"); !blob.empty()) {
        if (const auto body = imessage::attributed_body_text(blob)) {
          text = body->text;
          if (body->repaired) p.problems.push_back("attributedBody: damaged string repaired");
        } else {
          p.problems.push_back("attributedBody: no text could be read");
        }
      }
      // U+FFFC marks where attachments sit in the text; they are listed as attachments.
      if (text.find("\xEF\xBF\xBC") != std::string::npos) {
        std::string without;
        for (std::size_t i = 0; i < text.size(); ++i) {
          if (text.compare(i, 3, "\xEF\xBF\xBC") == 0) {
            i += 2;
          } else {
            without += text[i];
          }
        }
        text = std::string(trim(without));
      }
      m.text = to_nfc(text);

      if (const auto it = m_attachments.find(rowid); it != m_attachments.end()) {
        for (AttachmentRow& a : it->second) {
          if (!a.found) ++m_missing_attachments;
          m.attachments.push_back(a.attachment);
          p.attachment_raws.push_back(std::move(a.raw));
        }
      }

      const std::int64_t item_type = c.integer(q, "item_type");
      const bool retracted = c.integer(q, "date_retracted") != 0;
      const bool edited = c.integer(q, "date_edited") != 0;
      if (item_type != 0) {
        m.kind = MessageKind::system;
        const auto other = handle_name(c.integer(q, "other_handle"));
        auto title = c.text(q, "group_title");
        if (title) {
          bool bad = false;
          title = to_nfc(imessage::repaired_utf8(*title, bad));
        }
        if (const auto event =
                group_event(item_type, c.integer(q, "group_action_type"), actor, other, title)) {
          if (m.text.empty()) m.text = *event;
        } else {
          p.problems.push_back("item_type " + std::to_string(item_type) +
                               " not understood: kept as a system message");
        }
      } else if (retracted || (edited && m.text.empty() && m.attachments.empty())) {
        // An unsent message keeps its row with the text gone (macOS 13+).
        m.kind = MessageKind::unsent;
      } else {
        m.edited = edited;
        if (m.text.empty() && !m.attachments.empty()) {
          const bool stickers =
              std::all_of(m.attachments.begin(), m.attachments.end(),
                          [](const Attachment& a) { return a.kind == AttachmentKind::sticker; });
          m.kind = stickers ? MessageKind::sticker : MessageKind::media;
        }
      }
      if (const auto reply = c.text(q, "thread_originator_guid"); reply && !reply->empty()) {
        m.reply_to = *reply;
      } else if (target && associated_type != 0) {
        m.reply_to = target->guid;  // a sticker placed on a message and other associations
      }
      m.source_path = m_path;
      p.row_raw = row_json(q);
      if (!p.guid.empty()) m_by_guid.emplace(p.guid, m_pending.size());
      m_threads[thread].messages.push_back(m_pending.size());
      m_pending.push_back(std::move(p));
    }
  }

  // Tapbacks become reactions on their target: in database order, an add sets the actor's
  // reaction on that part of the message (one per person), a removal clears it.
  void fold_tapbacks() {
    struct Active {
      std::size_t tapback = 0;
      std::optional<std::size_t> target;
    };
    std::map<std::tuple<std::string, std::int64_t, std::string>, Active> active;
    for (std::size_t i = 0; i < m_tapbacks.size(); ++i) {
      const Tapback& t = m_tapbacks[i];
      std::optional<std::size_t> target;
      if (const auto it = m_by_guid.find(t.target.guid); it != m_by_guid.end()) {
        target = it->second;
        m_pending[it->second].tapback_raws.push_back(t.raw);
      }
      const auto key = std::make_tuple(t.target.guid, t.target.part, t.actor);
      if (t.add) {
        active[key] = Active{i, target};
        continue;
      }
      const auto it = active.find(key);
      if (it != active.end() && m_tapbacks[it->second.tapback].reaction == t.reaction) {
        active.erase(it);
      } else if (!target) {
        ++m_unmatched_removals;
      }
    }
    std::vector<std::pair<std::size_t, std::optional<std::size_t>>> order;
    for (const auto& [key, a] : active) order.emplace_back(a.tapback, a.target);
    std::sort(order.begin(), order.end());
    for (const auto& [index, target] : order) {
      const Tapback& t = m_tapbacks[index];
      if (target) {
        m_pending[*target].message.reactions.push_back({t.actor, t.reaction, t.time_ms});
        continue;
      }
      // The message it reacts to is not in this database (deleted, or older than the copy):
      // kept as a record of its own.
      Pending p;
      p.rowid = t.rowid;
      p.thread = t.thread;
      p.has_time = t.time_ms.has_value();
      Message& m = p.message;
      m.kind = MessageKind::system;
      m.sender = t.actor;
      m.timestamp_ms = t.time_ms.value_or(0);
      m.text = t.actor + " reacted " + t.reaction + " to a message that is not in this database";
      m.reply_to = t.target.guid;
      m.platform_message_id = t.guid;
      m.reactions.push_back({t.actor, t.reaction, t.time_ms});
      m.source_path = m_path;
      p.row_raw = t.raw;
      p.problems.push_back("a tapback on a message that is not in the database");
      m_threads[t.thread].messages.push_back(m_pending.size());
      m_pending.push_back(std::move(p));
    }
  }

  void finish_conversation(Thread& t) {
    Conversation& c = t.conversation;
    if (t.handles.size() > 1) c.is_group = true;
    for (const std::string& h : t.handles) c.participants.push_back({h, h, false});
    c.participants.push_back({m_self, "", true});
    if (c.title.empty()) {
      std::string joined;
      for (const std::string& h : t.handles) joined += (joined.empty() ? "" : ", ") + h;
      c.title = joined.empty() ? c.thread_id : joined;
    }
  }

  void emit() {
    if (m_orphans > 0) {
      m_context.sink.warning(
          m_path, counted(m_orphans, "message") + " in no chat: grouped by their handle");
    }
    if (m_missing_attachments > 0) {
      m_context.sink.warning(m_path,
                             counted(m_missing_attachments, "attachment") +
                                 " not in the export (give the Attachments folder next to "
                                 "chat.db, or they were offloaded to iCloud): kept by name only");
    }
    if (m_unmatched_removals > 0) {
      m_context.sink.warning(m_path, counted(m_unmatched_removals, "tapback removal") +
                                         " matching no tapback: ignored");
    }
    for (Thread& t : m_threads) {
      if (t.messages.empty()) continue;
      finish_conversation(t);
      std::sort(t.messages.begin(), t.messages.end(), [&](std::size_t a, std::size_t b) {
        return m_pending[a].rowid < m_pending[b].rowid;
      });
      m_context.announce(t.conversation);
      std::int64_t last_time = 0;
      for (const std::size_t index : t.messages) {
        Pending& p = m_pending[index];
        if (p.has_time) {
          last_time = p.message.timestamp_ms;
        } else {
          p.message.timestamp_ms = last_time;
        }
        p.message.raw = "{\"message\":" + p.row_raw;
        if (!p.attachment_raws.empty())
          p.message.raw += ",\"attachments\":[" + join(p.attachment_raws) + "]";
        if (!p.tapback_raws.empty())
          p.message.raw += ",\"tapbacks\":[" + join(p.tapback_raws) + "]";
        p.message.raw += "}";
        if (!p.problems.empty()) {
          std::string what =
              "message " + std::to_string(p.rowid) + " (ROWID) kept with what could be read: ";
          for (std::size_t i = 0; i < p.problems.size(); ++i) {
            what += (i == 0 ? "" : "; ") + p.problems[i];
          }
          m_context.sink.warning(m_path, what);
        }
        m_context.sink.message(t.conversation.thread_id, std::move(p.message));
      }
    }
  }

  static std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& part : parts) out += (out.empty() ? "" : ",") + part;
    return out;
  }

  ImportContext& m_context;
  const std::string& m_path;
  std::string m_self;
  std::map<std::string, std::string> m_attachment_files;  // attachments_key -> export path
  std::map<std::int64_t, std::string> m_handles;
  std::vector<Thread> m_threads;
  std::map<std::string, std::size_t> m_thread_index;
  std::map<std::int64_t, std::size_t> m_chat_thread;
  std::map<std::int64_t, std::size_t> m_message_thread;
  std::map<std::int64_t, std::vector<AttachmentRow>> m_attachments;
  std::vector<Pending> m_pending;
  std::map<std::string, std::size_t> m_by_guid;
  std::vector<Tapback> m_tapbacks;
  std::size_t m_orphans = 0;
  std::size_t m_missing_attachments = 0;
  std::size_t m_unmatched_removals = 0;
};

class IMessageImporter final : public Importer {
 public:
  std::string name() const override { return "imessage"; }
  std::string description() const override {
    return "iMessage (macOS Messages chat.db, or sms.db from an iOS backup)";
  }

  int detect(const ExportFiles& files) const override {
    for (const ExportFile& f : files.files()) {
      if (!is_database_name(f.path)) continue;
      try {
        if (has_sqlite_head(files, f.path)) return kCertain;
      } catch (const std::exception&) {
        continue;
      }
    }
    return 0;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    ImportContext context(files, sink, options);
    bool any = false;
    for (const ExportFile& f : files.files()) {
      if (!is_database_name(f.path)) continue;
      any = true;
      if (const std::string wal = f.path + "-wal"; files.exists(wal)) {
        const auto it = std::find_if(files.files().begin(), files.files().end(),
                                     [&](const ExportFile& e) { return e.path == wal; });
        if (it != files.files().end() && it->size > 0) {
          sink.warning(wal,
                       "not read: messages written since the database's last checkpoint are "
                       "missing (quit Messages before copying chat.db, or copy it with "
                       "sqlite3's .backup)");
        }
      }
      DatabaseImport(context, f.path).run();
    }
    if (!any) {
      throw Error(ErrorCode::bad_input, "no Messages database (chat.db or sms.db) in the export",
                  "give ~/Library/Messages/chat.db, or the Messages folder holding it");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_imessage_importer() { return std::make_unique<IMessageImporter>(); }

}  // namespace dmvault::formats
