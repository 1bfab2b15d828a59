// The Signal importer (signal-export Markdown/text chats): line headers, continuation lines,
// attachments, "Me", time zones, and the real sample of ../shared/fixtures/signal when present.
#include "formats/memory_export.hpp"
#include "signal/signal_importer.hpp"
#include "sms/sms_importer.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

using formats::signal::parse_line_header;

TEST(SignalLineHeader, AcceptsTheWrittenForms) {
  const auto h = parse_line_header("[2019-05-29, 15:04] Me: How is everyone?");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->year, 2019);
  EXPECT_EQ(h->month, 5u);
  EXPECT_EQ(h->day, 29u);
  EXPECT_EQ(h->hour, 15u);
  EXPECT_EQ(h->minute, 4u);
  EXPECT_EQ(h->stamp, "2019-05-29, 15:04");
  EXPECT_EQ(h->length, 20u);
  const auto s = parse_line_header("[2019-05-29 15:04:07] A: b");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->second, 7u);
  for (const char* bad :
       {"[2019-02-30, 15:04] A: b", "[2019-05-29, 25:04] A: b", "[29/05/2019, 15:04] A: b",
        "2019-05-29, 15:04 A: b", "[2019-05-29, 15:04]A: b", ""}) {
    EXPECT_FALSE(parse_line_header(bad).has_value()) << bad;
  }
}

RecordingSink run(const MemoryExport& files, const ImportOptions& options = {}) {
  RecordingSink sink;
  formats::make_signal_importer()->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty());
  return sink;
}

TEST(SignalImporter, ChatFolderLinesAndAttachments) {
  MemoryExport files;
  files.add("Book Club/chat.md",
            "[2019-05-29, 15:04] Me: How is everyone?\n"
            "[2019-05-29, 15:05] Ana: Fine\nand you?\n\n"
            "[2019-05-29, 15:06] Bo: ![photo.jpg](./media/photo.jpg)\n"
            "[2019-05-29, 15:07] Bo: look\n[notes.pdf](media/notes.pdf)\n");
  files.add("Book Club/media/photo.jpg", "jpg");
  ImportOptions options;
  options.timezone = "+02:00";
  options.self_name = "Sam";
  const RecordingSink sink = run(files, options);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].thread_id, "Book Club");
  EXPECT_TRUE(conversations[0].is_group);
  ASSERT_EQ(conversations[0].participants.size(), 3u);
  EXPECT_EQ(conversations[0].participants[0].name, "Sam");
  EXPECT_TRUE(conversations[0].participants[0].is_self);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].message.sender, "Sam");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1559142240000 - 2 * 3600 * 1000);
  EXPECT_EQ(messages[0].message.local_time, "2019-05-29, 15:04");
  EXPECT_EQ(messages[1].message.text, "Fine\nand you?");
  EXPECT_EQ(messages[1].message.raw, "[2019-05-29, 15:05] Ana: Fine\nand you?\n");
  EXPECT_EQ(messages[2].message.kind, MessageKind::media);
  ASSERT_EQ(messages[2].message.attachments.size(), 1u);
  EXPECT_EQ(messages[2].message.attachments[0].uri, "Book Club/media/photo.jpg");
  EXPECT_EQ(messages[2].message.attachments[0].kind, AttachmentKind::photo);
  EXPECT_EQ(messages[3].message.text, "look");
  ASSERT_EQ(messages[3].message.attachments.size(), 1u);
  EXPECT_EQ(messages[3].message.attachments[0].kind, AttachmentKind::file);
  EXPECT_EQ(messages[3].message.attachments[0].uri, "Book Club/media/notes.pdf");
}

TEST(SignalImporter, DetectionLeavesXmlToSms) {
  MemoryExport xml;
  xml.add("SignalPlaintextBackup.xml",
          "<?xml version='1.0'?><smses count=\"1\"><sms address=\"+1\" date=\"1\" type=\"1\" "
          "body=\"oi\" /></smses>");
  EXPECT_EQ(formats::make_signal_importer()->detect(xml), 0);
  EXPECT_EQ(formats::make_sms_importer()->detect(xml), 100);
  MemoryExport text;
  text.add("x/chat.md", "[2024-01-02, 03:04] A: b\n");
  EXPECT_EQ(formats::make_signal_importer()->detect(text), 100);
  MemoryExport other;
  other.add("notes.md", "# notes\n");
  EXPECT_EQ(formats::make_signal_importer()->detect(other), 0);
}

// chat-miner's test export (joweich/chat-miner, MIT; fixtures/signal/SOURCES.md).
TEST(SignalRealSamples, ChatMinerExport) {
  const std::filesystem::path dir =
      std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures/signal/chat-miner";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no fixtures at " << dir;
  const MemoryExport all = MemoryExport::from_directory(dir);
  MemoryExport files;
  files.add("test_export.txt", all.bytes("test_export.txt"));
  ImportOptions options;
  options.timezone = "UTC";
  EXPECT_EQ(formats::make_signal_importer()->detect(files), 100);
  const RecordingSink sink = run(files, options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  // target.json, the tool's own expectation: author, message, time.
  EXPECT_EQ(messages[0].message.sender, "Jane Doe");
  EXPECT_EQ(messages[0].message.text, "Hello John!");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1577190180000);  // 2019-12-24T12:23:00Z
  EXPECT_EQ(messages[1].message.sender, "John Doe");
  EXPECT_EQ(messages[1].message.text, "Hello\nJane!");
  EXPECT_EQ(messages[1].message.timestamp_ms, 1579297740000);  // 2020-01-17T21:49:00Z
  EXPECT_TRUE(sink.warnings().empty());
}

}  // namespace
}  // namespace dmvault::test
