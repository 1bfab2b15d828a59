// What the viewer (dmvault serve) and `dmvault stats` read from the catalog: keyset pages of a
// conversation around a message id (ids follow time, so "before" and "after" are index range
// scans however long the conversation), and the plain facts statistics are counted from.
#include "catalog/catalog.hpp"
#include "catalog/catalog_internal.hpp"
#include "catalog/sqlite_db.hpp"

#include <algorithm>
#include <limits>

namespace dmvault::catalog {

namespace {

std::int64_t limit_of(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, kMax));
}

std::vector<std::int64_t> ids_of(sql::Database& db, const char* sql, std::int64_t conversation_id,
                                 std::int64_t anchor, std::size_t limit) {
  std::vector<std::int64_t> ids;
  auto q = db.query(sql);
  q->bind_int(1, conversation_id);
  q->bind_int(2, anchor);
  q->bind_int(3, limit_of(limit));
  while (q->step()) ids.push_back(q->column_int(0));
  return ids;
}

}  // namespace

std::vector<MessageView> Catalog::messages_before(std::int64_t conversation_id,
                                                  std::int64_t before_id, std::size_t limit) {
  std::vector<std::int64_t> ids =
      ids_of(database_of(*m_impl),
             "SELECT id FROM messages WHERE conversation_id = ?1 AND id < ?2"
             " ORDER BY id DESC LIMIT ?3",
             conversation_id, before_id, limit);
  std::reverse(ids.begin(), ids.end());
  std::vector<MessageView> out;
  out.reserve(ids.size());
  for (const std::int64_t id : ids) out.push_back(message_view_of(*m_impl, id));
  return out;
}

std::vector<MessageView> Catalog::messages_after(std::int64_t conversation_id,
                                                 std::int64_t after_id, std::size_t limit) {
  const std::vector<std::int64_t> ids =
      ids_of(database_of(*m_impl),
             "SELECT id FROM messages WHERE conversation_id = ?1 AND id > ?2"
             " ORDER BY id LIMIT ?3",
             conversation_id, after_id, limit);
  std::vector<MessageView> out;
  out.reserve(ids.size());
  for (const std::int64_t id : ids) out.push_back(message_view_of(*m_impl, id));
  return out;
}

void Catalog::for_each_fact(std::optional<std::int64_t> conversation_id,
                            const std::function<void(const MessageFacts&)>& visit) {
  sql::Database& db = database_of(*m_impl);
  auto q = db.query(
      "SELECT conversation_id, sender, timestamp_ms, kind, text FROM messages"
      " WHERE ?1 IS NULL OR conversation_id = ?1 ORDER BY id");
  q->bind_optional_int(1, conversation_id);
  MessageFacts facts;
  while (q->step()) {
    facts.conversation_id = q->column_int(0);
    facts.sender = q->column_text(1);
    facts.timestamp_ms = q->column_int(2);
    facts.kind = q->column_text(3);
    facts.text = q->column_text(4);
    visit(facts);
  }
}

std::vector<std::pair<std::string, std::uint64_t>> Catalog::attachment_kinds(
    std::optional<std::int64_t> conversation_id) {
  sql::Database& db = database_of(*m_impl);
  auto q = db.query(
      "SELECT a.kind, count(*) FROM attachments AS a JOIN messages AS m ON m.id = a.message_id"
      " WHERE ?1 IS NULL OR m.conversation_id = ?1 GROUP BY a.kind ORDER BY a.kind");
  q->bind_optional_int(1, conversation_id);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  while (q->step()) {
    const std::int64_t n = q->column_int(1);
    out.emplace_back(q->column_text(0), n < 0 ? 0 : static_cast<std::uint64_t>(n));
  }
  return out;
}

}  // namespace dmvault::catalog
