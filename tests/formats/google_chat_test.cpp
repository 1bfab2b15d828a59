// The Google Chat importer on small in-memory Takeouts: the prose dates of Google Chat (weekday,
// U+202F before PM, 24-hour clocks, GMT offsets, zone abbreviations read in the user's zone),
// the layout scan, the streaming splitter of Hangouts.json fed in pieces of every size,
// Hangouts' older conversation_state layout, the owner, attached files named with '?', and
// errors that name the file and byte. The golden cases (tests/data/google_chat/) cover whole
// exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "google_chat/google_chat_importer.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <gtest/gtest.h>

namespace dmvault::test {
namespace {

namespace gc = formats::google_chat;

std::unique_ptr<Importer> importer() { return formats::make_google_chat_importer(); }

const std::string kGroup = "Takeout/Google Chat/Groups/DM abc/";

std::string chat_message(const std::string& date, const std::string& text,
                         const std::string& extra = "") {
  return R"({"creator": {"name": "Ana", "email": "ana@example.com"}, "created_date": ")" + date +
         R"(", "text": ")" + text + R"(", "message_id": "abc/)" + text + "\"" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

MemoryExport chat_export(const std::vector<std::string>& messages) {
  std::string json = "{\"messages\": [";
  for (std::size_t i = 0; i < messages.size(); ++i) json += (i ? ",\n" : "\n") + messages[i];
  MemoryExport e;
  e.add(kGroup + "messages.json", json + "]}");
  return e;
}

std::int64_t utc_ms(int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
  return (formats::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1000;
}

TEST(GoogleChatDate, ReadsTheTakeoutForms) {
  const auto a = gc::parse_chat_date("Thursday, November 3, 2016 at 11:59:50 AM UTC");
  ASSERT_TRUE(a && a->offset);
  EXPECT_EQ(*a->offset, 0);
  EXPECT_EQ(a->local_seconds * 1000, utc_ms(2016, 11, 3, 11, 59, 50));

  const auto pm = gc::parse_chat_date("Monday, February 6, 2023 at 3:21:10\u202fPM UTC");
  ASSERT_TRUE(pm);
  EXPECT_EQ(pm->local_seconds * 1000, utc_ms(2023, 2, 6, 15, 21, 10));

  const auto midnight = gc::parse_chat_date("Sunday, January 1, 2023 at 12:00:05 AM UTC");
  ASSERT_TRUE(midnight);
  EXPECT_EQ(midnight->local_seconds * 1000, utc_ms(2023, 1, 1, 0, 0, 5));

  const auto h24 = gc::parse_chat_date("March 4, 2023 at 17:30:00 GMT+01:00");
  ASSERT_TRUE(h24 && h24->offset);
  EXPECT_EQ(*h24->offset, 3600);
  EXPECT_EQ(h24->local_seconds * 1000, utc_ms(2023, 3, 4, 17, 30, 0));

  const auto abbreviated = gc::parse_chat_date("Friday, July 7, 2023 at 9:00:00 AM PDT");
  ASSERT_TRUE(abbreviated);
  EXPECT_FALSE(abbreviated->offset.has_value());

  for (const char* bad :
       {"", "sometime in March", "Thursday, Novembre 3, 2016 at 11:59:50 AM UTC",
        "November 31, 2016 at 11:59:50 AM UTC", "November 3, 2016 at 13:59:50 PM UTC",
        "November 3, 2016 11:59:50 UTC", "November 3, 2016 at 11:59:50 AM GMT+25",
        "November 3, 2016 at 11:59:50 AM Central European Time"}) {
    EXPECT_FALSE(gc::parse_chat_date(bad).has_value()) << bad;
  }
}

TEST(GoogleChatImporter, ZoneAbbreviationIsReadInTheUsersZoneAndKept) {
  const std::string date = "Friday, July 7, 2023 at 9:00:00 AM PDT";
  const MemoryExport files = chat_export({chat_message(date, "hi")});
  ImportOptions options;
  options.timezone = "-07:00";
  const RecordingSink sink = import_checked(*importer(), files, options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message.timestamp_ms, utc_ms(2023, 7, 7, 16, 0, 0));
  EXPECT_EQ(messages[0].message.local_time, date);
}

TEST(GoogleChatImporter, DetectsChatByItsFolderAndHangoutsByItsHead) {
  EXPECT_EQ(importer()->detect(chat_export({chat_message("May 1, 2024 at 1:00:00 PM UTC", "a")})),
            100);
  // A messages.json elsewhere is not Google Chat.
  EXPECT_EQ(importer()->detect(make_export({{"inbox/abc/messages.json", "{\"messages\": []}"}})),
            0);
  // Under Groups/ but neither group_info.json nor a {"messages" head.
  EXPECT_EQ(importer()->detect(make_export({{"x/Groups/DM a/messages.json", "[1, 2]"}})), 0);
  EXPECT_EQ(importer()->detect(
                make_export({{"Takeout/Hangouts/Hangouts.json", "{\n  \"conversations\": []\n}"}})),
            100);
  EXPECT_EQ(importer()->detect(make_export({{"Takeout/Hangouts/Hangouts.json", "[]"}})), 0);
}

TEST(GoogleChatImporter, AttachedFileWithAQuestionMarkIsFoundUnderItsDiskName) {
  MemoryExport files = chat_export({chat_message(
      "May 1, 2024 at 1:00:00 PM UTC", "pic",
      R"("attached_files": [{"original_name": "1?account_id\u003d3.jpg", "export_name": "File-1?account_id\u003d3.jpg"}, {"export_name": "File-gone.png"}])")});
  files.add(kGroup + "File-1_account_id=3.jpg", "jpeg");
  const RecordingSink sink = import_checked(*importer(), files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& attachments = messages[0].message.attachments;
  ASSERT_EQ(attachments.size(), 2u);
  EXPECT_EQ(attachments[0].uri, kGroup + "File-1_account_id=3.jpg");
  EXPECT_EQ(attachments[0].name, "1?account_id=3.jpg");
  EXPECT_EQ(attachments[0].kind, AttachmentKind::photo);
  EXPECT_EQ(attachments[1].uri, kGroup + "File-gone.png");
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].what.find("1 attached file"), std::string::npos);
}

TEST(GoogleChatImporter, OwnerFromUserInfoAndMembershipState) {
  MemoryExport files = chat_export({chat_message("May 1, 2024 at 1:00:00 PM UTC", "hi")});
  files.add(kGroup + "group_info.json",
            R"({"members": [{"name": "Ana", "email": "ana@example.com"},
                {"name": "Sam", "email": "sam@example.com"}]})");
  files.add("Takeout/Google Chat/Users/User 1/user_info.json",
            R"({"user": {"name": "Ana", "email": "ana@example.com"},
                "membership_info": [{"group_id": "DM abc", "membership_state": "MEMBER_LEFT"}]})");
  const RecordingSink sink = import_checked(*importer(), files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  const Conversation& c = conversations[0];
  EXPECT_EQ(c.thread_id, "DM abc");
  EXPECT_EQ(c.title, "Sam");
  EXPECT_FALSE(c.is_group);
  EXPECT_FALSE(c.still_participant);
  ASSERT_EQ(c.participants.size(), 2u);
  EXPECT_TRUE(c.participants[0].is_self);
  EXPECT_FALSE(c.participants[1].is_self);
}

