// The TikTok importer on small in-memory exports: chat keys, stickers, detection of both file
// names, both section layouts, who is the owner, records kept with problems, errors. The golden
// cases (tests/data/tiktok/) cover whole exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"
#include "tiktok/tiktok_importer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dmvault::test {
namespace {

namespace tiktok = formats::tiktok;

std::unique_ptr<Importer> importer() { return formats::make_tiktok_importer(); }

// A user_data JSON with the DM section under `outer` > `middle` > "ChatHistory".
std::string user_data(const std::string& chats, const std::string& outer = "Direct Message",
                      const std::string& middle = "Direct Messages",
                      const std::string& profile = "") {
  std::string json = "{\"Activity\": {\"Like List\": {\"ItemFavoriteList\": []}},\n \"" + outer +
                     "\": {\"" + middle + "\": {\"ChatHistory\": {" + chats + "}}}";
  if (!profile.empty()) {
    json += ",\n \"Profile\": {\"Profile Info\": {\"ProfileMap\": {\"userName\": \"" + profile +
            "\"}}}";
  }
  return json + "}\n";
}

const std::string kChat =
    R"("Chat History with ana:": [{"Date": "2024-06-02 09:43:22", "From": "ana", "Content": "secret words"}, {"Date": "2024-06-02 09:44:00", "From": "sam", "Content": "ok"}])";

TEST(TikTokKeys, ChatPartnerFromTheKey) {
  EXPECT_EQ(tiktok::chat_partner("Chat History with ana.perez:"), "ana.perez");
  EXPECT_EQ(tiktok::chat_partner("Chat History with ana.perez"), "ana.perez");
  EXPECT_EQ(tiktok::chat_partner("Chat History with Zoë Ω:"), "Zoë Ω");
  EXPECT_EQ(tiktok::chat_partner("Chat History with :"), std::nullopt);
  EXPECT_EQ(tiktok::chat_partner("ChatHistory"), std::nullopt);
  EXPECT_EQ(tiktok::chat_partner("chat history with ana:"), std::nullopt);
}

TEST(TikTokKeys, BracketedUrlsAreStickers) {
  EXPECT_EQ(tiktok::bracketed_url("[https://p16.tiktokcdn.com/a/b.gif]"),
            "https://p16.tiktokcdn.com/a/b.gif");
  EXPECT_EQ(tiktok::bracketed_url(" [http://x.example/s] "), "http://x.example/s");
  EXPECT_EQ(tiktok::bracketed_url("[not a url]"), std::nullopt);
  EXPECT_EQ(tiktok::bracketed_url("[https://a.example] and text"), std::nullopt);
  EXPECT_EQ(tiktok::bracketed_url("https://a.example"), std::nullopt);
  EXPECT_EQ(tiktok::bracketed_url("[https://a.example/x y]"), std::nullopt);
}

TEST(TikTokDetect, BothFileNamesAndTheGenericOneOnlyWithMessages) {
  EXPECT_EQ(importer()->detect(make_export({{"TikTok/user_data_tiktok.json", "{}"}})), 100);
  MemoryExport generic = make_export({{"user_data.json", user_data(kChat)}});
  // The needle straddles pieces when they are one byte each.
  generic.set_stream_piece(1);
  EXPECT_EQ(importer()->detect(generic), 100);
  EXPECT_EQ(importer()->detect(make_export({{"user_data.json", "{\"Activity\": {}}"}})), 40);
  EXPECT_EQ(importer()->detect(make_export({{"data/user_data_tiktok.txt", "x"}})), 0);
  EXPECT_EQ(importer()->detect(make_export({{"chat_history.json", user_data(kChat)}})), 0);
}

TEST(TikTokImport, OlderSectionNamesAndTheOwnerFromTheProfile) {
  for (const auto& [outer, middle] :
       {std::pair<std::string, std::string>{"Direct Message", "Direct Messages"},
        {"Direct Messages", "Chat History"}}) {
    const MemoryExport files =
        make_export({{"user_data_tiktok.json", user_data(kChat, outer, middle, "sam")}});
    const RecordingSink sink = import_checked(*importer(), files);
    const auto conversations = sink.conversations();
    ASSERT_EQ(conversations.size(), 1u) << outer;
    EXPECT_EQ(conversations[0].thread_id, "ana");
    EXPECT_FALSE(conversations[0].is_group);
    ASSERT_EQ(conversations[0].participants.size(), 2u);
    EXPECT_FALSE(conversations[0].participants[0].is_self);
    EXPECT_EQ(conversations[0].participants[1].name, "sam");
    EXPECT_TRUE(conversations[0].participants[1].is_self);
    const auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].message.text, "secret words");
    EXPECT_EQ(messages[0].message.timestamp_ms, 1717321402000);
    EXPECT_EQ(messages[0].message.local_time, "2024-06-02 09:43:22");
    EXPECT_EQ(messages[1].message.sender, "sam");
    EXPECT_TRUE(sink.warnings().empty());
  }
}

