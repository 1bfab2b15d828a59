// The catalog: the decrypted index of a vault, an SQLite database that lives only in memory.
// It is sealed into the vault at each commit (serialize -> zstd -> 1 MiB chunk frames). An import
// loads it whole (sqlite3_deserialize) to change it; the commands that only read it open it
// paged: SQLite asks for pages, the chunks holding them are decrypted then and kept, so a search
// in a catalog of a million messages decrypts a few megabytes of it. Either way it never
// re-indexes and never touches a file (no journal, temp_store=MEMORY, no ATTACH). It is derived
// data: everything in it can be rebuilt from the stored export files.
//
// Only src/catalog includes <sqlite3.h>. Not thread-safe.
#pragma once

#include "catalog/image_source.hpp"
#include "catalog/scratch_file.hpp"
#include "dmvault/model.hpp"
#include "dmvault/secret.hpp"
#include "dmvault/vault.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace dmvault::catalog {

namespace sql {
class Database;
}

// One import run (DESIGN §4 "Source").
struct SourceRecord {
  std::int64_t id = 0;  // assigned by begin_source
  std::string platform;
  std::string export_name;  // the part names as given, joined with ", "
  std::int64_t imported_ms = 0;
  std::string tool_version;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t messages_added = 0;
  std::uint64_t messages_duplicate = 0;
};

// A file of an export as stored in the vault (for `export --format original`).
struct StoredFile {
  std::string path;
  ObjectId content{};
  std::uint64_t size = 0;
  std::int64_t mtime_unix = 0;
};

