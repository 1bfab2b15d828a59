// The Signal importer: signal-export Markdown/text chats (line headers, continuation lines,
// attachments, "Me", time zones, the real sample of ../shared/fixtures/signal when present),
// signal-export's data.json and index.html, sigtop's JSON and text output, how one import picks
// among them, and the importer contract checked on a small export of each flavour.
#include "dmvault/error.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "signal/signal_importer.hpp"
#include "signal/signal_internal.hpp"
#include "sms/sms_importer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

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

using formats::signal::Flavour;
using formats::signal::flavour_of;

TEST(SignalFlavour, EachToolsFilesAreRecognisedByTheirContent) {
  EXPECT_EQ(flavour_of("Club/chat.md", "[2024-06-01 14:00:05] Me: oi\n"), Flavour::export_markdown);
  EXPECT_EQ(
      flavour_of("Club/data.json",
                 "{\"date\": \"2024-06-01T14:00:05\", \"sender\": \"Me\", \"body\": \"oi\"}\n"),
      Flavour::export_json);
  EXPECT_EQ(flavour_of("Club/index.html",
                       "<!DOCTYPE html><html><head><title>Club</title>"
                       "<link href=\"../style.css\" rel=\"stylesheet\"/>"),
            Flavour::export_html);
  EXPECT_EQ(
      flavour_of("Ana (+1).json",
                 "[\n{\"id\":\"x\",\"type\":\"incoming\",\"sent_at\":1,\"conversationId\":\"c\"}"),
      Flavour::sigtop_json);
  EXPECT_EQ(
      flavour_of("Ana (+1).txt", "Conversation: Ana (+1)\n\nFrom: Ana (+1)\nType: incoming\n"),
      Flavour::sigtop_text);
  // Look-alikes of other platforms' files are not Signal's.
  EXPECT_EQ(flavour_of("messages/c1/messages.json", "[{\"ID\": 1, \"Timestamp\": \"2024\"}]"),
            Flavour::none);
  EXPECT_EQ(flavour_of("Club/data.json", "{\"messages\": []}"), Flavour::none);
  EXPECT_EQ(flavour_of("site/index.html", "<title>x</title><link href=\"style.css\">"),
            Flavour::none);
  EXPECT_EQ(flavour_of("notes.txt", "Conversation: about the trip\nwe said\n"), Flavour::none);
  EXPECT_EQ(flavour_of("messages.html", "<title>x</title><link href=\"../style.css\">"),
            Flavour::none);
}

TEST(SignalHelpers, SigtopTimesAndDetails) {
  using formats::signal::parse_sigtop_time;
  EXPECT_EQ(parse_sigtop_time("Sun, 2 Jun 2024 10:43:22 +0100"), 1717321402000);
  EXPECT_EQ(parse_sigtop_time("Mon, 15 Jan 2024 23:30:00 -0530"), 1705381200000);
  for (const char* bad :
       {"2 Jun 2024 10:43:22 +0100", "Sun, 31 Feb 2024 10:43:22 +0100", "Sun, 2 Jun 2024 10:43:22",
        "Sun, 2 Foo 2024 10:43:22 +0100", "unknown"}) {
    EXPECT_FALSE(parse_sigtop_time(bad).has_value()) << bad;
  }
  std::string detail;
  EXPECT_EQ(formats::signal::split_detail("Ana (Lx) (+351912345678)", &detail), "Ana (Lx)");
  EXPECT_EQ(detail, "+351912345678");
  EXPECT_EQ(formats::signal::split_detail("Clube (group)", &detail), "Clube");
  EXPECT_EQ(detail, "group");
  EXPECT_EQ(formats::signal::split_detail("Unknown", &detail), "Unknown");
  EXPECT_EQ(detail, "");
  EXPECT_EQ(formats::signal::percent_decoded("media/IMG%200042.jpg"), "media/IMG 0042.jpg");
  EXPECT_EQ(formats::signal::percent_decoded("100%"), "100%");
  EXPECT_EQ(formats::signal::percent_decoded("a%FFb"), "a%FFb");  // would break UTF-8
}

