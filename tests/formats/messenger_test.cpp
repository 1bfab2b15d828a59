// The Messenger importer on small in-memory exports: who claims which Meta tree (against the
// Instagram importer), roots and sections, multi-part order, the E2EE flat files, errors; and
// the real Facebook sample of ../shared/fixtures/messenger when present. The golden cases
// (messenger_golden_test.cpp) cover whole exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "instagram/instagram_importer.hpp"
#include "messenger/messenger_importer.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

const std::string kThread = thread_json({"Ana", "Sam"}, {{"Ana", 1000, "oi", ""}});

std::unique_ptr<Importer> messenger() { return formats::make_messenger_importer(); }
std::unique_ptr<Importer> instagram() { return formats::make_instagram_importer(); }

RecordingSink import_all(const MemoryExport& files, const ImportOptions& options = {}) {
  return import_checked(*messenger(), files, options);
}

// Which importer the pipeline would pick (the higher score; on a tie the first registered,
// Instagram), or "" for neither.
std::string winner(const MemoryExport& files) {
  const int ig = instagram()->detect(files);
  const int fb = messenger()->detect(files);
  if (ig == 0 && fb == 0) return "";
  return fb > ig ? "messenger" : "instagram";
}

const std::string kE2ee =
    R"({"participants": ["Ana Pérez", "Sam K"], "threadName": "Sam K_12", "messages": [)"
    R"({"isUnsent": false, "media": [], "reactions": [], "senderName": "Ana Pérez",)"
    R"( "text": "café", "timestamp": 1717321402123, "type": "text"}]})";

