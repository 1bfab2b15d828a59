// The X (Twitter) importer on small in-memory archives: file names, the JavaScript wrapper, the
// top-level split, HTML entities, detection, who is the owner, links, media, reactions (inline
// and as separate events), group events, header-only archives, parts, errors; and the real
// archive of ../shared/fixtures when present. The golden cases (tests/data/x/) cover whole
// archives field by field.
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"
#include "x/x_importer.hpp"
#include "x/x_internal.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

namespace x = formats::x;

std::unique_ptr<Importer> importer() { return formats::make_x_importer(); }

RecordingSink import_all(const MemoryExport& files, const ImportOptions& options = {}) {
  return import_checked(*importer(), files, options);
}

// A JS file of the archive: "window.YTD.<name>.part<part> = [ <conversations> ]".
std::string js_file(const std::string& name, const std::vector<std::string>& conversations,
                    unsigned part = 0) {
  std::string out = "window.YTD." + name + ".part" + std::to_string(part) + " = [\n";
  for (std::size_t i = 0; i < conversations.size(); ++i) {
    out += conversations[i] + (i + 1 < conversations.size() ? ",\n" : "\n");
  }
  return out + "]";
}

std::string conversation(const std::string& id, const std::vector<std::string>& events) {
  std::string out = R"({"dmConversation": {"conversationId": ")" + id + R"(", "messages": [)";
  for (std::size_t i = 0; i < events.size(); ++i) out += (i ? ",\n" : "\n") + events[i];
  return out + "]}}";
}

std::string message(const std::string& id, const std::string& sender, const std::string& text,
                    const std::string& extra = "") {
  return R"({"messageCreate": {"id": ")" + id + R"(", "senderId": ")" + sender + R"(", "text": ")" +
         text + R"(", "createdAt": "2024-06-02T10:00:00.000Z")" +
         (extra.empty() ? "" : ", " + extra) + "}}";
}

const std::string kAccount = R"(window.YTD.account.part0 = [ {"account": {"username": "samw",
  "accountId": "11", "accountDisplayName": "Sam Weber"}} ])";

MemoryExport archive(const std::string& dm_file, bool with_account = true) {
  MemoryExport e;
  e.add("data/direct-messages.js", dm_file);
  if (with_account) e.add("data/account.js", kAccount);
  return e;
}

TEST(XFilesTest, ClassifiesTheArchiveFileNames) {
  const auto plain = x::classify_dm_file("direct-messages.js");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->kind, x::FileKind::messages);
  EXPECT_EQ(plain->part, 0u);
  const auto part = x::classify_dm_file("direct-messages-part12.js");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->kind, x::FileKind::messages);
  EXPECT_EQ(part->part, 12u);
  EXPECT_EQ(x::classify_dm_file("direct-messages-group-part1.js")->kind,
            x::FileKind::group_messages);
  EXPECT_EQ(x::classify_dm_file("direct-message-headers.js")->kind, x::FileKind::headers);
  EXPECT_EQ(x::classify_dm_file("direct-message-group-headers-part2.js")->kind,
            x::FileKind::group_headers);
  EXPECT_FALSE(x::classify_dm_file("direct-message-mute.js"));
  EXPECT_FALSE(x::classify_dm_file("direct-messages.json"));
  EXPECT_FALSE(x::classify_dm_file("tweets.js"));
  EXPECT_FALSE(x::classify_dm_file("direct-messages-partx.js"));
}

TEST(XFilesTest, FindsTheJsonAfterTheAssignment) {
  EXPECT_EQ(x::js_payload_start("window.YTD.direct_messages.part0 = [ ]"), 34u);
  EXPECT_EQ(x::js_payload_start("window.YTD.direct_messages.part3=[]"), 33u);
  EXPECT_EQ(x::js_payload_start("\xEF\xBB\xBF\nwindow.__THAR_CONFIG = {}"), 26u);
  EXPECT_FALSE(x::js_payload_start("[ ]"));
  EXPECT_FALSE(x::js_payload_start("window.alert('x') = 1"));
  EXPECT_FALSE(x::js_payload_start("window.YTD.direct_messages.part0"));
}

