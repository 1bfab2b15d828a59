// Real exports published under permissive licences (../shared/fixtures, see their SOURCES.md).
// The expectations were read from the JSON by hand (and with an independent decoder) and are
// checked against what the importer emits. Skipped when ../shared is not there.
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "instagram/instagram_importer.hpp"
#include "meta/meta_json.hpp"
#include "meta/meta_message.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

namespace meta = formats::meta;

const std::filesystem::path kShared =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures";

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

TEST(RealSamplesTest, Instagram2025DirectThread) {
  const std::filesystem::path dir = kShared / "instagram/shahriar-sohan-dm-2025";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "no shared fixtures at " << dir << " (they live outside the repository)";
  }
  const MemoryExport files = MemoryExport::from_directory(dir);
  const std::string path =
      "your_instagram_activity/messages/inbox/adrisha_1655068219219278/message_1.json";
  ASSERT_TRUE(files.exists(path));
  const auto importer = formats::make_instagram_importer();
  EXPECT_EQ(importer->detect(files), 100);
  RecordingSink sink;
  importer->import(files, sink, {});
  EXPECT_TRUE(sink.violations().empty());
  EXPECT_TRUE(sink.warnings().empty());

  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].platform, "instagram");
  EXPECT_EQ(conversations[0].thread_id, "adrisha_1655068219219278");
  EXPECT_EQ(conversations[0].title, "AdrIshA");
  ASSERT_EQ(conversations[0].participants.size(), 2u);
  EXPECT_EQ(conversations[0].participants[0].name, "Shahriar Sohan");
  EXPECT_EQ(conversations[0].participants[1].name, "AdrIshA");
  EXPECT_FALSE(conversations[0].is_group);

  const auto messages = sink.messages();
  // Every record of the file, genuine duplicates included (this export holds most twice).
  EXPECT_EQ(messages.size(), 152u);
  EXPECT_EQ(messages.size(), count_of(files.bytes(path), "\"sender_name\""));

  const Message& first = messages[0].message;  // newest first, in export order
  EXPECT_EQ(first.sender, "AdrIshA");
  EXPECT_EQ(first.timestamp_ms, 1744651566779);
  EXPECT_EQ(utc_text(first.timestamp_ms), "2025-04-14T17:26:06.779Z");
  EXPECT_EQ(first.text, "Gostou de uma mensagem");  // a localised "Liked a message"
  EXPECT_EQ(first.kind, MessageKind::system);
  EXPECT_EQ(messages[1].message.text, "Liked a message");
  EXPECT_EQ(messages[1].message.kind, MessageKind::system);

  const Message& bengali = messages[2].message;
  EXPECT_EQ(bengali.sender, "Shahriar Sohan");
  EXPECT_EQ(bengali.timestamp_ms, 1744651548266);
  EXPECT_EQ(bengali.text, "\u09b6\u09c1\u09ad \u09a8\u09ac\u09ac\u09b0\u09cd\u09b7");
  EXPECT_EQ(bengali.kind, MessageKind::text);
  ASSERT_EQ(bengali.reactions.size(), 1u);
  EXPECT_EQ(bengali.reactions[0].reaction, "\u2764");
  EXPECT_EQ(bengali.reactions[0].actor, "AdrIshA");
  // Its duplicate is emitted too, identical.
  EXPECT_EQ(messages[3].message.text, bengali.text);
  EXPECT_EQ(messages[3].message.raw, bengali.raw);

  // 2025 marks edits with a suffix on the content.
  EXPECT_EQ(messages[36].message.text, "Oh kon schl. Vnsc? (edited)");
  EXPECT_TRUE(messages[36].message.edited);
  EXPECT_FALSE(messages[35].message.edited);

  EXPECT_EQ(messages[51].message.text, "Reacted \U0001F602 to your message ");
  EXPECT_EQ(messages[51].message.kind, MessageKind::system);

  // Photos point at messages/cross-app-inbox/ in this export; the media are not in the sample,
  // so the uri stays as written.
  const Message& photo = messages[82].message;
  EXPECT_EQ(photo.sender, "AdrIshA");
  EXPECT_EQ(photo.kind, MessageKind::media);
  ASSERT_EQ(photo.attachments.size(), 1u);
  EXPECT_EQ(photo.attachments[0].kind, AttachmentKind::photo);
  EXPECT_EQ(photo.attachments[0].uri,
            "your_instagram_activity/messages/cross-app-inbox/adrisha_1655068219219278/photos/"
            "485585726_1204933151215175_2839072393975624358_n_1204933147881842.jpg");
  EXPECT_EQ(photo.attachments[0].created_ms, 1742491862000);
  // A photo with a reaction stays media, the reaction kept (repaired: U+1F602).
  const Message& reacted = messages[54].message;
  EXPECT_EQ(reacted.kind, MessageKind::media);
  ASSERT_EQ(reacted.reactions.size(), 1u);
  EXPECT_EQ(reacted.reactions[0].reaction, "\U0001F602");
  EXPECT_EQ(reacted.reactions[0].actor, "AdrIshA");

  const Message& last = messages.back().message;
  EXPECT_EQ(last.sender, "Shahriar Sohan");
  EXPECT_EQ(last.timestamp_ms, 1742491529388);
  EXPECT_EQ(last.text, "Crush accept krse?");
  EXPECT_EQ(last.kind, MessageKind::share);
  ASSERT_TRUE(last.share);
  EXPECT_EQ(last.share->link, "https://instagram.com/stories/_adriishhaa/3592532392714127166");
  EXPECT_NE(files.bytes(path).find(last.raw), std::string::npos);
}

