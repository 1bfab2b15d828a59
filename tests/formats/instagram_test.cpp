// The Instagram importer on small in-memory exports: detection, layout, ordering, media paths,
// errors. The golden cases (instagram_golden_test.cpp) cover whole exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "instagram/instagram_importer.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace dmvault::test {
namespace {

std::unique_ptr<Importer> importer() { return formats::make_instagram_importer(); }

RecordingSink import_all(const MemoryExport& files, const ImportOptions& options = {}) {
  return import_checked(*importer(), files, options);
}

const std::string kIgRoot = "your_instagram_activity/messages/inbox/";
const std::string kHtmlBlockForSpans =
    R"(<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><h2 class="_3-95 _2pim _a6-h _a6-i">Bo</h2><div class="_3-95 _a6-p"><div><div></div><div>html</div></div></div><div class="_3-94 _a6-o">Mar 10, 2026 7:25 pm</div></div>)";

TEST(InstagramDetectTest, Scores) {
  const auto score = [](std::initializer_list<std::pair<std::string, std::string>> files) {
    return importer()->detect(make_export(files));
  };
  const std::string thread = thread_json({"Ana", "Sam"}, {{"Ana", 1, "oi", ""}});
  EXPECT_EQ(score({}), 0);
  EXPECT_EQ(score({{kIgRoot + "ana_1/message_1.json", thread}}), 100);
  EXPECT_EQ(score({{kIgRoot + "ana_1/message_1.html", "<html></html>"}}), 100);
  EXPECT_EQ(score({{"export-1/" + kIgRoot + "ana_1/message_1.json", thread}}), 100);
  // A bare messages/ tree could be Instagram before 2023 or Facebook Messenger.
  EXPECT_EQ(score({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", thread}}), 60);
  EXPECT_EQ(score({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", thread},
                   {"personal_information/personal_information.json", "{}"}}),
            100);
  EXPECT_EQ(score({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", thread},
                   {"messages/stickers_used/s.png", "png"}}),
            30);
  EXPECT_EQ(score({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", thread},
                   {"profile_information/profile_information.json", "{}"}}),
            30);
  // Facebook's own roots are never Instagram's.
  EXPECT_EQ(score({{"your_facebook_activity/messages/inbox/ana_1/message_1.json", thread}}), 0);
  EXPECT_EQ(score({{"your_activity_across_facebook/messages/inbox/ana_1/message_1.json", thread}}),
            0);
  // Look-alikes.
  EXPECT_EQ(score({{"notes/ana/message_1.json", thread}}), 0);
  EXPECT_EQ(score({{"messages/inbox/ana/message_one.json", thread}}), 0);
  EXPECT_EQ(score({{"WhatsApp Chat with Ana.txt", "12/05/2024, 10:21 - Ana: oi\n"}}), 0);
}

TEST(InstagramDetectTest, LegacyMessagesJson) {
  const std::string legacy =
      R"([{"participants": ["ana.p", "sam.k"], "conversation": [{"sender": "ana.p", "created_at": "2019-06-02T10:04:59+00:00", "text": "oi"}]}])";
  {
    MemoryExport e;
    e.add("messages.json", legacy);
    e.add("media.json", "{}");
    EXPECT_EQ(importer()->detect(e), 100);
    EXPECT_EQ(e.reads(), 0u) << "the siblings were enough; the file need not be read";
  }
  {
    MemoryExport e;
    e.add("messages.json", legacy);
    EXPECT_EQ(importer()->detect(e), 100);
    EXPECT_EQ(e.reads(), 1u);
  }
  for (const std::string& other : {std::string(R"({"messages": []})"), std::string("[]"),
                                   std::string("[1]"), legacy.substr(0, 40)}) {
    MemoryExport e;
    e.add("messages.json", other);
    EXPECT_EQ(importer()->detect(e), 0) << other;
  }
}

TEST(InstagramImportTest, PartsInNumericOrderAndExportOrderWithin) {
  MemoryExport e;
  const std::string dir = kIgRoot + "ana_17841400000000001/";
  e.add(dir + "message_10.json", thread_json({"Ana", "Sam"}, {{"Ana", 10, "ten", ""}}));
  e.add(dir + "message_2.json",
        thread_json({"Ana", "Sam"}, {{"Ana", 21, "two-b", ""}, {"Ana", 20, "two-a", ""}}));
  e.add(dir + "message_1.json", thread_json({"Ana", "Sam"}, {{"Sam", 30, "one", ""}}));
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "ana_17841400000000001");
  EXPECT_EQ(sink.conversations()[0].source_path, dir + "message_1.json");
  std::vector<std::string> texts;
  for (const auto& m : sink.messages()) texts.push_back(m.message.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two-b", "two-a", "ten"}));
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(InstagramImportTest, SelfFromOptionOrProfile) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.json",
        thread_json({"Ana Pérez", "Sam K"}, {{"Sam K", 1, "oi", ""}}, "Ana Pérez"));
  e.add(
      "personal_information/personal_information/personal_information.json",
      R"({"profile_user": [{"string_map_data": {"Name": {"value": "Ana P\u00c3\u00a9rez"}, "Username": {"value": "ana.p"}}}]})");
  auto participants = import_all(e).conversations().at(0).participants;
  ASSERT_EQ(participants.size(), 2u);
  EXPECT_TRUE(participants[0].is_self);  // the profile's (repaired) name
  EXPECT_FALSE(participants[1].is_self);
  ImportOptions options;
  options.self_name = "Sam K";
  participants = import_all(e, options).conversations().at(0).participants;
  EXPECT_FALSE(participants[0].is_self);
  EXPECT_TRUE(participants[1].is_self);
}

TEST(InstagramImportTest, TitleFallsBackToTheOtherParticipants) {
  MemoryExport e;
  const std::string trimmed =
      R"({"participants": [{"name": "Ana"}, {"name": "Sam"}], "messages": [{"sender_name": "Ana", "timestamp_ms": 1, "content": "oi"}]})";
  e.add(kIgRoot + "ana_1/message_1.json", trimmed);
  ImportOptions options;
  options.self_name = "Sam";
  const Conversation c = import_all(e, options).conversations().at(0);
  EXPECT_EQ(c.title, "Ana");
  EXPECT_TRUE(c.still_participant);
  EXPECT_FALSE(c.is_group);
}

TEST(InstagramImportTest, TruncatedFileFailsNamingIt) {
  MemoryExport e;
  const std::string good = thread_json({"Ana", "Sam"}, {{"Ana", 1, "oi", ""}});
  e.add(kIgRoot + "ana_1/message_1.json", good);
  e.add(kIgRoot + "bia_2/message_1.json", good.substr(0, good.size() / 2));
  RecordingSink sink;
  try {
    importer()->import(e, sink, {});
    FAIL() << "a truncated file was accepted";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::bad_input);
    const std::string what = err.what();
    EXPECT_EQ(what.rfind(kIgRoot + "bia_2/message_1.json: invalid JSON at byte ", 0), 0u) << what;
    EXPECT_EQ(what.find("oi"), std::string::npos) << "no message content in errors";
  }
}

TEST(InstagramImportTest, NoMessagesIsBadInput) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/photos/1.jpg", "jpeg");
  e.add("personal_information/personal_information.json", "{}");
  RecordingSink sink;
  try {
    importer()->import(e, sink, {});
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::bad_input);
    EXPECT_FALSE(err.hint().empty());
  }
  EXPECT_TRUE(sink.records().empty());
}

