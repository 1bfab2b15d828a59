// The iMessage importer's decoders (Apple times, the attributedBody typedstream, tapback GUIDs,
// attachment paths) and its reading of chat.db databases built in memory: tapbacks folded into
// reactions, a write-ahead log beside the database, damaged and foreign databases.
#include "dmvault/error.hpp"
#include "formats/memory_export.hpp"
#include "formats/sqlite_image.hpp"
#include "imessage/imessage_importer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace dmvault::test {
namespace {

using formats::imessage::apple_time_ms;
using formats::imessage::attachments_key;
using formats::imessage::attributed_body_text;
using formats::imessage::parse_tapback_target;
using formats::imessage::tapback_reaction;

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::string length_bytes(std::size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  return std::string("\x81") + static_cast<char>(n & 0xFF) + static_cast<char>(n >> 8);
}

// An attributedBody as NSArchiver writes it for `text` (declaring `declared` bytes).
std::string typedstream(const std::string& text, std::size_t declared,
                        const std::string& string_class = "NSString") {
  std::string out("\x04\x0bstreamtyped\x81\xe8\x03\x84\x01\x40\x84\x84\x84", 22);
  out += "\x19NSMutableAttributedString";
  out += std::string("\x00\x84\x84\x12", 4) + "NSAttributedString";
  out += std::string("\x00\x84\x84\x08", 4) + "NSObject";
  out += std::string("\x00\x85\x92\x84\x84\x84", 6);
  out += static_cast<char>(string_class.size()) + string_class;
  out += std::string("\x01\x94\x84\x01\x2b", 5) + length_bytes(declared) + text;
  out += std::string("\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x86\x86", 27);
  return out;
}

std::string typedstream(const std::string& text) { return typedstream(text, text.size()); }

TEST(IMessageTimeTest, SecondsAndNanosecondsSince2001) {
  EXPECT_EQ(apple_time_ms(0), std::nullopt);
  // 2024-06-02T09:43:22Z = 739014202 s after 2001-01-01.
  EXPECT_EQ(apple_time_ms(739014202), 1717321402000);
  EXPECT_EQ(apple_time_ms(739014202123456789), 1717321402123);
  EXPECT_EQ(apple_time_ms(1), 978307201000);
  EXPECT_EQ(apple_time_ms(-86400), 978220800000);  // the day before the epoch
}

TEST(IMessageBodyTest, ReadsTheStringOfAnAttributedString) {
  const auto blob = bytes_of(typedstream("Yes \xF0\x9F\x98\x80 see you"));
  const auto body = attributed_body_text(blob);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->text, "Yes \xF0\x9F\x98\x80 see you");
  EXPECT_FALSE(body->repaired);
}

TEST(IMessageBodyTest, ReadsLongStringsAndMutableStrings) {
  const std::string long_text(300, 'x');
  const auto body = attributed_body_text(bytes_of(typedstream(long_text)));
  ASSERT_TRUE(body);
  EXPECT_EQ(body->text, long_text);
  const auto mutable_body = attributed_body_text(bytes_of(typedstream("ok", 2, "NSMutableString")));
  ASSERT_TRUE(mutable_body);
  EXPECT_EQ(mutable_body->text, "ok");
}

TEST(IMessageBodyTest, ALengthPastTheBlobIsRepaired) {
  const auto body = attributed_body_text(bytes_of(typedstream("Running late", 300)));
  ASSERT_TRUE(body);
  EXPECT_EQ(body->text, "Running late");
  EXPECT_TRUE(body->repaired);
}

TEST(IMessageBodyTest, InvalidUtf8BecomesReplacementCharacters) {
  const auto body =
      attributed_body_text(bytes_of(typedstream("a\xFF"
                                                "b")));
  ASSERT_TRUE(body);
  EXPECT_EQ(body->text,
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(body->repaired);
}

TEST(IMessageBodyTest, NotATypedstreamOrNoString) {
  EXPECT_FALSE(attributed_body_text({}));
  EXPECT_FALSE(attributed_body_text(bytes_of("\x00\x01\x02")));
  EXPECT_FALSE(attributed_body_text(bytes_of(std::string("\x04\x0bstreamtyped\x81\xe8\x03", 16))));
  // The class without the '+' type encoding after it.
  EXPECT_FALSE(attributed_body_text(bytes_of(std::string("\x04\x0bstreamtyped\x08NSString", 22))));
}

// Every prefix and many random corruptions of a valid blob: never a read past the end (ASan),
// never more text than the blob holds.
TEST(IMessageBodyTest, GarbageNeverCrashes) {
  const std::string whole = typedstream(std::string(200, 'y'));
  for (std::size_t n = 0; n <= whole.size(); ++n) {
    const std::vector<std::uint8_t> prefix(whole.begin(),
                                           whole.begin() + static_cast<std::ptrdiff_t>(n));
    const auto body = attributed_body_text(prefix);
    if (body) {
      EXPECT_LE(body->text.size(), n);
    }
  }
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> blob = bytes_of(whole);
    for (int flips = 0; flips < 4; ++flips) {
      blob[random() % blob.size()] = static_cast<std::uint8_t>(random());
    }
    blob.resize(random() % (blob.size() + 1));
    const auto body = attributed_body_text(blob);
    if (body) {
      EXPECT_LE(body->text.size(), blob.size() * 3);
    }
  }
}