TEST(RealSamplesTest, MessengerGroupIsNotCertainlyInstagram) {
  const std::filesystem::path dir = kShared / "messenger/tmitcheson-groupchat-2022";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "no shared fixtures at " << dir << " (they live outside the repository)";
  }
  const MemoryExport files = MemoryExport::from_directory(dir);
  const auto importer = formats::make_instagram_importer();
  // Only messages/ was kept, so nothing says Facebook or Instagram: not certain either way.
  EXPECT_LT(importer->detect(files), 100);
  EXPECT_GT(importer->detect(files), 0);

  // The shared Meta reader on real Facebook data (same exporter, same schema).
  const std::string path = "messages/inbox/tunenado_w0zptqqnzg/message_1.json";
  meta::MetaThread thread = meta::parse_thread_file(path, files.bytes(path));
  ASSERT_TRUE(thread.has_messages);
  EXPECT_EQ(thread.title, "tunenado");
  EXPECT_EQ(thread.thread_type, "RegularGroup");
  EXPECT_TRUE(thread.has_joinable_mode);
  EXPECT_EQ(thread.participants.size(), 8u);
  ASSERT_EQ(thread.messages.size(), 312u);
  EXPECT_EQ(thread.messages.size(), count_of(files.bytes(path), "\"sender_name\""));
  const meta::UriResolver keep = [](const std::string& uri) { return uri; };
  std::vector<Message> messages;
  std::size_t system_lines = 0;
  for (meta::MetaMessage& record : thread.messages) {
    std::vector<std::string> problems;
    messages.push_back(meta::to_message(std::move(record), path, keep, problems));
    EXPECT_TRUE(problems.empty());
    if (messages.back().kind == MessageKind::system) ++system_lines;
  }
  EXPECT_EQ(messages[0].sender, "Josh Ganguli");
  EXPECT_EQ(messages[0].timestamp_ms, 1665335257696);
  EXPECT_EQ(messages[0].text, "Sunday evening grooves");
  EXPECT_EQ(messages[14].text, "Pleasure to be here \U0001F483\U0001F3FB\U0001F483\U0001F3FB");
  EXPECT_EQ(messages[309].text, "Charlie named the group tunenado.");
  EXPECT_EQ(messages[309].kind, MessageKind::system);
  EXPECT_EQ(messages[201].kind, MessageKind::sticker);
  ASSERT_EQ(messages[201].attachments.size(), 1u);
  EXPECT_EQ(messages[201].attachments[0].uri,
            "messages/stickers_used/39178562_1505197616293642_5411344281094848512_n_"
            "369239263222822.png");
  EXPECT_EQ(messages[236].kind, MessageKind::media);
  EXPECT_EQ(messages[236].attachments.at(0).kind, AttachmentKind::gif);
  // Four Subscribe and one Unsubscribe, plus the rename: at least six system lines.
  EXPECT_GE(system_lines, 6u);
}

}  // namespace
}  // namespace dmvault::test
