// The Meta message-file reader: fields, raw records, errors with positions.
#include "meta/meta_json.hpp"

#include "dmvault/error.hpp"
#include "meta/meta_json_file.hpp"
#include "meta/meta_message.hpp"

#include <gtest/gtest.h>

namespace dmvault::formats::meta {
namespace {

const std::string kThread = R"({
  "participants": [{"name": "Ana P\u00c3\u00a9rez"}, {"name": "sam.k"}],
  "messages": [
    {"sender_name": "sam.k", "timestamp_ms": 1717321462000,
     "content": "Reacted \u00e2\u009d\u00a4 to your message ",
     "is_geoblocked_for_viewer": false, "future_key": {"x": [1, 2]}},
    {"sender_name": "Ana P\u00c3\u00a9rez", "timestamp_ms": 1717321402123,
     "content": "caf\u00c3\u00a9 at 5? \u00f0\u009f\u0098\u0082",
     "reactions": [{"reaction": "\u00e2\u009d\u00a4", "actor": "sam.k", "timestamp": 1717321500}]},
    {"sender_name": "sam.k", "timestamp_ms": 1717320000000,
     "content": "sam.k sent an attachment.",
     "share": {"link": "https://www.instagram.com/reel/XXXX/", "share_text": "...",
               "original_content_owner": "some_creator"}},
    {"sender_name": "Ana P\u00c3\u00a9rez", "timestamp_ms": 1717310000000,
     "photos": [{"uri": "your_instagram_activity/messages/inbox/samk_1/photos/123_n_456.jpg",
                 "creation_timestamp": 1717310000}],
     "videos": [{"uri": "v.mp4", "creation_timestamp": 1, "thumbnail": {"uri": "https://x/t.jpg"}}],
     "audio_files": [{"uri": "a.mp4"}], "files": [{"uri": "f.pdf"}], "gifs": [{"uri": "g.gif"}]},
    {"sender_name": "sam.k", "timestamp": 1600000000, "sticker": {"uri": "messages/stickers_used/s.png"}},
    {"sender_name": "sam.k", "timestamp_ms": 1, "call_duration": 754, "content": "Video chat ended"},
    {"sender_name": "sam.k", "timestamp_ms": 2, "type": "Subscribe", "users": [{"name": "Jo\u00c3\u00a3o"}],
     "content": "sam.k added Jo\u00c3\u00a3o to the group."},
    {"sender_name": "sam.k", "timestamp_ms": 3, "is_unsent": true},
    {"sender_name": 42, "timestamp_ms": "soon", "content": ["not", "text"], "photos": {"uri": 1}}
  ],
  "title": "Ana P\u00c3\u00a9rez",
  "is_still_participant": true,
  "thread_path": "inbox/samk_1",
  "magic_words": [],
  "joinable_mode": {"mode": 1, "link": ""}
}
)";

TEST(MetaJsonTest, ReadsThreadHeader) {
  const MetaThread t = parse_thread_file("m/message_1.json", kThread);
  ASSERT_TRUE(t.has_messages);
  EXPECT_EQ(t.participants, (std::vector<std::string>{"Ana Pérez", "sam.k"}));
  EXPECT_EQ(t.title, "Ana Pérez");
  EXPECT_EQ(t.is_still_participant, true);
  EXPECT_EQ(t.thread_path, "inbox/samk_1");
  EXPECT_TRUE(t.has_joinable_mode);
  EXPECT_EQ(t.messages.size(), 9u);
}

TEST(MetaJsonTest, KeepsEachRecordsExactBytes) {
  const MetaThread t = parse_thread_file("m/message_1.json", kThread);
  ASSERT_EQ(t.messages.size(), 9u);
  for (const MetaMessage& m : t.messages) {
    ASSERT_FALSE(m.raw.empty());
    EXPECT_EQ(m.raw.front(), '{');
    EXPECT_EQ(m.raw.back(), '}');
    // The raw bytes are the file's bytes at the recorded offset.
    EXPECT_EQ(kThread.substr(m.offset, m.raw.size()), m.raw);
  }
  // Unknown keys and the escapes themselves survive in the raw record.
  EXPECT_NE(t.messages[0].raw.find("\"future_key\": {\"x\": [1, 2]}"), std::string::npos);
  EXPECT_NE(t.messages[1].raw.find("caf\\u00c3\\u00a9"), std::string::npos);
}

