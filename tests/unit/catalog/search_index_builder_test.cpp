// A first run into an empty catalog builds its search indexes on a thread of their own
// (catalog/search_index_builder): the indexes must be the ones the usual way builds, row for row,
// and a failure of the thread must fail the run.
#include "catalog/search_index_builder.hpp"

#include "catalog/catalog.hpp"
#include "catalog/memory_scratch_file.hpp"
#include "catalog/sqlite_db.hpp"
#include "dmvault/error.hpp"
#include "search_index_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace dmvault::catalog {
namespace {

constexpr const char* kPlatform = "instagram";

// A scratch file in memory whose writes past `limit` fail, as on a full disk.
class LimitedScratchFile : public MemoryScratchFile {
 public:
  explicit LimitedScratchFile(std::uint64_t limit) : m_limit(limit) {}
  void write(std::uint64_t offset, std::span<const std::uint8_t> bytes) override {
    if (offset + bytes.size() > m_limit) throw Error(ErrorCode::io, "test scratch file is full");
    MemoryScratchFile::write(offset, bytes);
  }

 private:
  std::uint64_t m_limit;
};

SourceRecord source_record(const std::string& name) {
  SourceRecord s;
  s.platform = kPlatform;
  s.export_name = name;
  return s;
}

Conversation conversation(const std::string& thread, const std::string& title) {
  Conversation c;
  c.platform = kPlatform;
  c.thread_id = thread;
  c.title = title;
  c.participants = {Participant{"Ana", "", false}, Participant{"Me", "", true}};
  return c;
}

// Messages in the order an importer emits them: conversation after conversation, each newest
// first, so ids go down within a conversation and up between them, across several of the
// builder's batches. Texts mix words, accents, scripts without spaces and emoji; shares and
// attachment names have the spaces and empty values the index view trims or keeps.
std::vector<std::pair<std::string, Message>> messages(std::size_t count) {
  static const char* kWords[] = {"lisbon",
                                 "caf\xc3\xa9",
                                 "porto",
                                 "beach",
                                 "\xe5\x8c\x97\xe4\xba\xac\xe7\xab\x99",
                                 "tickets",
                                 "\xf0\x9f\x8e\x89!!",
                                 "Cr\xc3\xa8me",
                                 "night",
                                 "soon"};
  std::mt19937 random(42);
  std::vector<std::pair<std::string, Message>> out;
  const std::size_t per_thread = count / 3 + 1;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t thread = i / per_thread;
    Message m;
    m.sender = i % 4 == 0 ? "Me" : "Ana";
    m.timestamp_ms = 1'600'000'000'000 +
                     static_cast<std::int64_t>((per_thread - i % per_thread) * 1000 + thread * 7);
    for (int w = 0; w < 1 + static_cast<int>(random() % 6); ++w) {
      m.text += std::string(w == 0 ? "" : " ") + kWords[random() % std::size(kWords)];
    }
    if (i % 97 == 0) m.share = Share{"https://example.com/" + std::to_string(i), "", " owner "};
    if (i % 83 == 0) m.share = Share{"https://example.com/x", " look here ", "owner"};
    if (i % 89 == 0) m.share = Share{"", "  shared words  ", ""};
    if (i % 53 == 0) {
      m.kind = MessageKind::media;
      for (const char* name : {"photo one.jpg", "", "clip.mp4"}) {
        Attachment a;
        a.kind = AttachmentKind::photo;
        a.uri = "media/" + std::to_string(i) + "/" + name;
        a.name = name;
        m.attachments.push_back(a);
      }
    }
    m.raw = "{}";
    out.emplace_back("t" + std::to_string(thread), std::move(m));
  }
  return out;
}

void first_run(Catalog& catalog, const std::vector<std::pair<std::string, Message>>& all) {
  const std::int64_t source = catalog.begin_source(source_record("x"));
  for (const char* thread : {"t0", "t1", "t2"}) {
    catalog.add_conversation(source, conversation(thread, std::string("Trip ") + thread));
  }
  for (const auto& [thread, message] : all) {
    catalog.add_message(source, kPlatform, thread, message,
                        std::vector<ResolvedAttachment>(message.attachments.size()));
  }
  catalog.finish_source(source, source_record("x"));
}

// The ids each query finds, one list per query.
std::vector<std::vector<std::int64_t>> hits(Catalog& catalog) {
  static const char* kQueries[] = {
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'lisbon' ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'cafe creme' ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'sender:me' ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'conversation:t1' ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'share:owner' ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'share:\"shared words\"'"
      " ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'attachments:\"jpg clip\"'"
      " ORDER BY rowid",
      "SELECT rowid FROM messages_fts WHERE messages_fts MATCH '\"beach night\"' ORDER BY rowid",
      "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH"
      " '\"\xe5\x8c\x97\xe4\xba\xac\xe7\xab\x99\"' ORDER BY rowid",
      "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH '\"\xf0\x9f\x8e\x89!!\"'"
      " ORDER BY rowid",
  };
  const PlainBytes image = catalog.serialize();
  sql::Database db = sql::Database::open(image.span());
  std::vector<std::vector<std::int64_t>> out;
  for (const char* query : kQueries) {
    auto q = db.query(query);
    out.emplace_back();
    while (q->step()) out.back().push_back(q->column_int(0));
  }
  return out;
}

