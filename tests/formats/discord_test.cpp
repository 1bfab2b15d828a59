// The Discord importer on small in-memory exports: the RFC 4180 reader of messages.csv (quoted
// line breaks, doubled quotes, CRLF, damaged files), attachment kinds, detection against the other
// platforms' exports, localised package folders, who the sender is, and errors that never carry
// message text. The golden cases (tests/data/discord) cover whole exports field by field.
#include "discord/discord_importer.hpp"
#include "discord/discord_internal.hpp"
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

namespace discord = formats::discord;
namespace fs = std::filesystem;

const fs::path kData = fs::path(DMVAULT_SOURCE_DIR) / "tests/data";

std::unique_ptr<Importer> importer() { return formats::make_discord_importer(); }

std::vector<discord::CsvRecord> read_csv(std::string_view text) {
  discord::CsvReader reader(text, "messages/c1/messages.csv");
  std::vector<discord::CsvRecord> out;
  discord::CsvRecord record;
  while (reader.next(record)) out.push_back(record);
  return out;
}

TEST(DiscordCsv, QuotedFieldsHoldLineBreaksCommasAndDoubledQuotes) {
  const std::string text =
      "ID,Timestamp,Contents,Attachments\n"
      "1,t,\"a, \"\"b\"\"\nc\",\n"
      "2,t,plain,https://x/y.png https://x/z.txt\n";
  const auto records = read_csv(text);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields,
            (std::vector<std::string>{"ID", "Timestamp", "Contents", "Attachments"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "t", "a, \"b\"\nc", ""}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].line, 4u);  // the quoted line break counts
  EXPECT_EQ(records[2].fields[3], "https://x/y.png https://x/z.txt");
  // Each record's bytes, without its line break: what the importer keeps as raw.
  EXPECT_EQ(text.substr(records[1].begin, records[1].end - records[1].begin),
            "1,t,\"a, \"\"b\"\"\nc\",");
  EXPECT_EQ(text.substr(records[2].begin, records[2].end - records[2].begin),
            "2,t,plain,https://x/y.png https://x/z.txt");
}

TEST(DiscordCsv, CrlfEmptyFieldsAndNoFinalLineBreak) {
  const auto records = read_csv("a,,\"\"\r\n\"x\r\ny\",\"\",last");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "", ""}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"x\r\ny", "", "last"}));
  EXPECT_EQ(records[1].line, 2u);
}

TEST(DiscordCsv, QuoteInsideAnUnquotedFieldIsKept) {
  const auto records = read_csv("1,say \"hi\" now,\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields[1], "say \"hi\" now");
}

TEST(DiscordCsv, UnclosedQuoteIsBadInputWithTheLineAndNoText) {
  try {
    read_csv("ID,Timestamp,Contents,Attachments\n1,t,ok,\n2,t,\"secret words\nmore");
    FAIL() << "accepted an unclosed quote";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("messages/c1/messages.csv: line 3:", 0), 0u) << what;
    EXPECT_EQ(what.find("secret"), std::string::npos) << what;
  }
}

TEST(DiscordCsv, TextAfterAClosingQuoteIsBadInput) {
  EXPECT_THROW(read_csv("1,\"a\"b,\n"), Error);
  EXPECT_NO_THROW(read_csv("1,\"a\"\r\n"));
}

TEST(DiscordLayout, AttachmentKindsFromNamesAndUrls) {
  EXPECT_EQ(discord::kind_from_name("https://cdn.discordapp.com/a/1/2/IMG.JPG?ex=1&is=2"),
            AttachmentKind::photo);
  EXPECT_EQ(discord::kind_from_name("clip.mp4"), AttachmentKind::video);
  EXPECT_EQ(discord::kind_from_name("voice-message.ogg"), AttachmentKind::audio);
  EXPECT_EQ(discord::kind_from_name("party.gif"), AttachmentKind::gif);
  EXPECT_EQ(discord::kind_from_name("notes.pdf"), AttachmentKind::file);
  EXPECT_EQ(discord::kind_from_name("README"), AttachmentKind::file);
}

TEST(DiscordLayout, SnowflakeTimes) {
  // Discord's documented example: 175928847299117063 was made 2016-04-30 11:18:25.796 UTC.
  EXPECT_EQ(discord::snowflake_ms("175928847299117063"), 1462015105796);
  EXPECT_EQ(discord::snowflake_ms("0"), 1420070400000);
  EXPECT_FALSE(discord::snowflake_ms("").has_value());
  EXPECT_FALSE(discord::snowflake_ms("12a").has_value());
  EXPECT_FALSE(discord::snowflake_ms("99999999999999999999999").has_value());
}

TEST(DiscordLayout, LooksLikeDce) {
  EXPECT_TRUE(discord::looks_like_dce("\xEF\xBB\xBF{\n  \"guild\": {}, \"channel\": {}"));
  EXPECT_FALSE(discord::looks_like_dce("{\"messages\": [], \"guild\": {}, \"channel\": {}}"));
  EXPECT_FALSE(discord::looks_like_dce("{\"guild\": {}}"));
  EXPECT_FALSE(discord::looks_like_dce(""));
  EXPECT_FALSE(discord::looks_like_dce("\x00\xFF{[\""));
}

const std::string kChannel = R"({"id": "11", "type": 1, "recipients": ["1", "2"]})";
const std::string kCsv = "ID,Timestamp,Contents,Attachments\n5,2020-05-01 10:00:00+00:00,hi,\n";