TEST(MessengerDetectTest, EachImporterClaimsItsOwnExport) {
  // Facebook's roots (2024, 2025+).
  for (const char* root : {"your_facebook_activity/", "your_activity_across_facebook/"}) {
    const MemoryExport e = make_export({{std::string(root) + "messages/inbox/ana_461857197326166/"
                                                             "message_1.json",
                                         kThread}});
    EXPECT_EQ(messenger()->detect(e), 100) << root;
    EXPECT_EQ(instagram()->detect(e), 0) << root;
  }
  // Instagram's 2023+ root, and its 2020-22 bare tree with an Instagram-only file.
  const MemoryExport ig2023 = make_export(
      {{"your_instagram_activity/messages/inbox/ana_17841400000000001/message_1.json", kThread}});
  EXPECT_EQ(messenger()->detect(ig2023), 0);
  EXPECT_EQ(instagram()->detect(ig2023), 100);
  const MemoryExport ig2021 =
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", kThread},
                   {"personal_information/personal_information.json", "{}"}});
  EXPECT_EQ(messenger()->detect(ig2021), 0);
  EXPECT_EQ(winner(ig2021), "instagram");
  // A bare tree with Facebook evidence: stickers_used/, profile_information.json, a
  // Messenger-only section, a 2018-20 mixed-case folder, a sticker in the thread file.
  const std::vector<MemoryExport> facebook = {
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", kThread},
                   {"messages/stickers_used/s.png", "png"}}),
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", kThread},
                   {"profile_information/profile_information.json", "{}"}}),
      make_export({{"messages/archived_threads/ana_k3j9x0q2ab/message_1.json", kThread}}),
      make_export({{"messages/filtered_threads/ana_k3j9x0q2ab/message_1.json", kThread}}),
      make_export({{"messages/e2ee_cutover/ana_k3j9x0q2ab/message_1.json", kThread}}),
      make_export({{"messages/inbox/AnaPerez_A6kYU9nD4A/message_1.json", kThread}}),
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json",
                    thread_json({"Ana", "Sam"},
                                {{"Ana", 1, "",
                                  R"("sticker": {"uri": "messages/stickers_used/a.png"})"}})}}),
  };
  for (const MemoryExport& e : facebook) {
    EXPECT_EQ(messenger()->detect(e), 100) << e.files().front().path;
    EXPECT_EQ(instagram()->detect(e), 30) << e.files().front().path;
    EXPECT_EQ(winner(e), "messenger");
  }
  // Instagram links in a bare tree are Instagram evidence...
  const MemoryExport ig_links = make_export(
      {{"messages/inbox/ana_k3j9x0q2ab/message_1.json",
        thread_json(
            {"Ana", "Sam"},
            {{"Ana", 1, "", R"("share": {"link": "https://www.instagram.com/reel/X/"})"}})}});
  EXPECT_EQ(messenger()->detect(ig_links), 0);
  EXPECT_EQ(instagram()->detect(ig_links), 100);
  // ...unless the file also has a sticker: Facebook chats share Instagram links too.
  const MemoryExport both = make_export(
      {{"messages/inbox/ana_k3j9x0q2ab/message_1.json",
        thread_json({"Ana", "Sam"},
                    {{"Ana", 1, "", R"("share": {"link": "https://www.instagram.com/reel/X/"})"},
                     {"Sam", 2, "", R"("sticker": {"uri": "messages/stickers_used/a.png"})"}})}});
  EXPECT_EQ(winner(both), "messenger");
  // Only messages/ unzipped from a 2023+ export: the media uris still name the root.
  const auto with_photo = [](const std::string& uri) {
    return make_export(
        {{"messages/inbox/ana_461857197326166/message_1.json",
          thread_json({"Ana", "Sam"},
                      {{"Ana", 1, "", R"("photos": [{"uri": ")" + uri + R"("}])"}})}});
  };
  const MemoryExport ig_uri =
      with_photo("your_instagram_activity/messages/inbox/ana_461857197326166/photos/1.jpg");
  EXPECT_EQ(messenger()->detect(ig_uri), 0);
  EXPECT_EQ(instagram()->detect(ig_uri), 100);
  for (const char* root : {"your_facebook_activity/", "your_activity_across_facebook/"}) {
    const MemoryExport fb_uri =
        with_photo(std::string(root) + "messages/inbox/ana_461857197326166/photos/1.jpg");
    EXPECT_EQ(messenger()->detect(fb_uri), 100) << root;
    EXPECT_EQ(instagram()->detect(fb_uri), 30) << root;
  }
  // Nothing either way: Instagram's 60 beats Messenger's 40, deterministically.
  const MemoryExport bare =
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", kThread}});
  EXPECT_EQ(messenger()->detect(bare), 40);
  EXPECT_EQ(instagram()->detect(bare), 60);
  EXPECT_EQ(winner(bare), "instagram");
  // Conflicting path evidence on a bare tree: Instagram (100) over Messenger (50).
  const MemoryExport conflict =
      make_export({{"messages/inbox/ana_k3j9x0q2ab/message_1.json", kThread},
                   {"personal_information/personal_information.json", "{}"},
                   {"messages/stickers_used/s.png", "png"}});
  EXPECT_EQ(messenger()->detect(conflict), 50);
  EXPECT_EQ(winner(conflict), "instagram");
  // A combined export (both apps' roots): Instagram is certain, Messenger nearly.
  const MemoryExport combined = make_export(
      {{"your_instagram_activity/messages/inbox/ana_17841400000000001/message_1.json", kThread},
       {"your_facebook_activity/messages/inbox/ana_461857197326166/message_1.json", kThread}});
  EXPECT_EQ(messenger()->detect(combined), 90);
  EXPECT_EQ(winner(combined), "instagram");
  // The E2EE flat files, and things that are not Messenger at all.
  EXPECT_EQ(messenger()->detect(make_export({{"Sam K_12.json", kE2ee}, {"media/a.jpeg", "j"}})),
            100);
  EXPECT_EQ(instagram()->detect(make_export({{"Sam K_12.json", kE2ee}})), 0);
  EXPECT_EQ(messenger()->detect(make_export({{"notes/message_1.json", kThread}})), 0);
  EXPECT_EQ(messenger()->detect(make_export({{"result.json", "{\"chats\": []}"}})), 0);
  EXPECT_EQ(messenger()->detect(make_export({{"Sam K_12.json", "{\"threadName\": \"x\""}})), 0);
  EXPECT_EQ(messenger()->detect(make_export({})), 0);
}

TEST(MessengerImportTest, TakesEverySectionUnderEveryFacebookRoot) {
  MemoryExport e;
  const std::vector<std::string> sections = {"inbox", "archived_threads", "filtered_threads",
                                             "message_requests", "e2ee_cutover"};
  const std::vector<std::string> roots = {"messages/", "your_activity_across_facebook/messages/",
                                          "your_facebook_activity/messages/"};
  std::size_t n = 0;
  for (const std::string& root : roots) {
    for (const std::string& section : sections) {
      e.add(root + section + "/t" + std::to_string(n) + "_123/message_1.json", kThread);
      ++n;
    }
  }
  e.add("your_instagram_activity/messages/inbox/ig_1/message_1.json", kThread);
  const RecordingSink sink = import_all(e);
  EXPECT_EQ(sink.conversations().size(), n);
  EXPECT_EQ(sink.messages().size(), n);
  for (const auto& c : sink.conversations()) EXPECT_EQ(c.platform, "messenger");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "your_instagram_activity/messages/inbox/ig_1/message_1.json");
}

TEST(MessengerImportTest, MultiPartThreadsInNumericOrderNewestFirst) {
  const std::string dir = "your_facebook_activity/messages/inbox/group_461857197326166/";
  MemoryExport e;
  e.add(dir + "message_10.json", thread_json({"Ana", "Sam", "Rui"}, {{"Rui", 100, "oldest", ""}}));
  e.add(dir + "message_2.json", thread_json({"Ana", "Sam", "Rui"}, {{"Sam", 200, "middle", ""}}));
  e.add(dir + "message_1.json", thread_json({"Ana", "Sam", "Rui"}, {{"Ana", 400, "newest", ""},
                                                                    {"Ana", 300, "newer", ""}}));
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_TRUE(sink.conversations()[0].is_group);
  EXPECT_EQ(sink.conversations()[0].source_path, dir + "message_1.json");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].message.text, "newest");
  EXPECT_EQ(messages[1].message.text, "newer");
  EXPECT_EQ(messages[2].message.text, "middle");
  EXPECT_EQ(messages[3].message.text, "oldest");
  EXPECT_EQ(messages[3].message.source_path, dir + "message_10.json");
}

TEST(MessengerImportTest, ThreadInTwoSectionsIsOneConversationWithoutRepeats) {
  const Msg a{"Ana", 300, "a", ""};
  const Msg b{"Sam", 200, "b", ""};
  const Msg c{"Ana", 100, "c", ""};
  MemoryExport e;
  // inbox/ holds a, b and a genuine repeat of b; archived_threads/ overlaps on b and adds c.
  e.add("messages/inbox/ana_123/message_1.json", thread_json({"Ana", "Sam"}, {a, b, b}));
  e.add("messages/archived_threads/ana_123/message_1.json", thread_json({"Ana", "Sam"}, {b, c}));
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  const auto messages = sink.messages();
  std::vector<std::string> texts;
  for (const auto& m : messages) texts.push_back(m.message.text);
  // archived_threads/ sorts first (by folder path under the same name): b, c; then inbox/ adds
  // a and only the second b.
  EXPECT_EQ(texts, (std::vector<std::string>{"b", "c", "a", "b"}));
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "messages/inbox/ana_123/message_1.json");
  EXPECT_NE(sink.warnings()[0].what.find("1 records already imported"), std::string::npos);
}

TEST(MessengerImportTest, E2eeMediaPathsStayInsideTheExport) {
  const std::string thread =
      R"({"participants": ["Ana", "Sam"], "threadName": "Sam_3", "messages": [)"
      R"({"senderName": "Ana", "timestamp": 5, "text": "", "type": "media", "isUnsent": false,)"
      R"( "reactions": [], "media": [{"uri": "./media/../../etc/passwd"}, {"uri": "./media/a.JPG"},)"
      R"( {"uri": "./media/v.mov"}, {"uri": "./media/n.ogg"}, {"uri": "./media/d.pdf"},)"
      R"( {"uri": "./media/g.gif"}]}]})";
  MemoryExport e;
  e.add("chats/Sam_3.json", thread);
  e.add("chats/media/a.JPG", "jpeg");
  e.add("etc/passwd", "not media");
  const RecordingSink sink = import_all(e);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& att = messages[0].message.attachments;
  ASSERT_EQ(att.size(), 6u);
  EXPECT_EQ(att[0].uri, "./media/../../etc/passwd");  // never resolved outside
  EXPECT_EQ(att[1].uri, "chats/media/a.JPG");
  EXPECT_EQ(att[1].kind, AttachmentKind::photo);
  EXPECT_EQ(att[2].kind, AttachmentKind::video);
  EXPECT_EQ(att[2].uri, "./media/v.mov");  // missing: kept as written
  EXPECT_EQ(att[3].kind, AttachmentKind::audio);
  EXPECT_EQ(att[4].kind, AttachmentKind::file);
  EXPECT_EQ(att[5].kind, AttachmentKind::gif);
  EXPECT_EQ(messages[0].message.kind, MessageKind::media);
}

TEST(MessengerImportTest, Layouts2018WithoutPartNumbersOrSections) {
  // Sept 2018 JSON: inbox/<thread>/message.json; early 2018 HTML: messages/<thread>/message.html.
  const std::string html =
      "<html><head><title>Os Amigos</title></head><body><div class=\"_4t5n\">"
      "<div class=\"pam _3-95 _2pi0 _2lej uiBoxWhite noborder\">"
      "<div class=\"_3-96 _2pio _2lek _2lel\">Rui</div><div class=\"_3-96 _2let\"><div><div>"
      "</div><div>ol\u00e1</div></div></div><div class=\"_3-94 _2lem\">Feb 16, 2018 10:17pm</div>"
      "</div></div></body></html>";
  const MemoryExport e = make_export({{"messages/inbox/ana_1a2b3c4d5e/message.json", kThread},
                                      {"messages/OsAmigos_df3ac54957/message.html", html}});
  EXPECT_EQ(messenger()->detect(e), 100);
  EXPECT_EQ(instagram()->detect(e), 30);
  const RecordingSink sink = import_all(e, {.timezone = "UTC", .self_name = ""});
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[0].thread_id, "OsAmigos_df3ac54957");
  EXPECT_EQ(conversations[0].title, "Os Amigos");
  EXPECT_EQ(conversations[1].thread_id, "ana_1a2b3c4d5e");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.text, "olá");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1518819420000);  // 2018-02-16T22:17Z
  EXPECT_EQ(messages[1].message.text, "oi");
  // Alone, either file is still Facebook's.
  EXPECT_EQ(
      messenger()->detect(make_export({{"messages/inbox/ana_1a2b3c4d5e/message.json", kThread}})),
      100);
}

