// The Snapchat importer on small in-memory exports: entities, media ids and their files, the two
// time fields, detection, both chat_history.json shapes, system records, errors. The golden cases
// (tests/data/snapchat/) cover whole exports field by field.
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"
#include "snapchat/snapchat_importer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dmvault::test {
namespace {

namespace snapchat = formats::snapchat;

std::unique_ptr<Importer> importer() { return formats::make_snapchat_importer(); }

std::string record(const std::string& from, const std::string& type, const std::string& content,
                   bool sender, const std::string& title = "null", const std::string& media = "") {
  return R"({"From": ")" + from + R"(", "Media Type": ")" + type +
         R"(", "Created": "2024-06-02 09:43:22 UTC", "Content": )" + content +
         R"(, "Conversation Title": )" + title + R"(, "IsSender": )" + (sender ? "true" : "false") +
         R"~(, "Created(microseconds)": 1717321402686, "IsSaved": true, "Media IDs": ")~" + media +
         "\"}";
}

TEST(SnapchatText, HtmlEntities) {
  EXPECT_EQ(formats::unescape_html_entities("it&#39;s &amp; &lt;3 &quot;x&quot; &apos;"),
            "it's & <3 \"x\" '");
  EXPECT_EQ(formats::unescape_html_entities("&#x1F600;&#128512;"), "😀😀");
  EXPECT_EQ(formats::unescape_html_entities("AT&T &nbsp; &#0; &#xD800; &bogus; &"),
            "AT&T &nbsp; &#0; &#xD800; &bogus; &");
}

TEST(SnapchatMedia, IdsAndFileNames) {
  EXPECT_EQ(snapchat::media_ids("b~abc | b~def"), (std::vector<std::string>{"b~abc", "b~def"}));
  EXPECT_EQ(snapchat::media_ids("b~abc"), (std::vector<std::string>{"b~abc"}));
  EXPECT_TRUE(snapchat::media_ids(" ").empty());
  EXPECT_EQ(snapchat::media_id_of_file("2024-04-20_b~EiQS.jpg"), "b~EiQS");
  EXPECT_EQ(snapchat::media_id_of_file("2019-02-13_media~zip-38FD.mp4"), "media~zip-38FD");
  EXPECT_EQ(snapchat::media_id_of_file("2024-04-20_b~noext"), "b~noext");
  EXPECT_EQ(snapchat::media_id_of_file("b~EiQS.jpg"), std::nullopt);
  EXPECT_EQ(snapchat::media_id_of_file("2024-04-2x_b~EiQS.jpg"), std::nullopt);
}

TEST(SnapchatTime, CreatedAndTheMisnamedMicroseconds) {
  const auto created = snapchat::parse_created("2024-04-20 01:29:22 UTC");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(*created, 1713576562000);
  EXPECT_EQ(snapchat::parse_created("2024-04-20 01:29:22"), std::nullopt);
  EXPECT_EQ(snapchat::parse_created("2024-04-20T01:29:22+02:00 UTC"), std::nullopt);
  // Real exports hold milliseconds in "Created(microseconds)"; true microseconds work too.
  EXPECT_EQ(snapchat::precise_time(1713576562686, created), 1713576562686);
  EXPECT_EQ(snapchat::precise_time(1713576562686123, created), 1713576562686);
  EXPECT_EQ(snapchat::precise_time(1713999999999, created), std::nullopt);
  EXPECT_EQ(snapchat::precise_time(1713576562686, std::nullopt), 1713576562686);
  EXPECT_EQ(snapchat::precise_time(1713576562686123, std::nullopt), 1713576562686);
  EXPECT_EQ(snapchat::precise_time(42, std::nullopt), std::nullopt);
  EXPECT_EQ(snapchat::precise_time(-5, created), std::nullopt);
}

TEST(SnapchatDetect, ChatHistoryByNameAndContent) {
  const std::string current = "{\"ana\": [" + record("ana", "TEXT", "\"hi\"", false) + "]}";
  EXPECT_EQ(importer()->detect(make_export({{"json/chat_history.json", current}})), 100);
  EXPECT_EQ(importer()->detect(
                make_export({{"json/chat_history.json", "{\"Received Saved Chat History\": []}"}})),
            100);
  EXPECT_EQ(importer()->detect(make_export({{"json/chat_history.json", "{}"}})), 50);
  EXPECT_EQ(importer()->detect(make_export({{"json/snap_history.json", current}})), 0);
  EXPECT_EQ(importer()->detect(make_export({{"messages.json", current}})), 0);
}