TEST(InstagramImportTest, ThreadInTwoSectionsIsOneConversation) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 2, "inbox", ""}}));
  e.add("your_instagram_activity/messages/message_requests/ana_1/message_1.json",
        thread_json({"Ana", "Sam"}, {{"Ana", 1, "request", ""}}));
  const RecordingSink sink = import_all(e);
  EXPECT_EQ(sink.conversations().size(), 1u);
  ASSERT_EQ(sink.messages().size(), 2u);
  EXPECT_EQ(sink.messages()[0].thread_id, "ana_1");
  EXPECT_EQ(sink.messages()[1].thread_id, "ana_1");
}

TEST(InstagramImportTest, BareMessagesTreeBesideInstagramRootIsLeftAlone) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 1, "ig", ""}}));
  e.add("messages/inbox/bob_x/message_1.json", thread_json({"Bob", "Sam"}, {{"Bob", 1, "?", ""}}));
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "ana_1");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "messages/inbox/bob_x/message_1.json");
}

TEST(InstagramImportTest, NonMessageJsonIsSkippedWithAWarning) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 1, "oi", ""}}));
  e.add(kIgRoot + "ana_1/message_2.json", R"({"something": "else"})");
  const RecordingSink sink = import_all(e);
  EXPECT_EQ(sink.messages().size(), 1u);
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, kIgRoot + "ana_1/message_2.json");
}

