// The catalog (see catalog.hpp): schema version 3 and the rules that decide what is stored.
//
// DEDUP RULE (importers copy it into their FORMAT.md)
//   Two records are the same message when their canonical keys are equal. The canonical key is
//   a byte string of length-prefixed fields (each a 64-bit little-endian byte count, then the
//   bytes; integers as 64-bit little-endian):
//     "dmvault-dedup-1", platform, thread_id, then
//     - when the platform gives the message an id:  'i', platform_message_id
//     - otherwise: 'c', sender (display name), timestamp_ms, kind ("text", "media", ...), text,
//       the number of attachments and the file name of each (the last '/'-separated component
//       of its uri, so that an export whose folder layout changed still matches), then
//       's' + the share link, or '-' when the message shares nothing.
//   Within one import run, the n-th record with a given key gets the occurrence ordinal n
//   (0, 1, 2 ...), and the ordinal is part of what is compared. So two genuinely identical
//   messages of one export (same sender, second and text) are both kept; importing the same
//   export again adds nothing; a newer export that overlaps an older one adds only the records
//   the older one did not have (and the occurrences beyond those it had).
//   Stored: messages.dedup_key = the first 4 bytes of MurmurHash3_x64_128(canonical key)
//   followed by the ordinal, big-endian without its leading zero bytes (so 4 bytes for a first
//   occurrence, 5 for the second ...). The canonical key itself is not stored, since it repeats
//   the whole text (and would again in the key's index): on a key hit, the stored message's
//   canonical key is rebuilt from its columns and compared byte for byte, and only an exact
//   match is a duplicate. A digest collision therefore never merges two messages; it only
//   costs a comparison, and with 4 bytes one lookup in a million messages meets another
//   message's key once in some 4,000 lookups. (Schema version 2 stored the whole digest and a
//   4-byte ordinal, 20 random bytes a message and a tenth of the sealed catalog; loading
//   such a catalog to write it shortens its keys.) That is also why dedup_key is indexed but
//   not UNIQUE: two different messages with colliding digests must both be storable. The index
//   (messages_by_dedup_key) lives only within a run that looks a key up: built at its first
//   lookup, dropped when the run finishes. Stored, its random keys were a sixth of the sealed
//   catalog that nothing but the next import reads, and every import re-sealed most of its pages.
//   A duplicate changes nothing, except that information the new record adds is not lost:
//   an attachment the stored message has without its file (no content id) gets the content id
//   and size of the new record's attachment at the same position with the same file name, and
//   reactions the stored message lacks (by actor and reaction) are added.
//   An attachment whose file is known only later (ResolvedAttachment::pending) is added without
//   it, and one that would fill a stored message's gap from such a file does so when
//   link_pending resolves it, in the order they came: the rows end as they would have. (A row
//   is never the duplicate of a message of the run that added it, which would be its next
//   occurrence: so no fill can come before the link of the row's own file.)
//
// MESSAGE IDS are in time order, so "newest first" is "highest id first":
//   id = shifted_ms * 4096 + n, where shifted_ms = timestamp_ms + 2^41 (about 69.7 years, so
//   dates back to 1900-04 keep their order; anything earlier is clamped to the first
//   millisecond, anything after the year ~71000 to the last), and n is the first free slot of
//   that millisecond. When all 4096 slots of a millisecond are taken, the message takes the
//   first free slot of the following milliseconds: order is then exact to within the spill,
//   which needs more than 4096 messages in one millisecond across the whole vault (e.g.
//   thousands of records without a time, all at 0).
//
// CONVERSATIONS are keyed by (platform, thread_id). The latest add_conversation sets the title
// (every title seen is kept in conversation_titles with the first and last source that used
// it), the participants accumulate, is_group is true once any export said so, and
// still_participant is the latest export's value.
//
// FILES: one row per (source, path, content); the same path twice in one source with the same
// bytes is one row, with different bytes two rows in the order added.
//
// FAILURES: an Error from add_* or finish_source may leave part of a record in the run's
// transaction, so the run then refuses everything but abort_source (std::logic_error).
//
// SEARCH INDEX (built here, never at open): messages_fts (unicode61, diacritics removed) over
// the text, sender, conversation title, share and attachment names, with the view
// message_search as its external content (so snippets can be made), and without a table of
// each row's column sizes (columnsize = 0, a sixth of the index's sealed bytes and of the time
// to build it: only relevance ranking reads sizes, which FTS5 then counts from the hits' content;
// ranking a word in 26,000 to 46,000 of a million messages took 145-375 ms instead of 80-180;
// older catalogs keep the table). messages_trigram is over the messages whose text
// has_unspaced_text (a quarter of a typical chat, and the only ones a term searched there can
// match), contentless since only rowids are read from it, and holding of each only its words
// with such a character (append_unspaced_words: a tenth of those texts, and all a query's word
// can be found in; a quoted phrase with spaces is found word by word and checked against the
// whole text, see query_translate). Rows written before hold whole texts, and older catalogs
// have it over every message, with messages as its external content (they go on indexing whole
// texts): the same hits. Both use rowid = messages.id and are written when a run finishes
// (index_unindexed); a title change rewrites the conversation's rows of messages_fts. A run
// into an empty catalog instead hands each row to a SearchIndexBuilder as the message is added,
// which builds both indexes on another thread and copies them in when the run finishes (or at a
// title change, which must delete rows with the old title: the rest of the run is then indexed
// as usual).
//
// RAW RECORDS: a message whose importer says its raw record is a span of its source file (the
// file stored in the vault, Message::raw_offset) keeps raw = '' and the span: raw_file (the
// files row of this run with that path), raw_offset, raw_length; and source_path = '', since
// the files row names the path. Any other keeps raw and source_path themselves.
// Schema version 2 added the three columns; a version 1 catalog gains them (all NULL) when it
// is loaded to be written, and one read as it is has no spans.
#include "catalog/catalog.hpp"

#include "catalog/catalog_internal.hpp"
#include "catalog/dedup_key.hpp"
#include "catalog/match_fold.hpp"
#include "catalog/memory_scratch_file.hpp"
#include "catalog/occurrence_counter.hpp"
#include "catalog/search_index_builder.hpp"
#include "catalog/sqlite_db.hpp"
#include "catalog/unspaced_text.hpp"
#include "dmvault/error.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string.h>  // explicit_bzero
#include <string_view>
#include <unordered_map>
#include <utility>

namespace dmvault::catalog {

namespace {

constexpr std::int64_t kSchemaVersion = 3;

constexpr const char* kSchema = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  export_name TEXT NOT NULL,
  imported_ms INTEGER NOT NULL,
  tool_version TEXT NOT NULL,
  files INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  messages_added INTEGER NOT NULL DEFAULT 0,
  messages_duplicate INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  path TEXT NOT NULL,
  content BLOB NOT NULL CHECK (length(content) = 32),
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  UNIQUE (source_id, path, content)
);

CREATE TABLE participants (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  name TEXT NOT NULL,
  is_self INTEGER NOT NULL DEFAULT 0,
  UNIQUE (platform, platform_id, name)
);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  title TEXT NOT NULL,
  is_group INTEGER NOT NULL,
  still_participant INTEGER NOT NULL,
  source_path TEXT NOT NULL,
  UNIQUE (platform, thread_id)
);

CREATE TABLE conversation_titles (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  title TEXT NOT NULL,
  first_source_id INTEGER NOT NULL REFERENCES sources(id),
  last_source_id INTEGER NOT NULL REFERENCES sources(id),
  PRIMARY KEY (conversation_id, title)
) WITHOUT ROWID;

CREATE TABLE conversation_participants (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  participant_id INTEGER NOT NULL REFERENCES participants(id),
  PRIMARY KEY (conversation_id, participant_id)
) WITHOUT ROWID;

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  sender TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  local_time TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  platform_message_id TEXT NOT NULL,
  reply_to TEXT NOT NULL,
  edited INTEGER NOT NULL,
  share_link TEXT,
  share_text TEXT,
  share_owner TEXT,
  call_duration_s INTEGER,
  raw TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  source_path TEXT NOT NULL,
  dedup_key BLOB NOT NULL,
  raw_file INTEGER REFERENCES files(id),
  raw_offset INTEGER,
  raw_length INTEGER
);
CREATE INDEX messages_by_conversation ON messages(conversation_id);

CREATE TABLE attachments (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  ordinal INTEGER NOT NULL,
  kind TEXT NOT NULL,
  uri TEXT NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER,
  content BLOB CHECK (content IS NULL OR length(content) = 32),
  size INTEGER NOT NULL,
  PRIMARY KEY (message_id, ordinal)
) WITHOUT ROWID;
CREATE INDEX attachments_by_content ON attachments(content) WHERE content IS NOT NULL;

CREATE TABLE reactions (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  actor TEXT NOT NULL,
  reaction TEXT NOT NULL,
  timestamp_ms INTEGER,
  UNIQUE (message_id, actor, reaction)
);

CREATE VIEW message_search (id, conversation_id, text, sender, conversation, share,
                            attachments) AS
  SELECT m.id, m.conversation_id, m.text, m.sender, c.title,
         trim(coalesce(m.share_text, '') || ' ' || coalesce(m.share_link, '') || ' ' ||
              coalesce(m.share_owner, '')),
         coalesce((SELECT group_concat(a.name, ' ') FROM attachments AS a
                   WHERE a.message_id = m.id), '')
  FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id;
)sql";