TEST(MetaJsonTest, ReadsAndRepairsFields) {
  const MetaThread t = parse_thread_file("m/message_1.json", kThread);
  const auto& m = t.messages;
  EXPECT_EQ(m[0].content, "Reacted ❤ to your message ");
  EXPECT_EQ(m[1].sender_name, "Ana Pérez");
  EXPECT_EQ(m[1].timestamp_ms, 1717321402123);
  EXPECT_EQ(m[1].content, "café at 5? 😂");
  ASSERT_EQ(m[1].reactions.size(), 1u);
  EXPECT_EQ(m[1].reactions[0].reaction, "❤");
  EXPECT_EQ(m[1].reactions[0].actor, "sam.k");
  EXPECT_EQ(m[1].reactions[0].timestamp_ms, 1717321500000);
  ASSERT_TRUE(m[2].share);
  EXPECT_EQ(m[2].share->link, "https://www.instagram.com/reel/XXXX/");
  EXPECT_EQ(m[2].share->owner, "some_creator");
  ASSERT_EQ(m[3].media.size(), 5u);
  EXPECT_EQ(m[3].media[0].kind, AttachmentKind::photo);
  EXPECT_EQ(m[3].media[0].created_ms, 1717310000000);
  EXPECT_EQ(m[3].media[1].kind, AttachmentKind::video);
  EXPECT_EQ(m[3].media[2].kind, AttachmentKind::audio);
  EXPECT_EQ(m[3].media[3].kind, AttachmentKind::file);
  EXPECT_EQ(m[3].media[4].kind, AttachmentKind::gif);
  EXPECT_TRUE(m[4].has_sticker);
  EXPECT_EQ(m[4].timestamp_ms, 1600000000000);  // "timestamp" in seconds, older eras
  EXPECT_EQ(m[5].call_duration_s, 754);
  EXPECT_EQ(m[6].users, (std::vector<std::string>{"João"}));
  EXPECT_TRUE(m[7].is_unsent);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_TRUE(m[i].problems.empty()) << i;
  // Wrong types are noted, not fatal.
  EXPECT_FALSE(m[8].sender_name);
  EXPECT_FALSE(m[8].timestamp_ms);
  EXPECT_FALSE(m[8].content);
  EXPECT_EQ(m[8].problems.size(), 4u);
}

TEST(MetaJsonTest, MapsKindsByStructureFirst) {
  MetaThread t = parse_thread_file("m/message_1.json", kThread);
  const UriResolver keep = [](const std::string& uri) { return uri; };
  std::vector<std::string> problems;
  const std::vector<MessageKind> expected = {
      MessageKind::system, MessageKind::text,    MessageKind::share,
      MessageKind::media,  MessageKind::sticker, MessageKind::call,
      MessageKind::system, MessageKind::unsent,  MessageKind::text};
  for (std::size_t i = 0; i < t.messages.size(); ++i) {
    const Message m = to_message(std::move(t.messages[i]), "m/message_1.json", keep, problems);
    EXPECT_EQ(m.kind, expected[i]) << i;
    EXPECT_EQ(m.source_path, "m/message_1.json");
    if (i < 8) {
      EXPECT_TRUE(problems.empty()) << i;
    }
  }
  // The last record: its own problems plus the missing required fields.
  EXPECT_EQ(problems.size(), 6u);
}