TEST(IMessageTapbackTest, TargetsAndReactions) {
  const auto part = parse_tapback_target("p:2/ABC-1");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->guid, "ABC-1");
  EXPECT_EQ(part->part, 2);
  const auto balloon = parse_tapback_target("bp:ABC-2");
  ASSERT_TRUE(balloon);
  EXPECT_EQ(balloon->guid, "ABC-2");
  EXPECT_EQ(balloon->part, 0);
  EXPECT_EQ(parse_tapback_target("ABC-3")->guid, "ABC-3");
  EXPECT_FALSE(parse_tapback_target("p:x/ABC"));
  EXPECT_FALSE(parse_tapback_target("p:0/"));
  EXPECT_FALSE(parse_tapback_target(""));

  EXPECT_EQ(tapback_reaction(2000, ""), "\xE2\x9D\xA4\xEF\xB8\x8F");
  EXPECT_EQ(tapback_reaction(3001, ""), "\xF0\x9F\x91\x8D");
  EXPECT_EQ(tapback_reaction(2005, ""), "\xE2\x9D\x93");
  EXPECT_EQ(tapback_reaction(2006, "\xF0\x9F\x94\xA5"), "\xF0\x9F\x94\xA5");
  EXPECT_EQ(tapback_reaction(2006, ""), "emoji");
  EXPECT_EQ(tapback_reaction(2007, ""), "sticker");
  EXPECT_EQ(tapback_reaction(0, ""), "");
  EXPECT_EQ(tapback_reaction(1000, ""), "");
  EXPECT_EQ(tapback_reaction(2008, ""), "");
}

TEST(IMessageAttachmentTest, PathsFromTheAttachmentsFolder) {
  EXPECT_EQ(attachments_key("~/Library/Messages/Attachments/ab/11/G/IMG_1.HEIC"),
            "Attachments/ab/11/G/IMG_1.HEIC");
  EXPECT_EQ(attachments_key("/var/mobile/Library/SMS/Attachments/ab/11/G/a.jpg"),
            "Attachments/ab/11/G/a.jpg");
  EXPECT_EQ(attachments_key("Messages/Attachments/ab/11/G/IMG_1.HEIC"),
            "Attachments/ab/11/G/IMG_1.HEIC");
  EXPECT_EQ(attachments_key("MyAttachments/a.jpg"), "");
  EXPECT_EQ(attachments_key("Attachments/"), "");
  EXPECT_EQ(attachments_key("photo.jpg"), "");
}

const char* const kSchema =
    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, "
    "service TEXT NOT NULL);"
    "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
    "style INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT);"
    "CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);"
    "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
    "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
    "text TEXT, handle_id INTEGER DEFAULT 0, date INTEGER, is_from_me INTEGER DEFAULT 0, "
    "associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0);"
    "INSERT INTO handle VALUES (1, 'ana@example.com', 'iMessage'), (2, 'sam@example.com', "
    "'iMessage');"
    "INSERT INTO chat VALUES (1, 'iMessage;+;chat1', 43, 'chat1', 'iMessage', 'Trip');"
    "INSERT INTO chat_handle_join VALUES (1, 1), (1, 2);";

// One chat holding message rows given as "(ROWID, guid, text, handle_id, date, is_from_me,
// associated_message_guid, associated_message_type)" tuples.
MemoryExport chat_export(const std::string& rows, std::size_t count) {
  std::string sql = kSchema;
  sql += "INSERT INTO message VALUES " + rows + ";";
  for (std::size_t i = 1; i <= count; ++i) {
    sql += "INSERT INTO chat_message_join VALUES (1, " + std::to_string(i) + ");";
  }
  MemoryExport e;
  e.add("chat.db", sqlite_image(sql));
  return e;
}

RecordingSink import(const MemoryExport& files, const ImportOptions& options = {}) {
  RecordingSink sink;
  formats::make_imessage_importer()->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty());
  return sink;
}