// People linked across platforms (`dmvault people`). Created on load too when missing: vaults
// written before these tables existed gain them without a schema version change, since older
// readers that ignore them lose nothing but the links.
constexpr const char* kPeopleSchema = R"sql(
CREATE TABLE IF NOT EXISTS people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS person_handles (
  person_id INTEGER NOT NULL REFERENCES people(id),
  platform TEXT NOT NULL,
  handle TEXT NOT NULL,
  handle_fold TEXT NOT NULL,
  PRIMARY KEY (platform, handle)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_handles_by_person ON person_handles(person_id);
)sql";

// Per-conversation figures kept up to date by every import run (finish_source), so that listing
// conversations and counting messages read one small table instead of walking every message's
// index entries, which lie all over a large catalog (and a paged catalog decrypts what it walks).
// Created on load when missing, like the people tables; a read-only catalog without it computes
// the figures from the messages, as before.
constexpr const char* kStatsSchema = R"sql(
CREATE TABLE IF NOT EXISTS conversation_stats (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
  messages INTEGER NOT NULL,
  written INTEGER NOT NULL,
  first_ms INTEGER NOT NULL,
  last_ms INTEGER NOT NULL
);
)sql";

// messages: every row; written: those with a sender that are not system notices (Counts);
// first_ms/last_ms: the times of the first and last message by id (see MESSAGE IDS).
constexpr const char* kStatsRefresh = R"sql(
DELETE FROM conversation_stats;
INSERT INTO conversation_stats (conversation_id, messages, written, first_ms, last_ms)
  SELECT g.conversation_id, g.n, g.w,
         (SELECT timestamp_ms FROM messages WHERE id = g.lo),
         (SELECT timestamp_ms FROM messages WHERE id = g.hi)
  FROM (SELECT conversation_id, count(*) AS n, sum(sender <> '' AND kind <> 'system') AS w,
               min(id) AS lo, max(id) AS hi
        FROM messages GROUP BY conversation_id) AS g;
)sql";

// The schema's conversation index, for a run into an empty catalog that dropped it.
constexpr const char* kCreateConversationIndex =
    "CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id)";

bool has_table(sql::Database& db, const char* name) {
  auto q = db.query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  q->bind_text(1, name);
  return q->step() && q->column_int(0) > 0;
}

// Whether the messages table has the raw span columns (schema version 2).
bool has_raw_spans(sql::Database& db) {
  auto q = db.query("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'raw_file'");
  return q->step() && q->column_int(0) > 0;
}

// Whether the substring index is contentless, as kSearchIndexSchema declares it, and so holds
// only each message's unspaced words (append_unspaced_words). Catalogs from before it was have
// it over messages as external content: they keep indexing whole texts, which is what that
// content says the index holds.
bool trigram_holds_words(sql::Database& db) {
  return db.query_text("SELECT sql FROM sqlite_master WHERE name = 'messages_trigram'")
             .find("content = ''") != std::string::npos;
}

// Version 1 to 2: the raw span columns, NULL (raw kept in the row) for every message so far.
constexpr const char* kAddRawSpans = R"sql(
ALTER TABLE messages ADD COLUMN raw_file INTEGER REFERENCES files(id);
ALTER TABLE messages ADD COLUMN raw_offset INTEGER;
ALTER TABLE messages ADD COLUMN raw_length INTEGER;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql";

// Version 2 to 3: each dedup key cut to the digest's first 4 bytes and the ordinal without its
// leading zero bytes (DEDUP RULE), as stored_key writes it. (|| makes text of blobs: the key
// is cast back, since a lookup binds a blob, and a blob never equals a text.)
constexpr const char* kShortenDedupKeys = R"sql(
UPDATE messages SET dedup_key = CAST(substr(dedup_key, 1, 4) || CASE
  WHEN substr(dedup_key, 17, 1) <> x'00' THEN substr(dedup_key, 17, 4)
  WHEN substr(dedup_key, 18, 1) <> x'00' THEN substr(dedup_key, 18, 3)
  WHEN substr(dedup_key, 19, 1) <> x'00' THEN substr(dedup_key, 19, 2)
  WHEN substr(dedup_key, 20, 1) <> x'00' THEN substr(dedup_key, 20, 1)
  ELSE x'' END AS BLOB)
WHERE length(dedup_key) = 20;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
)sql";

// --- Message ids -----------------------------------------------------------------------------
constexpr std::int64_t kSlotsPerMs = 4096;
constexpr std::int64_t kEpochShiftMs = std::int64_t{1} << 41;
// Half of the id space: leaves room for spills past the last millisecond without overflow.
constexpr std::int64_t kMaxShiftedMs = std::numeric_limits<std::int64_t>::max() / kSlotsPerMs / 2;

std::int64_t first_id_of(std::int64_t timestamp_ms) {
  std::int64_t shifted = 0;
  if (timestamp_ms <= -kEpochShiftMs) {
    shifted = 0;
  } else if (timestamp_ms >= kMaxShiftedMs - kEpochShiftMs) {
    shifted = kMaxShiftedMs;
  } else {
    shifted = timestamp_ms + kEpochShiftMs;
  }
  return shifted * kSlotsPerMs;
}

// --- Small helpers ---------------------------------------------------------------------------

// A std::string holding plaintext (a canonical key), wiped when it goes (all its capacity: an
// erase leaves bytes past the end).
struct WipedString {
  std::string value;
  ~WipedString() { explicit_bzero(value.data(), value.capacity()); }
};

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::optional<ObjectId> object_id_of(std::span<const std::uint8_t> blob) {
  if (blob.size() != ObjectId{}.size()) return std::nullopt;
  ObjectId id{};
  std::copy(blob.begin(), blob.end(), id.begin());
  return id;
}

std::int64_t to_int64(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    throw std::invalid_argument("catalog: a count does not fit in 63 bits");
  }
  return static_cast<std::int64_t>(value);
}

std::uint64_t to_uint64(std::int64_t value) {
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

// "catalog: query failed: file is not a database" -> "file is not a database".
std::string sqlite_detail(const Error& error) {
  std::string_view what = error.what();
  for (std::string_view prefix : {"catalog: ", "query failed: ", "preparing a query: "}) {
    if (what.starts_with(prefix)) what.remove_prefix(prefix.size());
  }
  return std::string(what);
}

[[noreturn]] void damaged(std::string_view detail) {
  throw Error(ErrorCode::corrupted, "catalog is damaged: " + std::string(detail));
}

// The columns of a ConversationSummary, shared by the list and the lookup by id. first/last
// are the times of the conversation's first and last message by id (see MESSAGE IDS).
#define DMVAULT_SUMMARY_SELECT                                                         \
  "SELECT c.id, c.platform, c.thread_id, c.title, c.is_group,"                         \
  " (SELECT count(*) FROM messages AS m WHERE m.conversation_id = c.id),"              \
  " coalesce((SELECT m.timestamp_ms FROM messages AS m WHERE m.conversation_id = c.id" \
  "           ORDER BY m.id LIMIT 1), 0),"                                             \
  " coalesce((SELECT m.timestamp_ms FROM messages AS m WHERE m.conversation_id = c.id" \
  "           ORDER BY m.id DESC LIMIT 1), 0) AS last_ms"                              \
  " FROM conversations AS c"

constexpr const char* kSummaryAll = DMVAULT_SUMMARY_SELECT " ORDER BY last_ms DESC, c.id";
constexpr const char* kSummaryById = DMVAULT_SUMMARY_SELECT " WHERE c.id = ?1";
#undef DMVAULT_SUMMARY_SELECT

// The same from conversation_stats.
#define DMVAULT_SUMMARY_FROM_STATS                                                      \
  "SELECT c.id, c.platform, c.thread_id, c.title, c.is_group, coalesce(s.messages, 0)," \
  " coalesce(s.first_ms, 0), coalesce(s.last_ms, 0) AS last_ms"                         \
  " FROM conversations AS c LEFT JOIN conversation_stats AS s ON s.conversation_id = c.id"

constexpr const char* kStatsSummaryAll = DMVAULT_SUMMARY_FROM_STATS " ORDER BY last_ms DESC, c.id";
constexpr const char* kStatsSummaryById = DMVAULT_SUMMARY_FROM_STATS " WHERE c.id = ?1";
#undef DMVAULT_SUMMARY_FROM_STATS

// The words index is written one row per statement, with the row's values read from its
// content view first: FTS5 flushes its pending terms to new segments at every statement
// savepoint, which SQLite opens for any multi-row write (INSERT ... SELECT) in a transaction,
// so writing row by row keeps an import's terms in memory until commit. Reading the values
// from the view makes the index hold exactly what the view shows (and what 'delete' must
// repeat).
constexpr const char* kFtsValues =
    "SELECT id, text, sender, conversation, share, attachments FROM message_search";
constexpr const char* kFtsWrite =
    "INSERT INTO messages_fts(messages_fts, rowid, text, sender, conversation, share,"
    " attachments) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* kFtsAdd =
    "INSERT INTO messages_fts(rowid, text, sender, conversation, share, attachments)"
    " VALUES (?2, ?3, ?4, ?5, ?6, ?7)";

constexpr const char* kInsertMessage =
    "INSERT INTO messages(id, conversation_id, sender, sender_id, timestamp_ms, local_time, kind,"
    " text, platform_message_id, reply_to, edited, share_link, share_text, share_owner,"
    " call_duration_s, raw, source_id, source_path, dedup_key)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19)";
// The same with the raw record as a span of its file (RAW RECORDS): ?16 and ?18 unused.
constexpr const char* kInsertMessageWithRawSpan =
    "INSERT INTO messages(id, conversation_id, sender, sender_id, timestamp_ms, local_time, kind,"
    " text, platform_message_id, reply_to, edited, share_link, share_text, share_owner,"
    " call_duration_s, raw, source_id, source_path, dedup_key, raw_file, raw_offset, raw_length)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, '', ?17, '', ?19,"
    " ?20, ?21, ?22)";
// The same with OR IGNORE (insert_message offers a row an id that may be taken): "INSERT" is
// replaced, so both must begin with it.
constexpr std::string_view kInsert = "INSERT";
constexpr const char* kInsertOrIgnore = "INSERT OR IGNORE";
static_assert(std::string_view(kInsertMessage).starts_with(kInsert) &&
              std::string_view(kInsertMessageWithRawSpan).starts_with(kInsert));

}  // namespace

