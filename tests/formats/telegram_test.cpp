// The Telegram importer on small in-memory exports: the \x repair, detection, layout, texts and
// links, times, who is self, reactions, errors; and the real samples of ../shared/fixtures when
// present. The golden cases (telegram_golden_test.cpp) cover whole exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "telegram/telegram_importer.hpp"
#include "telegram/telegram_internal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace dmvault::test {
namespace {

namespace telegram = formats::telegram;

std::unique_ptr<Importer> importer() { return formats::make_telegram_importer(); }

RecordingSink import_all(const MemoryExport& files, const ImportOptions& options = {}) {
  return import_checked(*importer(), files, options);
}

// A single-chat result.json with these message objects (JSON text, without the brackets).
std::string chat_json(
    const std::vector<std::string>& messages,
    const std::string& head = R"("name": "Ana", "type": "personal_chat", "id": 42)") {
  std::string out = "{\n " + head + ",\n \"messages\": [\n";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    out += "  " + messages[i] + (i + 1 < messages.size() ? ",\n" : "\n");
  }
  return out + " ]\n}\n";
}

std::string msg(int id, const std::string& from_id, const std::string& extra) {
  return R"({"id": )" + std::to_string(id) +
         R"(, "type": "message", "date": "2024-05-01T11:30:00", "date_unixtime": "1714555800", )"
         R"("from": ")" +
         (from_id == "user42" ? std::string("Ana") : std::string("Sam")) + R"(", "from_id": ")" +
         from_id + "\", " + extra + "}";
}

MemoryExport one_file(const std::string& path, const std::string& json) {
  MemoryExport e;
  e.add(path, json);
  return e;
}

const std::string kPath = "ChatExport_2024-05-01/result.json";

TEST(TelegramRepairTest, RewritesHexEscapesInsideStringsOnly) {
  const telegram::RepairedJson r(R"({"a\x01b": "x\x1Fy\\x41", "k": 1})");
  EXPECT_EQ(r.text(), R"({"a\u0001b": "x\u001Fy\\x41", "k": 1})");
  EXPECT_EQ(r.repairs(), 2u);
  // Offsets map back to the file: before, inside and after a repair.
  EXPECT_EQ(r.original_offset(0), 0u);
  EXPECT_EQ(r.original_offset(3), 3u);  // the first backslash
  EXPECT_EQ(r.original_offset(6), 3u);  // inside "\u0001"
  EXPECT_EQ(r.original_offset(9), 7u);  // the 'b'
  EXPECT_EQ(r.original_offset(r.text().size()),
            std::string_view(R"({"a\x01b": "x\x1Fy\\x41", "k": 1})").size());
}

TEST(TelegramRepairTest, LeavesValidJsonAndBadEscapesAlone) {
  const std::string valid = R"({"t": "a\"b\\c\u00e9\n", "x": "\\x"})";
  EXPECT_EQ(telegram::RepairedJson(valid).text(), valid);
  EXPECT_EQ(telegram::RepairedJson(valid).repairs(), 0u);
  // Not two hex digits: left for the parser to refuse.
  EXPECT_EQ(telegram::RepairedJson(R"(["\xZ1"])").text(), R"(["\xZ1"])");
  EXPECT_EQ(telegram::RepairedJson(R"(["\x1"])").text(), R"(["\x1"])");
}

TEST(TelegramRepairTest, ControlCharactersComeThroughTheImport) {
  const auto files = one_file(kPath, chat_json({msg(1, "user42", R"("text": "a\x0Bb\x1Fc")")}));
  const auto messages = import_all(files).messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message.text,
            "a\x0B"
            "b\x1F"
            "c");
  // raw is the record as parsed: the repaired escapes.
  EXPECT_NE(messages[0].message.raw.find(R"(a\u000Bb)"), std::string::npos);
}