TEST(InstagramImportTest, MediaUrisResolveAcrossEras) {
  MemoryExport e;
  const std::string root = "wrapped-export/";
  const std::string dir = root + kIgRoot + "ana_1/";
  e.add(dir + "photos/p1.jpg", "jpeg");
  e.add(dir + "photos/p2.jpg", "jpeg");
  e.add(dir + "videos/v1.mp4", "mp4");
  e.add(dir + "audio/a1.aac", "aac");
  e.add(dir + "p3.jpg", "jpeg");
  const std::string media =
      R"("photos": [{"uri": "your_instagram_activity/messages/inbox/ana_1/photos/p1.jpg"},
                    {"uri": "messages/inbox/ana_1/photos/p2.jpg"},
                    {"uri": "your_instagram_activity/messages/cross-app-inbox/ana_1/photos/p2.jpg"},
                    {"uri": "./p3.jpg"},
                    {"uri": "https://scontent.cdninstagram.com/x/p.jpg"},
                    {"uri": "your_instagram_activity/messages/inbox/ana_1/photos/gone.jpg"}],
         "videos": [{"uri": "your_activity_across_facebook/messages/inbox/ana_1/videos/v1.mp4"}],
         "audio_files": [{"uri": "audio/a1.aac"}])";
  e.add(dir + "message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 1, "", media}}));
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.messages().size(), 1u);
  const std::vector<Attachment> a = sink.messages()[0].message.attachments;
  ASSERT_EQ(a.size(), 8u);
  EXPECT_EQ(a[0].uri, dir + "photos/p1.jpg");
  EXPECT_EQ(a[1].uri, dir + "photos/p2.jpg");
  EXPECT_EQ(a[2].uri, dir + "photos/p2.jpg");
  EXPECT_EQ(a[3].uri, dir + "p3.jpg");
  EXPECT_EQ(a[4].uri, "https://scontent.cdninstagram.com/x/p.jpg");
  EXPECT_EQ(a[5].uri, "your_instagram_activity/messages/inbox/ana_1/photos/gone.jpg");
  EXPECT_EQ(a[5].name, "gone.jpg");
  EXPECT_EQ(a[6].uri, dir + "videos/v1.mp4");
  EXPECT_EQ(a[6].kind, AttachmentKind::video);
  EXPECT_EQ(a[7].uri, dir + "audio/a1.aac");
  EXPECT_EQ(sink.messages()[0].message.kind, MessageKind::media);
}

TEST(InstagramImportTest, JsonWinsOverHtmlOfTheSameThread) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 1, "json", ""}}));
  e.add(kIgRoot + "ana_1/message_1.html", "<html></html>");
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "json");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, kIgRoot + "ana_1/message_1.html");
}

// A JSON record's raw bytes are said to be a span of its file, from the record's own offset
// (after a byte order mark too), so that the catalog need not keep a second copy; an HTML
// block's are not.
TEST(InstagramImportTest, JsonRecordsAreSpansOfTheirFile) {
  MemoryExport e;
  e.add(
      kIgRoot + "ana_1/message_1.json",
      "\xEF\xBB\xBF" + thread_json({"Ana", "Sam"}, {{"Ana", 2, "two", ""}, {"Sam", 1, "one", ""}}));
  e.add(kIgRoot + "bo_2/message_1.html", kHtmlBlockForSpans);
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.messages().size(), 3u);
  int spans = 0;
  for (const auto& r : sink.messages()) {
    if (r.message.source_path.ends_with(".html")) {
      EXPECT_FALSE(r.message.raw_offset.has_value());
      continue;
    }
    ASSERT_TRUE(r.message.raw_offset.has_value()) << r.message.text;
    const std::string& bytes = e.bytes(r.message.source_path);
    EXPECT_GE(*r.message.raw_offset, 3u);
    EXPECT_EQ(bytes.substr(*r.message.raw_offset, r.message.raw.size()), r.message.raw);
    EXPECT_EQ(r.message.raw.front(), '{');
    EXPECT_NE(r.message.raw.find("\"" + r.message.text + "\""), std::string::npos);
    ++spans;
  }
  EXPECT_EQ(spans, 2);
}

const std::string kHtmlBlock =
    R"(<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><h2 class="_3-95 _2pim _a6-h _a6-i">Ana</h2><div class="_3-95 _a6-p"><div><div></div><div>oi</div></div></div><div class="_3-94 _a6-o">Mar 10, 2026 7:25 pm</div></div>)";