TEST(MessengerImportTest, SelfFromProfileInformation) {
  MemoryExport e;
  e.add("your_facebook_activity/messages/inbox/ana_461857197326166/message_1.json", kThread);
  e.add(
      "your_facebook_activity/personal_information/profile_information/"
      "profile_information.json",
      "{\"profile_v2\": {\"name\": {\"full_name\": " + meta_string("Sam") + "}}}");
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  const std::vector<Participant> people = sink.conversations()[0].participants;
  ASSERT_EQ(people.size(), 2u);
  EXPECT_FALSE(people[0].is_self);
  EXPECT_TRUE(people[1].is_self);
}

TEST(MessengerImportTest, E2eeFlatFiles) {
  MemoryExport e;
  e.add("secure/Sam K_12.json", kE2ee);
  e.add("secure/other.json", "{\"not\": \"a thread\"}");
  const RecordingSink sink = import_all(e);
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "Sam K_12");
  EXPECT_EQ(sink.conversations()[0].title, "Sam K");
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "café");
  EXPECT_EQ(sink.messages()[0].message.timestamp_ms, 1717321402123);
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(MessengerImportTest, TruncatedE2eeFileIsBadInputWithoutText) {
  MemoryExport e;
  e.add("Sam K_12.json", kE2ee.substr(0, kE2ee.size() - 10));
  RecordingSink sink;
  try {
    messenger()->import(e, sink, {});
    ADD_FAILURE() << "a truncated thread file was accepted";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::bad_input);
    const std::string what = err.what();
    EXPECT_EQ(what.rfind("Sam K_12.json:", 0), 0u) << what;
    EXPECT_EQ(what.find("café"), std::string::npos);
  }
}