TEST(XFilesTest, SplitsTheTopLevelArrayOutsideStrings) {
  const std::string text = R"(x = [ {"a": "]}[{\""}, {"b": [1, {"c": 2}]} ];)";
  const auto spans = x::split_top_array("f.js", text, 3);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(text.substr(spans[0].first, spans[0].second - spans[0].first), R"({"a": "]}[{\""})");
  EXPECT_EQ(text.substr(spans[1].first, spans[1].second - spans[1].first),
            R"({"b": [1, {"c": 2}]})");
  EXPECT_TRUE(x::split_top_array("f.js", "[ ]", 0).empty());
}

TEST(XFilesTest, RefusesACutOrMalformedArrayNamingFileAndByte) {
  for (const std::string& bad : {std::string(R"([ {"a": 1}, {"b": )"), std::string("[ {} {} ]"),
                                 std::string(R"([ {"a": "x)"), std::string("[ {} ] trailing"),
                                 std::string(""), std::string("{}")}) {
    try {
      x::split_top_array("data/direct-messages.js", bad, 0);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).rfind("data/direct-messages.js: byte ", 0), 0u) << e.what();
    }
  }
}

TEST(XFilesTest, UnescapesHtmlEntities) {
  EXPECT_EQ(formats::unescape_html_entities("fish &amp; chips &lt;3 &gt; &quot;a&quot; it&#39;s"),
            "fish & chips <3 > \"a\" it's");
  EXPECT_EQ(formats::unescape_html_entities("&#x1F600; &#233; &apos;"), "😀 é '");
  // Not entities: left as written, and never unescaped twice.
  EXPECT_EQ(formats::unescape_html_entities("AT&T &amp;amp; &#0; &#xD800; &nbsp; & &#;"),
            "AT&T &amp; &#0; &#xD800; &nbsp; & &#;");
}

TEST(XImporterTest, DetectsArchivesAndNothingElse) {
  EXPECT_EQ(importer()->detect(archive(js_file("direct_messages", {}))), 100);
  MemoryExport headers;
  headers.add("twitter-2024/data/direct-message-headers.js", js_file("direct_message_headers", {}));
  EXPECT_EQ(importer()->detect(headers), 100);
  MemoryExport other;
  other.add("data/direct-messages.js", "{\"messages\": []}");
  EXPECT_EQ(importer()->detect(other), 0);
  MemoryExport tweets;
  tweets.add("data/tweets.js", "window.YTD.tweets.part0 = []");
  EXPECT_EQ(importer()->detect(tweets), 0);
}

TEST(XImporterTest, OwnerFromAccountJsOthersAsTheirIds) {
  const auto sink = import_all(archive(
      js_file("direct_messages",
              {conversation("11-22", {message("3", "22", "oi"), message("2", "11", "hey")})})));
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  const Conversation& c = conversations[0];
  EXPECT_EQ(c.platform, "x");
  EXPECT_EQ(c.thread_id, "11-22");
  EXPECT_EQ(c.title, "@22");
  EXPECT_FALSE(c.is_group);
  ASSERT_EQ(c.participants.size(), 2u);
  EXPECT_EQ(c.participants[0].name, "Sam Weber");
  EXPECT_EQ(c.participants[0].platform_id, "11");
  EXPECT_TRUE(c.participants[0].is_self);
  EXPECT_EQ(c.participants[1].name, "@22");
  EXPECT_FALSE(c.participants[1].is_self);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  // File order (newest first), as the archive lists them.
  EXPECT_EQ(messages[0].message.text, "oi");
  EXPECT_EQ(messages[0].message.sender, "@22");
  EXPECT_EQ(messages[0].message.sender_id, "22");
  EXPECT_EQ(messages[0].message.platform_message_id, "3");
  EXPECT_EQ(messages[1].message.sender, "Sam Weber");
  EXPECT_EQ(messages[1].message.timestamp_ms, 1717322400000);
}