class Catalog::Impl {
 public:
  explicit Impl(sql::Database db)
      : m_db(std::move(db)),
        m_has_stats(has_table(m_db, "conversation_stats")),
        m_has_raw_spans(has_raw_spans(m_db)),
        m_trigram_holds_words(trigram_holds_words(m_db)) {}

  // The bytes a read-only connection reads in place (load_read_only); declared before m_db so
  // that the connection is closed first.
  PlainBytes m_image;
  sql::Database m_db;
  // Whether conversation_stats exists (a read-only catalog from before it does without).
  bool m_has_stats = false;
  // Whether messages has the raw span columns (a read-only version 1 catalog does without).
  bool m_has_raw_spans = false;
  // Whether the substring index holds words rather than whole texts (trigram_holds_words).
  bool m_trigram_holds_words = false;
  std::int64_t m_active_source = 0;  // 0: no import run
  // This run's files by path, for the raw spans of its messages; a path added with two
  // different contents names neither (its messages keep their raw records).
  struct RunFile {
    std::int64_t id = 0;
    std::uint64_t size = 0;
    bool ambiguous = false;
  };
  std::unordered_map<std::string, RunFile> m_run_files;
  // Occurrences of each canonical key so far in this run (keyed by digest: a collision only
  // shifts an ordinal, which the exact comparison then tells apart).
  OccurrenceCounter m_occurrences;
  // Whether the catalog held no message when this run began. A stored key is the digest with
  // its occurrence in the run, so a run never meets its own keys again: only an earlier run's
  // message can be a duplicate, and into an empty catalog (a first import) the lookup for one,
  // a quarter of the time spent adding a message, can only miss.
  bool m_run_started_empty = false;
  // Whether index_unindexed ran in this run already.
  bool m_run_indexed = false;
  // Whether this run built the dedup key index (at its first lookup; see DEDUP RULE).
  bool m_run_has_key_index = false;
  // Where a run into an empty scratch catalog builds its search indexes (SEARCH INDEX); an
  // in-memory catalog builds them in memory, a scratch one without this file the usual way.
  std::shared_ptr<ScratchFile> m_index_file;
  // The run's SearchIndexBuilder, while one is in use.
  std::unique_ptr<SearchIndexBuilder> m_index_builder;
  // Conversation titles by id, for the rows handed to m_index_builder.
  std::unordered_map<std::int64_t, std::string> m_titles;
  struct CachedConversation {
    std::string platform;
    std::string thread_id;
    std::int64_t id = 0;
  };
  std::optional<CachedConversation> m_last_conversation;
  // Messages this run added that the search indexes do not hold yet (index_unindexed), but
  // for those handed to m_index_builder.
  std::vector<std::int64_t> m_unindexed;
  // What this run added to each conversation's figures (add_to_stats).
  struct StatsDelta {
    std::int64_t messages = 0;
    std::int64_t written = 0;
    std::int64_t lowest_id = 0, lowest_ms = 0;
    std::int64_t highest_id = 0, highest_ms = 0;
  };
  std::unordered_map<std::int64_t, StatsDelta> m_stats_delta;
  // Attachment rows waiting for the content of a file (link_pending), in the order added.
  struct PendingLink {
    std::int64_t message_id = 0;
    std::int64_t ordinal = 0;
    std::size_t file = 0;
  };
  std::vector<PendingLink> m_pending_links;

  // Folds the run's additions into conversation_stats. The figures are defined on all of a
  // conversation's messages (kStatsRefresh), but a run only adds messages, so only the
  // conversations it touched change, by its counts, and a first or last message changes only
  // when the conversation's lowest or highest id is now one this run added: one index seek
  // each, where recounting walked every message of the catalog.
  void add_to_stats() {
    for (const auto& [conversation_id, delta] : m_stats_delta) {
      auto q = m_db.query(
          "INSERT INTO conversation_stats(conversation_id, messages, written, first_ms, last_ms)"
          " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (conversation_id) DO UPDATE SET"
          " messages = messages + excluded.messages, written = written + excluded.written,"
          " first_ms = CASE WHEN (SELECT min(id) FROM messages WHERE conversation_id = ?1) = ?6"
          " THEN excluded.first_ms ELSE first_ms END,"
          " last_ms = CASE WHEN (SELECT max(id) FROM messages WHERE conversation_id = ?1) = ?7"
          " THEN excluded.last_ms ELSE last_ms END");
      q->bind_int(1, conversation_id);
      q->bind_int(2, delta.messages);
      q->bind_int(3, delta.written);
      q->bind_int(4, delta.lowest_ms);
      q->bind_int(5, delta.highest_ms);
      q->bind_int(6, delta.lowest_id);
      q->bind_int(7, delta.highest_id);
      q->run();
    }
    m_stats_delta.clear();
  }

  // Set when an add_* call failed part-way: the run's transaction may hold half of a record,
  // so the run can only be aborted. (Savepoints around each record would make a failure
  // local, but every savepoint makes FTS5 flush its pending terms to a new segment, which
  // multiplies the cost of an import several times.)
  bool m_run_failed = false;
  // A scratch catalog (no journal) whose run was aborted: its file holds half a run.
  bool m_discarded = false;

  void require_run(std::int64_t source_id, const char* operation) const {
    if (m_active_source == 0 || source_id != m_active_source) {
      throw std::logic_error(std::string("catalog: ") + operation +
                             " outside its import run (begin_source)");
    }
    if (m_run_failed) {
      throw std::logic_error(std::string("catalog: ") + operation +
                             " after a failure in the same import run (abort_source)");
    }
  }

  // Runs one step of an import run; a failure leaves the run only abortable.
  template <typename F>
  auto run_step(F&& step) -> decltype(step()) {
    try {
      return step();
    } catch (...) {
      m_run_failed = true;
      m_last_conversation.reset();  // it may name a conversation the abort will roll back
      throw;
    }
  }

  void end_run() {
    m_active_source = 0;
    m_run_failed = false;
    m_occurrences.clear();
    m_run_started_empty = false;
    m_run_indexed = false;
    m_run_has_key_index = false;
    m_index_builder.reset();
    if (!m_db.in_transaction()) SearchIndexBuilder::detach_from(m_db);
    for (auto& [id, title] : m_titles) explicit_bzero(title.data(), title.size());
    m_titles.clear();
    m_last_conversation.reset();
    m_unindexed.clear();
    m_stats_delta.clear();
    m_pending_links.clear();
    m_run_files.clear();
  }

  // The files row holding a message's raw record, when the importer gave its offset in a file
  // of this run that is long enough to hold it.
  std::optional<std::int64_t> raw_file_of(const Message& message) const {
    if (!m_has_raw_spans || !message.raw_offset || message.raw.empty()) return std::nullopt;
    const auto it = m_run_files.find(message.source_path);
    if (it == m_run_files.end() || it->second.ambiguous) return std::nullopt;
    const std::uint64_t offset = *message.raw_offset;
    if (offset > it->second.size || message.raw.size() > it->second.size - offset) {
      return std::nullopt;
    }
    return it->second.id;
  }

  std::optional<std::int64_t> find_conversation_id(const std::string& platform,
                                                   const std::string& thread_id) {
    if (m_last_conversation && m_last_conversation->platform == platform &&
        m_last_conversation->thread_id == thread_id) {
      return m_last_conversation->id;
    }
    auto q = m_db.query("SELECT id FROM conversations WHERE platform = ?1 AND thread_id = ?2");
    q->bind_text(1, platform);
    q->bind_text(2, thread_id);
    if (!q->step()) return std::nullopt;
    const std::int64_t id = q->column_int(0);
    m_last_conversation = CachedConversation{platform, thread_id, id};
    return id;
  }

  // A message for a conversation that was never announced still gets one (titled with its
  // thread id), so that nothing is dropped; importers announce conversations first.
  std::int64_t conversation_id_for(std::int64_t source_id, const std::string& platform,
                                   const std::string& thread_id) {
    if (auto id = find_conversation_id(platform, thread_id)) return *id;
    Conversation conversation;
    conversation.platform = platform;
    conversation.thread_id = thread_id;
    conversation.title = thread_id;
    add_conversation(source_id, conversation);
    return *find_conversation_id(platform, thread_id);
  }