TEST(TelegramErrorTest, InvalidJsonNamesFileAndOriginalOffset) {
  // The error sits after two repairs; the offset must be the file's, not the repaired text's.
  const std::string json = R"({"messages": [{"text": "\x01\x02", "id": 1,, "type": "message"}]})";
  const std::size_t bad = json.find(",,") + 1;
  try {
    import_all(one_file(kPath, json));
    ADD_FAILURE() << "accepted invalid JSON";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(kPath + ": invalid JSON at byte " + std::to_string(bad) + ": ", 0), 0u)
        << what;
  }
  const std::string plain = R"({"messages": [{"text": "secret words", "id": 1,, "x": 1}]})";
  try {
    import_all(one_file(kPath, plain));
    ADD_FAILURE() << "accepted invalid JSON";
  } catch (const Error& e) {
    const std::string what = e.what();
    const std::string at = std::to_string(plain.find(",,") + 1);
    EXPECT_EQ(what.rfind(kPath + ": invalid JSON at byte " + at + ": ", 0), 0u) << what;
    EXPECT_EQ(what.find("secret"), std::string::npos);
  }
}

TEST(TelegramErrorTest, JsonThatIsNotAnExport) {
  for (const std::string json : {"[1, 2]", R"({"about": "x", "contacts": {"list": []}})"}) {
    try {
      import_all(one_file(kPath, json));
      ADD_FAILURE() << json;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).rfind(kPath + ": ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(import_all(MemoryExport{}), Error);
}

TEST(TelegramDetectTest, Scores) {
  const std::string chat = chat_json({msg(1, "user42", R"("text": "hi")")});
  EXPECT_EQ(importer()->detect(one_file(kPath, chat)), 100);
  EXPECT_EQ(importer()->detect(one_file("result.json", chat)), 100);
  EXPECT_EQ(importer()->detect(one_file("a/b/DataExport_2024-01-01/result.json",
                                        R"({"about": "x", "personal_information": {},)"
                                        R"( "chats": {"list": []}})")),
            100);
  // Someone else's result.json, and files with other names.
  EXPECT_EQ(importer()->detect(one_file("result.json", R"({"results": [1], "messages": 2})")), 0);
  EXPECT_EQ(importer()->detect(one_file("ChatExport_1/results.json", chat)), 0);
  EXPECT_EQ(importer()->detect(one_file("x/messages.html", "<html><body>hi</body></html>")), 0);
}

TEST(TelegramLayoutTest, FindsExportsAndOrdersHtmlPages) {
  const std::vector<ExportFile> files = {{"b/messages10.html", 1}, {"b/messages2.html", 1},
                                         {"b/messages.html", 1},   {"b/messages1.html", 1},
                                         {"b/photos/x.jpg", 1},    {"a/result.json", 1},
                                         {"result.json.bak", 1},   {"c/messages02.html", 1}};
  const telegram::Layout layout = telegram::scan_layout(files);
  ASSERT_EQ(layout.dirs.size(), 2u);
  EXPECT_EQ(layout.dirs[0].dir, "a/");
  EXPECT_EQ(layout.dirs[0].json_file, "a/result.json");
  EXPECT_EQ(layout.dirs[1].dir, "b/");
  EXPECT_TRUE(layout.dirs[1].json_file.empty());
  EXPECT_EQ(layout.dirs[1].html_files,
            (std::vector<std::string>{"b/messages.html", "b/messages2.html", "b/messages10.html"}));
}

TEST(TelegramTextTest, StringsArraysAndLinks) {
  const auto files = one_file(
      kPath,
      chat_json({
          msg(1, "user42", R"("text": "plain")"),
          msg(2, "user42",
              R"("text": ["go ", {"type": "text_link", "text": "here", "href": "https://a.example/x"},)"
              R"( " or ", {"type": "link", "text": "https://b.example"},)"
              R"( {"type": "text_link", "text": "!", "href": "https://a.example/x"}])"),
          // No "text": text_entities stands in.
          msg(3, "user42",
              R"("text_entities": [{"type": "plain", "text": "e "}, {"type": "bold", "text": "b"}])"),
      }));
  const auto messages = import_all(files).messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.text, "plain");
  EXPECT_FALSE(messages[0].message.share.has_value());
  const Message& links = messages[1].message;
  EXPECT_EQ(links.text, "go here or https://b.example!");
  ASSERT_TRUE(links.share.has_value());
  EXPECT_EQ(links.share->link, "https://a.example/x");
  EXPECT_EQ(links.share->text, "https://b.example");  // every other distinct URL
  EXPECT_EQ(links.kind, MessageKind::text);
  EXPECT_EQ(messages[2].message.text, "e b");
}

TEST(TelegramTextTest, NfcAndForwards) {
  const auto files = one_file(
      kPath, chat_json({msg(1, "user42", R"("forwarded_from": "Cafe\u0301", "text": "Cafe\u0301")"),
                        msg(2, "user42", R"("forwarded_from": null, "text": "x")")}));
  const auto messages = import_all(files).messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.text, "Caf\u00e9");
  ASSERT_TRUE(messages[0].message.share.has_value());
  EXPECT_EQ(messages[0].message.share->owner, "Caf\u00e9");
  EXPECT_EQ(messages[0].message.share->link, "");
  ASSERT_TRUE(messages[1].message.share.has_value());
  EXPECT_EQ(messages[1].message.share->owner, "Deleted Account");
}

TEST(TelegramTimeTest, UnixTimeWinsAndLocalDateNeedsTheZone) {
  const std::string records = chat_json({
      R"({"id": 1, "type": "message", "date": "2024-01-15T10:00:00", "date_unixtime": 1705312800, "from": "Ana", "from_id": "user42", "text": "a"})",
      R"({"id": 2, "type": "message", "date": "2024-07-15T10:00:00", "from": "Ana", "from_id": "user42", "text": "b"})",
      R"({"id": 3, "type": "message", "from": "Ana", "from_id": "user42", "text": "c"})",
  });
  ImportOptions options;
  options.timezone = "+02:00";
  const RecordingSink sink = import_all(one_file(kPath, records), options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(utc_text(messages[0].message.timestamp_ms), "2024-01-15T10:00:00.000Z");
  EXPECT_EQ(messages[0].message.local_time, "");
  EXPECT_EQ(utc_text(messages[1].message.timestamp_ms), "2024-07-15T08:00:00.000Z");
  EXPECT_EQ(messages[1].message.local_time, "2024-07-15T10:00:00");
  // No date at all: kept next to the previous message, with a warning.
  EXPECT_EQ(messages[2].message.timestamp_ms, messages[1].message.timestamp_ms);
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].path, kPath);
  EXPECT_NE(warnings[0].what.find("message 3 "), std::string::npos) << warnings[0].what;
  EXPECT_NE(warnings[0].what.find("no date"), std::string::npos) << warnings[0].what;
}