// Where a message's raw record is when the catalog keeps it as a span of its stored source file
// (Message::raw_offset): `length` bytes from `offset` of the object `content`.
struct RawSpan {
  ObjectId content{};
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// An attachment's link to the stored file, resolved by the pipeline from its uri.
struct ResolvedAttachment {
  std::optional<ObjectId> content;  // nullopt when the export does not hold the file
  std::uint64_t size = 0;
  // The export holds the file, but its content id is known only later (the media of a folder
  // are stored while the messages are added): the caller's number for the file, which
  // link_pending() resolves. content is then nullopt.
  std::optional<std::size_t> pending;
};

enum class AddOutcome { added, duplicate };

struct Counts {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;         // records with a sender
  std::uint64_t system_messages = 0;  // platform notices without a sender
  std::uint64_t attachments = 0;      // references from messages
  std::uint64_t media_files = 0;      // distinct stored files referenced by attachments
  std::uint64_t media_bytes = 0;      // their total size
  std::uint64_t sources = 0;
};

struct ConversationSummary {
  std::int64_t id = 0;
  std::string platform;
  std::string thread_id;
  std::string title;
  bool is_group = false;
  std::vector<std::string> participants;
  std::uint64_t messages = 0;
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
};

struct AttachmentView {
  std::string kind;  // to_string(AttachmentKind)
  std::string name;
  std::string uri;
  std::uint64_t size = 0;
  std::optional<ObjectId> content;
};

struct ReactionView {
  std::string actor;
  std::string reaction;
};

// A message as the CLI shows it (DESIGN §1 JSON shape).
struct MessageView {
  std::int64_t message_id = 0;
  std::int64_t conversation_id = 0;
  std::string conversation;  // title
  std::string platform;
  std::string sender;
  std::string sender_id;
  std::int64_t timestamp_ms = 0;
  std::string kind;  // to_string(MessageKind)
  std::string text;
  std::string reply_to;
  std::optional<Share> share;
  std::vector<AttachmentView> attachments;
  std::vector<ReactionView> reactions;
};

// A search, as src/query translates it (no SQLite types): `where` is an SQL condition over the
// aliases m (messages) and c (conversations) whose parameters are ?1 ... ?N, bound in order
// from `params`. The SQL function dm_fold(text) (fold_for_match) is available to it.
struct SearchRequest {
  enum class Sort { newest, oldest, relevance };
  struct Param {
    bool is_int = false;
    std::int64_t number = 0;
    std::string text;
  };
  std::string where = "1";
  std::vector<Param> params;
  // When every hit must match one word-index term (the query is that term, or an AND with it at
  // the top): the number of its parameter (its messages_fts MATCH expression), and `where`
  // without that term. Search then walks the term's postings newest (or oldest) first and stops
  // at the limit, instead of collecting every match of a common word first. 0: no such term.
  int driver_param = 0;
  std::string driven_where;
  // An FTS5 expression (messages_fts) over the query's positive words: ranks (bm25) and makes
  // the snippets. Empty when the query has none.
  std::string rank_match;
  // Substrings (from the trigram side) to mark in snippets where FTS5 cannot.
  std::vector<std::string> highlight;
  // A PCRE2 pattern that the message text, or the text or link of its share, must also match
  // (`search --regex`); "" for none.
  std::string regex;
  Sort sort = Sort::newest;
  std::size_t limit = 0;    // 0: all
  std::size_t context = 0;  // messages before and after each hit, in its conversation
};

// Snippet marks: the matched text is between kMatchStart and kMatchEnd (control characters
// that repaired message text never holds; they are removed from the text before marking).
inline constexpr char kMatchStart = '\x02';
inline constexpr char kMatchEnd = '\x03';

struct SearchHit {
  MessageView message;
  std::string snippet;              // with kMatchStart/kMatchEnd around matches
  std::vector<MessageView> before;  // -C context, oldest first
  std::vector<MessageView> after;
};

// One account of a person: `handle` is a platform user id or a display name (compared to a
// message's sender id exactly, to its sender name case- and accent-insensitively); `platform`
// "" stands for every platform.
struct PersonHandle {
  std::string platform;
  std::string handle;
};

// A person whose accounts on several platforms search as one (`from:NAME`, `with:NAME`).
struct Person {
  std::int64_t id = 0;
  std::string name;
  std::vector<PersonHandle> handles;
};

// An account as messages name it, with how many messages it wrote.
struct SenderAccount {
  std::string platform;
  std::string sender_id;
  std::string sender;
  std::uint64_t messages = 0;
  std::string person;  // the linked person's name, "" when none
};

class Catalog {
 public:
  // A new, empty catalog with the current schema.
  static Catalog create();
  // The same in a scratch file (which must be empty): the catalog an import changes, with only
  // a bounded page cache in memory. It has no journal: a run that fails or is aborted leaves it
  // good only to throw away (abort_source does not roll it back; everything after refuses).
  // A run into an empty catalog builds the search indexes in `index_file` (an empty scratch
  // file of its own), on another thread while its messages are added; without it, once they
  // are all added.
  static Catalog create_in(std::shared_ptr<ScratchFile> file,
                           std::shared_ptr<ScratchFile> index_file = nullptr);
  // The catalog whose image `file` holds (quick_check on every page), changed in place.
  static Catalog load_into(std::shared_ptr<ScratchFile> file,
                           std::shared_ptr<ScratchFile> index_file = nullptr);
  // From a serialized image (as returned by serialize()). Error(corrupted) when it is not a
  // catalog; Error(not_a_vault) when its schema is newer than this dmvault reads.
  static Catalog load(std::span<const std::uint8_t> image);
  // The same checks, for reading only: SQLite reads `image` in place instead of a copy (half
  // the memory, and no second pass over a large catalog). Writes fail with Error(io).
  static Catalog load_read_only(PlainBytes image);
  // For reading only, without loading the image: SQLite reads the pages a query needs from
  // `source` (the vault's catalog chunks, decrypted on demand), so opening costs a few pages
  // whatever the catalog's size. The checks of load() except quick_check, which would read
  // every page: the source authenticates every part it reads, and verify checks the whole.
  static Catalog load_paged(std::shared_ptr<ImageSource> source);

  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  ~Catalog();

  // The whole database as bytes (wiped when released).
  PlainBytes serialize();
  // The image handed to `sink` in order, in one or more pieces (any catalog, scratch included).
  void stream_image(const std::function<void(std::span<const std::uint8_t>)>& sink);
  // Reads every page and checks the database's structure (SQLite's quick_check): verify runs it,
  // since load_paged does not. Error(corrupted) naming the first problem.
  void check_integrity();

  // --- One import run: begin_source ... finish_source, all in one transaction --------------
  // abort_source() (or destroying the catalog) undoes everything since begin_source. After an
  // Error from add_* or finish_source, the run accepts only abort_source().
  std::int64_t begin_source(const SourceRecord& source);
  void add_file(std::int64_t source_id, const StoredFile& file);
  // Creates the conversation or updates it (title renames kept as history, participants
  // merged); keyed by (platform, thread_id).
  void add_conversation(std::int64_t source_id, const Conversation& conversation);
  // Adds the message unless the same message is stored already (dedup rule: see catalog.cpp).
  // `resolved` is parallel to message.attachments.
  AddOutcome add_message(std::int64_t source_id, const std::string& platform,
                         const std::string& thread_id, const Message& message,
                         const std::vector<ResolvedAttachment>& resolved);
  // Gives the attachments added pending their file (ResolvedAttachment::pending = i) the
  // content and size of files[i], leaving the catalog as if they had been known when the
  // messages were added. Before finish_source, which refuses a run with links still pending.
  void link_pending(std::int64_t source_id, const std::vector<ResolvedAttachment>& files);
  void finish_source(std::int64_t source_id, const SourceRecord& totals);
  void abort_source();