TEST(MetaJsonTest, ResolvesAttachmentUris) {
  MetaThread t = parse_thread_file("m/message_1.json", kThread);
  const UriResolver resolve = [](const std::string& uri) { return "resolved/" + uri; };
  std::vector<std::string> problems;
  const Message m = to_message(std::move(t.messages[3]), "p", resolve, problems);
  ASSERT_EQ(m.attachments.size(), 5u);
  EXPECT_EQ(m.attachments[0].uri,
            "resolved/your_instagram_activity/messages/inbox/samk_1/photos/123_n_456.jpg");
  EXPECT_EQ(m.attachments[0].name, "123_n_456.jpg");
}

TEST(MetaJsonTest, BomIsSkippedAndOffsetsStayFileOffsets) {
  const std::string with_bom = "\xEF\xBB\xBF" + kThread;
  const MetaThread t = parse_thread_file("m/message_1.json", with_bom);
  ASSERT_EQ(t.messages.size(), 9u);
  EXPECT_EQ(with_bom.substr(t.messages[2].offset, t.messages[2].raw.size()), t.messages[2].raw);
}

TEST(MetaJsonTest, JsonThatIsNotAThreadHasNoMessages) {
  EXPECT_FALSE(parse_thread_file("x.json", R"({"relationships_following": []})").has_messages);
  EXPECT_FALSE(parse_thread_file("x.json", "[1, 2]").has_messages);
  EXPECT_FALSE(parse_thread_file("x.json", R"({"messages": 3})").has_messages);
}

void expect_bad_input_at(const std::string& text, std::size_t byte) {
  try {
    parse_thread_file("inbox/t/message_1.json", text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(
                  "inbox/t/message_1.json: invalid JSON at byte " + std::to_string(byte) + ": ", 0),
              0u)
        << what;
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(MetaJsonTest, InvalidJsonNamesFileAndByte) {
  expect_bad_input_at(kThread.substr(0, 400), 400);   // truncated: at the end
  expect_bad_input_at(R"({"messages": [}, 1])", 14);  // stray brace
  expect_bad_input_at(R"({"messages": [tru]})", 14);
  expect_bad_input_at(R"({"messages": []} x)", 17);    // content after the document
  expect_bad_input_at("{\"a\": \"\xFF\"}", 7);         // invalid UTF-8
  expect_bad_input_at("\xEF\xBB\xBF{\"a\": 01}", 10);  // BOM counted in the offset
  expect_bad_input_at("", 0);
  expect_bad_input_at(std::string(2000, '['), 1024);  // nested too deep
}

TEST(MetaJsonTest, LocateJsonError) {
  EXPECT_FALSE(locate_json_error(R"({"a": [1, 2.5e-3, "x\"y\u00e9", true, null, {}]})"));
  EXPECT_EQ(locate_json_error(R"({"a" 1})"), 5u);
  EXPECT_EQ(locate_json_error(R"({"a": "\q"})"), 7u);
  EXPECT_EQ(locate_json_error(R"([1,])"), 3u);
  EXPECT_EQ(locate_json_error(R"([-])"), 2u);
  EXPECT_EQ(locate_json_error("[\"a\nb\"]"), 3u);
  EXPECT_EQ(locate_json_error("  "), 2u);
}

TEST(MetaJsonTest, SpanScannerFollowsTheDocument) {
  const std::string text = R"( { "k" : [ 1 , "a,]}" , { "x" : [ ] } ] , "z" : -1.5e3 } )";
  SpanScanner scan(text, "t");
  scan.enter();
  ASSERT_TRUE(scan.next_member());
  scan.enter();
  std::vector<std::string> items;
  while (scan.next_element()) {
    const auto [b, e] = scan.skip();
    items.push_back(text.substr(b, e - b));
  }
  EXPECT_EQ(items, (std::vector<std::string>{"1", "\"a,]}\"", "{ \"x\" : [ ] }"}));
  ASSERT_TRUE(scan.next_member());
  const auto [b, e] = scan.skip();
  EXPECT_EQ(text.substr(b, e - b), "-1.5e3");
  EXPECT_FALSE(scan.next_member());
}

}  // namespace
}  // namespace dmvault::formats::meta