TEST(XImporterTest, OwnerInferredFromOneToOneConversationIdsOrGiven) {
  const std::string file =
      js_file("direct_messages", {conversation("11-22", {message("1", "22", "a")}),
                                  conversation("11-33", {message("2", "11", "b")})});
  const auto inferred = import_all(archive(file, false));
  for (const auto& c : inferred.conversations()) {
    ASSERT_EQ(c.participants.size(), 2u);
    EXPECT_TRUE(c.participants[0].is_self) << c.thread_id;
    EXPECT_EQ(c.participants[0].name, "@11");
  }
  // One conversation alone does not tell who is the owner; --self with an id does.
  const std::string one = js_file("direct_messages", {conversation("11-22", {})});
  const auto alone = import_all(archive(one, false)).conversations();
  ASSERT_EQ(alone.size(), 1u);
  for (const auto& p : alone[0].participants) {
    EXPECT_FALSE(p.is_self);
  }
  ImportOptions options;
  options.self_name = "22";
  const auto given = import_all(archive(one, false), options).conversations()[0];
  EXPECT_FALSE(given.participants[0].is_self);
  EXPECT_TRUE(given.participants[1].is_self);
  EXPECT_EQ(given.title, "@11");
}

TEST(XImporterTest, KeepsTCoLinksAndRecordsTheirExpansions) {
  const auto sink = import_all(archive(
      js_file("direct_messages",
              {conversation("11-22", {message("1", "22", "see https://t.co/a &amp; https://t.co/b",
                                              R"("urls": [{"url": "https://t.co/a", "expanded":
                                      "https://example.org/x", "display": "example.org/x"},
                                      {"url": "https://t.co/b", "expanded": "https://b.example/y",
                                      "display": "b.example/y"}])")})})));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.text, "see https://t.co/a & https://t.co/b");
  ASSERT_TRUE(m.share);
  EXPECT_EQ(m.share->link, "https://example.org/x");
  EXPECT_EQ(m.share->text, "https://b.example/y");
  EXPECT_EQ(m.kind, MessageKind::text);
}

TEST(XImporterTest, MediaLinkedToTheArchiveFilesOrKeptAsUrls) {
  MemoryExport e = archive(js_file(
      "direct_messages",
      {conversation(
          "11-22",
          {message("500", "11", "pic https://t.co/m",
                   R"("mediaUrls": ["https://ton.twitter.com/dm/500/600/AbC.jpg"])"),
           message("501", "11", "",
                   R"("mediaUrls": ["https://video.twimg.com/dm_video/7/vid/1x1/Zz.mp4?tag=1"])"),
           message("502", "11", "",
                   R"("mediaUrls": ["https://video.twimg.com/dm_gif/8/Gg.mp4"])")})}));
  e.add("data/direct_messages_media/500-AbC.jpg", "jpeg");
  e.add("data/direct_messages_media/502-Other.mp4", "gif as mp4");
  const auto sink = import_all(e);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  const Message& photo = messages[0].message;
  EXPECT_EQ(photo.kind, MessageKind::media);
  EXPECT_EQ(photo.text, "pic https://t.co/m");
  ASSERT_EQ(photo.attachments.size(), 1u);
  EXPECT_EQ(photo.attachments[0].uri, "data/direct_messages_media/500-AbC.jpg");
  EXPECT_EQ(photo.attachments[0].name, "500-AbC.jpg");
  EXPECT_EQ(photo.attachments[0].kind, AttachmentKind::photo);
  const Attachment& video = messages[1].message.attachments.at(0);
  EXPECT_EQ(video.uri, "https://video.twimg.com/dm_video/7/vid/1x1/Zz.mp4?tag=1");
  EXPECT_EQ(video.kind, AttachmentKind::video);
  // The only local file of the message, though its name differs from the URL's.
  const Attachment& gif = messages[2].message.attachments.at(0);
  EXPECT_EQ(gif.uri, "data/direct_messages_media/502-Other.mp4");
  EXPECT_EQ(gif.kind, AttachmentKind::gif);
  bool warned = false;
  for (const auto& w : sink.warnings()) {
    if (w.what.find("1 media file(s)") != std::string::npos) {
      warned = true;
      EXPECT_EQ(w.path, "data/direct-messages.js");
    }
  }
  EXPECT_TRUE(warned);
}

TEST(XImporterTest, InlineAndSeparateReactions) {
  const auto sink = import_all(archive(js_file(
      "direct_messages",
      {conversation(
          "11-22",
          {R"({"reactionCreate": {"senderId": "22", "reactionKey": "funny", "eventId": "1",
               "createdAt": "2024-06-02T10:05:00.000Z"}})",
           message("1", "11", "joke",
                   R"("reactions": [{"senderId": "22", "reactionKey": "like", "eventId": "9",
                      "createdAt": "2024-06-02T10:01:00.000Z"}])"),
           R"({"reactionCreate": {"senderId": "22", "reactionKey": "sad", "eventId": "404",
               "createdAt": "2024-06-02T09:00:00.000Z"}})"})})));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.text, "joke");
  ASSERT_EQ(m.reactions.size(), 2u);
  EXPECT_EQ(m.reactions[0].actor, "@22");
  EXPECT_EQ(m.reactions[0].reaction, "like");
  EXPECT_EQ(m.reactions[0].timestamp_ms, 1717322460000);
  EXPECT_EQ(m.reactions[1].reaction, "funny");
  EXPECT_EQ(m.reactions[1].timestamp_ms, 1717322700000);
  // A reaction to a message the archive does not have: kept as a system record, with a warning.
  const Message& orphan = messages[1].message;
  EXPECT_EQ(orphan.kind, MessageKind::system);
  EXPECT_EQ(orphan.text, "@22 reacted sad to a message that is not in this archive");
  EXPECT_EQ(orphan.sender_id, "22");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("message 404"), std::string::npos);
}

TEST(XImporterTest, GroupEventsBecomeSystemMessages) {
  MemoryExport e;
  e.add("data/account.js", kAccount);
  e.add("data/direct-messages-group.js",
        js_file("direct_messages_group",
                {conversation("777", {R"({"participantsLeave": {"userIds": ["11"],
                              "createdAt": "2024-06-03T00:00:00.000Z"}})",
                                      R"({"conversationNameUpdate": {"initiatingUserId": "22",
                              "name": "Ana &amp; co", "createdAt": "2024-06-02T12:00:00.000Z"}})",
                                      R"({"participantsJoin": {"initiatingUserId": "22",
                              "userIds": ["33", "44"], "createdAt": "2024-06-02T11:00:00.000Z"}})",
                                      R"({"joinConversation": {"initiatingUserId": "22",
                              "participantsSnapshot": ["11", "22"],
                              "createdAt": "2024-06-02T10:00:00.000Z"}})"})}));
  const auto sink = import_all(e);
  const Conversation c = sink.conversations().at(0);
  EXPECT_TRUE(c.is_group);
  EXPECT_EQ(c.title, "Ana &amp; co");  // names are not documented as escaped: kept as written
  EXPECT_FALSE(c.still_participant);   // the newest event about the owner is a leave
  ASSERT_EQ(c.participants.size(), 4u);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 4u);
  for (const auto& r : messages) EXPECT_EQ(r.message.kind, MessageKind::system);
  EXPECT_EQ(messages[0].message.text, "Sam Weber left the conversation");
  EXPECT_EQ(messages[1].message.text, "@22 named the conversation \"Ana &amp; co\"");
  EXPECT_EQ(messages[1].message.sender_id, "22");
  EXPECT_EQ(messages[2].message.text, "@22 added @33, @44");
  EXPECT_EQ(messages[3].message.text,
            "@22 added Sam Weber to the conversation (members: "
            "Sam Weber, @22)");
}

TEST(XImporterTest, UnknownEventsAndBadFieldsAreKeptWithAWarning) {
  const auto sink = import_all(archive(
      js_file("direct_messages",
              {conversation("11-22", {R"({"callEnded": {"createdAt": "2024-06-02T10:00:00Z"}})",
                                      R"({"messageCreate": {"id": "5", "senderId": "22",
                                         "text": 7, "createdAt": "yesterday"}})",
                                      R"("not an event")"})})));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.kind, MessageKind::system);
  EXPECT_EQ(messages[0].message.timestamp_ms, 1717322400000);
  EXPECT_EQ(messages[0].message.text, "(callEnded)");
  // No usable time: the previous event's.
  EXPECT_EQ(messages[1].message.timestamp_ms, 1717322400000);
  EXPECT_EQ(messages[1].message.platform_message_id, "5");
  EXPECT_EQ(messages[2].message.raw, R"("not an event")");
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[0].what.find("\"callEnded\" is not understood"), std::string::npos);
  EXPECT_NE(warnings[1].what.find("text is not a string"), std::string::npos);
  EXPECT_NE(warnings[1].what.find("createdAt is not an ISO-8601 time"), std::string::npos);
  for (const auto& w : warnings) EXPECT_EQ(w.path, "data/direct-messages.js");
}