TEST(TelegramSelfTest, PersonalChatSavedMessagesAccountAndOption) {
  // Personal chat 42: the peer is user42, so the other sender is the account.
  auto conversations = import_all(one_file(kPath, chat_json({msg(1, "user42", R"("text": "a")"),
                                                             msg(2, "user7", R"("text": "b")")})))
                           .conversations();
  ASSERT_EQ(conversations.size(), 1u);
  ASSERT_EQ(conversations[0].participants.size(), 2u);
  EXPECT_FALSE(conversations[0].participants[0].is_self);
  EXPECT_TRUE(conversations[0].participants[1].is_self);
  EXPECT_FALSE(conversations[0].is_group);
  EXPECT_EQ(conversations[0].thread_id, "42");
  EXPECT_EQ(conversations[0].title, "Ana");

  // A group: only the option can tell.
  const std::string group =
      chat_json({msg(1, "user42", R"("text": "a")"), msg(2, "user7", R"("text": "b")")},
                R"("name": "G", "type": "private_group", "id": 5)");
  conversations = import_all(one_file(kPath, group)).conversations();
  EXPECT_FALSE(conversations[0].participants[0].is_self);
  EXPECT_FALSE(conversations[0].participants[1].is_self);
  EXPECT_TRUE(conversations[0].is_group);
  ImportOptions options;
  options.self_name = "Sam";
  conversations = import_all(one_file(kPath, group), options).conversations();
  EXPECT_FALSE(conversations[0].participants[0].is_self);
  EXPECT_TRUE(conversations[0].participants[1].is_self);

  // A whole-account export names the account in personal_information.
  const std::string account =
      R"({"about": "x", "personal_information": {"user_id": 42, "first_name": "Ana"},)"
      R"( "chats": {"about": "y", "list": [)" +
      chat_json({msg(1, "user42", R"("text": "a")"), msg(2, "user7", R"("text": "b")")},
                R"("name": "G", "type": "private_group", "id": 5)") +
      R"(]}, "left_chats": {"about": "z", "list": [)" +
      chat_json({msg(1, "user7", R"("text": "c")")},
                R"("name": "C", "type": "public_channel", "id": 6)") +
      "]}}";
  const RecordingSink sink = import_all(one_file("DataExport_2024-01-01/result.json", account));
  conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_TRUE(conversations[0].participants[0].is_self);
  EXPECT_FALSE(conversations[0].participants[1].is_self);
  EXPECT_TRUE(conversations[0].still_participant);
  EXPECT_EQ(conversations[1].thread_id, "6");
  EXPECT_FALSE(conversations[1].still_participant);
  EXPECT_EQ(sink.messages().size(), 3u);
  EXPECT_EQ(sink.messages()[2].thread_id, "6");
}