TEST(DiscordDetect, PackageUnderAnyPrefixAndLocalisedFolderNames) {
  for (const std::string dir : {"messages/c11/", "Nachrichten/c11/", "package/messages/11/"}) {
    const MemoryExport files =
        make_export({{dir + "channel.json", kChannel}, {dir + "messages.csv", kCsv}});
    EXPECT_EQ(importer()->detect(files), 100) << dir;
  }
  // A channel folder at the root, or without its channel.json, is not a package.
  EXPECT_EQ(
      importer()->detect(make_export({{"c11/channel.json", kChannel}, {"c11/messages.csv", kCsv}})),
      0);
  EXPECT_EQ(importer()->detect(make_export({{"messages/c11/messages.csv", kCsv}})), 0);
  // A folder named like a channel whose channel.json is not Discord's.
  EXPECT_EQ(importer()->detect(make_export(
                {{"messages/c11/channel.json", "[1, 2]"}, {"messages/c11/messages.csv", kCsv}})),
            0);
}

TEST(DiscordDetect, OtherPlatformsGoldenExportsAreNotClaimed) {
  std::size_t checked = 0;
  for (const std::string platform :
       {"instagram", "messenger", "telegram", "whatsapp", "signal", "sms", "x"}) {
    const fs::path dir = kData / platform;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!fs::is_directory(entry.path() / "export")) continue;
      const MemoryExport files = MemoryExport::from_directory(entry.path() / "export");
      EXPECT_EQ(importer()->detect(files), 0) << entry.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST(DiscordDetect, OtherImportersLeaveDiscordExportsAlone) {
  for (const std::string name : {"package-csv", "package-json", "dce-dm-media", "dce-guild"}) {
    const MemoryExport files = MemoryExport::from_directory(kData / "discord" / name / "export");
    EXPECT_EQ(importer()->detect(files), 100) << name;
    for (const auto& other : all_importers()) {
      if (other->name() != "discord") {
        EXPECT_EQ(other->detect(files), 0) << other->name() << " on " << name;
      }
    }
  }
}

TEST(DiscordPackage, WithoutUserJsonTheSenderIsTheSelfName) {
  const MemoryExport files =
      make_export({{"messages/c11/channel.json", kChannel}, {"messages/c11/messages.csv", kCsv}});
  ImportOptions options;
  options.self_name = "Sam";
  const RecordingSink sink = import_checked(*importer(), files, options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.sender, "Sam");
  EXPECT_EQ(m.sender_id, "");
  EXPECT_EQ(m.platform_message_id, "5");
  EXPECT_EQ(m.timestamp_ms, 1588327200000);
  EXPECT_EQ(m.raw, "5,2020-05-01 10:00:00+00:00,hi,");
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "11");
  EXPECT_FALSE(sink.conversations()[0].is_group);
  const auto people = sink.conversations()[0].participants;
  ASSERT_EQ(people.size(), 3u);
  EXPECT_TRUE(people[0].is_self);
  EXPECT_EQ(people[0].name, "Sam");
  // Which recipient id is the account's is unknown, so neither is given the DM's name.
  EXPECT_EQ(people[1].platform_id, "1");
  EXPECT_EQ(people[1].name, "");
  EXPECT_EQ(people[2].name, "");
}

TEST(DiscordPackage, RecordWithTooFewFieldsIsKeptWithAWarning) {
  const MemoryExport files =
      make_export({{"messages/c11/channel.json", kChannel},
                   {"messages/c11/messages.csv",
                    "ID,Timestamp,Contents,Attachments\n7,2020-05-01 10:00:00+00:00\n"}});
  const RecordingSink sink = import_checked(*importer(), files);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.platform_message_id, "7");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("line 2"), std::string::npos) << sink.warnings()[0].what;
}

TEST(DiscordPackage, WrongHeaderAndCutFilesAreBadInputWithoutText) {
  const std::vector<std::string> broken = {
      "Id;Date;Text\n1;2;private words\n",
      "ID,Timestamp,Contents,Attachments\n1,2020-05-01 10:00:00+00:00,\"private words"};
  for (const std::string& csv : broken) {
    const MemoryExport files =
        make_export({{"messages/c11/channel.json", kChannel}, {"messages/c11/messages.csv", csv}});
    RecordingSink sink;
    try {
      importer()->import(files, sink, {});
      ADD_FAILURE() << "accepted " << csv.size() << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("messages/c11/messages.csv: line ", 0), 0u) << what;
      EXPECT_EQ(what.find("private"), std::string::npos) << what;
    }
  }
}

TEST(DiscordDce, SeveralFilesOfOneChannelMakeOneConversation) {
  const auto file = [](const std::string& id, const std::string& text) {
    return R"({"guild": {"id": "1", "name": "G"}, "channel": {"id": "77", "type": "GuildTextChat", "name": "general"}, "messages": [{"id": ")" +
           id + R"(", "type": "Default", "timestamp": "2024-01-01T00:00:00+00:00", "content": ")" +
           text + R"(", "author": {"id": "9", "name": "kai"}}]})";
  };
  const MemoryExport files = make_export({{"G - general [77].json", file("1", "one")},
                                          {"G - general [77] [part 2].json", file("2", "two")},
                                          {"notes.json", R"({"messages": []})"}});
  const RecordingSink sink = import_checked(*importer(), files);
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].title, "general");
  EXPECT_TRUE(sink.conversations()[0].is_group);
  ASSERT_EQ(sink.messages().size(), 2u);
  EXPECT_EQ(sink.messages()[0].thread_id, "77");
  EXPECT_EQ(sink.messages()[1].thread_id, "77");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "notes.json");
}

TEST(DiscordDce, NoDiscordInputIsBadInput) {
  const MemoryExport files = make_export({{"notes.json", R"({"messages": []})"}});
  EXPECT_EQ(importer()->detect(files), 0);
  RecordingSink sink;
  EXPECT_THROW(importer()->import(files, sink, {}), Error);
}

}  // namespace
}  // namespace dmvault::test