TEST(SignalImporter, ReadsTheRichestFileOfASignalExportChatFolder) {
  MemoryExport files;
  files.add("out/Club/chat.md", "[2024-06-01 14:00:05] Me: oi  \n");
  files.add("out/Club/data.json",
            "{\"date\": \"2024-06-01T14:00:05\", \"sender\": \"Me\", \"body\": \"oi  \", "
            "\"quote\": \"\", \"sticker\": \"\", \"reactions\": [], \"attachments\": [], "
            "\"deleted\": false, \"call\": false, \"missed\": false}\n");
  files.add("out/Club/index.html",
            "<html><head><title>Club</title><link href=\"../style.css\"/></head><body>"
            "<div class=\"msg me\"><span class=\"date\">2024-06-01</span><span class=\"time\">"
            "14:00:05</span><span class=\"sender\">Me</span><p class=\"body\">oi</p></div>"
            "</body></html>");
  files.add("out/Solo/index.html",
            "<html><head><title>Solo</title><link href=\"../style.css\"/></head><body>"
            "<div class=\"msg\"><span class=\"date\">2024-06-02</span><span class=\"time\">"
            "09:00:00</span><span class=\"sender\">Bo</span><p class=\"body\">ol\u00e1</p></div>"
            "</body></html>");
  ImportOptions options;
  options.timezone = "UTC";
  const RecordingSink sink = run(files, options);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.source_path, "out/Club/data.json");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1717250405000);
  EXPECT_EQ(messages[1].message.source_path, "out/Solo/index.html");
  EXPECT_EQ(messages[1].message.sender, "Bo");
  ASSERT_EQ(sink.warnings().size(), 2u);
  EXPECT_EQ(sink.warnings()[0].path, "out/Club/chat.md");
  EXPECT_EQ(sink.warnings()[1].path, "out/Club/index.html");
}

TEST(SignalImporter, SigtopTextBodiesMayHoldBlankLinesAndFieldLikeLines) {
  MemoryExport files;
  files.add("Ana (+1).txt",
            "Conversation: Ana (+1)\n\n"
            "From: Ana (+1)\nType: incoming\nSent: Sun, 2 Jun 2024 10:43:22 +0100\n"
            "Received: Sun, 2 Jun 2024 10:43:23 +0100\n\none\n\nFrom: me\nType: not a header\n\n"
            "From: You\nType: outgoing\nSent: Sun, 2 Jun 2024 10:44:00 +0100\n\ntwo\n\n");
  const RecordingSink sink = run(files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.text, "one\n\nFrom: me\nType: not a header");
  EXPECT_EQ(messages[0].message.sender, "Ana");
  EXPECT_EQ(messages[0].message.sender_id, "+1");
  EXPECT_EQ(messages[1].message.sender, "You");
  EXPECT_EQ(messages[1].message.text, "two");
  EXPECT_EQ(messages[1].message.timestamp_ms, 1717321440000);
}