TEST(TelegramReactionTest, NamedAndAnonymousWithACap) {
  const auto files = one_file(
      kPath,
      chat_json({msg(
          1, "user42",
          R"("text": "a", "reactions": [)"
          R"({"type": "emoji", "count": 2, "emoji": "❤", "recent": [{"from": null, "from_id": "user9", "date": "2024-05-01T11:31:00"}]},)"
          R"({"type": "emoji", "count": 5000, "emoji": "🔥"},)"
          R"({"type": "paid", "count": 1}])")}));
  const auto messages = import_all(files).messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& reactions = messages[0].message.reactions;
  ASSERT_EQ(reactions.size(), 1u + 1u + 100u + 1u);
  EXPECT_EQ(reactions[0].actor, "user9");  // no name: the id stands in
  EXPECT_EQ(reactions[0].reaction, "\u2764");
  ASSERT_TRUE(reactions[0].timestamp_ms.has_value());
  EXPECT_EQ(reactions[1].actor, "");
  EXPECT_FALSE(reactions[1].timestamp_ms.has_value());
  EXPECT_EQ(reactions[2].reaction, "\U0001F525");
  EXPECT_EQ(reactions.back().reaction, "paid");
}

TEST(TelegramMediaTest, KindsPathsAndSkippedFiles) {
  EXPECT_TRUE(telegram::is_skipped_file_note(
      "(File not included. Change data exporting settings to download.)"));
  EXPECT_TRUE(telegram::is_skipped_file_note("(File unavailable, please try again later)"));
  EXPECT_TRUE(telegram::is_skipped_file_note(
      "(Photo exceeds maximum size. Change data exporting settings to download.)"));
  EXPECT_FALSE(telegram::is_skipped_file_note("photos/photo_1 (2).jpg"));

  const auto files = one_file(
      "x/ChatExport_1/result.json",
      chat_json(
          {msg(1, "user42",
               R"("file": "video_files/a.mp4", "media_type": "animation", "text": "")"),
           msg(2, "user42",
               R"("file": "round_video_messages/b.mp4", "media_type": "video_message", "text": "")"),
           msg(3, "user42", R"("file": "files/c.zip", "file_name": "c.zip", "text": "zip")"),
           msg(4, "user42",
               R"j("photo": "(File not included. Change data exporting settings to download.)", "text": "")j"),
           msg(5, "user42",
               R"("contact_information": {"first_name": "Jo", "last_name": "", "phone_number": "+1 555"}, "text": "")")}));
  const auto messages = import_all(files).messages();
  ASSERT_EQ(messages.size(), 5u);
  ASSERT_EQ(messages[0].message.attachments.size(), 1u);
  EXPECT_EQ(messages[0].message.attachments[0].kind, AttachmentKind::gif);
  EXPECT_EQ(messages[0].message.attachments[0].uri, "x/ChatExport_1/video_files/a.mp4");
  EXPECT_EQ(messages[0].message.attachments[0].name, "a.mp4");
  EXPECT_EQ(messages[0].message.kind, MessageKind::media);
  EXPECT_EQ(messages[1].message.attachments[0].kind, AttachmentKind::video);
  EXPECT_EQ(messages[2].message.attachments[0].kind, AttachmentKind::file);
  EXPECT_EQ(messages[2].message.text, "zip");
  ASSERT_EQ(messages[3].message.attachments.size(), 1u);
  EXPECT_EQ(messages[3].message.attachments[0].uri, "");
  EXPECT_EQ(messages[3].message.attachments[0].kind, AttachmentKind::photo);
  EXPECT_EQ(messages[4].message.text, "Contact: Jo, +1 555");
  EXPECT_EQ(messages[4].message.kind, MessageKind::text);
}