  // Copies the message_search rows chosen by `select` (bound to `key`) into messages_fts, as
  // new rows or, with `remove`, as 'delete' commands.
  void write_fts_rows(const std::string& select, std::int64_t key, bool remove) {
    auto rows = m_db.query(select);
    rows->bind_int(1, key);
    while (rows->step()) {
      auto q = m_db.query(remove ? kFtsWrite : kFtsAdd);
      if (remove) q->bind_text(1, "delete");
      q->bind_int(2, rows->column_int(0));
      for (int column = 1; column <= 5; ++column) {
        q->bind_text(column + 2, rows->column_text(column));
      }
      q->run();
    }
  }

  // Indexes the messages this run added, in ascending id order. FTS5 flushes its pending terms
  // to a new segment whenever a row's id is below the previous one, and ids follow the
  // messages' times while importers emit conversation after conversation (Instagram even newest
  // first), so indexing each message as it is added would write a segment per message and
  // spend the import merging them.
  void index_unindexed() {
    if (m_index_builder) {
      m_index_builder->finish_into(m_db);
      // The builder runs only while the run into an empty catalog has indexed nothing, so it
      // was handed every message the catalog holds.
      const auto messages = m_db.query_text("SELECT count(*) FROM messages");
      if (std::to_string(m_index_builder->rows_added()) != messages) {
        damaged("the messages changed while they were indexed");
      }
      m_index_builder.reset();
      m_run_indexed = true;
      return;
    }
    if (m_unindexed.empty()) return;
    std::sort(m_unindexed.begin(), m_unindexed.end());
    // Each row is read once (the catalog may not fit the page cache) and written to both
    // indexes, each of which sees its ids ascending. Until a run into an empty catalog has
    // indexed anything (a rename indexes what came before it), every message is one to index:
    // one walk of them all in id order, which costs half of looking each one up.
    if (m_run_started_empty && !m_run_indexed) {
      static const std::string all = std::string(kFtsValues) + " ORDER BY id";
      auto rows = m_db.query(all);
      std::size_t indexed = 0;
      while (rows->step()) {
        index_row(rows);
        ++indexed;
      }
      if (indexed != m_unindexed.size()) damaged("the messages changed while they were indexed");
    } else {
      static const std::string one = std::string(kFtsValues) + " WHERE id = ?1";
      for (const std::int64_t id : m_unindexed) {
        auto row = m_db.query(one);
        row->bind_int(1, id);
        if (!row->step()) damaged("a message vanished before it was indexed");
        index_row(row);
      }
    }
    m_unindexed.clear();
    m_run_indexed = true;
  }

  // Adds a row of kFtsValues to the word index, and to the substring index when its text needs.
  void index_row(sql::Query& row) {
    const std::int64_t id = row->column_int(0);
    {
      auto q = m_db.query(kFtsAdd);
      q->bind_int(2, id);
      for (int column = 1; column <= 5; ++column) {
        q->bind_text(column + 2, row->column_text(column));
      }
      q->run();
    }
    WipedString text{row->column_text(1)};
    if (!has_unspaced_text(text.value)) return;
    WipedString words;
    if (m_trigram_holds_words) {
      words.value.reserve(text.value.size());
      append_unspaced_words(text.value, words.value);
    }
    auto q = m_db.query("INSERT INTO messages_trigram(rowid, text) VALUES (?1, ?2)");
    q->bind_int(1, id);
    q->bind_text(2, m_trigram_holds_words ? words.value : text.value);
    q->run();
  }

  // A title is indexed with every message: a rename rewrites the conversation's rows.
  void reindex_conversation(std::int64_t conversation_id, bool remove) {
    // A run into an empty catalog builds the index its select needs only when it finishes.
    if (m_run_started_empty) m_db.exec(kCreateConversationIndex);
    static const std::string select = std::string(kFtsValues) + " WHERE conversation_id = ?1";
    write_fts_rows(select, conversation_id, remove);
  }