TEST(GoogleChatImporter, DamagedMessagesFileIsBadInputNamingIt) {
  const MemoryExport files = make_export({{kGroup + "messages.json", "{\"messages\": [{\"te"}});
  RecordingSink sink;
  try {
    importer()->import(files, sink, {});
    FAIL() << "accepted a cut file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind(kGroup + "messages.json: invalid JSON at byte", 0), 0u)
        << e.what();
  }
}

// Collects what the streamer hands out.
struct Streamed {
  std::vector<std::pair<std::string, std::uint64_t>> elements;
};

Streamed stream(const std::string& text, std::size_t piece) {
  Streamed out;
  gc::TopArrayStreamer streamer("H.json", {"conversations"}, 1 << 20,
                                [&](std::string_view e, std::uint64_t offset) {
                                  out.elements.emplace_back(std::string(e), offset);
                                });
  for (std::size_t i = 0; i < text.size(); i += piece) {
    const std::string_view part = std::string_view(text).substr(i, piece);
    streamer.feed({reinterpret_cast<const std::uint8_t*>(part.data()), part.size()});
  }
  streamer.finish();
  EXPECT_TRUE(streamer.found());
  return out;
}

TEST(HangoutsStream, SplitsTheConversationListInPiecesOfAnySize) {
  const std::string text =
      "\xEF\xBB\xBF{\"before\": {\"conversations\": [\"not this\"]}, \"n\": -1.5e3, \"s\": "
      "\"a\\\"}\", \"conversations\": [ {\"a\": \"}]\\\\\"}, {\"b\": [1, {\"c\": null}]} ], "
      "\"after\": true }\n";
  for (const std::size_t piece :
       {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{4096}}) {
    const Streamed s = stream(text, piece);
    ASSERT_EQ(s.elements.size(), 2u) << piece;
    EXPECT_EQ(s.elements[0].first, "{\"a\": \"}]\\\\\"}");
    EXPECT_EQ(text.substr(s.elements[0].second, s.elements[0].first.size()), s.elements[0].first);
    EXPECT_EQ(s.elements[1].first, "{\"b\": [1, {\"c\": null}]}");
    EXPECT_EQ(text.substr(s.elements[1].second, s.elements[1].first.size()), s.elements[1].first);
  }
}