  // --- Reading ---------------------------------------------------------------------------
  Counts counts();
  std::vector<SourceRecord> sources();
  std::vector<StoredFile> files(std::int64_t source_id);
  // The conversations of `platform` that a file of import `source_id` declares (their
  // source_path): those an import of the same files reads.
  std::uint64_t conversations_declared_in(std::int64_t source_id, const std::string& platform);
  std::vector<ConversationSummary> conversations();
  // By numeric id (as `list` prints it) or by title (case- and accent-insensitive, exact
  // match first). Error(usage) when the title is ambiguous, listing the candidates; nullopt
  // when nothing matches.
  std::optional<ConversationSummary> find_conversation(const std::string& id_or_title);
  // Messages of a conversation in time order: the first `limit` (0 = all), or when `around_ms`
  // is set, `limit` messages centred on that time.
  std::vector<MessageView> messages(std::int64_t conversation_id, std::size_t limit,
                                    std::optional<std::int64_t> around_ms);

  // --- Search (catalog_search.cpp) ------------------------------------------------------
  // Error(usage) when the request's SQL or FTS5 expression is refused.
  std::vector<SearchHit> search(const SearchRequest& request);
  std::uint64_t count_matches(const SearchRequest& request);

  // --- Streaming (catalog_stream.cpp) ----------------------------------------------------
  // Every message of one conversation that matches `request` (its sort, limit and context are
  // ignored), oldest first, read in batches so memory stays bounded whatever the size of the
  // conversation. `visit` may use the catalog for reading. Error(usage) as for search().
  void for_each_message(std::int64_t conversation_id, const SearchRequest& request,
                        const std::function<void(const MessageView&)>& visit);
  // A conversation and a message as they were added (participants with their ids and is_self;
  // the message's raw record, local time, platform id ...), to copy them into another catalog.
  // `resolved` receives the stored file of each attachment, and `raw_span` where the raw record
  // is when the catalog keeps it as a span of a stored file (the message's raw is then empty:
  // the caller reads it from the vault). Error(usage) for an unknown id.
  Conversation stored_conversation(std::int64_t conversation_id);
  Message stored_message(std::int64_t message_id, std::vector<ResolvedAttachment>& resolved,
                         std::optional<RawSpan>& raw_span);

  // --- People (catalog_people.cpp) -------------------------------------------------------
  // Links handles (accounts) to one person, created when new; a name is matched case- and
  // accent-insensitively. Error(usage) when a handle already belongs to someone else.
  void link_person(const std::string& name, const std::vector<PersonHandle>& handles);
  // Removes the handles from the person, or the person when `handles` is empty (a person left
  // without handles goes too). False when nothing matched.
  bool unlink_person(const std::string& name, const std::vector<PersonHandle>& handles);
  std::vector<Person> people();
  // Everyone who wrote in the vault, as (platform, sender id, sender name), most messages first,
  // with the person each account is linked to; `platform` "" for all.
  std::vector<SenderAccount> sender_accounts(const std::string& platform);

  // --- Browsing and statistics (catalog_browse.cpp) -----------------------------------------
  // Up to `limit` messages of a conversation just before (id < before_id) or just after
  // (id > after_id) a message id, oldest first: keyset pages for the viewer (dmvault serve).
  std::vector<MessageView> messages_before(std::int64_t conversation_id, std::int64_t before_id,
                                           std::size_t limit);
  std::vector<MessageView> messages_after(std::int64_t conversation_id, std::int64_t after_id,
                                          std::size_t limit);
  // Every message (system notices included), oldest first, of one conversation or of all; for
  // statistics. `visit` must not use the catalog.
  struct MessageFacts {
    std::int64_t conversation_id = 0;
    std::string sender;
    std::int64_t timestamp_ms = 0;
    std::string kind;
    std::string text;
  };
  void for_each_fact(std::optional<std::int64_t> conversation_id,
                     const std::function<void(const MessageFacts&)>& visit);
  // Attachments per kind (photo, video, audio ...), of one conversation or of all.
  std::vector<std::pair<std::string, std::uint64_t>> attachment_kinds(
      std::optional<std::int64_t> conversation_id);

  class Impl;

 private:
  explicit Catalog(std::unique_ptr<Impl> impl);
  static Catalog create_on(sql::Database db);
  static Catalog load_on(sql::Database db);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace dmvault::catalog