  void add_conversation(std::int64_t source_id, const Conversation& conversation) {
    std::optional<std::int64_t> id =
        find_conversation_id(conversation.platform, conversation.thread_id);
    if (!id) {
      auto q = m_db.query(
          "INSERT INTO conversations(platform, thread_id, title, is_group, still_participant,"
          " source_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      q->bind_text(1, conversation.platform);
      q->bind_text(2, conversation.thread_id);
      q->bind_text(3, conversation.title);
      q->bind_int(4, conversation.is_group ? 1 : 0);
      q->bind_int(5, conversation.still_participant ? 1 : 0);
      q->bind_text(6, conversation.source_path);
      q->run();
      id = m_db.last_insert_rowid();
    } else {
      std::string title;
      {
        auto q = m_db.query("SELECT title FROM conversations WHERE id = ?1");
        q->bind_int(1, *id);
        if (q->step()) title = q->column_text(0);
      }
      const bool renamed = title != conversation.title;
      // The rename deletes the conversation's rows from the index by repeating them, so the
      // index must first hold every row this run added (a builder finishes here, and the rest
      // of the run is indexed the usual way).
      if (renamed) index_unindexed();
      if (renamed) reindex_conversation(*id, true);
      {
        auto q = m_db.query(
            "UPDATE conversations SET title = ?2, is_group = (is_group OR ?3),"
            " still_participant = ?4, source_path = ?5 WHERE id = ?1");
        q->bind_int(1, *id);
        q->bind_text(2, conversation.title);
        q->bind_int(3, conversation.is_group ? 1 : 0);
        q->bind_int(4, conversation.still_participant ? 1 : 0);
        q->bind_text(5, conversation.source_path);
        q->run();
      }
      if (renamed) reindex_conversation(*id, false);
    }
    if (m_index_builder) m_titles[*id] = conversation.title;
    {
      auto q = m_db.query(
          "INSERT INTO conversation_titles(conversation_id, title, first_source_id,"
          " last_source_id) VALUES (?1, ?2, ?3, ?3)"
          " ON CONFLICT (conversation_id, title) DO UPDATE SET last_source_id = ?3");
      q->bind_int(1, *id);
      q->bind_text(2, conversation.title);
      q->bind_int(3, source_id);
      q->run();
    }
    for (const Participant& participant : conversation.participants) {
      std::int64_t participant_id = 0;
      {
        auto q = m_db.query(
            "INSERT INTO participants(platform, platform_id, name, is_self)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (platform, platform_id, name)"
            " DO UPDATE SET is_self = max(is_self, excluded.is_self) RETURNING id");
        q->bind_text(1, conversation.platform);
        q->bind_text(2, participant.platform_id);
        q->bind_text(3, participant.name);
        q->bind_int(4, participant.is_self ? 1 : 0);
        if (!q->step()) throw Error(ErrorCode::corrupted, "catalog: a participant was not stored");
        participant_id = q->column_int(0);
        q->run();  // RETURNING statements complete their write when stepped to the end
      }
      auto q = m_db.query(
          "INSERT OR IGNORE INTO conversation_participants(conversation_id, participant_id)"
          " VALUES (?1, ?2)");
      q->bind_int(1, *id);
      q->bind_int(2, participant_id);
      q->run();
    }
  }

  std::int64_t allocate_message_id(std::int64_t timestamp_ms) {
    // Slots of a millisecond are taken in order and never freed, so the first free one follows
    // the highest taken one.
    std::int64_t first = first_id_of(timestamp_ms);
    for (;;) {
      const std::int64_t last = first + kSlotsPerMs - 1;
      auto q = m_db.query("SELECT max(id) FROM messages WHERE id BETWEEN ?1 AND ?2");
      q->bind_int(1, first);
      q->bind_int(2, last);
      if (!q->step() || q->is_null(0)) return first;
      const std::int64_t taken = q->column_int(0);
      if (taken < last) return taken + 1;
      first += kSlotsPerMs;
    }
  }

  // The stored message whose key is `key` and whose canonical key equals `canonical`.
  std::optional<std::int64_t> find_duplicate(std::span<const std::uint8_t> key,
                                             std::string_view canonical) {
    if (!m_run_has_key_index) {
      m_db.exec("CREATE INDEX IF NOT EXISTS messages_by_dedup_key ON messages(dedup_key)");
      m_run_has_key_index = true;
    }
    struct Candidate {
      std::int64_t id;
      std::string platform, thread_id, platform_message_id, sender, kind, text;
      std::int64_t timestamp_ms;
      std::optional<std::string> share_link;
    };
    std::vector<Candidate> candidates;
    {
      auto q = m_db.query(
          "SELECT m.id, c.platform, c.thread_id, m.platform_message_id, m.sender, m.kind,"
          " m.text, m.timestamp_ms, m.share_link FROM messages AS m"
          " JOIN conversations AS c ON c.id = m.conversation_id WHERE m.dedup_key = ?1");
      q->bind_blob(1, key);
      while (q->step()) {
        candidates.push_back(Candidate{
            q->column_int(0), q->column_text(1), q->column_text(2), q->column_text(3),
            q->column_text(4), q->column_text(5), q->column_text(6), q->column_int(7),
            q->is_null(8) ? std::nullopt : std::optional<std::string>(q->column_text(8))});
      }
    }
    for (Candidate& candidate : candidates) {
      std::vector<std::string> uris;
      if (candidate.platform_message_id.empty()) {
        auto q = m_db.query("SELECT uri FROM attachments WHERE message_id = ?1 ORDER BY ordinal");
        q->bind_int(1, candidate.id);
        while (q->step()) uris.push_back(q->column_text(0));
      }
      DedupFields fields{candidate.platform,
                         candidate.thread_id,
                         candidate.platform_message_id,
                         candidate.sender,
                         candidate.timestamp_ms,
                         candidate.kind,
                         candidate.text,
                         {},
                         std::nullopt};
      for (const std::string& uri : uris) fields.attachment_uris.push_back(uri);
      if (candidate.share_link) fields.share_link = *candidate.share_link;
      WipedString stored{canonical_key(fields)};
      explicit_bzero(candidate.text.data(), candidate.text.size());
      if (stored.value == canonical) return candidate.id;
    }
    return std::nullopt;
  }

  void add_reactions(std::int64_t message_id, const std::vector<Reaction>& reactions) {
    for (const Reaction& reaction : reactions) {
      auto q = m_db.query(
          "INSERT OR IGNORE INTO reactions(message_id, actor, reaction, timestamp_ms)"
          " VALUES (?1, ?2, ?3, ?4)");
      q->bind_int(1, message_id);
      q->bind_text(2, reaction.actor);
      q->bind_text(3, reaction.reaction);
      q->bind_optional_int(4, reaction.timestamp_ms);
      q->run();
    }
  }

  void merge_into_duplicate(std::int64_t message_id, const Message& message,
                            const std::vector<ResolvedAttachment>& resolved) {
    struct Stored {
      std::int64_t ordinal;
      std::string uri;
      bool has_content;
    };
    std::vector<Stored> stored;
    {
      auto q = m_db.query(
          "SELECT ordinal, uri, content IS NOT NULL FROM attachments WHERE message_id = ?1"
          " ORDER BY ordinal");
      q->bind_int(1, message_id);
      while (q->step())
        stored.push_back({q->column_int(0), q->column_text(1), q->column_int(2) != 0});
    }
    for (const Stored& attachment : stored) {
      if (attachment.has_content || attachment.ordinal < 0) continue;
      const auto index = static_cast<std::size_t>(attachment.ordinal);
      if (index >= resolved.size() || (!resolved[index].content && !resolved[index].pending)) {
        continue;
      }
      if (attachment_file_name(attachment.uri) !=
          attachment_file_name(message.attachments[index].uri)) {
        continue;
      }
      if (resolved[index].pending) {
        m_pending_links.push_back({message_id, attachment.ordinal, *resolved[index].pending});
        continue;
      }
      auto q = m_db.query(
          "UPDATE attachments SET content = ?3, size = ?4 WHERE message_id = ?1 AND ordinal = ?2");
      q->bind_int(1, message_id);
      q->bind_int(2, attachment.ordinal);
      q->bind_blob(3, *resolved[index].content);
      q->bind_int(4, to_int64(resolved[index].size));
      q->run();
    }
    add_reactions(message_id, message.reactions);
  }

  void insert_message(std::int64_t conversation_id, std::int64_t source_id, const Message& message,
                      const std::vector<ResolvedAttachment>& resolved,
                      std::span<const std::uint8_t> key) {
    const std::optional<std::int64_t> raw_file = raw_file_of(message);
    // Inserts the row as `id` (with OR IGNORE: unless the id is taken) and says whether it did.
    // Its strings are the message's own (and to_string's static ones), which outlive q.
    const auto insert_row = [&](std::int64_t id, bool or_ignore) {
      static const std::string ignoring_plain =
          kInsertOrIgnore + std::string(kInsertMessage + kInsert.size());
      static const std::string ignoring_span =
          kInsertOrIgnore + std::string(kInsertMessageWithRawSpan + kInsert.size());
      auto q = or_ignore ? m_db.query(raw_file ? ignoring_span : ignoring_plain)
                         : m_db.query(raw_file ? kInsertMessageWithRawSpan : kInsertMessage);
      if (raw_file) {
        q->bind_int(20, *raw_file);
        q->bind_int(21, to_int64(*message.raw_offset));
        q->bind_int(22, to_int64(message.raw.size()));
      }
      q->bind_int(1, id);
      q->bind_int(2, conversation_id);
      q->bind_text_unowned(3, message.sender);
      q->bind_text_unowned(4, message.sender_id);
      q->bind_int(5, message.timestamp_ms);
      q->bind_text_unowned(6, message.local_time);
      q->bind_text_unowned(7, to_string(message.kind));
      q->bind_text_unowned(8, message.text);
      q->bind_text_unowned(9, message.platform_message_id);
      q->bind_text_unowned(10, message.reply_to);
      q->bind_int(11, message.edited ? 1 : 0);
      if (message.share) {
        q->bind_text_unowned(12, message.share->link);
        q->bind_text_unowned(13, message.share->text);
        q->bind_text_unowned(14, message.share->owner);
      }  // else NULL: no share (a reset statement has every parameter NULL)
      q->bind_optional_int(15, message.call_duration_s);
      if (!raw_file) {
        q->bind_text_unowned(16, message.raw);
        q->bind_text_unowned(18, message.source_path);
      }
      q->bind_int(17, source_id);
      q->bind_blob(19, key);
      q->run();
      return m_db.changes() == 1;
    };
    // Most milliseconds hold no message yet: the row is offered the first slot of its own,
    // which is free exactly when no slot of that millisecond is taken (they are taken in order
    // and never freed, MESSAGE IDS), and only when it is taken is the first free slot looked up.
    // (OR IGNORE also skips a row that breaks another constraint: the plain INSERT then fails.)
    std::int64_t id = first_id_of(message.timestamp_ms);
    if (!insert_row(id, true)) {
      id = allocate_message_id(message.timestamp_ms);
      insert_row(id, false);
    }
    for (std::size_t i = 0; i < message.attachments.size(); ++i) {
      const Attachment& attachment = message.attachments[i];
      auto q = m_db.query(
          "INSERT INTO attachments(message_id, ordinal, kind, uri, name, created_ms, content,"
          " size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      q->bind_int(1, id);
      q->bind_int(2, static_cast<std::int64_t>(i));
      q->bind_text(3, to_string(attachment.kind));
      q->bind_text(4, attachment.uri);
      q->bind_text(5, attachment.name);
      q->bind_optional_int(6, attachment.created_ms);
      if (resolved[i].content) q->bind_blob(7, *resolved[i].content);
      q->bind_int(8, resolved[i].pending ? 0 : to_int64(resolved[i].size));
      q->run();
      if (resolved[i].pending) {
        m_pending_links.push_back({id, static_cast<std::int64_t>(i), *resolved[i].pending});
      }
    }
    add_reactions(id, message.reactions);
    if (m_index_builder) {
      hand_to_index_builder(id, conversation_id, message);
    } else {
      m_unindexed.push_back(id);
    }
    StatsDelta& delta = m_stats_delta[conversation_id];
    if (delta.messages == 0 || id < delta.lowest_id) {
      delta.lowest_id = id;
      delta.lowest_ms = message.timestamp_ms;
    }
    if (delta.messages == 0 || id > delta.highest_id) {
      delta.highest_id = id;
      delta.highest_ms = message.timestamp_ms;
    }
    ++delta.messages;
    if (!message.sender.empty() && message.kind != MessageKind::system) ++delta.written;
  }

  // Starts the SearchIndexBuilder of a run into an empty catalog, unless the catalog's indexes
  // are not the ones it builds (a catalog from before the substring index was contentless).
  void start_index_builder() {
    std::shared_ptr<ScratchFile> file = m_index_file;
    if (file == nullptr) {
      if (m_db.has_scratch()) return;
      // A catalog in memory builds its indexes in memory too (freed when the run ends).
      file = std::make_shared<MemoryScratchFile>();
    }
    auto builder = std::make_unique<SearchIndexBuilder>(std::move(file));
    if (builder->builds_the_indexes_of(m_db)) m_index_builder = std::move(builder);
  }

  // Hands the message's row of message_search, as the view will show it at the end of the run,
  // to m_index_builder.
  void hand_to_index_builder(std::int64_t id, std::int64_t conversation_id,
                             const Message& message) {
    auto title = m_titles.find(conversation_id);
    if (title == m_titles.end()) {
      auto q = m_db.query("SELECT title FROM conversations WHERE id = ?1");
      q->bind_int(1, conversation_id);
      if (!q->step()) damaged("a message's conversation vanished");
      title = m_titles.emplace(conversation_id, q->column_text(0)).first;
    }
    // The view's share: trim(text || ' ' || link || ' ' || owner), trim taking spaces only.
    // (Each string is sized before it is filled: a reallocation would free an unwiped copy.)
    WipedString share;
    if (message.share) {
      const Share& from = *message.share;
      share.value.reserve(from.text.size() + from.link.size() + from.owner.size() + 2);
      share.value.append(from.text).append(1, ' ').append(from.link).append(1, ' ');
      share.value.append(from.owner);
      share.value.erase(share.value.find_last_not_of(' ') + 1);  // npos + 1 == 0: all spaces
      share.value.erase(0, share.value.find_first_not_of(' '));
    }
    // The view's attachments: their names in ordinal order, each after a space but the first.
    WipedString names;
    std::size_t names_size = message.attachments.size();
    for (const Attachment& attachment : message.attachments) names_size += attachment.name.size();
    names.value.reserve(names_size);
    for (std::size_t i = 0; i < message.attachments.size(); ++i) {
      if (i != 0) names.value += ' ';
      names.value += message.attachments[i].name;
    }
    m_index_builder->add(
        {id, message.text, message.sender, title->second, share.value, names.value});
  }

  ConversationSummary summary_from(sql::Statement& row) {
    ConversationSummary summary;
    summary.id = row.column_int(0);
    summary.platform = row.column_text(1);
    summary.thread_id = row.column_text(2);
    summary.title = row.column_text(3);
    summary.is_group = row.column_int(4) != 0;
    summary.messages = to_uint64(row.column_int(5));
    summary.first_ms = row.column_int(6);
    summary.last_ms = row.column_int(7);
    return summary;
  }

  void fill_participants(ConversationSummary& summary) {
    auto q = m_db.query(
        "SELECT p.name FROM conversation_participants AS cp"
        " JOIN participants AS p ON p.id = cp.participant_id"
        " WHERE cp.conversation_id = ?1 ORDER BY p.id");
    q->bind_int(1, summary.id);
    while (q->step()) {
      std::string name = q->column_text(0);
      if (std::find(summary.participants.begin(), summary.participants.end(), name) ==
          summary.participants.end()) {
        summary.participants.push_back(std::move(name));
      }
    }
  }

  std::optional<ConversationSummary> summary_by_id(std::int64_t id) {
    std::optional<ConversationSummary> summary;
    {
      auto q = m_db.query(m_has_stats ? kStatsSummaryById : kSummaryById);
      q->bind_int(1, id);
      if (q->step()) summary = summary_from(*q);
    }
    if (summary) fill_participants(*summary);
    return summary;
  }

  MessageView message_view(std::int64_t id) {
    MessageView view;
    {
      auto q = m_db.query(
          "SELECT m.id, m.conversation_id, c.title, c.platform, m.sender, m.sender_id,"
          " m.timestamp_ms, m.kind, m.text, m.reply_to, m.share_link, m.share_text,"
          " m.share_owner FROM messages AS m JOIN conversations AS c"
          " ON c.id = m.conversation_id WHERE m.id = ?1");
      q->bind_int(1, id);
      if (!q->step()) damaged("a message vanished while it was read");
      view.message_id = q->column_int(0);
      view.conversation_id = q->column_int(1);
      view.conversation = q->column_text(2);
      view.platform = q->column_text(3);
      view.sender = q->column_text(4);
      view.sender_id = q->column_text(5);
      view.timestamp_ms = q->column_int(6);
      view.kind = q->column_text(7);
      view.text = q->column_text(8);
      view.reply_to = q->column_text(9);
      if (!q->is_null(10))
        view.share = Share{q->column_text(10), q->column_text(11), q->column_text(12)};
    }
    {
      auto q = m_db.query(
          "SELECT kind, name, uri, size, content FROM attachments WHERE message_id = ?1"
          " ORDER BY ordinal");
      q->bind_int(1, id);
      while (q->step()) {
        AttachmentView attachment;
        attachment.kind = q->column_text(0);
        attachment.name = q->column_text(1);
        attachment.uri = q->column_text(2);
        attachment.size = to_uint64(q->column_int(3));
        if (!q->is_null(4)) attachment.content = object_id_of(q->column_blob(4));
        view.attachments.push_back(std::move(attachment));
      }
    }
    {
      auto q =
          m_db.query("SELECT actor, reaction FROM reactions WHERE message_id = ?1 ORDER BY id");
      q->bind_int(1, id);
      while (q->step()) view.reactions.push_back({q->column_text(0), q->column_text(1)});
    }
    return view;
  }

  AddOutcome add_message(std::int64_t source_id, const std::string& platform,
                         const std::string& thread_id, const Message& message,
                         const std::vector<ResolvedAttachment>& resolved);

  std::vector<std::int64_t> message_ids(std::int64_t conversation_id, const char* sql,
                                        std::int64_t bound, std::size_t limit) {
    std::vector<std::int64_t> ids;
    auto q = m_db.query(sql);
    q->bind_int(1, conversation_id);
    q->bind_int(2, bound);
    q->bind_int(3, limit == 0 ? -1 : to_int64(limit));
    while (q->step()) ids.push_back(q->column_int(0));
    return ids;
  }
};

sql::Database& database_of(Catalog::Impl& impl) { return impl.m_db; }
bool has_raw_spans_of(const Catalog::Impl& impl) { return impl.m_has_raw_spans; }
MessageView message_view_of(Catalog::Impl& impl, std::int64_t message_id) {
  return impl.message_view(message_id);
}

// --- Catalog ---------------------------------------------------------------------------------

Catalog::Catalog(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;  // closing the connection rolls back an unfinished run

Catalog Catalog::create() { return create_on(sql::Database::open()); }

Catalog Catalog::create_in(std::shared_ptr<ScratchFile> file,
                           std::shared_ptr<ScratchFile> index_file) {
  if (file == nullptr || file->size() != 0) {
    throw std::logic_error("catalog: create_in needs an empty scratch file");
  }
  Catalog catalog = create_on(sql::Database::open_scratch(std::move(file)));
  catalog.m_impl->m_index_file = std::move(index_file);
  return catalog;
}

Catalog Catalog::create_on(sql::Database db) {
  db.exec("BEGIN");
  db.exec(kSchema);
  db.exec(kSearchIndexSchema);
  db.exec(kPeopleSchema);
  db.exec(kStatsSchema);
  {
    auto q = db.query("INSERT INTO meta(key, value) VALUES ('schema_version', ?1)");
    q->bind_text(1, std::to_string(kSchemaVersion));
    q->run();
  }
  db.exec("COMMIT");
  return Catalog(std::make_unique<Impl>(std::move(db)));
}

namespace {

// The 16-byte magic of an SQLite database file, NUL included.
constexpr char kSqliteMagic[] = "SQLite format 3";

// SQLite's quick_check over every page; Error(corrupted) "catalog is damaged: ..." naming the
// first problem.
void require_intact(sql::Database& db) {
  std::string check;
  try {
    check = db.query_text("PRAGMA quick_check(1)");
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupted) throw;
    damaged(sqlite_detail(error));
  }
  if (check != "ok") damaged(check.empty() ? "the integrity check failed" : check);
}

// Opens an image (whose first bytes are `head` and whose size is `size`) with `open` and checks
// that it is a catalog this dmvault reads: an SQLite database that passes quick_check (when
// `full_check`), with a schema version no newer than ours.
template <typename Open>
sql::Database open_checked(std::span<const std::uint8_t> head, std::uint64_t size, bool full_check,
                           Open&& open) {
  if (size < 512 || head.size() < sizeof kSqliteMagic ||
      std::memcmp(head.data(), kSqliteMagic, sizeof kSqliteMagic) != 0) {
    damaged("it is not an SQLite database");
  }
  std::optional<sql::Database> db;
  std::string version;
  try {
    db.emplace(open());
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupted) throw;
    damaged(sqlite_detail(error));
  }
  if (full_check) require_intact(*db);
  try {
    version = db->query_text("SELECT value FROM meta WHERE key = 'schema_version'");
  } catch (const Error& error) {
    if (error.code() != ErrorCode::corrupted) throw;
    damaged("it has no schema version");
  }
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), number);
  if (version.empty() || ec != std::errc() || end != version.data() + version.size() ||
      number < 1) {
    damaged("its schema version is not a number");
  }
  if (number > kSchemaVersion) {
    // Exit status 7 ("needs a newer version", DESIGN §5), not 4: nothing is damaged.
    throw Error(ErrorCode::not_a_vault,
                "catalog schema version " + version + " is newer than this dmvault reads (" +
                    std::to_string(kSchemaVersion) + ")",
                "upgrade dmvault to read this vault");
  }
  return std::move(*db);
}