TEST(TikTokImport, SelfNameOptionWinsOverTheProfile) {
  const MemoryExport files =
      make_export({{"user_data_tiktok.json",
                    user_data(kChat, "Direct Message", "Direct Messages", "someone_else")}});
  ImportOptions options;
  options.self_name = "sam";
  const RecordingSink sink = import_checked(*importer(), files, options);
  const auto c = sink.conversations().at(0);
  ASSERT_EQ(c.participants.size(), 2u);
  EXPECT_EQ(c.participants[1].name, "sam");
  EXPECT_TRUE(c.participants[1].is_self);
}

TEST(TikTokImport, WithoutProfileTheOwnerIsWhoWritesInEveryChat) {
  const std::string chats =
      R"("Chat History with ana:": [{"Date": "2024-06-02 09:43:22", "From": "ana", "Content": "a"}, {"Date": "2024-06-02 09:44:00", "From": "sam", "Content": "b"}],
         "Chat History with bo:": [{"Date": "2024-06-03 09:43:22", "From": "sam", "Content": "c"}, {"Date": "2024-06-03 09:44:00", "From": "bo", "Content": "d"}])";
  const RecordingSink sink =
      import_checked(*importer(), make_export({{"user_data_tiktok.json", user_data(chats)}}));
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  for (const Conversation& c : conversations) {
    EXPECT_FALSE(c.is_group) << c.thread_id;
    ASSERT_EQ(c.participants.size(), 2u);
    EXPECT_EQ(c.participants[1].name, "sam");
    EXPECT_TRUE(c.participants[1].is_self);
  }
  // One chat says nothing about who the owner is: nobody is marked, and two senders are no group.
  const RecordingSink one =
      import_checked(*importer(), make_export({{"user_data_tiktok.json", user_data(kChat)}}));
  const auto c = one.conversations().at(0);
  EXPECT_FALSE(c.is_group);
  for (const Participant& p : c.participants) EXPECT_FALSE(p.is_self) << p.name;
}

TEST(TikTokImport, ChatWithSeveralOtherSendersIsAGroup) {
  const std::string chats =
      R"("Chat History with ana:": [{"Date": "2024-06-02 09:43:22", "From": "ana", "Content": "a"}, {"Date": "2024-06-02 09:44:00", "From": "bo", "Content": "b"}])";
  const RecordingSink sink = import_checked(
      *importer(), make_export({{"user_data_tiktok.json",
                                 user_data(chats, "Direct Message", "Direct Messages", "sam")}}));
  const auto c = sink.conversations().at(0);
  EXPECT_TRUE(c.is_group);
  ASSERT_EQ(c.participants.size(), 3u);
  EXPECT_EQ(c.participants[1].name, "sam");
  EXPECT_EQ(c.participants[2].name, "bo");
}

TEST(TikTokImport, RecordsWithProblemsAreKeptWithWarningsWithoutText) {
  const std::string chats =
      R"("Chat History with ana:": [{"Date": "2024-06-02 09:43:22", "From": "ana", "Content": "secret one"}, {"From": "ana", "Content": "secret two"}, 42, {"Date": "2024-06-03 10:00:00", "Content": 7}])";
  const RecordingSink sink =
      import_checked(*importer(), make_export({{"user_data_tiktok.json", user_data(chats)}}));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 4u);
  // Without a Date, a record takes the previous one's time.
  EXPECT_EQ(messages[1].message.timestamp_ms, messages[0].message.timestamp_ms);
  EXPECT_EQ(messages[1].message.text, "secret two");
  EXPECT_EQ(messages[2].message.kind, MessageKind::system);
  EXPECT_EQ(messages[2].message.raw, "42");
  EXPECT_EQ(messages[3].message.sender, "");
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 3u);
  for (const auto& w : warnings) {
    EXPECT_EQ(w.path, "user_data_tiktok.json");
    EXPECT_EQ(w.what.find("secret"), std::string::npos) << w.what;
  }
  EXPECT_NE(warnings[0].what.find("no Date"), std::string::npos) << warnings[0].what;
  EXPECT_NE(warnings[2].what.find("no From"), std::string::npos) << warnings[2].what;
  EXPECT_NE(warnings[2].what.find("Content is not a string"), std::string::npos);
}

TEST(TikTokImport, AnExportWithoutMessagesWarnsAndEmitsNothing) {
  const RecordingSink sink = import_checked(
      *importer(), make_export({{"user_data_tiktok.json", "{\"Activity\": {}, \"Profile\": {}}"}}));
  EXPECT_TRUE(sink.messages().empty());
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("no direct messages"), std::string::npos);
}

TEST(TikTokImport, DamagedJsonAndMissingFilesAreBadInput) {
  const std::string whole = user_data(kChat);
  const MemoryExport cut = make_export({{"user_data_tiktok.json", whole.substr(0, 180)}});
  try {
    RecordingSink sink;
    importer()->import(cut, sink, {});
    ADD_FAILURE() << "a cut file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind("user_data_tiktok.json:", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
  RecordingSink sink;
  EXPECT_THROW(importer()->import(make_export({{"user_data_tiktok.json", "[1, 2]"}}), sink, {}),
               Error);
  EXPECT_THROW(importer()->import(make_export({{"notes.json", "{}"}}), sink, {}), Error);
}

}  // namespace
}  // namespace dmvault::test