TEST(HangoutsStream, StructureErrorsNameTheByte) {
  const auto error_of = [](const std::string& text) -> std::string {
    try {
      stream(text, 3);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of("{\"conversations\": [{\"a\": 1}"),
            "H.json: byte 27: the file ends before the end of the document");
  EXPECT_EQ(error_of("{\"conversations\": [{\"a\": \"secret words"),
            "H.json: byte 19: the file ends inside the conversation starting here");
  EXPECT_EQ(error_of("{\"conversations\": [{} {}]}"),
            "H.json: byte 22: expected ',' or ']' between conversations");
  EXPECT_EQ(error_of("{\"conversations\": [1]}"),
            "H.json: byte 19: expected a conversation object");
  EXPECT_EQ(error_of("[]"), "H.json: byte 0: expected a JSON object");
  EXPECT_EQ(error_of("{} x"), "H.json: byte 3: content after the end of the document");
}

TEST(HangoutsStream, OversizedConversationIsRefused) {
  gc::TopArrayStreamer streamer("H.json", {"conversations"}, 8,
                                [](std::string_view, std::uint64_t) {});
  const std::string text = "{\"conversations\": [{\"a\": \"0123456789\"}]}";
  try {
    streamer.feed({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    FAIL() << "accepted a conversation above the cap";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("H.json: byte 19: a conversation larger than"),
              std::string::npos)
        << e.what();
  }
}

const std::string kHangouts = "Takeout/Hangouts/Hangouts.json";

std::string hangouts_event(const std::string& id, const std::string& gaia, const std::string& us,
                           const std::string& text) {
  return R"({"sender_id": {"gaia_id": ")" + gaia + R"("}, "timestamp": ")" + us +
         R"(", "chat_message": {"message_content": {"segment": [{"type": "TEXT", "text": ")" +
         text + R"("}]}}, "event_id": ")" + id + R"(", "event_type": "REGULAR_CHAT_MESSAGE"})";
}

TEST(HangoutsImporter, StreamedInSmallPiecesGivesTheSameRecords) {
  const std::string json =
      R"({"conversations": [{"conversation": {"conversation_id": {"id": "C1"}, "conversation": {
      "type": "STICKY_ONE_TO_ONE", "participant_data": [{"id": {"gaia_id": "1"}, "fallback_name":
      "Ana"}, {"id": {"gaia_id": "2"}, "fallback_name": "Sam"}]}}, "events": [)" +
      hangouts_event("e1", "1", "1420070400123456", "um") + ", " +
      hangouts_event("e2", "2", "1420070401000000", "dois") + "]}]}";
  MemoryExport files = make_export({{kHangouts, json}});
  ImportOptions options;
  options.self_name = "Ana";
  const std::string whole = to_jsonl(import_checked(*importer(), files, options));
  files.set_stream_piece(1);
  const RecordingSink sink = import_checked(*importer(), files, options);
  EXPECT_EQ(to_jsonl(sink), whole);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.timestamp_ms, 1420070400123);
  EXPECT_EQ(messages[0].message.sender, "Ana");
  EXPECT_EQ(messages[1].message.text, "dois");
  EXPECT_EQ(messages[1].message.platform_message_id, "e2");
  const auto c = sink.conversations();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].title, "Sam");
  EXPECT_TRUE(c[0].participants[0].is_self);
}

TEST(HangoutsImporter, DamagedConversationNamesTheByteInTheFile) {
  const std::string json = "{\"conversations\": [{\"conversation\": {\"a\": tru}}]}";
  RecordingSink sink;
  try {
    importer()->import(make_export({{kHangouts, json}}), sink, {});
    FAIL() << "accepted invalid JSON";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), kHangouts + ": invalid JSON at byte 42") << e.what();
  }
}

TEST(HangoutsImporter, OtherJsonNamedHangoutsIsIgnoredWithAWarning) {
  MemoryExport files = chat_export({chat_message("May 1, 2024 at 1:00:00 PM UTC", "hi")});
  files.add(kHangouts, "{\"something\": [1, 2]}");
  const RecordingSink sink = import_checked(*importer(), files);
  EXPECT_EQ(sink.messages().size(), 1u);
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].path, kHangouts);
}

}  // namespace
}  // namespace dmvault::test