// A catalog from before the people tables cannot gain them when it is read-only: empty ones in
// the connection's temporary schema (in memory) keep the queries that join them valid.
void add_temporary_people_tables(sql::Database& db) {
  if (!has_table(db, "people")) {
    std::string temporary = kPeopleSchema;
    for (std::size_t at = 0; (at = temporary.find("CREATE TABLE", at)) != std::string::npos;) {
      temporary.replace(at, 12, "CREATE TEMP TABLE");
    }
    db.exec(temporary.c_str());
  }
}

}  // namespace

Catalog Catalog::load(std::span<const std::uint8_t> image) {
  return load_on(
      open_checked(image, image.size(), true, [&] { return sql::Database::open(image); }));
}

Catalog Catalog::load_into(std::shared_ptr<ScratchFile> file,
                           std::shared_ptr<ScratchFile> index_file) {
  if (file == nullptr) throw std::logic_error("catalog: load_into without a file");
  std::array<std::uint8_t, sizeof kSqliteMagic> head{};
  const std::uint64_t size = file->size();
  if (size >= head.size()) file->read(0, head);
  Catalog catalog = load_on(
      open_checked(head, size, true, [&] { return sql::Database::open_scratch(std::move(file)); }));
  catalog.m_impl->m_index_file = std::move(index_file);
  return catalog;
}