TEST(TelegramServiceTest, CallsRepliesAndActions) {
  const auto files = one_file(
      kPath,
      chat_json(
          {R"({"id": 1, "type": "service", "date_unixtime": "1714555800", "actor": "Ana", "actor_id": "user42", "action": "phone_call", "duration_seconds": 61, "discard_reason": "hangup", "text": ""})",
           R"({"id": 2, "type": "service", "date_unixtime": "1714555800", "actor": "Ana", "actor_id": "user42", "action": "phone_call", "discard_reason": "missed", "text": ""})",
           R"({"id": 3, "type": "service", "date_unixtime": "1714555800", "actor": "Ana", "actor_id": "user42", "action": "set_messages_ttl", "period": 86400, "text": ""})",
           msg(4, "user42", R"("reply_to_message_id": 3, "text": "r")"),
           msg(5, "user42",
               R"("reply_to_message_id": 77, "reply_to_peer_id": "channel9", "text": "r")")}));
  const RecordingSink sink = import_all(files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[0].message.kind, MessageKind::call);
  EXPECT_EQ(messages[0].message.call_duration_s, 61);
  EXPECT_EQ(messages[0].message.text, "Phone call (hangup)");
  EXPECT_EQ(messages[0].message.sender, "Ana");
  EXPECT_EQ(messages[0].message.sender_id, "user42");
  EXPECT_EQ(messages[1].message.call_duration_s, 0);
  EXPECT_EQ(messages[2].message.kind, MessageKind::system);
  EXPECT_EQ(messages[2].message.text, "Set messages ttl");
  EXPECT_EQ(messages[3].message.reply_to, "3");
  EXPECT_EQ(messages[4].message.reply_to, "channel9:77");
  EXPECT_EQ(messages[4].message.platform_message_id, "5");
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(TelegramImportTest, SameChatTwiceIsAnnouncedOnceAndHtmlBesideJsonIsIgnored) {
  MemoryExport files;
  files.add("ChatExport_2024-05-01/result.json", chat_json({msg(1, "user42", R"("text": "a")")}));
  files.add("ChatExport_2024-06-01/result.json",
            chat_json({msg(1, "user42", R"("text": "a")"), msg(2, "user42", R"("text": "b")")}));
  files.add("ChatExport_2024-06-01/messages.html", "<html></html>");
  const RecordingSink sink = import_all(files);
  EXPECT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.messages().size(), 3u);
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].path, "ChatExport_2024-06-01/messages.html");
}