// More messages than one of the builder's batches holds.
constexpr std::size_t kMessages = 20'000;

TEST(SearchIndexBuilder, AFirstRunBuildsTheIndexesTheUsualWayWouldHave) {
  const auto all = messages(kMessages);
  auto index_file = std::make_shared<MemoryScratchFile>();
  Catalog built = Catalog::create_in(std::make_shared<MemoryScratchFile>(), index_file);
  Catalog in_memory = Catalog::create();                                      // builds in memory
  Catalog usual = Catalog::create_in(std::make_shared<MemoryScratchFile>());  // no index file
  first_run(built, all);
  first_run(in_memory, all);
  first_run(usual, all);
  EXPECT_GT(index_file->size(), 0u) << "the run did not build its indexes in the index file";

  const auto expected = hits(usual);
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FALSE(expected[i].empty()) << i;
  EXPECT_EQ(hits(built), expected);
  EXPECT_EQ(hits(in_memory), expected);
  testing::expect_search_indexes_consistent(usual);
  testing::expect_search_indexes_consistent(built);
  testing::expect_search_indexes_consistent(in_memory);

  // A later run renames a conversation: its rows are deleted from the index by repeating the
  // values the builder indexed, which FTS5 checks against the content.
  const std::int64_t source = built.begin_source(source_record("y"));
  built.add_conversation(source, conversation("t1", "Renamed voyage"));
  built.finish_source(source, source_record("y"));
  testing::expect_search_indexes_consistent(built);
  const PlainBytes image = built.serialize();
  sql::Database db = sql::Database::open(image.span());
  EXPECT_EQ(db.query_text("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'voyage'"),
            db.query_text("SELECT count(*) FROM messages AS m JOIN conversations AS c"
                          " ON c.id = m.conversation_id WHERE c.thread_id = 't1'"));
  EXPECT_EQ(db.query_text("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH"
                          " 'conversation:t1'"),
            "0");
  // The builder gathers 32 MiB of terms before it writes a segment, and the catalog keeps that
  // setting with the index for the runs after it.
  EXPECT_EQ(db.query_text("SELECT v FROM messages_fts_config WHERE k = 'hashsize'"), "33554432");
}

// The index file fills up while the run goes on: the run fails with that error (from whichever
// call meets it first), it can be aborted, and no thread is left behind.
TEST(SearchIndexBuilder, AFailureOfItsFileFailsTheRun) {
  const auto all = messages(kMessages);
  Catalog catalog = Catalog::create_in(std::make_shared<MemoryScratchFile>(),
                                       std::make_shared<LimitedScratchFile>(64 * 1024));
  try {
    first_run(catalog, all);
    FAIL() << "the run finished with its index file full";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("test scratch file is full"), std::string::npos)
        << error.what();
  }
  catalog.abort_source();
}

// A run given up part-way (its catalog destroyed with the builder busy) stops the thread.
TEST(SearchIndexBuilder, ARunAbortedPartWayStopsTheThread) {
  const auto all = messages(kMessages);
  for (std::size_t abort_at : {0u, 1u, 17'000u}) {
    Catalog catalog = Catalog::create();
    const std::int64_t source = catalog.begin_source(source_record("x"));
    catalog.add_conversation(source, conversation("t0", "Trip"));
    for (std::size_t i = 0; i < abort_at; ++i) {
      catalog.add_message(source, kPlatform, "t0", all[i].second,
                          std::vector<ResolvedAttachment>(all[i].second.attachments.size()));
    }
    catalog.abort_source();
    EXPECT_EQ(catalog.counts().messages + catalog.counts().system_messages, 0u);
    // The catalog takes a new first run, which indexes from scratch.
    first_run(catalog, messages(100));
    testing::expect_search_indexes_consistent(catalog);
  }
}

// Closed before the caller finishes it (the catalog builds its dedup key index meanwhile), the
// builder indexes the rows it had and takes no more.
TEST(SearchIndexBuilder, ClosedEarlyItIndexesWhatItHadAndTakesNoMore) {
  SearchIndexBuilder builder(std::make_shared<MemoryScratchFile>());
  builder.add({3, "see you at \xe5\x8c\x97\xe4\xba\xac\xe7\xab\x99 soon", "Ana", "Trip", "", ""});
  builder.add({1, "lisbon tickets", "Me", "Trip", "", ""});
  builder.close();
  EXPECT_THROW(builder.add({2, "late", "Ana", "Trip", "", ""}), std::logic_error);
  sql::Database target = sql::Database::open();
  target.exec(kSearchIndexSchema);
  target.exec("BEGIN");
  builder.finish_into(target);
  target.exec("COMMIT");
  SearchIndexBuilder::detach_from(target);
  EXPECT_EQ(builder.rows_added(), 2u);
  EXPECT_EQ(target.query_text("SELECT group_concat(rowid) FROM messages_fts WHERE messages_fts"
                              " MATCH 'lisbon OR soon OR late' ORDER BY rowid"),
            "1,3");
  EXPECT_EQ(target.query_text("SELECT group_concat(rowid) FROM messages_trigram WHERE"
                              " messages_trigram MATCH '\"\xe5\x8c\x97\xe4\xba\xac\xe7\xab\x99\"'"),
            "3");
}

}  // namespace
}  // namespace dmvault::catalog