TEST(XImporterTest, HeadersOnlyWhenTheFullFileIsMissing) {
  const std::string headers =
      js_file("direct_message_headers",
              {conversation("11-22", {R"({"messageCreate": {"id": "1", "senderId": "22",
                                 "recipientId": "11", "createdAt": "2024-06-02T10:00:00Z"}})"})});
  MemoryExport both =
      archive(js_file("direct_messages", {conversation("11-22", {message("1", "22", "oi")})}));
  both.add("data/direct-message-headers.js", headers);
  const auto full = import_all(both);
  ASSERT_EQ(full.messages().size(), 1u);
  EXPECT_EQ(full.messages()[0].message.text, "oi");
  ASSERT_EQ(full.warnings().size(), 1u);
  EXPECT_EQ(full.warnings()[0].path, "data/direct-message-headers.js");

  MemoryExport only;
  only.add("data/account.js", kAccount);
  only.add("data/direct-message-headers.js", headers);
  const auto sink = import_all(only);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const Message& m = messages[0].message;
  EXPECT_EQ(m.text, "");
  EXPECT_EQ(m.sender, "@22");
  EXPECT_EQ(m.kind, MessageKind::text);
  // No platform id: a later import of the full archive must add the texts, not drop them as
  // the same messages.
  EXPECT_EQ(m.platform_message_id, "");
}

TEST(XImporterTest, PartsAreReadInOrderAndAConversationAnnouncedOnce) {
  MemoryExport e;
  e.add("data/direct-messages-part1.js",
        js_file("direct_messages", {conversation("11-22", {message("1", "22", "older")})}, 1));
  e.add("data/direct-messages.js",
        js_file("direct_messages", {conversation("11-22", {message("2", "11", "newer")})}));
  e.add("data/account.js", kAccount);
  const auto sink = import_all(e);
  EXPECT_EQ(sink.conversations().size(), 1u);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.text, "newer");
  EXPECT_EQ(messages[0].message.source_path, "data/direct-messages.js");
  EXPECT_EQ(messages[1].message.text, "older");
  EXPECT_EQ(messages[1].message.source_path, "data/direct-messages-part1.js");
}