TEST(InstagramHtmlTest, LocalTimesUseTheGivenZone) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.html", "<html><body>" + kHtmlBlock + "</body></html>");
  ImportOptions options;
  options.timezone = "+05:30";
  RecordingSink sink = import_all(e, options);
  ASSERT_EQ(sink.messages().size(), 1u);
  const Message m = sink.messages()[0].message;
  EXPECT_EQ(m.local_time, "Mar 10, 2026 7:25 pm");
  EXPECT_EQ(utc_text(m.timestamp_ms), "2026-03-10T13:55:00.000Z");
  EXPECT_EQ(m.text, "oi");
  EXPECT_EQ(m.sender, "Ana");
  EXPECT_EQ(m.raw, kHtmlBlock);
  options.timezone = "UTC";
  sink = import_all(e, options);
  EXPECT_EQ(utc_text(sink.messages()[0].message.timestamp_ms), "2026-03-10T19:25:00.000Z");
}

TEST(InstagramHtmlTest, UnknownZoneIsAUsageError) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.html", "<html><body>" + kHtmlBlock + "</body></html>");
  ImportOptions options;
  options.timezone = "Nowhere/Atlantis";
  RecordingSink sink;
  try {
    importer()->import(e, sink, options);
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::usage);
  }
  // JSON has UTC epochs: the zone is never needed, so a bad one does not matter there.
  MemoryExport j;
  j.add(kIgRoot + "ana_1/message_1.json", thread_json({"Ana", "Sam"}, {{"Ana", 1, "oi", ""}}));
  EXPECT_NO_THROW(import_all(j, options));
}

TEST(InstagramHtmlTest, DeepNestingIsRefusedQuickly) {
  MemoryExport e;
  std::string bomb = "<html><body>";
  for (int i = 0; i < 200000; ++i) bomb += "<div>";
  e.add(kIgRoot + "ana_1/message_1.html", bomb);
  RecordingSink sink;
  const auto start = std::chrono::steady_clock::now();
  try {
    importer()->import(e, sink, {});
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(err.what()).rfind(kIgRoot + "ana_1/message_1.html: ", 0), 0u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(InstagramHtmlTest, BlockWithoutTimeIsKeptWithAWarning) {
  MemoryExport e;
  e.add(
      kIgRoot + "ana_1/message_1.html",
      R"(<div class="_a6-g"><div class="_a6-h">Ana</div><div class="_a6-p"><div>sem hora</div></div></div>)");
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "sem hora");
  EXPECT_EQ(sink.messages()[0].message.timestamp_ms, 0);
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("no time"), std::string::npos);
  EXPECT_EQ(sink.warnings()[0].what.find("sem hora"), std::string::npos);
}

TEST(InstagramHtmlTest, InvalidUtf8IsReportedAndReplaced) {
  MemoryExport e;
  e.add(kIgRoot + "ana_1/message_1.html",
        "<div class=\"_a6-g\"><div class=\"_a6-h\">Ana</div><div class=\"_a6-p\"><div>a\xFF"
        "b</div></div><div class=\"_a6-o\">Mar 10, 2026 7:25 pm</div></div>");
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "a\uFFFDb");
  EXPECT_NE(sink.messages()[0].message.raw.find("a\xFF"
                                                "b"),
            std::string::npos);
  ASSERT_EQ(sink.warnings().size(), 1u);
}

TEST(InstagramLegacyTest, SameParticipantsTwiceAreTwoThreads) {
  MemoryExport e;
  e.add(
      "messages.json",
      R"([{"participants": ["b", "a", "c"], "conversation": [{"sender": "a", "created_at": "2019-01-01T00:00:00+00:00", "text": "1"}]},
            {"participants": ["a", "b", "c"], "conversation": [{"sender": "b", "created_at": "2019-01-02T00:00:00+00:00", "text": "2"}]}])");
  e.add("profile.json", R"({"username": "a"})");
  const RecordingSink sink = import_all(e);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[0].thread_id, "a,b,c");
  EXPECT_EQ(conversations[1].thread_id, "a,b,c#2");
  EXPECT_EQ(conversations[0].title, "b, c");
  EXPECT_TRUE(conversations[0].is_group);
  EXPECT_TRUE(conversations[0].participants[1].is_self);
  ASSERT_EQ(sink.messages().size(), 2u);
  EXPECT_EQ(sink.messages()[1].thread_id, "a,b,c#2");
}

}  // namespace
}  // namespace dmvault::test