TEST(TelegramImportTest, ChatWithoutIdIsKeyedByNameWithAWarning) {
  const RecordingSink sink = import_all(one_file(
      kPath,
      R"({"name": "Trimmed", "messages": [{"type": "message", "date_unixtime": "1", "from": "A", "text": "x"}]})"));
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "name:Trimmed");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("no id"), std::string::npos);
  EXPECT_EQ(sink.messages()[0].message.platform_message_id, "");
}

TEST(TelegramHtmlTest, DateTitles) {
  EXPECT_EQ(telegram::parse_html_date("01.05.2024 11:30:00 UTC+02:00", nullptr), 1714555800000);
  EXPECT_EQ(telegram::parse_html_date("01.05.2024 05:30:00 UTC-04:00", nullptr), 1714555800000);
  // No offset: a wall clock, only with a zone.
  EXPECT_EQ(telegram::parse_html_date("01.05.2024 09:30:00", nullptr), std::nullopt);
  const formats::TimeZone plus2 = formats::TimeZone::fixed("+02:00", 7200);
  EXPECT_EQ(telegram::parse_html_date("01.05.2024 11:30:00", &plus2), 1714555800000);
  for (const char* bad : {"31.02.2024 10:00:00 UTC+00:00", "1.5.2024 10:00:00", "01.05.2024",
                          "01.05.2024 10:00:00 UTC+2", "01.05.2024 25:00:00 UTC+00:00"}) {
    EXPECT_EQ(telegram::parse_html_date(bad, &plus2), std::nullopt) << bad;
  }
}

std::string html_page(const std::string& title, const std::string& blocks) {
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/></head><body><div "
         "class=\"page_wrap\"><div class=\"page_header\"><div class=\"content\"><div "
         "class=\"text bold\">\n" +
         title + "\n</div></div></div><div class=\"page_body chat_page\"><div class=\"history\">" +
         blocks + "</div></div></div></body></html>";
}

std::string html_message(int id, const std::string& from, const std::string& inner,
                         bool joined = false) {
  return "<div class=\"message default clearfix" + std::string(joined ? " joined" : "") +
         "\" id=\"message" + std::to_string(id) +
         "\"><div class=\"body\"><div class=\"pull_right date details\" title=\"01.05.2024 "
         "11:30:00 UTC+02:00\">11:30</div>" +
         (from.empty() ? "" : "<div class=\"from_name\">\n" + from + "\n</div>") + inner +
         "</div></div>";
}

