// What exports read from the catalog: Catalog::for_each_message, the messages of one
// conversation that match a SearchRequest, oldest first (ids are read in keyset-paged batches,
// id > last seen, so neither a million-message conversation nor an open cursor is held while the
// caller works), and the stored records as added, for copying a selection into a new vault.
#include "catalog/catalog.hpp"
#include "catalog/catalog_internal.hpp"
#include "catalog/sqlite_db.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

namespace dmvault::catalog {

namespace {

constexpr std::int64_t kBatch = 512;

template <typename Enum, std::size_t N>
Enum enum_from(const std::string& name, const Enum (&values)[N], const char* what) {
  for (const Enum value : values) {
    if (name == to_string(value)) return value;
  }
  throw Error(ErrorCode::corrupted,
              std::string("catalog is damaged: unknown ") + what + " '" + name + "'");
}

std::optional<ObjectId> object_id(std::span<const std::uint8_t> blob) {
  if (blob.size() != ObjectId{}.size()) return std::nullopt;
  ObjectId id{};
  std::copy(blob.begin(), blob.end(), id.begin());
  return id;
}

std::uint64_t unsigned_of(std::int64_t value) {
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

}  // namespace

void Catalog::for_each_message(std::int64_t conversation_id, const SearchRequest& request,
                               const std::function<void(const MessageView&)>& visit) {
  sql::Database& db = database_of(*m_impl);
  register_search_functions(db);
  const std::size_t n = request.params.size();
  const std::string sql =
      "SELECT m.id FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id"
      " WHERE m.conversation_id = ?" +
      std::to_string(n + 1) + " AND m.id > ?" + std::to_string(n + 2) + " AND (" + request.where +
      ") ORDER BY m.id LIMIT " + std::to_string(kBatch);
  sql::Statement statement(db.handle(), sql);
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  std::vector<std::int64_t> ids;
  for (;;) {
    ids.clear();
    statement.reset();
    int index = 1;
    for (const SearchRequest::Param& param : request.params) {
      if (param.is_int) {
        statement.bind_int(index, param.number);
      } else {
        statement.bind_text(index, param.text);
      }
      ++index;
    }
    statement.bind_int(index, conversation_id);
    statement.bind_int(index + 1, last);
    while (statement.step()) ids.push_back(statement.column_int(0));
    statement.reset();
    for (const std::int64_t id : ids) visit(message_view_of(*m_impl, id));
    if (ids.size() < static_cast<std::size_t>(kBatch)) break;
    last = ids.back();
  }
}

Conversation Catalog::stored_conversation(std::int64_t conversation_id) {
  sql::Database& db = database_of(*m_impl);
  Conversation conversation;
  {
    auto q = db.query(
        "SELECT platform, thread_id, title, is_group, still_participant, source_path"
        " FROM conversations WHERE id = ?1");
    q->bind_int(1, conversation_id);
    if (!q->step()) {
      throw Error(ErrorCode::usage, "no conversation " + std::to_string(conversation_id));
    }
    conversation.platform = q->column_text(0);
    conversation.thread_id = q->column_text(1);
    conversation.title = q->column_text(2);
    conversation.is_group = q->column_int(3) != 0;
    conversation.still_participant = q->column_int(4) != 0;
    conversation.source_path = q->column_text(5);
  }
  auto q = db.query(
      "SELECT p.name, p.platform_id, p.is_self FROM conversation_participants AS cp"
      " JOIN participants AS p ON p.id = cp.participant_id"
      " WHERE cp.conversation_id = ?1 ORDER BY p.id");
  q->bind_int(1, conversation_id);
  while (q->step()) {
    conversation.participants.push_back(
        {q->column_text(0), q->column_text(1), q->column_int(2) != 0});
  }
  return conversation;
}

Message Catalog::stored_message(std::int64_t message_id, std::vector<ResolvedAttachment>& resolved,
                                std::optional<RawSpan>& raw_span) {
  static constexpr MessageKind kKinds[] = {
      MessageKind::text,   MessageKind::media,  MessageKind::share,  MessageKind::call,
      MessageKind::system, MessageKind::unsent, MessageKind::sticker};
  static constexpr AttachmentKind kAttachmentKinds[] = {
      AttachmentKind::photo, AttachmentKind::video, AttachmentKind::audio,
      AttachmentKind::file,  AttachmentKind::gif,   AttachmentKind::sticker};
  sql::Database& db = database_of(*m_impl);
  Message message;
  resolved.clear();
  raw_span.reset();
  {
    auto q = db.query(
        "SELECT sender, sender_id, timestamp_ms, local_time, kind, text, platform_message_id,"
        " reply_to, edited, share_link, share_text, share_owner, call_duration_s, raw,"
        " source_path FROM messages WHERE id = ?1");
    q->bind_int(1, message_id);
    if (!q->step()) throw Error(ErrorCode::usage, "no message " + std::to_string(message_id));
    message.sender = q->column_text(0);
    message.sender_id = q->column_text(1);
    message.timestamp_ms = q->column_int(2);
    message.local_time = q->column_text(3);
    message.kind = enum_from(q->column_text(4), kKinds, "message kind");
    message.text = q->column_text(5);
    message.platform_message_id = q->column_text(6);
    message.reply_to = q->column_text(7);
    message.edited = q->column_int(8) != 0;
    if (!q->is_null(9)) {
      message.share = Share{q->column_text(9), q->column_text(10), q->column_text(11)};
    }
    if (!q->is_null(12)) message.call_duration_s = q->column_int(12);
    message.raw = q->column_text(13);
    message.source_path = q->column_text(14);
  }
  if (has_raw_spans_of(*m_impl)) {
    auto q = db.query(
        "SELECT f.content, m.raw_offset, m.raw_length, f.path FROM messages AS m"
        " JOIN files AS f ON f.id = m.raw_file WHERE m.id = ?1");
    q->bind_int(1, message_id);
    if (q->step()) {
      const std::optional<ObjectId> content = object_id(q->column_blob(0));
      if (!content || q->is_null(1) || q->is_null(2) || q->column_int(1) < 0 ||
          q->column_int(2) <= 0) {
        throw Error(ErrorCode::corrupted, "catalog is damaged: message " +
                                              std::to_string(message_id) +
                                              " has a raw record span without a place");
      }
      raw_span = RawSpan{*content, static_cast<std::uint64_t>(q->column_int(1)),
                         static_cast<std::uint64_t>(q->column_int(2))};
      message.source_path = q->column_text(3);  // the row keeps '' (RAW RECORDS)
    }
  }
  {
    auto q = db.query(
        "SELECT kind, uri, name, created_ms, content, size FROM attachments"
        " WHERE message_id = ?1 ORDER BY ordinal");
    q->bind_int(1, message_id);
    while (q->step()) {
      Attachment attachment;
      attachment.kind = enum_from(q->column_text(0), kAttachmentKinds, "attachment kind");
      attachment.uri = q->column_text(1);
      attachment.name = q->column_text(2);
      if (!q->is_null(3)) attachment.created_ms = q->column_int(3);
      ResolvedAttachment link;
      if (!q->is_null(4)) link.content = object_id(q->column_blob(4));
      link.size = unsigned_of(q->column_int(5));
      message.attachments.push_back(std::move(attachment));
      resolved.push_back(link);
    }
  }
  auto q = db.query(
      "SELECT actor, reaction, timestamp_ms FROM reactions WHERE message_id = ?1 ORDER BY id");
  q->bind_int(1, message_id);
  while (q->step()) {
    Reaction reaction{q->column_text(0), q->column_text(1), std::nullopt};
    if (!q->is_null(2)) reaction.timestamp_ms = q->column_int(2);
    message.reactions.push_back(std::move(reaction));
  }
  return message;
}

}  // namespace dmvault::catalog
