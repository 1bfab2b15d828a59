#include "catalog/catalog.hpp"

#include "catalog/sqlite_db.hpp"
#include "dmvault/error.hpp"
#include "search_index_check.hpp"
#include "temp_dir_guard.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dmvault::catalog {
namespace {

constexpr const char* kPlatform = "instagram";

ObjectId object(std::uint8_t fill) {
  ObjectId id{};
  id.fill(fill);
  return id;
}

Conversation conversation(const std::string& thread, const std::string& title,
                          std::vector<std::string> names = {"Ana", "Me"}) {
  Conversation c;
  c.platform = kPlatform;
  c.thread_id = thread;
  c.title = title;
  c.is_group = names.size() > 2;
  for (std::string& name : names) {
    Participant p;
    p.name = std::move(name);
    p.is_self = p.name == "Me";
    c.participants.push_back(std::move(p));
  }
  c.source_path = "messages/inbox/" + thread + "/message_1.json";
  return c;
}

Message text_message(const std::string& sender, std::int64_t ms, const std::string& text) {
  Message m;
  m.sender = sender;
  m.timestamp_ms = ms;
  m.text = text;
  m.raw = R"({"sender_name":")" + sender + R"("})";
  m.source_path = "messages/inbox/t/message_1.json";
  return m;
}

Message photo_message(const std::string& sender, std::int64_t ms, const std::string& uri) {
  Message m = text_message(sender, ms, "");
  m.kind = MessageKind::media;
  Attachment a;
  a.kind = AttachmentKind::photo;
  a.uri = uri;
  a.name = uri.substr(uri.find_last_of('/') + 1);
  a.created_ms = ms;
  m.attachments.push_back(a);
  return m;
}

std::vector<ResolvedAttachment> unresolved(const Message& m) {
  return std::vector<ResolvedAttachment>(m.attachments.size());
}

SourceRecord source_record(const std::string& name = "export.zip") {
  SourceRecord s;
  s.platform = kPlatform;
  s.export_name = name;
  s.imported_ms = 1'700'000'000'000;
  s.tool_version = "0.1.0";
  return s;
}

// One import run of `messages` into thread "t" (conversation "Trip"): how many were added.
struct RunResult {
  std::uint64_t added = 0;
  std::uint64_t duplicate = 0;
};
RunResult import_run(Catalog& catalog, const std::vector<Message>& messages,
                     const std::string& thread = "t", const std::string& title = "Trip") {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation(thread, title));
  RunResult result;
  for (const Message& m : messages) {
    const AddOutcome outcome = catalog.add_message(source, kPlatform, thread, m, unresolved(m));
    (outcome == AddOutcome::added ? result.added : result.duplicate) += 1;
  }
  SourceRecord totals = source_record();
  totals.messages_added = result.added;
  totals.messages_duplicate = result.duplicate;
  catalog.finish_source(source, totals);
  return result;
}

std::vector<std::string> texts(const std::vector<MessageView>& views) {
  std::vector<std::string> out;
  for (const MessageView& v : views) out.push_back(v.text);
  return out;
}

bool same_bytes(const PlainBytes& a, const PlainBytes& b) {
  return a.size() == b.size() && std::equal(a.span().begin(), a.span().end(), b.span().begin());
}

// Rows of `sql` (one integer column) run on a copy of the catalog's image: the FTS tables are
// not part of the catalog's API yet, so the tests look at what the catalog built.
std::vector<std::int64_t> ids_where(Catalog& catalog, const char* sql) {
  const PlainBytes image = catalog.serialize();
  sql::Database db = sql::Database::open(image.span());
  std::vector<std::int64_t> out;
  auto q = db.query(sql);
  while (q->step()) out.push_back(q->column_int(0));
  return out;
}

// --- Round trip and counts -------------------------------------------------------------------

class CatalogTest : public ::testing::Test {
 protected:
  Catalog catalog = Catalog::create();
};

TEST_F(CatalogTest, NewCatalogIsEmpty) {
  const Counts counts = catalog.counts();
  EXPECT_EQ(counts.conversations, 0u);
  EXPECT_EQ(counts.messages, 0u);
  EXPECT_EQ(counts.sources, 0u);
  EXPECT_TRUE(catalog.conversations().empty());
  EXPECT_TRUE(catalog.sources().empty());
}