Catalog Catalog::load_on(sql::Database db) {
  db.exec(kPeopleSchema);
  if (!has_raw_spans(db)) {
    db.exec("BEGIN");
    db.exec(kAddRawSpans);
    db.exec("COMMIT");
  }
  if (db.query_text("SELECT value FROM meta WHERE key = 'schema_version'") == "2") {
    db.exec("BEGIN");
    db.exec(kShortenDedupKeys);
    db.exec("COMMIT");
  }
  if (!has_table(db, "conversation_stats")) {
    db.exec("BEGIN");
    db.exec(kStatsSchema);
    db.exec(kStatsRefresh);
    db.exec("COMMIT");
  }
  return Catalog(std::make_unique<Impl>(std::move(db)));
}

Catalog Catalog::load_paged(std::shared_ptr<ImageSource> source) {
  if (source == nullptr) throw std::logic_error("catalog: load_paged without a source");
  std::array<std::uint8_t, sizeof kSqliteMagic> head{};
  const std::uint64_t size = source->size();
  if (size >= head.size()) source->read(0, head);
  sql::Database db =
      open_checked(head, size, false, [&] { return sql::Database::open_paged(std::move(source)); });
  add_temporary_people_tables(db);
  return Catalog(std::make_unique<Impl>(std::move(db)));
}

Catalog Catalog::load_read_only(PlainBytes image) {
  sql::Database db = open_checked(image.span(), image.size(), true,
                                  [&] { return sql::Database::open_read_only(image.span()); });
  add_temporary_people_tables(db);
  auto impl = std::make_unique<Impl>(std::move(db));
  // The connection reads the image in place: it must live as long as the Impl, which closes
  // the connection (m_db) before it frees the image (declared first).
  impl->m_image = std::move(image);
  return Catalog(std::move(impl));
}

void Catalog::check_integrity() { require_intact(m_impl->m_db); }

PlainBytes Catalog::serialize() {
  if (m_impl->m_active_source != 0) {
    throw std::logic_error("catalog: serialize during an import run");
  }
  return m_impl->m_db.serialize();
}

void Catalog::stream_image(const std::function<void(std::span<const std::uint8_t>)>& sink) {
  if (m_impl->m_active_source != 0) {
    throw std::logic_error("catalog: serialize during an import run");
  }
  if (m_impl->m_discarded) throw std::logic_error("catalog: a scratch catalog after abort_source");
  m_impl->m_db.stream_image(sink);
}