TEST(SignalImporter, BrokenFilesAreBadInputNamingThemWithoutText) {
  const auto fails = [](const std::string& path, const std::string& bytes) {
    MemoryExport files;
    files.add(path, bytes);
    RecordingSink sink;
    try {
      formats::make_signal_importer()->import(files, sink, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).rfind(path + ":", 0), 0u) << e.what();
      EXPECT_EQ(std::string(e.what()).find("segredo"), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << path << " was accepted";
  };
  fails("Ana (+1).json",
        "[\n{\"id\":\"a\",\"type\":\"incoming\",\"sent_at\":1,\"conversationId\":\"c\","
        "\"body\":\"segredo\"},\n{\"id\":\"b\",\"type\"");
  fails("Club/data.json",
        "{\"date\": \"2024-06-01T14:00:05\", \"sender\": \"Me\", \"body\": \"segredo\"}\n"
        "{\"date\": \"2024-06-01T14:00:06\", \"sender\": \"Me\", \"body\": \"segr");
  fails("Club/data.json",
        "{\"date\": \"2024-06-01T14:00:05\", \"sender\": \"Me\", \"body\": \"segredo\xFF\"}\n");
  fails("Club/index.html",
        "<html><head><title>Club</title><link href=\"../style.css\"/></head><body>segredo");
}

// The importer contract (conformance_test.cpp runs it on the Markdown kit) on each other flavour.
struct FlavourKit {
  std::string name;
  std::string main_file;
  std::function<std::string(const std::vector<std::string>&)> file;
  bool truncation_detectable = true;
};

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<FlavourKit> flavour_kits() {
  return {
      {"export_json", "Ana/data.json",
       [](const std::vector<std::string>& texts) {
         std::string out;
         for (const std::string& t : texts) {
           out += "{\"date\": \"2024-06-02T11:43:22\", \"sender\": \"Ana\", \"body\": " +
                  json_string(t + "  ") +
                  ", \"quote\": \"\", \"sticker\": \"\", \"reactions\": [], \"attachments\": [], "
                  "\"deleted\": false, \"call\": false, \"missed\": false}\n";
         }
         return out;
       },
       false},
      {"export_html", "Ana/index.html",
       [](const std::vector<std::string>& texts) {
         std::string out =
             "<!DOCTYPE html>\n<html><head><title>Ana</title><link href=\"../style.css\" "
             "rel=\"stylesheet\"/></head>\n<body><div class=\"page\">\n";
         for (const std::string& t : texts) {
           out +=
               "<div class=\"msg\"><span class=\"date\">2024-06-02</span><span "
               "class=\"time\">11:43:22</span><span class=\"sender\">Ana</span><p "
               "class=\"body\">" +
               t + "</p></div>\n";
         }
         return out + "</div></body></html>\n";
       },
       false},
      {"sigtop_json", "Ana (+351912345678).json",
       [](const std::vector<std::string>& texts) {
         std::string out = "[\n";
         for (std::size_t i = 0; i < texts.size(); ++i) {
           out +=
               "{\"id\":\"m1\",\"type\":\"incoming\",\"sent_at\":1717321402123,"
               "\"conversationId\":\"c1\",\"sourceServiceId\":\"a1\",\"body\":" +
               json_string(texts[i]) + "}";
           out += i + 1 < texts.size() ? ",\n" : "\n";
         }
         return out + "]\n";
       },
       true},
      {"sigtop_text", "Ana (+351912345678).txt",
       [](const std::vector<std::string>& texts) {
         std::string out = "Conversation: Ana (+351912345678)\n\n";
         for (const std::string& t : texts) {
           out +=
               "From: Ana (+351912345678)\nType: incoming\nSent: Sun, 2 Jun 2024 10:43:22 "
               "+0100\nReceived: Sun, 2 Jun 2024 10:43:23 +0100\n\n" +
               t + "\n\n";
         }
         return out;
       },
       false},
  };
}

class SignalFlavourContract : public ::testing::TestWithParam<FlavourKit> {
 protected:
  MemoryExport with_texts(const std::vector<std::string>& texts) const {
    MemoryExport files;
    files.add(GetParam().main_file, GetParam().file(texts));
    return files;
  }
};

TEST_P(SignalFlavourContract, DetectedAndNotClaimedByOthers) {
  const MemoryExport files = with_texts({"oi"});
  EXPECT_EQ(formats::make_signal_importer()->detect(files), 100);
  for (const auto& other : all_importers()) {
    if (other->name() != "signal") {
      EXPECT_LT(other->detect(files), 100) << other->name();
    }
  }
}

TEST_P(SignalFlavourContract, TextsSurviveDuplicatesStayAndRecordsAreComplete) {
  const std::vector<std::string> texts = {"😀",
                                          "👨‍👩‍👧",
                                          "a😀b👍🏽c",
                                          "🏳️‍🌈 café Ωμέγα 日本",
                                          "same",
                                          "same"};
  const MemoryExport files = with_texts(texts);
  const RecordingSink sink = run(files, {});
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(messages[i].message.text, texts[i]);
    EXPECT_EQ(messages[i].message.sender, "Ana");
    EXPECT_NE(messages[i].message.timestamp_ms, 0);
    EXPECT_NE(files.bytes(messages[i].message.source_path).find(messages[i].message.raw),
              std::string::npos);
    // A record said to be a span of its file is exactly there (the catalog keeps the span).
    if (const auto offset = messages[i].message.raw_offset) {
      EXPECT_EQ(files.bytes(messages[i].message.source_path)
                    .substr(*offset, messages[i].message.raw.size()),
                messages[i].message.raw);
    }
  }
  EXPECT_EQ(messages[4].message.raw, messages[5].message.raw);
  RecordingSink again;
  formats::make_signal_importer()->import(files, again, {});
  EXPECT_EQ(to_jsonl(again), to_jsonl(sink));
  ASSERT_EQ(sink.conversations().size(), 1u);
  EXPECT_EQ(sink.conversations()[0].platform, "signal");
}

TEST_P(SignalFlavourContract, TruncationFailsOrLosesMessagesNeverInventsThem) {
  MemoryExport files = with_texts({"primeira", "segunda", "terceira"});
  const std::string whole = files.bytes(GetParam().main_file);
  for (const std::size_t cut : {whole.size() / 2, whole.size() - 3}) {
    files.add(GetParam().main_file, whole.substr(0, cut));
    RecordingSink sink;
    try {
      formats::make_signal_importer()->import(files, sink, {});
      EXPECT_FALSE(GetParam().truncation_detectable) << "accepted a file cut at byte " << cut;
      EXPECT_LE(sink.messages().size(), 3u);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).find("segunda"), std::string::npos) << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Flavours, SignalFlavourContract, ::testing::ValuesIn(flavour_kits()),
                         [](const ::testing::TestParamInfo<FlavourKit>& param_info) {
                           return param_info.param.name;
                         });

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