TEST(XImporterTest, DamagedFilesAreBadInputWithoutMessageText) {
  const std::string whole =
      js_file("direct_messages", {conversation("11-22", {message("1", "22", "segredo"),
                                                         message("2", "22", "outro segredo")})});
  for (const std::string& bad :
       {whole.substr(0, whole.size() / 2), whole.substr(0, whole.size() - 1), std::string("[ ]"),
        std::string("window.YTD.direct_messages.part0 = [ {\"a\": segredo} ]")}) {
    try {
      import_all(archive(bad));
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("data/direct-messages.js: ", 0), 0u) << what;
      EXPECT_EQ(what.find("segredo"), std::string::npos) << what;
    }
  }
}

TEST(XImporterTest, EncryptedXChatFileIsReportedNotRead) {
  MemoryExport e = archive(js_file("direct_messages", {}));
  e.add("data/message-event.js", "window.YTD.message_event.part0 = [ ]");
  const auto sink = import_all(e);
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "data/message-event.js");
}

// ../shared/fixtures/x_twitter/milahu-archive: a real 2026 archive (MIT), without account.js.
const std::filesystem::path kFixture =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures/x_twitter/milahu-archive";

TEST(XRealSampleTest, MilahuArchive) {
  if (!std::filesystem::is_directory(kFixture)) {
    GTEST_SKIP() << "no shared fixtures at " << kFixture << " (they live outside the repository)";
  }
  const MemoryExport files = MemoryExport::from_directory(kFixture);
  EXPECT_EQ(importer()->detect(files), 100);
  const auto sink = import_all(files);
  const auto conversations = sink.conversations();
  // direct-messages.js: 10 conversations, 17 messageCreate events; the group file is "[ ]".
  ASSERT_EQ(conversations.size(), 10u);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 17u);
  const std::string owner = "1964312974236991488";
  // No account.js: the owner is the id every one-to-one conversation holds.
  for (const Conversation& c : conversations) {
    EXPECT_FALSE(c.is_group);
    ASSERT_EQ(c.participants.size(), 2u);
    int selves = 0;
    for (const Participant& p : c.participants) {
      if (p.is_self) {
        ++selves;
        EXPECT_EQ(p.platform_id, owner);
      }
    }
    EXPECT_EQ(selves, 1) << c.thread_id;
  }
  EXPECT_EQ(conversations[0].thread_id, "2815014648-1964312974236991488");
  EXPECT_EQ(conversations[0].title, "@2815014648");
  int from_owner = 0;
  int with_links = 0;
  for (const auto& r : messages) {
    EXPECT_FALSE(r.message.platform_message_id.empty());
    EXPECT_EQ(r.message.source_path, "data/direct-messages.js");
    if (r.message.sender_id == owner) ++from_owner;
    if (r.message.share) ++with_links;
    EXPECT_EQ(r.message.text.find("&amp;"), std::string::npos);
  }
  EXPECT_EQ(from_owner, 13);
  EXPECT_EQ(with_links, 3);
  // File order: the second conversation's newest message first.
  EXPECT_EQ(messages[1].message.platform_message_id, "2022395501518229939");
  EXPECT_EQ(messages[1].message.sender, "@" + owner);
  EXPECT_EQ(messages[1].message.timestamp_ms, 1771011636589);
  EXPECT_EQ(messages[2].message.sender_id, "2846154391");
  EXPECT_NE(messages[2].message.text.find("Jeckov personally.🙏"), std::string::npos);
  const Message& link = messages[4].message;
  EXPECT_EQ(link.platform_message_id, "2020795263707705542");
  EXPECT_NE(link.text.find("https://t.co/aJdIgtGM85"), std::string::npos);
  ASSERT_TRUE(link.share);
  EXPECT_EQ(link.share->link,
            "https://milahu.github.io/alchi/src/whoaremyfriends/whoaremyfriends.html");
  const Message& escaped = messages[6].message;
  EXPECT_EQ(escaped.platform_message_id, "2009751098190373044");
  EXPECT_NE(escaped.text.find("(KI, Roboter & Haftung)"), std::string::npos);
  EXPECT_EQ(messages.back().message.text, "hey");
  EXPECT_EQ(messages.back().thread_id, "1854478037913571328-1964312974236991488");
  // Both header files are the same messages without texts: ignored, each with a warning.
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].path, "data/direct-message-headers.js");
  EXPECT_EQ(warnings[1].path, "data/direct-message-group-headers.js");
}

TEST(XRealSampleTest, MilahuHeadersAlone) {
  if (!std::filesystem::is_directory(kFixture)) {
    GTEST_SKIP() << "no shared fixtures at " << kFixture << " (they live outside the repository)";
  }
  MemoryExport files = MemoryExport::from_directory(kFixture);
  files.remove("data/direct-messages.js");
  files.remove("data/direct-messages-group.js");
  const auto sink = import_all(files);
  EXPECT_EQ(sink.conversations().size(), 10u);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 17u);
  for (const auto& r : messages) {
    EXPECT_TRUE(r.message.text.empty());
    EXPECT_NE(r.message.timestamp_ms, 0);
  }
  EXPECT_EQ(messages[1].message.sender_id, "1964312974236991488");
}

}  // namespace
}  // namespace dmvault::test