TEST_F(CatalogTest, RoundTripKeepsEverything) {
  const std::int64_t source = catalog.begin_source(source_record("part1.zip, part2.zip"));
  catalog.add_file(source, {"messages/inbox/t/message_1.json", object(1), 1234, 1'600'000'000});
  catalog.add_file(source, {"messages/inbox/t/photos/1.jpg", object(2), 50'000, 1'600'000'001});
  catalog.add_conversation(source, conversation("t", "Trip \xe2\x9c\x88", {"Ana", "Bo", "Me"}));

  Message shared = text_message("Ana", 1'000, "look");
  shared.kind = MessageKind::share;
  shared.share = Share{"https://example.com/p/1", "a post", "someone"};
  shared.reactions = {{"Bo", "\xe2\x9d\xa4", 1'500}, {"Me", "like", std::nullopt}};
  shared.reply_to = "m0";
  shared.sender_id = "ana.id";
  Message photo = photo_message("Bo", 2'000, "messages/inbox/t/photos/1.jpg");
  Message call = text_message("Me", 3'000, "");
  call.kind = MessageKind::call;
  call.call_duration_s = 60;
  Message notice = text_message("", 4'000, "Ana named the group Trip");
  notice.kind = MessageKind::system;

  EXPECT_EQ(catalog.add_message(source, kPlatform, "t", shared, {}), AddOutcome::added);
  EXPECT_EQ(catalog.add_message(source, kPlatform, "t", photo, {{object(2), 50'000, {}}}),
            AddOutcome::added);
  EXPECT_EQ(catalog.add_message(source, kPlatform, "t", call, {}), AddOutcome::added);
  EXPECT_EQ(catalog.add_message(source, kPlatform, "t", notice, {}), AddOutcome::added);
  SourceRecord totals = source_record();
  totals.files = 2;
  totals.bytes = 51'234;
  totals.messages_added = 4;
  catalog.finish_source(source, totals);

  const PlainBytes image = catalog.serialize();
  Catalog loaded = Catalog::load(image.span());

  // The loaded catalog serializes to the same bytes, and reads the same.
  EXPECT_TRUE(same_bytes(loaded.serialize(), image));

  const auto conversations = loaded.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].title, "Trip \xe2\x9c\x88");
  EXPECT_EQ(conversations[0].platform, kPlatform);
  EXPECT_EQ(conversations[0].thread_id, "t");
  EXPECT_TRUE(conversations[0].is_group);
  EXPECT_EQ(conversations[0].participants, (std::vector<std::string>{"Ana", "Bo", "Me"}));
  EXPECT_EQ(conversations[0].messages, 4u);
  EXPECT_EQ(conversations[0].first_ms, 1'000);
  EXPECT_EQ(conversations[0].last_ms, 4'000);

  const auto messages = loaded.messages(conversations[0].id, 0, std::nullopt);
  ASSERT_EQ(messages.size(), 4u);
  const MessageView& m0 = messages[0];
  EXPECT_EQ(m0.sender, "Ana");
  EXPECT_EQ(m0.sender_id, "ana.id");
  EXPECT_EQ(m0.kind, "share");
  EXPECT_EQ(m0.text, "look");
  EXPECT_EQ(m0.reply_to, "m0");
  EXPECT_EQ(m0.timestamp_ms, 1'000);
  EXPECT_EQ(m0.conversation, "Trip \xe2\x9c\x88");
  EXPECT_EQ(m0.platform, kPlatform);
  ASSERT_TRUE(m0.share.has_value());
  EXPECT_EQ(m0.share->link, "https://example.com/p/1");
  EXPECT_EQ(m0.share->text, "a post");
  EXPECT_EQ(m0.share->owner, "someone");
  ASSERT_EQ(m0.reactions.size(), 2u);
  EXPECT_EQ(m0.reactions[0].actor, "Bo");
  EXPECT_EQ(m0.reactions[0].reaction, "\xe2\x9d\xa4");
  EXPECT_EQ(m0.reactions[1].reaction, "like");
  const MessageView& m1 = messages[1];
  EXPECT_EQ(m1.kind, "media");
  EXPECT_FALSE(m1.share.has_value());
  ASSERT_EQ(m1.attachments.size(), 1u);
  EXPECT_EQ(m1.attachments[0].kind, "photo");
  EXPECT_EQ(m1.attachments[0].name, "1.jpg");
  EXPECT_EQ(m1.attachments[0].uri, "messages/inbox/t/photos/1.jpg");
  EXPECT_EQ(m1.attachments[0].size, 50'000u);
  EXPECT_EQ(m1.attachments[0].content, object(2));
  EXPECT_EQ(messages[2].kind, "call");
  EXPECT_EQ(messages[3].kind, "system");
  EXPECT_EQ(messages[3].sender, "");

  const auto sources = loaded.sources();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].id, source);
  EXPECT_EQ(sources[0].export_name, "part1.zip, part2.zip");
  EXPECT_EQ(sources[0].imported_ms, 1'700'000'000'000);
  EXPECT_EQ(sources[0].tool_version, "0.1.0");
  EXPECT_EQ(sources[0].files, 2u);
  EXPECT_EQ(sources[0].bytes, 51'234u);
  EXPECT_EQ(sources[0].messages_added, 4u);

  const auto files = loaded.files(source);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "messages/inbox/t/message_1.json");
  EXPECT_EQ(files[0].content, object(1));
  EXPECT_EQ(files[0].size, 1234u);
  EXPECT_EQ(files[0].mtime_unix, 1'600'000'000);
  EXPECT_EQ(files[1].content, object(2));

  const Counts counts = loaded.counts();
  EXPECT_EQ(counts.conversations, 1u);
  EXPECT_EQ(counts.messages, 3u);
  EXPECT_EQ(counts.system_messages, 1u);
  EXPECT_EQ(counts.attachments, 1u);
  EXPECT_EQ(counts.media_files, 1u);
  EXPECT_EQ(counts.media_bytes, 50'000u);
  EXPECT_EQ(counts.sources, 1u);

  // It goes on working after the load: a second import lands next to the first.
  EXPECT_EQ(import_run(loaded, {text_message("Ana", 5'000, "later")}).added, 1u);
  EXPECT_EQ(loaded.counts().messages, 4u);
}

TEST_F(CatalogTest, CountsDistinctMediaAndSystemRecords) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation("t", "Trip"));
  catalog.add_conversation(source, conversation("u", "Other"));
  // The same photo sent in two conversations, one more photo, and one the export lacks.
  Message a = photo_message("Ana", 1'000, "t/photos/1.jpg");
  Message b = photo_message("Ana", 2'000, "u/photos/1.jpg");
  Message c = photo_message("Ana", 3'000, "t/photos/2.jpg");
  Message d = photo_message("Me", 4'000, "t/photos/missing.jpg");
  catalog.add_message(source, kPlatform, "t", a, {{object(7), 700, {}}});
  catalog.add_message(source, kPlatform, "u", b, {{object(7), 700, {}}});
  catalog.add_message(source, kPlatform, "t", c, {{object(8), 800, {}}});
  catalog.add_message(source, kPlatform, "t", d, unresolved(d));
  Message unsent = text_message("Ana", 5'000, "");
  unsent.kind = MessageKind::unsent;
  Message system_with_sender = text_message("Ana", 6'000, "Ana left the group");
  system_with_sender.kind = MessageKind::system;
  Message anonymous = text_message("", 7'000, "messages are end-to-end encrypted");
  catalog.add_message(source, kPlatform, "t", unsent, {});
  catalog.add_message(source, kPlatform, "t", system_with_sender, {});
  catalog.add_message(source, kPlatform, "t", anonymous, {});
  catalog.finish_source(source, source_record());

  const Counts counts = catalog.counts();
  EXPECT_EQ(counts.conversations, 2u);
  EXPECT_EQ(counts.messages, 5u);         // 4 photos + the unsent one
  EXPECT_EQ(counts.system_messages, 2u);  // kind system, or no sender
  EXPECT_EQ(counts.attachments, 4u);
  EXPECT_EQ(counts.media_files, 2u);
  EXPECT_EQ(counts.media_bytes, 1'500u);
  EXPECT_EQ(counts.sources, 1u);
}

// --- Dedup -----------------------------------------------------------------------------------

TEST_F(CatalogTest, GenuineDuplicatesInOneExportAreBothKept) {
  const Message ok = text_message("Ana", 1'000, "ok");
  const RunResult first = import_run(catalog, {ok, ok, text_message("Ana", 1'000, "ok!")});
  EXPECT_EQ(first.added, 3u);
  EXPECT_EQ(first.duplicate, 0u);
  EXPECT_EQ(catalog.counts().messages, 3u);
}

TEST_F(CatalogTest, ReimportingTheSameExportAddsNothing) {
  const std::vector<Message> run = {text_message("Ana", 1'000, "ok"),
                                    text_message("Ana", 1'000, "ok"),
                                    photo_message("Bo", 2'000, "messages/inbox/t/photos/1.jpg"),
                                    text_message("Me", 3'000, "caf\xc3\xa9?")};
  EXPECT_EQ(import_run(catalog, run).added, 4u);
  const std::uint64_t before_messages = catalog.conversations().at(0).messages;
  const RunResult again = import_run(catalog, run);
  EXPECT_EQ(again.added, 0u);
  EXPECT_EQ(again.duplicate, 4u);
  EXPECT_EQ(catalog.counts().messages, 4u);
  EXPECT_EQ(catalog.conversations().at(0).messages, before_messages);
  EXPECT_EQ(catalog.counts().sources, 2u);
}

// A first run builds the conversation index at its end. The dedup key index lives only within
// a run that looks keys up (the catalog stored between runs does not hold it): the next runs
// find their duplicates all the same.
TEST_F(CatalogTest, TheDedupKeyIndexLivesOnlyWithinARunThatLooksKeysUp) {
  const auto dedup_key_indexes = [&] {
    return ids_where(catalog,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                     " AND name = 'messages_by_dedup_key'");
  };
  // An aborted first run gives everything back.
  const PlainBytes empty = catalog.serialize();
  const std::int64_t source = catalog.begin_source(source_record("bad.zip"));
  catalog.add_conversation(source, conversation("t", "Trip"));
  catalog.add_message(source, kPlatform, "t", text_message("Ana", 500, "gone"), {});
  catalog.abort_source();
  EXPECT_TRUE(same_bytes(catalog.serialize(), empty));

  import_run(catalog, {text_message("Ana", 1'000, "one"), text_message("Ana", 2'000, "two")});
  EXPECT_EQ(dedup_key_indexes(), std::vector<std::int64_t>{0});
  EXPECT_EQ(ids_where(catalog,
                      "SELECT count(*) FROM pragma_index_info('messages_by_conversation')"
                      " WHERE name = 'conversation_id'"),
            std::vector<std::int64_t>{1});

  // A second run looks its keys up in an index it builds, and drops it when it finishes.
  const RunResult second =
      import_run(catalog, {text_message("Ana", 2'000, "two"), text_message("Ana", 3'000, "three")});
  EXPECT_EQ(second.added, 1u);
  EXPECT_EQ(second.duplicate, 1u);
  EXPECT_EQ(dedup_key_indexes(), std::vector<std::int64_t>{0});
  EXPECT_EQ(catalog.counts().messages, 3u);

  const RunResult again = import_run(
      catalog, {text_message("Ana", 3'000, "three"), text_message("Ana", 4'000, "four")});
  EXPECT_EQ(again.added, 1u);
  EXPECT_EQ(again.duplicate, 1u);
  EXPECT_EQ(dedup_key_indexes(), std::vector<std::int64_t>{0});
}

TEST_F(CatalogTest, OverlappingExportAddsOnlyWhatIsNew) {
  const Message a = text_message("Ana", 1'000, "one");
  const Message b = text_message("Ana", 2'000, "two");
  const Message b_again = text_message("Ana", 2'000, "two");  // a genuine second "two"
  const Message c = text_message("Bo", 3'000, "three");
  EXPECT_EQ(import_run(catalog, {a, b}).added, 2u);
  // The newer export has the overlap, a second identical "two" and a new message.
  const RunResult newer = import_run(catalog, {a, b, b_again, c});
  EXPECT_EQ(newer.added, 2u);
  EXPECT_EQ(newer.duplicate, 2u);
  const auto conv = catalog.conversations().at(0);
  EXPECT_EQ(texts(catalog.messages(conv.id, 0, std::nullopt)),
            (std::vector<std::string>{"one", "two", "two", "three"}));
}

// A first run numbers each key's occurrences 0, 1, 2 ... in the order the records came, as a
// later run counts them (DEDUP RULE).
TEST_F(CatalogTest, AFirstRunNumbersRepeatedKeysInTheOrderGiven) {
  const Message two = text_message("Ana", 2'000, "two");
  const Message three = text_message("Ana", 3'000, "three");
  Message id_early = text_message("Bo", 1'000, "early");
  id_early.platform_message_id = "mid.7";
  Message id_late = text_message("Bo", 4'000, "late");
  id_late.platform_message_id = "mid.7";  // the same platform id, another time
  EXPECT_EQ(import_run(catalog, {two, three, id_late, two, three, id_early, two}).added, 7u);
  // The ordinal follows the key's 4 digest bytes, big-endian without leading zero bytes (hex,
  // read as a decimal: none for 0, then 01, 02).
  const auto ordinals_of = [&](const std::string& text) {
    const std::string sql =
        "SELECT CAST(substr(hex(dedup_key), 9) AS INTEGER) FROM messages WHERE text = '" + text +
        "' ORDER BY id";
    return ids_where(catalog, sql.c_str());
  };
  EXPECT_EQ(ordinals_of("two"), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(ordinals_of("three"), (std::vector<std::int64_t>{0, 1}));
  // One platform id at two times: the later one came first.
  EXPECT_EQ(ordinals_of("early"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ordinals_of("late"), std::vector<std::int64_t>{0});
  EXPECT_EQ(
      ids_where(catalog, "SELECT count(*) FROM messages GROUP BY dedup_key HAVING count(*) > 1"),
      std::vector<std::int64_t>{});

  // The same export again adds nothing; one with a fourth "two" adds that one alone.
  const RunResult again =
      import_run(catalog, {two, three, id_late, two, three, id_early, two, two});
  EXPECT_EQ(again.added, 1u);
  EXPECT_EQ(again.duplicate, 7u);
  EXPECT_EQ(ordinals_of("two"), (std::vector<std::int64_t>{0, 1, 2, 3}));
}

TEST_F(CatalogTest, MovedExportFolderLayoutStillMatches) {
  EXPECT_EQ(
      import_run(catalog, {photo_message("Ana", 1'000, "messages/inbox/t/photos/9.jpg")}).added,
      1u);
  EXPECT_EQ(import_run(catalog, {photo_message("Ana", 1'000,
                                               "your_instagram_activity/messages/inbox/t/photos/"
                                               "9.jpg")})
                .added,
            0u);
}

TEST_F(CatalogTest, PlatformIdsDecideWhenPresent) {
  Message a = text_message("Ana", 1'000, "first wording");
  a.platform_message_id = "mid.1";
  Message edited = text_message("Ana", 1'000, "edited wording");
  edited.platform_message_id = "mid.1";
  edited.edited = true;
  Message other = text_message("Ana", 1'000, "first wording");
  other.platform_message_id = "mid.2";
  EXPECT_EQ(import_run(catalog, {a}).added, 1u);
  const RunResult second = import_run(catalog, {edited, other});
  EXPECT_EQ(second.added, 1u);
  EXPECT_EQ(second.duplicate, 1u);
}

TEST_F(CatalogTest, SameContentInAnotherConversationIsAnotherMessage) {
  const Message m = text_message("Ana", 1'000, "hi");
  EXPECT_EQ(import_run(catalog, {m}, "t", "Trip").added, 1u);
  EXPECT_EQ(import_run(catalog, {m}, "u", "Other").added, 1u);
}

TEST_F(CatalogTest, DuplicateFillsInMissingMediaAndReactions) {
  Message m = photo_message("Ana", 1'000, "messages/inbox/t/photos/1.jpg");
  EXPECT_EQ(import_run(catalog, {m}).added, 1u);
  EXPECT_EQ(catalog.counts().media_files, 0u);

  m.reactions = {{"Bo", "\xf0\x9f\x98\x82", 1'100}};
  const std::int64_t source = catalog.begin_source(source_record("newer.zip"));
  catalog.add_conversation(source, conversation("t", "Trip"));
  EXPECT_EQ(catalog.add_message(source, kPlatform, "t", m, {{object(9), 900, {}}}),
            AddOutcome::duplicate);
  catalog.finish_source(source, source_record("newer.zip"));

  const Counts counts = catalog.counts();
  EXPECT_EQ(counts.messages, 1u);
  EXPECT_EQ(counts.media_files, 1u);
  EXPECT_EQ(counts.media_bytes, 900u);
  const auto views = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].attachments.at(0).content, object(9));
  ASSERT_EQ(views[0].reactions.size(), 1u);
  EXPECT_EQ(views[0].reactions[0].actor, "Bo");

  // A content id already known is never replaced.
  const std::int64_t third = catalog.begin_source(source_record("third.zip"));
  EXPECT_EQ(catalog.add_message(third, kPlatform, "t", m, {{object(10), 1000, {}}}),
            AddOutcome::duplicate);
  catalog.finish_source(third, source_record("third.zip"));
  EXPECT_EQ(catalog.messages(views[0].conversation_id, 0, std::nullopt)[0].attachments[0].content,
            object(9));
}

// The media of a folder export are linked once stored (link_pending): the rows end exactly as if
// every content id had been known when its message was added, in a first run and in a later one
// with duplicates (a gap filled, a known id kept, a second occurrence added); finish_source
// refuses a run with links left pending.
TEST_F(CatalogTest, AttachmentsLinkedLaterEndAsIfTheirFilesWereKnownWhenAdded) {
  const Message gap = photo_message("Ana", 1'000, "messages/inbox/t/photos/1.jpg");
  const Message linked = photo_message("Ana", 2'000, "messages/inbox/t/photos/2.jpg");
  const Message again = photo_message("Ana", 3'000, "messages/inbox/t/photos/3.jpg");
  // Each message with the file it is given, and whether that file is linked later.
  struct Add {
    const Message* message;
    std::optional<ResolvedAttachment> file;
    bool pending;
  };
  const std::vector<std::vector<Add>> runs = {
      {{&gap, std::nullopt, false},
       {&linked, ResolvedAttachment{object(2), 200, {}}, true},
       {&again, ResolvedAttachment{object(3), 300, {}}, false}},
      {{&gap, ResolvedAttachment{object(9), 900, {}}, true},
       {&linked, ResolvedAttachment{object(8), 800, {}}, true},
       {&again, ResolvedAttachment{object(5), 500, {}}, false},
       {&again, ResolvedAttachment{object(6), 600, {}}, true}},
  };
  const auto build = [&](Catalog& target, bool link_later) {
    for (const auto& run : runs) {
      const std::int64_t source = target.begin_source(source_record());
      target.add_conversation(source, conversation("t", "Trip"));
      std::vector<ResolvedAttachment> files;
      for (const Add& add : run) {
        std::vector<ResolvedAttachment> resolved(1);
        if (add.file && add.pending && link_later) {
          resolved[0].pending = files.size();
          files.push_back(*add.file);
        } else if (add.file) {
          resolved[0] = *add.file;
        }
        (void)target.add_message(source, kPlatform, "t", *add.message, resolved);
      }
      if (!files.empty()) {
        EXPECT_THROW(target.finish_source(source, source_record()), std::logic_error);
        target.link_pending(source, files);
      }
      target.finish_source(source, source_record());
    }
  };
  build(catalog, false);
  Catalog later = Catalog::create();
  build(later, true);

  const auto attachments_of = [](Catalog& c) {
    std::vector<std::pair<std::optional<ObjectId>, std::uint64_t>> out;
    for (const auto& view : c.messages(c.conversations().at(0).id, 0, std::nullopt)) {
      for (const auto& a : view.attachments) out.emplace_back(a.content, a.size);
    }
    return out;
  };
  const auto expected = attachments_of(catalog);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(expected[0], std::make_pair(std::optional(object(9)), std::uint64_t{900}));  // filled
  EXPECT_EQ(expected[1].first, object(2));  // a known id kept
  EXPECT_EQ(expected[2].first, object(3));
  EXPECT_EQ(expected[3], std::make_pair(std::optional(object(6)), std::uint64_t{600}));
  EXPECT_EQ(attachments_of(later), expected);
  EXPECT_EQ(later.counts().media_files, catalog.counts().media_files);
  EXPECT_EQ(later.counts().media_bytes, catalog.counts().media_bytes);
}

// --- Ids -------------------------------------------------------------------------------------

TEST_F(CatalogTest, IdsFollowTimeAcrossRuns) {
  // Run 1 holds 1970-01-01 plus 1 s and 3 s; run 2 adds an older message in between, one before
  // 1970 and three in one millisecond.
  import_run(catalog, {text_message("Ana", 1'000, "b"), text_message("Ana", 3'000, "d")});
  import_run(catalog,
             {text_message("Ana", 2'000, "c"), text_message("Ana", -631'152'000'000, "a (1950)"),
              text_message("Ana", 3'000, "d2"), text_message("Ana", 3'000, "d3"),
              text_message("Ana", 1'700'000'000'000, "e (2023)")});
  const auto views = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  EXPECT_EQ(texts(views),
            (std::vector<std::string>{"a (1950)", "b", "c", "d", "d2", "d3", "e (2023)"}));
  for (std::size_t i = 1; i < views.size(); ++i) {
    EXPECT_LT(views[i - 1].message_id, views[i].message_id);
    EXPECT_LE(views[i - 1].timestamp_ms, views[i].timestamp_ms);
  }
  // Messages of one millisecond take consecutive slots, in the order they came.
  EXPECT_EQ(views[4].message_id, views[3].message_id + 1);
  EXPECT_EQ(views[5].message_id, views[3].message_id + 2);
}

TEST_F(CatalogTest, AFullMillisecondSpillsIntoTheNext) {
  std::vector<Message> burst;
  for (int i = 0; i < 4097; ++i) burst.push_back(text_message("Ana", 0, std::to_string(i)));
  burst.push_back(text_message("Ana", 1, "next ms"));
  EXPECT_EQ(import_run(catalog, burst).added, 4098u);
  const auto views = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  ASSERT_EQ(views.size(), 4098u);
  for (std::size_t i = 1; i < views.size(); ++i) {
    ASSERT_LT(views[i - 1].message_id, views[i].message_id);
  }
  EXPECT_EQ(views[4096].text, "4096");
  EXPECT_EQ(views[4097].text, "next ms");
}

// --- Transactions ----------------------------------------------------------------------------

TEST_F(CatalogTest, AbortLeavesTheCatalogExactlyAsBefore) {
  import_run(catalog, {text_message("Ana", 1'000, "kept")});
  const PlainBytes before = catalog.serialize();

  const std::int64_t source = catalog.begin_source(source_record("bad.zip"));
  catalog.add_file(source, {"a.json", object(3), 10, 0});
  catalog.add_conversation(source, conversation("t", "Renamed"));
  catalog.add_conversation(source, conversation("new", "New"));
  for (int i = 0; i < 300; ++i) {
    Message m = photo_message("Bo", 2'000 + i, "photos/" + std::to_string(i) + ".jpg");
    m.text = std::string(200, 'x');
    catalog.add_message(source, kPlatform, "new", m, {{object(4), 100, {}}});
  }
  catalog.abort_source();

  EXPECT_TRUE(same_bytes(catalog.serialize(), before));
  EXPECT_EQ(catalog.counts().messages, 1u);
  EXPECT_EQ(catalog.conversations().at(0).title, "Trip");
  // The next run starts clean: the same records are new again.
  EXPECT_EQ(import_run(catalog, {text_message("Bo", 2'000, "x")}, "new", "New").added, 1u);
}

TEST_F(CatalogTest, DestroyingMidRunKeepsNothingOfIt) {
  import_run(catalog, {text_message("Ana", 1'000, "kept")});
  const PlainBytes before = catalog.serialize();
  Catalog reloaded = Catalog::load(before.span());
  {
    Catalog doomed = Catalog::load(before.span());
    const std::int64_t source = doomed.begin_source(source_record());
    doomed.add_message(source, kPlatform, "t", text_message("Ana", 2'000, "lost"), {});
  }
  EXPECT_TRUE(same_bytes(reloaded.serialize(), before));
}

TEST_F(CatalogTest, MisuseIsAProgrammingError) {
  EXPECT_THROW(catalog.add_message(1, kPlatform, "t", text_message("A", 1, "x"), {}),
               std::logic_error);
  const std::int64_t source = catalog.begin_source(source_record());
  EXPECT_THROW(catalog.begin_source(source_record()), std::logic_error);
  EXPECT_THROW(catalog.serialize(), std::logic_error);
  EXPECT_THROW(catalog.add_file(source + 1, {"a", object(1), 1, 0}), std::logic_error);
  const Message photo = photo_message("Ana", 1, "a.jpg");
  EXPECT_THROW(catalog.add_message(source, kPlatform, "t", photo, {}), std::invalid_argument);
  catalog.abort_source();
  catalog.abort_source();  // harmless when no run is open
  EXPECT_EQ(catalog.counts().messages, 0u);
}

TEST_F(CatalogTest, AFailedStepLeavesTheRunOnlyAbortable) {
  import_run(catalog, {text_message("Ana", 1'000, "kept")});
  const PlainBytes before = catalog.serialize();
  const std::int64_t source = catalog.begin_source(source_record());
  const Message photo = photo_message("Ana", 2'000, "a.jpg");
  // A size beyond 63 bits fails after the message row is written.
  EXPECT_THROW(
      catalog.add_message(source, kPlatform, "t", photo, {{object(1), std::uint64_t{1} << 63, {}}}),
      std::invalid_argument);
  EXPECT_THROW(catalog.add_message(source, kPlatform, "t", text_message("Ana", 3'000, "x"), {}),
               std::logic_error);
  EXPECT_THROW(catalog.finish_source(source, source_record()), std::logic_error);
  catalog.abort_source();
  EXPECT_TRUE(same_bytes(catalog.serialize(), before));
  EXPECT_EQ(import_run(catalog, {photo}).added, 1u);
}

TEST_F(CatalogTest, ADigestCollisionNeverMergesTwoMessages) {
  import_run(catalog, {text_message("Ana", 1'000, "original")});
  // Make the stored message differ from what its key was computed from: to the dedup lookup
  // this is a message whose digest collides with that of "original".
  PlainBytes image = catalog.serialize();
  {
    sql::Database db = sql::Database::open(image.span());
    db.exec("UPDATE messages SET text = 'something else'");
    image = db.serialize();
  }
  Catalog collided = Catalog::load(image.span());
  const RunResult again = import_run(collided, {text_message("Ana", 1'000, "original")});
  EXPECT_EQ(again.added, 1u);
  EXPECT_EQ(again.duplicate, 0u);
  EXPECT_EQ(texts(collided.messages(collided.conversations().at(0).id, 0, std::nullopt)),
            (std::vector<std::string>{"something else", "original"}));
}

TEST_F(CatalogTest, MessageForAnUnannouncedConversationIsKept) {
  const std::int64_t source = catalog.begin_source(source_record());
  EXPECT_EQ(catalog.add_message(source, kPlatform, "ghost", text_message("A", 1, "x"), {}),
            AddOutcome::added);
  catalog.finish_source(source, source_record());
  const auto convs = catalog.conversations();
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].thread_id, "ghost");
  EXPECT_EQ(convs[0].title, "ghost");
  EXPECT_EQ(convs[0].messages, 1u);
}

// --- Files -----------------------------------------------------------------------------------

TEST_F(CatalogTest, FilesAreKeptPerSourceWithoutLosingADuplicatePath) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_file(source, {"a.json", object(1), 1, 0});
  catalog.add_file(source, {"a.json", object(1), 1, 0});  // the same file twice: one row
  catalog.add_file(source, {"b.json", object(2), 2, 0});
  catalog.add_file(source, {"b.json", object(3), 3, 0});  // same path, other bytes: both kept
  catalog.finish_source(source, source_record());
  const std::int64_t second = catalog.begin_source(source_record());
  catalog.add_file(second, {"a.json", object(1), 1, 0});
  catalog.finish_source(second, source_record());

  const auto files = catalog.files(source);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, "a.json");
  EXPECT_EQ(files[1].content, object(2));
  EXPECT_EQ(files[2].content, object(3));
  EXPECT_EQ(catalog.files(second).size(), 1u);
  EXPECT_TRUE(catalog.files(999).empty());
}

// --- Conversations ---------------------------------------------------------------------------

TEST_F(CatalogTest, ConversationsNewestFirstWithParticipantsAndRenames) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation("old", "Old chat", {"Ana", "Me"}));
  catalog.add_conversation(source, conversation("new", "New chat", {"Bo", "Me"}));
  catalog.add_conversation(source, conversation("empty", "Empty", {"Cy", "Me"}));
  catalog.add_message(source, kPlatform, "old", text_message("Ana", 1'000, "a"), {});
  catalog.add_message(source, kPlatform, "old", text_message("Me", 5'000, "b"), {});
  catalog.add_message(source, kPlatform, "new", text_message("Bo", 9'000, "c"), {});
  catalog.finish_source(source, source_record());

  auto convs = catalog.conversations();
  ASSERT_EQ(convs.size(), 3u);
  EXPECT_EQ(convs[0].title, "New chat");
  EXPECT_EQ(convs[1].title, "Old chat");
  EXPECT_EQ(convs[1].messages, 2u);
  EXPECT_EQ(convs[1].first_ms, 1'000);
  EXPECT_EQ(convs[1].last_ms, 5'000);
  EXPECT_EQ(convs[1].participants, (std::vector<std::string>{"Ana", "Me"}));
  EXPECT_EQ(convs[2].title, "Empty");
  EXPECT_EQ(convs[2].messages, 0u);
  EXPECT_EQ(convs[2].first_ms, 0);
  EXPECT_EQ(convs[2].last_ms, 0);

  // A later export renames "Old chat" and adds a participant: same conversation, new title.
  const std::int64_t later = catalog.begin_source(source_record());
  catalog.add_conversation(later, conversation("old", "Renamed", {"Ana", "Dee", "Me"}));
  catalog.finish_source(later, source_record());
  convs = catalog.conversations();
  ASSERT_EQ(convs.size(), 3u);
  EXPECT_EQ(convs[1].title, "Renamed");
  EXPECT_TRUE(convs[1].is_group);
  EXPECT_EQ(convs[1].participants, (std::vector<std::string>{"Ana", "Me", "Dee"}));

  // The word index follows the rename.
  EXPECT_EQ(
      ids_where(catalog,
                "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'conversation:renamed'")
          .size(),
      2u);
  EXPECT_TRUE(
      ids_where(catalog,
                "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'conversation:old'")
          .empty());
}

TEST_F(CatalogTest, FindConversationByIdOrTitle) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation("a", "Caf\xc3\xa9 Soci\xc3\xa9t\xc3\xa9"));
  catalog.add_conversation(source, conversation("b", "Trip 2019"));
  catalog.add_conversation(source, conversation("c", "Trip 2020"));
  catalog.add_conversation(source, conversation("d", "2019"));
  catalog.add_conversation(source, conversation("e", "Trip"));
  catalog.finish_source(source, source_record());
  const auto id_of = [&](const std::string& thread) {
    for (const auto& c : catalog.conversations()) {
      if (c.thread_id == thread) return c.id;
    }
    return std::int64_t{-1};
  };

  // By id.
  auto found = catalog.find_conversation(std::to_string(id_of("b")));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "b");
  // Digits that are no id are a title.
  found = catalog.find_conversation("2019");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "d");
  // Exact title, case and accents ignored, even where the title is also a prefix of others.
  found = catalog.find_conversation("trip");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "e");
  found = catalog.find_conversation("CAFE SOCIETE");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "a");
  // A unique prefix, then a unique substring.
  found = catalog.find_conversation("caf");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "a");
  found = catalog.find_conversation("2020");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->thread_id, "c");
  EXPECT_EQ(found->participants, (std::vector<std::string>{"Ana", "Me"}));
  // Nothing.
  EXPECT_FALSE(catalog.find_conversation("nowhere").has_value());
  EXPECT_FALSE(catalog.find_conversation("").has_value());
  // Ambiguous.
  try {
    catalog.find_conversation("trip 20");
    ADD_FAILURE() << "an ambiguous title was resolved";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
    const std::string what = error.what();
    EXPECT_NE(what.find("several conversations match 'trip 20'"), std::string::npos) << what;
    EXPECT_NE(what.find("Trip 2019 (id " + std::to_string(id_of("b")) + ")"), std::string::npos)
        << what;
    EXPECT_NE(what.find("Trip 2020 (id " + std::to_string(id_of("c")) + ")"), std::string::npos)
        << what;
    EXPECT_EQ(error.hint(), "use the id from 'dmvault list'");
  }
}

// --- Messages --------------------------------------------------------------------------------

TEST_F(CatalogTest, MessagesAroundATime) {
  std::vector<Message> run;
  for (int i = 1; i <= 10; ++i) {
    run.push_back(text_message("Ana", i * 1'000, std::to_string(i)));
  }
  import_run(catalog, run);
  const std::int64_t id = catalog.conversations().at(0).id;

  EXPECT_EQ(texts(catalog.messages(id, 3, std::nullopt)),
            (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(catalog.messages(id, 0, std::nullopt).size(), 10u);
  EXPECT_EQ(texts(catalog.messages(id, 4, 5'500)), (std::vector<std::string>{"4", "5", "6", "7"}));
  EXPECT_EQ(texts(catalog.messages(id, 3, 5'000)), (std::vector<std::string>{"4", "5", "6"}));
  // Near an end, the window shifts to the side that has messages.
  EXPECT_EQ(texts(catalog.messages(id, 4, 1'000)), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(texts(catalog.messages(id, 4, 99'000)),
            (std::vector<std::string>{"7", "8", "9", "10"}));
  EXPECT_EQ(texts(catalog.messages(id, 4, -99'000)),
            (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(catalog.messages(id, 50, 5'000).size(), 10u);
  EXPECT_TRUE(catalog.messages(id + 1000, 5, 5'000).empty());
}

// --- Search index ----------------------------------------------------------------------------

TEST_F(CatalogTest, WordIndexIgnoresDiacritics) {
  import_run(catalog, {text_message("Ana", 1'000, "On se voit au caf\xc3\xa9 demain ?"),
                       text_message("Bo", 2'000, "plain text"),
                       text_message("Zo\xc3\xab", 3'000,
                                    "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
                                    "e")});
  const auto ids = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  EXPECT_EQ(ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'cafe'"),
            std::vector<std::int64_t>{ids[0].message_id});
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'caf\xc3\xa9'"),
      std::vector<std::int64_t>{ids[0].message_id});
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'creme brulee'"),
      std::vector<std::int64_t>{ids[2].message_id});
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'sender:zoe'"),
      std::vector<std::int64_t>{ids[2].message_id});
  EXPECT_TRUE(ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'coffee'")
                  .empty());
  // External content: snippets can be made from the stored text.
  const PlainBytes image = catalog.serialize();
  sql::Database db = sql::Database::open(image.span());
  EXPECT_EQ(db.query_text("SELECT highlight(messages_fts, 0, '[', ']') FROM messages_fts"
                          " WHERE messages_fts MATCH 'cafe'"),
            "On se voit au [caf\xc3\xa9] demain ?");
}

TEST_F(CatalogTest, WordIndexCoversSharesAndAttachmentNames) {
  Message share = text_message("Ana", 1'000, "");
  share.kind = MessageKind::share;
  share.share = Share{"https://example.com/reel/xyz", "Sunset over Lisbon", "travelgram"};
  Message photo = photo_message("Bo", 2'000, "photos/holiday_beach.jpg");
  import_run(catalog, {share, photo});
  const auto views = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  EXPECT_EQ(ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'lisbon'"),
            std::vector<std::int64_t>{views[0].message_id});
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'travelgram'"),
      std::vector<std::int64_t>{views[0].message_id});
  EXPECT_EQ(ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'beach'"),
            std::vector<std::int64_t>{views[1].message_id});
}

TEST_F(CatalogTest, TrigramIndexFindsSubstringsWithoutSpaces) {
  // 我们明天去北京吃烤鸭 ("tomorrow we go to Beijing to eat roast duck"): no spaces to split on.
  import_run(catalog, {text_message("Li", 1'000,
                                    "\xe6\x88\x91\xe4\xbb\xac\xe6\x98\x8e\xe5\xa4\xa9\xe5\x8e\xbb"
                                    "\xe5\x8c\x97\xe4\xba\xac\xe5\x90\x83\xe7\x83\xa4\xe9\xb8\xad"),
                       text_message("Ana", 2'000, "unrelated")});
  const auto views = catalog.messages(catalog.conversations().at(0).id, 0, std::nullopt);
  // 北京吃 (Beijing-eat), from the middle of the sentence.
  EXPECT_EQ(ids_where(catalog,
                      "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH"
                      " '\xe5\x8c\x97\xe4\xba\xac\xe5\x90\x83'"),
            std::vector<std::int64_t>{views[0].message_id});
  // Text the word index splits is not held there: no term searched as a substring can match it.
  EXPECT_TRUE(
      ids_where(catalog, "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH 'relat'")
          .empty());
  EXPECT_TRUE(ids_where(catalog,
                        "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH"
                        " '\xe4\xb8\x8a\xe6\xb5\xb7\xe5\x90\x83'")  // 上海吃
                  .empty());
  // The words index cannot do that: the whole sentence is one token.
  EXPECT_TRUE(ids_where(catalog,
                        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH"
                        " '\xe5\x8c\x97\xe4\xba\xac\xe5\x90\x83'")
                  .empty());
}

TEST_F(CatalogTest, IndexesStayConsistent) {
  Message share = text_message("Ana", 500, "");
  share.share = Share{"https://example.com/x", "", "owner"};
  Message photos = photo_message("Bo", 600, "p/one.jpg");
  photos.attachments.push_back(photos.attachments[0]);
  photos.attachments[1].name = "";
  photos.attachments.push_back(photos.attachments[0]);
  photos.attachments[2].name = " two words ";
  import_run(catalog, {text_message("Ana", 1'000, "caf\xc3\xa9"), text_message("Bo", 2'000, "x"),
                       share, photos});
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation("t", "Renamed trip"));
  catalog.finish_source(source, source_record());
  testing::expect_search_indexes_consistent(catalog);
}

// A first run into an empty catalog whose conversation is renamed part-way: the rename indexes
// what came before it, and the end of the run indexes the rest, each message once.
TEST_F(CatalogTest, ARenameInAFirstRunIndexesEveryMessageOnce) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_conversation(source, conversation("t", "Trip"));
  catalog.add_message(source, kPlatform, "t", text_message("Ana", 1'000, "lisbon first"), {});
  catalog.add_message(source, kPlatform, "t", text_message("Bo", 2'000, "porto second"), {});
  catalog.add_conversation(source, conversation("t", "Renamed voyage"));
  catalog.add_message(source, kPlatform, "t", text_message("Ana", 3'000, "faro third"), {});
  catalog.finish_source(source, source_record());
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'voyage'").size(),
      3u);
  EXPECT_TRUE(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'trip'").empty());
  EXPECT_EQ(
      ids_where(catalog, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'faro'").size(),
      1u);
  testing::expect_search_indexes_consistent(catalog);
}

// --- Load ------------------------------------------------------------------------------------

PlainBytes copy_of(std::span<const std::uint8_t> bytes) {
  PlainBytes copy(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.data());
  return copy;
}

// Both loads, the copying one and the read-only one, check the same things.
void expect_corrupted(std::span<const std::uint8_t> image, const std::string& fragment) {
  for (const bool read_only : {false, true}) {
    try {
      if (read_only) {
        Catalog::load_read_only(copy_of(image));
      } else {
        Catalog::load(image);
      }
      ADD_FAILURE() << "a bad image loaded" << (read_only ? " read-only" : "");
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::corrupted);
      EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
  }
}

TEST(CatalogLoad, ReadOnlyReadsTheImageInPlaceAndRefusesWrites) {
  Catalog catalog = Catalog::create();
  import_run(catalog, {text_message("Ana", 1, "first words"), text_message("Me", 2, "reply")});
  catalog.link_person("Ana", {{"", "Ana"}});
  const PlainBytes image = catalog.serialize();
  Catalog reader = Catalog::load_read_only(copy_of(image.span()));
  EXPECT_EQ(reader.counts().messages, 2u);
  ASSERT_EQ(reader.conversations().size(), 1u);
  EXPECT_EQ(reader.people().size(), 1u);
  EXPECT_TRUE(same_bytes(reader.serialize(), image));
  try {
    reader.begin_source(source_record());
    ADD_FAILURE() << "a read-only catalog took a write";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("readonly"), std::string::npos) << error.what();
  }
  EXPECT_EQ(reader.counts().messages, 2u);
}

TEST(CatalogLoad, CatalogsFromBeforeThePeopleTablesLoadBothWays) {
  PlainBytes image = Catalog::create().serialize();
  {
    sql::Database db = sql::Database::open(image.span());
    db.exec("DROP TABLE person_handles; DROP TABLE people;");
    image = db.serialize();
  }
  Catalog reader = Catalog::load_read_only(copy_of(image.span()));
  EXPECT_TRUE(reader.people().empty());
  EXPECT_TRUE(reader.sender_accounts("").empty());
  Catalog writer = Catalog::load(image.span());
  writer.link_person("Ana", {{"", "Ana"}});
  EXPECT_EQ(Catalog::load_read_only(writer.serialize()).people().size(), 1u);
}

struct SummaryRow {
  std::string title;
  std::uint64_t messages;
  std::int64_t first_ms;
  std::int64_t last_ms;
  bool operator==(const SummaryRow&) const = default;
};

std::vector<SummaryRow> summary_rows(Catalog& catalog) {
  std::vector<SummaryRow> out;
  for (const ConversationSummary& c : catalog.conversations()) {
    out.push_back({c.title, c.messages, c.first_ms, c.last_ms});
  }
  return out;
}

TEST(CatalogLoad, ConversationFiguresAreKeptByEveryRunAndRebuiltForOldCatalogs) {
  Catalog catalog = Catalog::create();
  import_run(catalog, {text_message("Ana", 3'000, "a"), text_message("Me", 1'000, "b")}, "t1",
             "One");
  import_run(catalog, {text_message("Bo", 7'000, "c")}, "t2", "Two");
  Message notice = text_message("", 2'000, "Ana named the group");
  notice.kind = MessageKind::system;
  import_run(catalog, {text_message("Ana", 9'000, "d"), notice}, "t1", "One");
  const std::vector<SummaryRow> expected = {{"One", 4, 1'000, 9'000}, {"Two", 1, 7'000, 7'000}};
  EXPECT_EQ(summary_rows(catalog), expected);
  EXPECT_EQ(catalog.counts().messages, 4u);
  EXPECT_EQ(catalog.counts().system_messages, 1u);

  // A catalog written before the figures were kept: read from the messages when read-only,
  // rebuilt when loaded to be changed.
  PlainBytes image = catalog.serialize();
  {
    sql::Database db = sql::Database::open(image.span());
    db.exec("DROP TABLE conversation_stats");
    image = db.serialize();
  }
  Catalog reader = Catalog::load_read_only(copy_of(image.span()));
  EXPECT_EQ(summary_rows(reader), expected);
  EXPECT_EQ(reader.counts().messages, 4u);
  EXPECT_EQ(reader.counts().system_messages, 1u);
  Catalog writer = Catalog::load(image.span());
  EXPECT_EQ(summary_rows(writer), expected);
  EXPECT_EQ(ids_where(writer, "SELECT messages FROM conversation_stats ORDER BY conversation_id"),
            (std::vector<std::int64_t>{4, 1}));
}

// Each run folds only what it added into the kept figures; after every run they must equal a
// recount from the messages (what a catalog without the table computes), also when a run adds
// a conversation's new first or last message, or only messages in between, or duplicates.
TEST(CatalogLoad, KeptFiguresEqualARecountAfterEveryRun) {
  Catalog catalog = Catalog::create();
  std::uint64_t seed = 11;
  const auto next = [&seed] {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return seed >> 33;
  };
  for (int run = 0; run < 12; ++run) {
    const std::string thread = "t" + std::to_string(next() % 3);
    std::vector<Message> messages;
    const int count = 1 + static_cast<int>(next() % 20);
    for (int i = 0; i < count; ++i) {
      Message m = text_message(next() % 4 == 0 ? "" : "Ana",
                               static_cast<std::int64_t>(next() % 100'000) * 1000,
                               "m" + std::to_string(next() % 50));
      if (next() % 5 == 0) m.kind = MessageKind::system;
      messages.push_back(std::move(m));
    }
    import_run(catalog, messages, thread, "Title " + thread);

    PlainBytes image = catalog.serialize();
    {
      sql::Database db = sql::Database::open(image.span());
      db.exec("DROP TABLE conversation_stats");
      image = db.serialize();
    }
    Catalog recount = Catalog::load_read_only(copy_of(image.span()));
    ASSERT_EQ(summary_rows(catalog), summary_rows(recount)) << "after run " << run;
    EXPECT_EQ(catalog.counts().messages, recount.counts().messages) << "after run " << run;
    EXPECT_EQ(catalog.counts().system_messages, recount.counts().system_messages) << run;
  }
}

TEST(CatalogLoad, GarbageIsCorrupted) {
  std::vector<std::uint8_t> garbage(8192);
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<std::uint8_t>(i * 7 + 3);
  }
  expect_corrupted(garbage, "catalog is damaged");
  expect_corrupted({}, "catalog is damaged");
}

TEST(CatalogLoad, DamagedDatabaseIsCorrupted) {
  Catalog catalog = Catalog::create();
  std::vector<Message> run;
  for (int i = 0; i < 200; ++i) {
    run.push_back(text_message("Ana", i, std::string(100, static_cast<char>('a' + i % 26))));
  }
  import_run(catalog, run);
  const PlainBytes image = catalog.serialize();
  ASSERT_GT(image.size(), 8 * 4096u);
  // Truncated to half: pages the header and the b-trees count on are missing.
  expect_corrupted(image.span().first(image.size() / 2), "catalog is damaged");
  // The b-tree page headers of the second half wiped.
  std::vector<std::uint8_t> wiped(image.span().begin(), image.span().end());
  for (std::size_t page = wiped.size() / 2 / 4096; page < wiped.size() / 4096; ++page) {
    std::fill_n(wiped.begin() + static_cast<std::ptrdiff_t>(page * 4096), 16, 0xff);
  }
  expect_corrupted(wiped, "catalog is damaged");
}

TEST(CatalogLoad, ADatabaseThatIsNoCatalogIsCorrupted) {
  PlainBytes image;
  {
    sql::Database db = sql::Database::open();
    db.exec("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('hello');");
    image = db.serialize();
  }
  expect_corrupted(image.span(), "no schema version");
}

TEST(CatalogLoad, NewerSchemaIsRefused) {
  PlainBytes image = Catalog::create().serialize();
  {
    sql::Database db = sql::Database::open(image.span());
    db.exec("UPDATE meta SET value = '4' WHERE key = 'schema_version'");
    image = db.serialize();
  }
  try {
    Catalog::load(image.span());
    ADD_FAILURE() << "a newer schema loaded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::not_a_vault);
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos) << error.what();
  }
}

// --- Raw records as spans of their stored files ----------------------------------------------

constexpr const char* kThreadFile = "messages/inbox/t/message_1.json";

Message spanned_message(std::int64_t ms, const std::string& text, std::uint64_t offset,
                        const std::string& path = kThreadFile) {
  Message m = text_message("Ana", ms, text);
  m.raw = R"({"content":")" + text + R"("})";
  m.raw_offset = offset;
  m.source_path = path;
  return m;
}

struct StoredRaw {
  std::string raw;
  std::optional<RawSpan> span;
  std::string source_path;
};

// Every message's raw record as stored, oldest first.
std::vector<StoredRaw> stored_raws(Catalog& catalog) {
  std::vector<StoredRaw> out;
  for (const auto& c : catalog.conversations()) {
    for (const MessageView& view : catalog.messages(c.id, 0, std::nullopt)) {
      std::vector<ResolvedAttachment> resolved;
      StoredRaw stored;
      const Message m = catalog.stored_message(view.message_id, resolved, stored.span);
      stored.raw = m.raw;
      stored.source_path = m.source_path;
      out.push_back(std::move(stored));
    }
  }
  return out;
}

TEST_F(CatalogTest, ARawRecordInsideItsRunsFileIsKeptAsASpanOfIt) {
  const std::int64_t source = catalog.begin_source(source_record());
  catalog.add_file(source, {kThreadFile, object(7), 100, 1});
  catalog.add_file(source, {"twice.json", object(8), 100, 1});
  catalog.add_file(source, {"twice.json", object(9), 100, 1});  // the same path, other bytes
  catalog.add_conversation(source, conversation("t", "Trip"));
  const std::vector<Message> messages = {
      spanned_message(1'000, "inside", 10),           // bytes 10..30 of a 100-byte file
      spanned_message(2'000, "at the very end", 71),  // 29 bytes: 71..100, the last byte
      spanned_message(3'000, "past the end", 80),     // 26 bytes from 80: longer than the file
      spanned_message(4'000, "no file", 0, "other.json"),
      spanned_message(5'000, "two files", 0, "twice.json"),
      text_message("Ana", 6'000, "no offset"),
  };
  for (const Message& m : messages) catalog.add_message(source, kPlatform, "t", m, {});
  catalog.finish_source(source, source_record());

  const std::vector<StoredRaw> stored = stored_raws(catalog);
  ASSERT_EQ(stored.size(), messages.size());
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(messages[i].text);
    EXPECT_EQ(stored[i].raw, "");
    ASSERT_TRUE(stored[i].span.has_value());
    EXPECT_EQ(stored[i].span->content, object(7));
    EXPECT_EQ(stored[i].span->offset, *messages[i].raw_offset);
    EXPECT_EQ(stored[i].span->length, messages[i].raw.size());
    EXPECT_EQ(stored[i].source_path, messages[i].source_path);
  }
  for (std::size_t i = 2; i < messages.size(); ++i) {
    SCOPED_TRACE(messages[i].text);
    EXPECT_EQ(stored[i].raw, messages[i].raw);
    EXPECT_FALSE(stored[i].span.has_value());
    EXPECT_EQ(stored[i].source_path, messages[i].source_path);
  }
  // The rows hold no copy of those two records nor of their path.
  EXPECT_EQ(ids_where(catalog,
                      "SELECT count(*) FROM messages WHERE raw = '' AND source_path = ''"
                      " AND raw_file IS NOT NULL"),
            std::vector<std::int64_t>{2});
  // The spans survive a round trip of the image.
  Catalog loaded = Catalog::load(catalog.serialize().span());
  const std::vector<StoredRaw> reloaded = stored_raws(loaded);
  ASSERT_EQ(reloaded.size(), stored.size());
  EXPECT_TRUE(reloaded[0].span.has_value());
  EXPECT_EQ(reloaded[0].source_path, kThreadFile);
  EXPECT_EQ(reloaded[5].raw, messages[5].raw);
}

// A catalog as written before raw spans (schema version 1): read as it is, its records are in
// its rows; loaded to be written, it gains the span columns and version 2, keeps its old
// records and takes spans for new ones.
TEST(CatalogLoad, AVersionOneCatalogGainsRawSpansWhenWritten) {
  Catalog first = Catalog::create();
  import_run(first, {text_message("Ana", 1'000, "old one")});
  PlainBytes image = first.serialize();
  {
    sql::Database db = sql::Database::open(image.span());
    db.exec(
        "ALTER TABLE messages DROP COLUMN raw_length;"
        " ALTER TABLE messages DROP COLUMN raw_offset;"
        " ALTER TABLE messages DROP COLUMN raw_file;"
        " UPDATE meta SET value = '1' WHERE key = 'schema_version';");
    image = db.serialize();
  }
  const auto version = [](Catalog& catalog) {
    const PlainBytes bytes = catalog.serialize();
    sql::Database db = sql::Database::open(bytes.span());
    return db.query_text("SELECT value FROM meta WHERE key = 'schema_version'");
  };
  PlainBytes copy(image.size());
  std::copy(image.span().begin(), image.span().end(), copy.data());
  Catalog read_only = Catalog::load_read_only(std::move(copy));
  const std::vector<StoredRaw> before = stored_raws(read_only);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].raw, R"({"sender_name":"Ana"})");
  EXPECT_FALSE(before[0].span.has_value());

  Catalog catalog = Catalog::load(image.span());
  EXPECT_EQ(version(catalog), "3");
  const std::int64_t source = catalog.begin_source(source_record("later.zip"));
  catalog.add_file(source, {kThreadFile, object(5), 1000, 1});
  catalog.add_conversation(source, conversation("t", "Trip"));
  catalog.add_message(source, kPlatform, "t", spanned_message(2'000, "new one", 40), {});
  catalog.finish_source(source, source_record("later.zip"));
  const std::vector<StoredRaw> after = stored_raws(catalog);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].raw, before[0].raw);
  EXPECT_FALSE(after[0].span.has_value());
  ASSERT_TRUE(after[1].span.has_value());
  EXPECT_EQ(after[1].span->content, object(5));
  EXPECT_EQ(after[1].span->offset, 40u);
  EXPECT_NO_THROW(catalog.check_integrity());
}

// A catalog of schema version 2 kept each message's whole 16-byte digest and a 4-byte ordinal.
// Loaded to be written, its keys are cut to what this version writes (the digest's first 4
// bytes, the ordinal without leading zero bytes), so that the same export again is found to be
// there, every occurrence of a repeated message included.
TEST(CatalogLoad, AVersionTwoCatalogsDedupKeysAreShortenedWhenWritten) {
  const Message two = text_message("Ana", 2'000, "two");
  const Message three = text_message("Ana", 3'000, "three");
  const std::vector<Message> run{two, three, two, two};
  Catalog first = Catalog::create();
  ASSERT_EQ(import_run(first, run).added, 4u);
  const auto keys_of = [](sql::Database& db) {
    std::vector<std::string> keys;
    auto q =
        db.query("SELECT typeof(dedup_key) || ' ' || hex(dedup_key) FROM messages ORDER BY id");
    while (q->step()) keys.push_back(q->column_text(0));
    return keys;
  };
  PlainBytes image = first.serialize();
  std::vector<std::string> short_keys;
  {
    sql::Database db = sql::Database::open(image.span());
    short_keys = keys_of(db);
    // The long form: the short key's digest bytes, 12 more digest bytes (the rest of the
    // digest, which the shortening drops: random here), the ordinal in 4 bytes.
    db.exec(
        "UPDATE messages SET dedup_key = CAST(substr(dedup_key, 1, 4) || randomblob(12) ||"
        " substr(x'00000000', 1, 8 - length(dedup_key)) || substr(dedup_key, 5) AS BLOB);"
        " UPDATE meta SET value = '2' WHERE key = 'schema_version';");
    std::vector<std::string> long_keys = keys_of(db);
    ASSERT_EQ(long_keys.size(), 4u);
    for (const std::string& key : long_keys) EXPECT_EQ(key.size(), 5u + 40u) << key;
    EXPECT_EQ(long_keys[1].substr(5 + 32), "00000001");  // the second "two"
    image = db.serialize();
  }
  Catalog catalog = Catalog::load(image.span());
  {
    const PlainBytes bytes = catalog.serialize();
    sql::Database db = sql::Database::open(bytes.span());
    EXPECT_EQ(db.query_text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
    EXPECT_EQ(keys_of(db), short_keys);
  }
  const RunResult again = import_run(catalog, {two, three, two, two, two});
  EXPECT_EQ(again.duplicate, 4u);
  EXPECT_EQ(again.added, 1u);
  EXPECT_NO_THROW(catalog.check_integrity());
}

// --- snippets ----------------------------------------------------------------------------------

std::vector<std::string> hit_texts(const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const SearchHit& hit : hits) out.push_back(hit.message.text);
  return out;
}

// Each hit is marked where FTS5 found the word: the text (accents folded, as the index folds
// them), else the shared post, else an attachment's name; a hit on the sender alone shows its
// text unmarked. All the hits' snippets come from one pass over the word's postings, which a
// hit left out by the filter (Bob's) sits in the middle of.
TEST_F(CatalogTest, SnippetsMarkTheFieldTheWordWasFoundIn) {
  Message shared = text_message("Ana", 2'000, "look at this");
  shared.share = Share{"https://example.com/p/1", "a cafe in Lisbon", "lisbon_eats"};
  Message attached = photo_message("Ana", 3'000, "media/cafe-menu.jpg");
  import_run(catalog, {text_message("Ana", 1'000, "we met at the café yesterday"), shared,
                       text_message("Bob", 2'500, "the cafe was closed"), attached,
                       text_message("Cafe Owner", 4'000, "hello there"),
                       text_message("Ana", 5'000, "nothing to see")});
  SearchRequest request;
  request.rank_match = "\"cafe\"";
  request.where =
      "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1) AND m.sender <> 'Bob'";
  request.params = {{false, 0, "\"cafe\""}};
  const auto hits = catalog.search(request);
  ASSERT_EQ(hits.size(), 4u);
  const auto marked = [](const std::string& word) {
    return std::string(1, kMatchStart) + word + kMatchEnd;
  };
  EXPECT_EQ(hits[0].message.text, "hello there");
  EXPECT_EQ(hits[0].snippet, "hello there");
  EXPECT_NE(hits[1].snippet.find(marked("cafe")), std::string::npos) << hits[1].snippet;  // name
  EXPECT_NE(hits[2].snippet.find(marked("cafe")), std::string::npos) << hits[2].snippet;
  EXPECT_NE(hits[2].snippet.find("Lisbon"), std::string::npos) << hits[2].snippet;  // caption
  EXPECT_NE(hits[3].snippet.find(marked("café")), std::string::npos) << hits[3].snippet;
}

// Relevance is bm25's: the word twice in a short text first, once in a shorter one next, once
// in a long one last, the reverse of newest first. The word index keeps no column sizes (SEARCH
// INDEX): FTS5 counts them from the hits' content, here for rows of a first run (built beside
// it) and of a later one (indexed in the catalog).
TEST_F(CatalogTest, RelevanceRanksByHowMuchOfAMessageTheWordIs) {
  import_run(catalog,
             {text_message("Ana", 1'000, "pizza"),
              text_message("Ana", 3'000,
                           "we could maybe have some pizza later if everyone agrees to it")});
  import_run(catalog, {text_message("Bo", 2'000, "pizza pizza tonight"),
                       text_message("Bo", 4'000, "nothing here")});
  SearchRequest request;
  request.where = "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1)";
  request.params = {{false, 0, "\"pizza\""}};
  request.rank_match = "\"pizza\"";
  request.sort = SearchRequest::Sort::relevance;
  const std::vector<std::string> ranked = {
      "pizza pizza tonight", "pizza",
      "we could maybe have some pizza later if everyone agrees to it"};
  EXPECT_EQ(hit_texts(catalog.search(request)), ranked);
  request.sort = SearchRequest::Sort::newest;
  EXPECT_EQ(hit_texts(catalog.search(request)),
            (std::vector<std::string>{ranked[2], ranked[0], ranked[1]}));
}

// --- search --regex ---------------------------------------------------------------------------

TEST_F(CatalogTest, RegexNarrowsTheOtherTermsAndMarksItsMatch) {
  import_run(catalog, {text_message("Ana", 1'000, "order 1234 shipped"),
                       text_message("Me", 2'000, "order abc shipped"),
                       text_message("Ana", 3'000, "invoice 5678 paid"),
                       text_message("Ana", 4'000, "Ação 42 concluída")});
  SearchRequest request;
  request.sort = SearchRequest::Sort::oldest;
  request.regex = R"(\d{4})";
  EXPECT_EQ(hit_texts(catalog.search(request)),
            (std::vector<std::string>{"order 1234 shipped", "invoice 5678 paid"}));
  EXPECT_EQ(catalog.count_matches(request), 2u);

  // With a word from the query: only candidates that have both.
  request.rank_match = "\"order\"";
  request.where = "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1)";
  request.params = {{false, 0, "\"order\""}};
  const auto hits = catalog.search(request);
  ASSERT_EQ(hit_texts(hits), (std::vector<std::string>{"order 1234 shipped"}));
  EXPECT_EQ(catalog.count_matches(request), 1u);

  // Unicode classes know every script; case-insensitive only when asked.
  SearchRequest unicode;
  unicode.regex = R"(^\w+ç\w+ \d+)";
  const auto accented = catalog.search(unicode);
  ASSERT_EQ(accented.size(), 1u);
  EXPECT_NE(accented[0].snippet.find(std::string(1, kMatchStart) + "Ação 42" + kMatchEnd),
            std::string::npos)
      << accented[0].snippet;
  unicode.regex = "INVOICE";
  EXPECT_TRUE(catalog.search(unicode).empty());
  unicode.regex = "(?i)INVOICE";
  EXPECT_EQ(catalog.search(unicode).size(), 1u);
}

TEST_F(CatalogTest, BadRegexIsAUsageErrorWithItsPosition) {
  import_run(catalog, {text_message("Ana", 1'000, "hello")});
  SearchRequest request;
  request.regex = "ab(c";
  try {
    catalog.search(request);
    FAIL() << "accepted an unbalanced pattern";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::usage);
    EXPECT_NE(std::string(e.what()).find("--regex: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at position 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(catalog.count_matches(request), Error);
}

TEST_F(CatalogTest, RunawayRegexIsAnErrorNotAHang) {
  import_run(catalog, {text_message("Ana", 1'000, std::string(40, 'a') + "!")});
  SearchRequest request;
  request.regex = "(a|aa)+(a|aa)+$";
  try {
    catalog.search(request);
    FAIL() << "a pattern that backtracks without end matched";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::usage) << e.what();
    EXPECT_NE(std::string(e.what()).find("--regex"), std::string::npos) << e.what();
  }
  // The catalog stays usable.
  request.regex = "a!";
  EXPECT_EQ(catalog.search(request).size(), 1u);
}

// --- No plaintext on disk --------------------------------------------------------------------

TEST(CatalogDisk, ImportAndReadWriteNoFile) {
  testing::ScopedWorkingDir cwd;
  Catalog catalog = Catalog::create();
  std::vector<Message> run;
  for (int i = 0; i < 2'000; ++i) {
    run.push_back(text_message(i % 2 ? "Ana" : "Bo", i * 60'000,
                               "message number " + std::to_string(i) + std::string(300, 'z')));
  }
  import_run(catalog, run);
  const PlainBytes image = catalog.serialize();
  Catalog loaded = Catalog::load(image.span());
  EXPECT_EQ(loaded.counts().messages, 2'000u);
  EXPECT_EQ(loaded.messages(loaded.conversations().at(0).id, 10, 600'000'000).size(), 10u);
  EXPECT_TRUE(testing::entries_of(cwd.path()).empty());
  EXPECT_TRUE(testing::entries_of(testing::temp_dir()).empty());
}

// A search whose ranking sorts far more than SQLite's page cache holds (sqlite_db_test checks
// raw sorts and groupings): with temp storage on disk SQLite would spill it to temporary files,
// which it unlinks at once, so the test also looks at the files the process holds open.
TEST(CatalogDisk, SearchRankingALargeResultWritesNoFile) {
  testing::ScopedWorkingDir cwd;
  Catalog catalog = Catalog::create();
  std::vector<Message> run;
  constexpr int kMessages = 20'000;
  for (int i = 0; i < kMessages; ++i) {
    // ~400 bytes each: 8 MB of rows against a 2 MB page cache.
    run.push_back(text_message(i % 7 ? "Ana" : "Bo", std::int64_t{i} * 60'000,
                               "common word " + std::to_string((i * 7919) % kMessages) +
                                   std::string(380, static_cast<char>('a' + i % 26))));
  }
  import_run(catalog, run);
  SearchRequest request;
  request.where = "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1)";
  request.params = {{false, 0, "\"common\""}};
  request.rank_match = "\"common\"";
  request.sort = SearchRequest::Sort::relevance;
  request.highlight = {"common"};
  EXPECT_EQ(catalog.search(request).size(), static_cast<std::size_t>(kMessages));
  request.sort = SearchRequest::Sort::oldest;
  request.regex = "word \\d*5[a-z]";
  EXPECT_EQ(catalog.count_matches(request), static_cast<std::uint64_t>(kMessages / 10));
  EXPECT_TRUE(testing::open_files_under(testing::temp_dir()).empty());
  EXPECT_TRUE(testing::entries_of(cwd.path()).empty());
  EXPECT_TRUE(testing::entries_of(testing::temp_dir()).empty());
}

}  // namespace
}  // namespace dmvault::catalog