TEST(MessengerImportTest, NothingToImportIsBadInput) {
  RecordingSink sink;
  try {
    messenger()->import(make_export({{"notes.txt", "hello"}}), sink, {});
    ADD_FAILURE() << "an export without messages was accepted";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::bad_input);
  }
  EXPECT_TRUE(sink.records().empty());
}

const std::filesystem::path kShared =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures";

TEST(MessengerRealSampleTest, Tunenado2022Group) {
  const std::filesystem::path dir = kShared / "messenger/tmitcheson-groupchat-2022";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "no shared fixtures at " << dir << " (they live outside the repository)";
  }
  const MemoryExport files = MemoryExport::from_directory(dir);
  // Only messages/ was kept; its sticker (messages/stickers_used/) says Facebook.
  EXPECT_EQ(messenger()->detect(files), 100);
  EXPECT_EQ(winner(files), "messenger");
  const RecordingSink sink = import_all(files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  const Conversation& c = conversations[0];
  EXPECT_EQ(c.platform, "messenger");
  EXPECT_EQ(c.thread_id, "tunenado_w0zptqqnzg");
  EXPECT_EQ(c.title, "tunenado");
  EXPECT_TRUE(c.is_group);
  EXPECT_TRUE(c.still_participant);
  ASSERT_EQ(c.participants.size(), 8u);
  EXPECT_EQ(c.participants[0].name, "Tom Mitcheson");
  EXPECT_EQ(c.participants[7].name, "Ben Crawford");

  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 312u);
  EXPECT_TRUE(sink.warnings().empty());
  std::size_t reactions = 0, stickers = 0, media = 0, system = 0, from_charlie = 0;
  for (const auto& r : messages) {
    const Message& m = r.message;
    EXPECT_TRUE(m.platform_message_id.empty());  // Meta's JSON has no message ids
    reactions += m.reactions.size();
    if (m.kind == MessageKind::sticker) ++stickers;
    if (m.kind == MessageKind::media) ++media;
    if (m.kind == MessageKind::system) ++system;
    if (m.sender == "Charlie Beggs") ++from_charlie;
  }
  EXPECT_EQ(reactions, 79u);
  EXPECT_EQ(stickers, 1u);
  EXPECT_EQ(media, 7u);  // 5 with photos, 1 video, 1 gif
  EXPECT_EQ(from_charlie, 106u);
  EXPECT_GE(system, 6u);  // 4 Subscribe, 1 Unsubscribe, the rename
  // Newest first, as in the file.
  EXPECT_EQ(messages.front().message.sender, "Josh Ganguli");
  EXPECT_EQ(messages.front().message.timestamp_ms, 1665335257696);
  EXPECT_EQ(messages.back().message.sender, "Charlie Beggs");
  EXPECT_EQ(messages.back().message.timestamp_ms, 1653188854783);
  EXPECT_EQ(messages.back().message.text, "Everyone has to post a tune a day, minimum x");
  EXPECT_EQ(messages[4].message.text, "Charlie Beggs added Joe Davies to the group.");
  EXPECT_EQ(messages[4].message.kind, MessageKind::system);
  EXPECT_EQ(messages[27].message.text, "Charlie Beggs added you to the group.");
  EXPECT_EQ(messages[309].message.text, "Charlie named the group tunenado.");
  EXPECT_EQ(messages[309].message.kind, MessageKind::system);
  EXPECT_EQ(messages[14].message.text,
            "Pleasure to be here \U0001F483\U0001F3FB\U0001F483\U0001F3FB");
}

}  // namespace
}  // namespace dmvault::test