TEST(IMessageImportTest, TapbacksBecomeOneReactionPerPersonAndPart) {
  const MemoryExport files = chat_export(
      "(1, 'M1', 'Lisbon or Porto?', 1, 739014202, 0, NULL, 0),"
      // sam likes, then changes to a laugh (replaces), ana loves then removes it,
      // the owner questions part 1 (another part: kept apart).
      "(2, 'T1', 'Liked', 2, 739014210, 0, 'p:0/M1', 2001),"
      "(3, 'T2', 'Laughed', 2, 739014220, 0, 'p:0/M1', 2003),"
      "(4, 'T3', 'Loved', 1, 739014230, 0, 'p:0/M1', 2000),"
      "(5, 'T4', 'Removed', 1, 739014240, 0, 'p:0/M1', 3000),"
      "(6, 'T5', 'Questioned', 0, 739014250, 1, 'p:1/M1', 2005),"
      // a removal of a different kind than the actor's tapback leaves it
      "(7, 'T6', 'Removed a like', 2, 739014260, 0, 'p:0/M1', 3001)",
      7);
  ImportOptions options;
  options.self_name = "Rui";
  const RecordingSink sink = import(files, options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.text, "Lisbon or Porto?");
  EXPECT_EQ(m.platform_message_id, "M1");
  ASSERT_EQ(m.reactions.size(), 2u);
  EXPECT_EQ(m.reactions[0].actor, "sam@example.com");
  EXPECT_EQ(m.reactions[0].reaction, "\xF0\x9F\x98\x82");
  EXPECT_EQ(m.reactions[0].timestamp_ms, 1717321420000);
  EXPECT_EQ(m.reactions[1].actor, "Rui");
  EXPECT_EQ(m.reactions[1].reaction, "\xE2\x9D\x93");
  // Every tapback row stays in the target's raw.
  for (const char* guid : {"T1", "T2", "T3", "T4", "T5", "T6"}) {
    EXPECT_NE(m.raw.find(std::string("\"guid\":\"") + guid + "\""), std::string::npos) << guid;
  }
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].thread_id, "chat1");
  EXPECT_EQ(conversations[0].title, "Trip");
  EXPECT_TRUE(conversations[0].is_group);
  ASSERT_EQ(conversations[0].participants.size(), 3u);
  EXPECT_TRUE(conversations[0].participants[2].is_self);
  EXPECT_EQ(conversations[0].participants[2].name, "Rui");
}

TEST(IMessageImportTest, AWriteAheadLogBesideTheDatabaseIsReported) {
  MemoryExport files = chat_export("(1, 'M1', 'oi', 1, 739014202, 0, NULL, 0)", 1);
  files.add("chat.db-wal", std::string(64, '\0'));
  files.add("chat.db-shm", std::string(64, '\0'));
  const RecordingSink sink = import(files);
  EXPECT_EQ(sink.messages().size(), 1u);
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].path, "chat.db-wal");
}

TEST(IMessageImportTest, DetectsDatabasesByNameAndHeader) {
  const auto importer = formats::make_imessage_importer();
  const MemoryExport files = chat_export("(1, 'M1', 'oi', 1, 739014202, 0, NULL, 0)", 1);
  EXPECT_EQ(importer->detect(files), 100);
  MemoryExport renamed;
  renamed.add("backup/sms.db", files.bytes("chat.db"));
  EXPECT_EQ(importer->detect(renamed), 100);
  MemoryExport other;
  other.add("photos.db", files.bytes("chat.db"));
  EXPECT_EQ(importer->detect(other), 0);
  MemoryExport text;
  text.add("chat.db", "not a database at all");
  EXPECT_EQ(importer->detect(text), 0);
}

TEST(IMessageImportTest, ForeignAndDamagedDatabasesAreBadInput) {
  const auto importer = formats::make_imessage_importer();
  const auto expect_bad_input = [&](const MemoryExport& files, const std::string& what) {
    RecordingSink sink;
    try {
      importer->import(files, sink, {});
      ADD_FAILURE() << what << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input) << what;
      EXPECT_EQ(std::string(e.what()).rfind("chat.db: ", 0), 0u) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
  };
  MemoryExport foreign;
  foreign.add("chat.db", sqlite_image("CREATE TABLE notes (body TEXT);"
                                      "INSERT INTO notes VALUES ('secret');"));
  expect_bad_input(foreign, "no message table");

  const MemoryExport good = chat_export("(1, 'M1', 'secret words', 1, 739014202, 0, NULL, 0)", 1);
  const std::string whole = good.bytes("chat.db");
  MemoryExport cut;
  cut.add("chat.db", whole.substr(0, whole.size() - 1024));
  expect_bad_input(cut, "a missing page");
  // A page of the message table overwritten: SQLite's own checks refuse it.
  std::string smashed = whole;
  for (std::size_t i = 4096; i < smashed.size(); ++i) smashed[i] = '\x7f';
  MemoryExport broken;
  broken.add("chat.db", smashed);
  expect_bad_input(broken, "pages overwritten");
}

// Random corruption of a small database never crashes the importer: each attempt either imports
// or fails with Error(bad_input).
TEST(IMessageImportTest, CorruptDatabasesNeverCrash) {
  const MemoryExport good = chat_export(
      "(1, 'M1', 'oi', 1, 739014202, 0, NULL, 0), (2, 'T1', 'Liked', 2, 739014210, 0, "
      "'p:0/M1', 2001)",
      2);
  const std::string whole = good.bytes("chat.db");
  std::mt19937 random(7);
  const auto importer = formats::make_imessage_importer();
  for (int round = 0; round < 200; ++round) {
    std::string bytes = whole;
    for (int flips = 0; flips < 8; ++flips) {
      bytes[100 + random() % (bytes.size() - 100)] = static_cast<char>(random());
    }
    MemoryExport files;
    files.add("chat.db", bytes);
    RecordingSink sink;
    try {
      importer->import(files, sink, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input) << e.what();
    }
  }
}

}  // namespace
}  // namespace dmvault::test