std::int64_t Catalog::begin_source(const SourceRecord& source) {
  Impl& impl = *m_impl;
  if (impl.m_active_source != 0) throw std::logic_error("catalog: an import run is in progress");
  if (impl.m_discarded) throw std::logic_error("catalog: a scratch catalog after abort_source");
  impl.end_run();
  impl.m_db.exec("BEGIN");
  try {
    auto q = impl.m_db.query(
        "INSERT INTO sources(platform, export_name, imported_ms, tool_version, files, bytes,"
        " messages_added, messages_duplicate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    q->bind_text(1, source.platform);
    q->bind_text(2, source.export_name);
    q->bind_int(3, source.imported_ms);
    q->bind_text(4, source.tool_version);
    q->bind_int(5, to_int64(source.files));
    q->bind_int(6, to_int64(source.bytes));
    q->bind_int(7, to_int64(source.messages_added));
    q->bind_int(8, to_int64(source.messages_duplicate));
    q->run();
  } catch (...) {
    impl.m_db.exec("ROLLBACK");
    throw;
  }
  impl.m_active_source = impl.m_db.last_insert_rowid();
  impl.m_run_started_empty =
      impl.m_db.query_text("SELECT NOT EXISTS (SELECT 1 FROM messages)") == "1";
  // A run into an empty catalog never looks a dedup key up (m_run_started_empty), so it never
  // builds their index; a catalog written before that index lived only in runs may hold it. The
  // conversation index, which such a run reads only at a rename (reindex_conversation), is built
  // once, in order, when the run finishes (in the run's transaction, so an abort keeps the
  // index): sorting it once costs less than an entry inserted with every message.
  if (impl.m_run_started_empty) {
    impl.m_db.exec(
        "DROP INDEX IF EXISTS messages_by_dedup_key; DROP INDEX IF EXISTS "
        "messages_by_conversation");
  }
  if (impl.m_run_started_empty) impl.run_step([&] { impl.start_index_builder(); });
  return impl.m_active_source;
}

void Catalog::add_file(std::int64_t source_id, const StoredFile& file) {
  m_impl->require_run(source_id, "add_file");
  m_impl->run_step([&] {
    auto q = m_impl->m_db.query(
        "INSERT OR IGNORE INTO files(source_id, path, content, size, mtime)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    q->bind_int(1, source_id);
    q->bind_text(2, file.path);
    q->bind_blob(3, file.content);
    q->bind_int(4, to_int64(file.size));
    q->bind_int(5, file.mtime_unix);
    q->run();
    auto id = m_impl->m_db.query(
        "SELECT id FROM files WHERE source_id = ?1 AND path = ?2 AND content = ?3");
    id->bind_int(1, source_id);
    id->bind_text(2, file.path);
    id->bind_blob(3, file.content);
    if (!id->step()) damaged("a file vanished while it was added");
    const auto [it, added] =
        m_impl->m_run_files.try_emplace(file.path, Impl::RunFile{id->column_int(0), file.size});
    if (!added && it->second.id != id->column_int(0)) it->second.ambiguous = true;
  });
}

void Catalog::add_conversation(std::int64_t source_id, const Conversation& conversation) {
  m_impl->require_run(source_id, "add_conversation");
  m_impl->run_step([&] { m_impl->add_conversation(source_id, conversation); });
}

AddOutcome Catalog::add_message(std::int64_t source_id, const std::string& platform,
                                const std::string& thread_id, const Message& message,
                                const std::vector<ResolvedAttachment>& resolved) {
  Impl& impl = *m_impl;
  impl.require_run(source_id, "add_message");
  if (resolved.size() != message.attachments.size()) {
    throw std::invalid_argument("catalog: add_message needs one resolution per attachment");
  }
  return impl.run_step(
      [&] { return impl.add_message(source_id, platform, thread_id, message, resolved); });
}

AddOutcome Catalog::Impl::add_message(std::int64_t source_id, const std::string& platform,
                                      const std::string& thread_id, const Message& message,
                                      const std::vector<ResolvedAttachment>& resolved) {
  const std::int64_t conversation_id = conversation_id_for(source_id, platform, thread_id);

  DedupFields fields{platform,
                     thread_id,
                     message.platform_message_id,
                     message.sender,
                     message.timestamp_ms,
                     to_string(message.kind),
                     message.text,
                     {},
                     std::nullopt};
  for (const Attachment& attachment : message.attachments) {
    fields.attachment_uris.push_back(attachment.uri);
  }
  if (message.share) fields.share_link = message.share->link;
  const WipedString canonical{canonical_key(fields)};
  const Digest128 digest = murmur3_x64_128(bytes_of(canonical.value));
  const std::uint32_t ordinal = m_occurrences.next(digest);
  const auto key = stored_key(digest, ordinal);

  AddOutcome outcome = AddOutcome::added;
  const auto existing =
      m_run_started_empty ? std::nullopt : find_duplicate(key.span(), canonical.value);
  if (existing) {
    merge_into_duplicate(*existing, message, resolved);
    outcome = AddOutcome::duplicate;
  } else {
    insert_message(conversation_id, source_id, message, resolved, key.span());
  }
  return outcome;
}

void Catalog::link_pending(std::int64_t source_id, const std::vector<ResolvedAttachment>& files) {
  Impl& impl = *m_impl;
  impl.require_run(source_id, "link_pending");
  for (const auto& link : impl.m_pending_links) {
    if (link.file >= files.size() || !files[link.file].content) {
      throw std::invalid_argument("catalog: link_pending has no content for a pending file");
    }
  }
  impl.run_step([&] {
    // A row gets at most one link in a run (its own file, or the fill from its one duplicate,
    // which only a gap asks for): the condition on content is a guard, not a choice.
    for (const auto& link : impl.m_pending_links) {
      auto q = impl.m_db.query(
          "UPDATE attachments SET content = ?3, size = ?4"
          " WHERE message_id = ?1 AND ordinal = ?2 AND content IS NULL");
      q->bind_int(1, link.message_id);
      q->bind_int(2, link.ordinal);
      q->bind_blob(3, *files[link.file].content);
      q->bind_int(4, to_int64(files[link.file].size));
      q->run();
    }
  });
  impl.m_pending_links.clear();
}

void Catalog::finish_source(std::int64_t source_id, const SourceRecord& totals) {
  Impl& impl = *m_impl;
  impl.require_run(source_id, "finish_source");
  if (!impl.m_pending_links.empty()) {
    throw std::logic_error("catalog: finish_source with attachments still pending (link_pending)");
  }
  impl.run_step([&] {
    auto q = impl.m_db.query(
        "UPDATE sources SET files = ?2, bytes = ?3, messages_added = ?4,"
        " messages_duplicate = ?5 WHERE id = ?1");
    q->bind_int(1, source_id);
    q->bind_int(2, to_int64(totals.files));
    q->bind_int(3, to_int64(totals.bytes));
    q->bind_int(4, to_int64(totals.messages_added));
    q->bind_int(5, to_int64(totals.messages_duplicate));
    q->run();
    // The index builder works through its last rows and commits while the conversation index
    // is built here, rather than after it.
    if (impl.m_index_builder) impl.m_index_builder->close();
    if (impl.m_run_started_empty) impl.m_db.exec(kCreateConversationIndex);
    impl.m_db.exec("DROP INDEX IF EXISTS messages_by_dedup_key");  // see DEDUP RULE
    impl.index_unindexed();
    impl.add_to_stats();
  });
  try {
    impl.m_db.exec("COMMIT");
  } catch (...) {
    abort_source();
    throw;
  }
  impl.end_run();
}

void Catalog::abort_source() {
  Impl& impl = *m_impl;
  if (impl.m_active_source == 0) return;
  impl.end_run();
  if (impl.m_db.has_scratch()) {
    // Without a journal nothing can be rolled back: the catalog is only good to throw away.
    impl.m_discarded = true;
    return;
  }
  if (impl.m_db.in_transaction()) impl.m_db.exec("ROLLBACK");
  SearchIndexBuilder::detach_from(impl.m_db);
}

Counts Catalog::counts() {
  sql::Database& db = m_impl->m_db;
  Counts counts;
  {
    auto q =
        db.query(m_impl->m_has_stats
                     ? "SELECT (SELECT count(*) FROM conversations),"
                       " (SELECT coalesce(sum(written), 0) FROM conversation_stats),"
                       " (SELECT coalesce(sum(messages), 0) FROM conversation_stats),"
                       " (SELECT count(*) FROM attachments),"
                       " (SELECT count(*) FROM sources)"
                     : "SELECT (SELECT count(*) FROM conversations),"
                       " (SELECT count(*) FROM messages WHERE sender <> '' AND kind <> 'system'),"
                       " (SELECT count(*) FROM messages),"
                       " (SELECT count(*) FROM attachments),"
                       " (SELECT count(*) FROM sources)");
    if (!q->step()) damaged("the counts could not be read");
    counts.conversations = to_uint64(q->column_int(0));
    counts.messages = to_uint64(q->column_int(1));
    counts.system_messages = to_uint64(q->column_int(2)) - counts.messages;
    counts.attachments = to_uint64(q->column_int(3));
    counts.sources = to_uint64(q->column_int(4));
  }
  {
    // One size per distinct file (the largest recorded, should two records disagree).
    auto q = db.query(
        "SELECT count(*), coalesce(sum(size), 0) FROM (SELECT max(size) AS size"
        " FROM attachments WHERE content IS NOT NULL GROUP BY content)");
    if (!q->step()) damaged("the counts could not be read");
    counts.media_files = to_uint64(q->column_int(0));
    counts.media_bytes = to_uint64(q->column_int(1));
  }
  return counts;
}

std::vector<SourceRecord> Catalog::sources() {
  std::vector<SourceRecord> out;
  auto q = m_impl->m_db.query(
      "SELECT id, platform, export_name, imported_ms, tool_version, files, bytes,"
      " messages_added, messages_duplicate FROM sources ORDER BY id");
  while (q->step()) {
    SourceRecord record;
    record.id = q->column_int(0);
    record.platform = q->column_text(1);
    record.export_name = q->column_text(2);
    record.imported_ms = q->column_int(3);
    record.tool_version = q->column_text(4);
    record.files = to_uint64(q->column_int(5));
    record.bytes = to_uint64(q->column_int(6));
    record.messages_added = to_uint64(q->column_int(7));
    record.messages_duplicate = to_uint64(q->column_int(8));
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<StoredFile> Catalog::files(std::int64_t source_id) {
  std::vector<StoredFile> out;
  auto q = m_impl->m_db.query(
      "SELECT path, content, size, mtime FROM files WHERE source_id = ?1 ORDER BY id");
  q->bind_int(1, source_id);
  while (q->step()) {
    StoredFile file;
    file.path = q->column_text(0);
    const auto content = object_id_of(q->column_blob(1));
    if (!content) damaged("a stored file has no valid content id");
    file.content = *content;
    file.size = to_uint64(q->column_int(2));
    file.mtime_unix = q->column_int(3);
    out.push_back(std::move(file));
  }
  return out;
}

std::uint64_t Catalog::conversations_declared_in(std::int64_t source_id,
                                                 const std::string& platform) {
  auto q = m_impl->m_db.query(
      "SELECT count(*) FROM conversations WHERE platform = ?2"
      " AND source_path IN (SELECT path FROM files WHERE source_id = ?1)");
  q->bind_int(1, source_id);
  q->bind_text(2, platform);
  if (!q->step()) damaged("the conversations could not be counted");
  return to_uint64(q->column_int(0));
}

std::vector<ConversationSummary> Catalog::conversations() {
  Impl& impl = *m_impl;
  std::vector<ConversationSummary> out;
  {
    auto q = impl.m_db.query(impl.m_has_stats ? kStatsSummaryAll : kSummaryAll);
    while (q->step()) out.push_back(impl.summary_from(*q));
  }
  for (ConversationSummary& summary : out) impl.fill_participants(summary);
  return out;
}

std::optional<ConversationSummary> Catalog::find_conversation(const std::string& id_or_title) {
  Impl& impl = *m_impl;
  std::string_view wanted = id_or_title;
  while (!wanted.empty() && wanted.front() == ' ') wanted.remove_prefix(1);
  while (!wanted.empty() && wanted.back() == ' ') wanted.remove_suffix(1);
  if (!wanted.empty() &&
      std::all_of(wanted.begin(), wanted.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), id);
    if (ec == std::errc() && end == wanted.data() + wanted.size()) {
      if (auto summary = impl.summary_by_id(id)) return summary;
    }
    // Not an id: a title made of digits ("2019") is still found below.
  }
  const std::string folded = fold_for_match(wanted);
  if (folded.empty()) return std::nullopt;

  struct Titled {
    std::int64_t id;
    std::string title;
    std::string folded;
  };
  std::vector<Titled> all;
  {
    auto q = impl.m_db.query("SELECT id, title FROM conversations ORDER BY id");
    while (q->step()) {
      std::string title = q->column_text(1);
      std::string title_folded = fold_for_match(title);
      all.push_back({q->column_int(0), std::move(title), std::move(title_folded)});
    }
  }
  const auto pick = [&](auto matches) -> std::optional<std::vector<const Titled*>> {
    std::vector<const Titled*> found;
    for (const Titled& t : all) {
      if (matches(t.folded)) found.push_back(&t);
    }
    if (found.empty()) return std::nullopt;
    return found;
  };
  std::optional<std::vector<const Titled*>> found =
      pick([&](const std::string& t) { return t == folded; });
  if (!found) found = pick([&](const std::string& t) { return t.starts_with(folded); });
  if (!found) {
    found = pick([&](const std::string& t) { return t.find(folded) != std::string::npos; });
  }
  if (!found) return std::nullopt;
  if (found->size() == 1) return impl.summary_by_id(found->front()->id);

  constexpr std::size_t kListed = 10;
  std::string message = "several conversations match '" + id_or_title + "': ";
  for (std::size_t i = 0; i < found->size() && i < kListed; ++i) {
    if (i > 0) message += ", ";
    message += (*found)[i]->title + " (id " + std::to_string((*found)[i]->id) + ")";
  }
  if (found->size() > kListed) {
    message += " and " + std::to_string(found->size() - kListed) + " more";
  }
  throw Error(ErrorCode::usage, std::move(message), "use the id from 'dmvault list'");
}

std::vector<MessageView> Catalog::messages(std::int64_t conversation_id, std::size_t limit,
                                           std::optional<std::int64_t> around_ms) {
  Impl& impl = *m_impl;
  std::vector<std::int64_t> ids;
  if (!around_ms || limit == 0) {
    ids = impl.message_ids(conversation_id,
                           "SELECT id FROM messages WHERE conversation_id = ?1 AND id >= ?2"
                           " ORDER BY id LIMIT ?3",
                           std::numeric_limits<std::int64_t>::min(), limit);
  } else {
    // Up to `limit` on each side, then a window of `limit` centred on the time where both
    // sides have enough, shifted toward the side that has more where one runs short.
    const std::int64_t pivot = first_id_of(*around_ms);
    std::vector<std::int64_t> before =
        impl.message_ids(conversation_id,
                         "SELECT id FROM messages WHERE conversation_id = ?1 AND id < ?2"
                         " ORDER BY id DESC LIMIT ?3",
                         pivot, limit);
    std::vector<std::int64_t> after =
        impl.message_ids(conversation_id,
                         "SELECT id FROM messages WHERE conversation_id = ?1 AND id >= ?2"
                         " ORDER BY id LIMIT ?3",
                         pivot, limit);
    std::size_t take_before = std::min(before.size(), limit / 2);
    std::size_t take_after = std::min(after.size(), limit - take_before);
    take_before = std::min(before.size(), limit - take_after);
    ids.assign(before.rend() - static_cast<std::ptrdiff_t>(take_before), before.rend());
    ids.insert(ids.end(), after.begin(), after.begin() + static_cast<std::ptrdiff_t>(take_after));
  }
  std::vector<MessageView> out;
  out.reserve(ids.size());
  for (const std::int64_t id : ids) out.push_back(impl.message_view(id));
  return out;
}

}  // namespace dmvault::catalog