TEST(TelegramHtmlTest, AccountPagesResolveLinksAndJoinedSenders) {
  MemoryExport files;
  const std::string dir = "DataExport_2024-06-01/chats/chat_001/";
  files.add(
      dir + "messages.html",
      html_page(
          "Jo &amp; Co",
          html_message(1, "Jo Park",
                       "<div class=\"media_wrap clearfix\"><a class=\"photo_wrap "
                       "clearfix pull_left\" href=\"../../chats/chat_001/photos/"
                       "a.jpg\"></a></div>") +
              html_message(2, "", "<div class=\"text\">\n  line one<br>line two\n</div>", true)));
  files.add(
      dir + "messages2.html",
      html_page("Jo &amp; Co", html_message(3, "", "<div class=\"text\">next page</div>", true)));
  EXPECT_EQ(importer()->detect(files), 100);
  const RecordingSink sink = import_all(files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].title, "Jo & Co");
  EXPECT_EQ(conversations[0].thread_id, "name:Jo & Co");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  ASSERT_EQ(messages[0].message.attachments.size(), 1u);
  EXPECT_EQ(messages[0].message.attachments[0].uri, dir + "photos/a.jpg");
  EXPECT_EQ(messages[1].message.sender, "Jo Park");
  EXPECT_EQ(messages[1].message.text, "line one\nline two");
  EXPECT_EQ(messages[2].message.sender, "Jo Park");  // joined, on the next page
  EXPECT_EQ(messages[2].message.source_path, dir + "messages2.html");
  EXPECT_EQ(messages[2].message.platform_message_id, "3");
  EXPECT_EQ(utc_text(messages[2].message.timestamp_ms), "2024-05-01T09:30:00.000Z");
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(TelegramHtmlTest, HostilePagesAreBadInput) {
  const std::string path = "ChatExport_1/messages.html";
  std::string deep = html_page("x", "");
  for (int i = 0; i < 600; ++i) deep.insert(deep.size() - 14, "<div>");
  std::string bad_utf8 = html_page("x", html_message(1, "A", "<div class=\"text\">\xFF</div>"));
  for (const std::string& page : {deep, bad_utf8}) {
    try {
      import_all(one_file(path, page));
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }
}

// ---- Real samples (../shared/fixtures/telegram, MIT, joweich/chat-miner) ----

const std::filesystem::path kShared =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures/telegram/chat-miner";

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The fixtures are result.json files under other names: each is given as one.
MemoryExport fixture_export(const std::string& name, const std::string& as) {
  MemoryExport e;
  e.add(as, slurp(kShared / name));
  return e;
}

void expect_chat_miner_messages(const std::vector<MessageRecord>& messages) {
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.sender, "Author 1");
  EXPECT_EQ(messages[0].message.text, "Minimal Message");
  EXPECT_EQ(utc_text(messages[0].message.timestamp_ms), "2018-12-05T10:39:10.000Z");
  EXPECT_EQ(messages[0].message.kind, MessageKind::text);
  EXPECT_EQ(messages[1].message.sender, "Author 2");
  // The parts joined as Telegram shows them (chat-miner's target.json adds a space).
  EXPECT_EQ(messages[1].message.text, "Link:https://telegram.org/");
  EXPECT_EQ(utc_text(messages[1].message.timestamp_ms), "2018-12-05T10:49:24.000Z");
  ASSERT_TRUE(messages[1].message.share.has_value());
  EXPECT_EQ(messages[1].message.share->link, "https://telegram.org/");
  for (const auto& m : messages) {
    EXPECT_EQ(m.message.platform_message_id, "");  // the trimmed samples have no ids
    EXPECT_EQ(m.message.sender_id, "");
    EXPECT_FALSE(m.message.raw.empty());
  }
}

TEST(TelegramRealSamplesTest, ChatMinerSingleExport) {
  if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << "no shared fixtures at " << kShared;
  const std::string path = "ChatExport_2018-12-05/result.json";
  const MemoryExport files = fixture_export("test_single_export.json", path);
  EXPECT_EQ(importer()->detect(files), 100);
  const RecordingSink sink = import_all(files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].title, "");
  EXPECT_EQ(conversations[0].thread_id.rfind(path + "#", 0), 0u) << conversations[0].thread_id;
  ASSERT_EQ(conversations[0].participants.size(), 2u);
  EXPECT_EQ(conversations[0].participants[0].name, "Author 1");
  expect_chat_miner_messages(sink.messages());
  ASSERT_EQ(sink.warnings().size(), 1u);  // the chat has no id
}

TEST(TelegramRealSamplesTest, ChatMinerBatchExport) {
  if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << "no shared fixtures at " << kShared;
  const MemoryExport files =
      fixture_export("test_batch_export.json", "DataExport_2018-12-05/result.json");
  EXPECT_EQ(importer()->detect(files), 100);
  const RecordingSink sink = import_all(files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].title, "Chatname");
  EXPECT_EQ(conversations[0].thread_id, "name:Chatname");
  expect_chat_miner_messages(sink.messages());
}

}  // namespace
}  // namespace dmvault::test