TEST(SnapchatImport, MediaAreLinkedToChatMediaFilesByTheirIds) {
  const std::string json =
      "{\"ana\": [" + record("sam", "MEDIA", "\"\"", true, "null", "b~one | b~two") + "]}";
  const MemoryExport files = make_export(
      {{"mydata/json/chat_history.json", json}, {"mydata/chat_media/2024-06-02_b~one.mp4", "v"}});
  const RecordingSink sink = import_checked(*importer(), files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.kind, MessageKind::media);
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].uri, "mydata/chat_media/2024-06-02_b~one.mp4");
  EXPECT_EQ(m.attachments[0].kind, AttachmentKind::video);
  EXPECT_EQ(m.attachments[1].uri, "b~two");
  EXPECT_EQ(m.timestamp_ms, 1717321402686);
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("1 media"), std::string::npos);
  const auto c = sink.conversations().at(0);
  EXPECT_FALSE(c.is_group);
  ASSERT_EQ(c.participants.size(), 2u);
  EXPECT_EQ(c.participants[0].name, "ana");
  EXPECT_FALSE(c.participants[0].is_self);
  EXPECT_TRUE(c.participants[1].is_self);
}

TEST(SnapchatImport, GroupsAreNamedByTheirTitleAndStatusRecordsAreSystem) {
  const std::string json = "{\"0b1c-group\": [" +
                           record("bo", "TEXT", "\"hey &amp; ho\"", false, "\"Staff\"") + ", " +
                           record("ana", "STATUSERASEDMESSAGE", "\"\"", false, "\"Staff\"") + ", " +
                           record("ana", "STATUSWHATEVER", "null", false, "\"Staff\"") + "]}";
  const RecordingSink sink =
      import_checked(*importer(), make_export({{"json/chat_history.json", json}}));
  const auto c = sink.conversations().at(0);
  EXPECT_EQ(c.thread_id, "0b1c-group");
  EXPECT_EQ(c.title, "Staff");
  EXPECT_TRUE(c.is_group);
  // The group id is no participant.
  ASSERT_EQ(c.participants.size(), 2u);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.text, "hey & ho");
  EXPECT_EQ(messages[1].message.kind, MessageKind::system);
  EXPECT_EQ(messages[1].message.text, "erased a message");
  EXPECT_EQ(messages[2].message.text, "(STATUSWHATEVER)");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("unknown Media Type"), std::string::npos);
}

TEST(SnapchatImport, LegacyListsAreSplitByFriend) {
  const std::string json = R"({"Received Saved Chat History": [
    {"From": "ana", "Media Type": "TEXT", "Created": "2022-07-22 19:28:21 UTC", "Text": "one"},
    {"From": "bo", "Media Type": "TEXT", "Created": "2022-07-22 19:29:00 UTC", "Text": "two"}],
   "Sent Saved Chat History": [
    {"To": "ana", "Media Type": "TEXT", "Created": "2022-07-22 19:30:00 UTC", "Text": "three"}]})";
  const RecordingSink sink =
      import_checked(*importer(), make_export({{"json/chat_history.json", json}}));
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[0].thread_id, "ana");
  EXPECT_EQ(conversations[1].thread_id, "bo");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].thread_id, "ana");
  EXPECT_EQ(messages[1].thread_id, "ana");
  EXPECT_EQ(messages[1].message.text, "three");
  EXPECT_EQ(messages[1].message.sender, "Me");
  EXPECT_EQ(messages[2].message.sender, "bo");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1658518101000);
}

TEST(SnapchatImport, DamagedJsonIsBadInputNamingTheFile) {
  const std::string json = "{\"ana\": [" + record("ana", "TEXT", "\"secret words\"", false);
  RecordingSink sink;
  try {
    importer()->import(make_export({{"json/chat_history.json", json}}), sink, {});
    ADD_FAILURE() << "a cut file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind("json/chat_history.json:", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
  EXPECT_THROW(importer()->import(make_export({{"json/chat_history.json", "[]"}}), sink, {}),
               Error);
  EXPECT_THROW(importer()->import(make_export({{"json/other.json", "{}"}}), sink, {}), Error);
}

}  // namespace
}  // namespace dmvault::test
