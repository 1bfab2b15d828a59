// The SMS Backup & Restore importer: the streaming XML reader against hostile input (pieces of
// one byte, unterminated tags, values over the cap, entity bombs, surrogate references), the
// mapping of SMS and group MMS, and the real samples of ../shared/fixtures/sms when present.
#include "dmvault/error.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "sms/sms_importer.hpp"
#include "sms/sms_xml.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

const std::string kFile = "sms-20240602.xml";

std::string backup(const std::string& records, const std::string& count = "1") {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
         "<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n<smses count=\"" +
         count + "\" backup_set=\"x\" type=\"full\">\n" + records + "</smses>\n";
}

std::string sms(const std::string& body, const std::string& type = "1",
                const std::string& contact = "Ana") {
  return "  <sms protocol=\"0\" address=\"+351 912-345-678\" date=\"1717321402123\" type=\"" +
         type + "\" subject=\"null\" body=\"" + body +
         "\" readable_date=\"Jun 2, 2024 10:43:22\" contact_name=\"" + contact + "\" />\n";
}

RecordingSink run(const std::string& xml, std::size_t piece = 4096,
                  const ImportOptions& options = {}) {
  MemoryExport files;
  files.add(kFile, xml);
  files.set_stream_piece(piece);
  RecordingSink sink;
  formats::make_sms_importer()->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty());
  return sink;
}

bool has_warning(const RecordingSink& sink, const std::string& part) {
  for (const auto& w : sink.warnings()) {
    if (w.what.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string error_of(const std::string& xml) {
  try {
    run(xml);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    return e.what();
  }
  return "";
}

TEST(SmsImporter, OneBytePiecesGiveTheSameRecords) {
  const std::string xml =
      backup(sms("caf&#233; &amp; &lt;b&gt; &#55357;&#56832;&#10;two") +
                 "  <!-- a comment with <sms> inside -->\n" +
                 "  <mms date=\"1717321500000\" msg_box=\"1\" address=\"+1555~+1666\" "
                 "contact_name=\"Bo, Cy\" readable_date=\"x\"><parts>"
                 "<part seq=\"0\" ct=\"text/plain\" text=\"hi all\" />"
                 "<part seq=\"1\" ct=\"image/jpeg\" name=\"a.jpg\" data=\"/9j/4AAQ\" />"
                 "</parts><addrs><addr address=\"+1666\" type=\"137\" />"
                 "<addr address=\"+1555\" type=\"151\" /></addrs></mms>\n",
             "2");
  const RecordingSink whole = run(xml);
  const RecordingSink bytewise = run(xml, 1);
  EXPECT_EQ(to_jsonl(bytewise), to_jsonl(whole));
  const auto messages = whole.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.text, "café & <b> 😀\ntwo");
  EXPECT_TRUE(whole.warnings().empty());
}

TEST(SmsImporter, SmsMapping) {
  const RecordingSink sink =
      run(backup(sms("in") + sms("out", "2") + sms("x", "1", "(Unknown)"), "3"));
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].thread_id, "+351912345678");
  EXPECT_EQ(conversations[0].platform, "sms");
  EXPECT_FALSE(conversations[0].is_group);
  ASSERT_EQ(conversations[0].participants.size(), 2u);
  EXPECT_TRUE(conversations[0].participants[1].is_self);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.sender, "Ana");
  EXPECT_EQ(messages[0].message.sender_id, "+351912345678");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1717321402123);
  EXPECT_EQ(messages[0].message.local_time, "Jun 2, 2024 10:43:22");
  EXPECT_EQ(messages[1].message.sender, "Me");
  EXPECT_EQ(messages[2].message.sender, "+351912345678");  // "(Unknown)": the number
  EXPECT_NE(messages[0].message.platform_message_id, messages[1].message.platform_message_id);
  EXPECT_NE(messages[0].message.raw.find("body=\"in\""), std::string::npos);

  ImportOptions named;
  named.self_name = "Sam";
  EXPECT_EQ(run(backup(sms("out", "2")), 4096, named).messages()[0].message.sender, "Sam");
}

TEST(SmsImporter, GroupMmsThreadsByTheAddressSet) {
  const std::string mms_in =
      "<mms date=\"1\" msg_box=\"1\" address=\"+1666~+1555\" contact_name=\"Cy, Bo\">"
      "<parts><part ct=\"text/plain\" text=\"from cy\" /></parts><addrs>"
      "<addr address=\"+1666\" type=\"137\" /><addr address=\"+1555\" type=\"151\" />"
      "<addr address=\"+1999\" type=\"151\" /></addrs></mms>\n";
  const std::string mms_out =
      "<mms date=\"2\" msg_box=\"2\" address=\"+1555~+1666\" contact_name=\"Bo, Cy\">"
      "<parts><part ct=\"application/smil\" text=\"&lt;smil/&gt;\" />"
      "<part ct=\"video/mp4\" cl=\"v.mp4\" data=\"AAAA\" /></parts><addrs>"
      "<addr address=\"insert-address-token\" type=\"137\" /></addrs></mms>\n";
  const RecordingSink sink = run(backup(mms_in + mms_out, "2"));
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].thread_id, "+1555~+1666");
  EXPECT_TRUE(conversations[0].is_group);
  EXPECT_EQ(conversations[0].title, "Bo, Cy");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.sender, "Cy");
  EXPECT_EQ(messages[0].message.sender_id, "+1666");
  EXPECT_EQ(messages[0].message.text, "from cy");
  EXPECT_EQ(messages[1].message.sender, "Me");
  EXPECT_EQ(messages[1].message.kind, MessageKind::media);
  ASSERT_EQ(messages[1].message.attachments.size(), 1u);
  EXPECT_EQ(messages[1].message.attachments[0].kind, AttachmentKind::video);
  EXPECT_EQ(messages[1].message.attachments[0].name, "v.mp4");
  EXPECT_TRUE(messages[1].message.attachments[0].uri.empty());
}

TEST(SmsImporter, LoneSurrogatesBecomeReplacementCharacters) {
  const RecordingSink sink = run(backup(sms("a&#55357;b&#56832;c&#55357;")));
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD");
  EXPECT_TRUE(has_warning(sink, "lone surrogate"));
  // The warning follows its message and names no text.
  ASSERT_EQ(sink.records().size(), 5u);
  EXPECT_TRUE(std::holds_alternative<MessageRecord>(sink.records()[1]));
}

TEST(SmsImporter, InvalidUtf8IsRepaired) {
  const RecordingSink sink = run(backup(sms("ok\xC3(\xFF")));
  EXPECT_EQ(sink.messages()[0].message.text, "ok\xEF\xBF\xBD(\xEF\xBF\xBD");
  EXPECT_TRUE(has_warning(sink, "invalid UTF-8"));
}

TEST(SmsImporter, DtdEntitiesAreNeverExpanded) {
  std::string dtd = "<!DOCTYPE smses [\n<!ENTITY a \"aaaaaaaaaa\">\n";
  dtd += "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n";
  dtd += "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n";
  const std::string xml = "<?xml version='1.0'?>\n" + dtd + "<smses>" + sms("x&c;y") + "</smses>";
  const RecordingSink sink = run(xml);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "x&c;y");
  EXPECT_TRUE(has_warning(sink, "undeclared entity &c;"));
  // A bare '&' is kept too.
  EXPECT_EQ(run(backup(sms("fish & chips"))).messages()[0].message.text, "fish & chips");
}

TEST(SmsImporter, StructuralDamageIsBadInputNamingTheFile) {
  const std::string whole = backup(sms("secret words"));
  for (const std::string& bad :
       {whole.substr(0, whole.find("body=") + 9), whole.substr(0, whole.size() - 4),
        backup(sms("a") + "</mms>"), backup("<sms body=\"a<b\" />"), std::string("<"),
        std::string("no xml at all"), backup("<sms body= />"), backup("<sms body=<x />"),
        whole + "<smses/>"}) {
    const std::string what = error_of(bad);
    EXPECT_EQ(what.rfind(kFile + ": offset ", 0), 0u) << what;
    EXPECT_EQ(what.find("secret"), std::string::npos) << what;
  }
  EXPECT_NE(error_of(backup("<" + std::string(70, 'n') + "/>")).find("longer than 64"),
            std::string::npos);
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "<d>";
  EXPECT_NE(error_of(backup(deep)).find("deeper than 16"), std::string::npos);
}

TEST(SmsImporter, UnquotedValuesOfOldWritersAreReadWithAWarning) {
  // signalbackup-tools before 2022 wrote <smses count=N ...> and could repeat an attribute.
  const std::string xml =
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=2 type=\"full\">\n"
      "<sms protocol=0 address=+1555 date=1717321402123 type=1 body=\"quoted text\" "
      "readable_date=r contact_name=Ana/>\n" +
      sms("second") + "</smses>\n";
  for (const std::size_t piece : {std::size_t{1}, std::size_t{4096}}) {
    const RecordingSink sink = run(xml, piece);
    ASSERT_EQ(sink.messages().size(), 2u);
    EXPECT_EQ(sink.messages()[0].message.text, "quoted text");
    EXPECT_EQ(sink.messages()[0].message.timestamp_ms, 1717321402123);
    EXPECT_EQ(sink.messages()[1].message.text, "second");
    EXPECT_TRUE(has_warning(sink, "not quoted"));
  }
}

TEST(SmsImporter, ValuesOverTheCapAreCutWithAWarning) {
  const std::string body(formats::sms::kMaxValueBytes + 100, 'x');
  const RecordingSink sink = run(backup(sms(body)), std::size_t{1} << 16);
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text.size(), formats::sms::kMaxValueBytes);
  EXPECT_TRUE(has_warning(sink, "longer than"));
}

TEST(SmsImporter, LargeInlineMediaIsNotKeptInRaw) {
  const std::string data(std::size_t{3} << 20, 'A');
  const std::string xml = backup(
      "<mms date=\"5\" msg_box=\"1\" address=\"+1555\" readable_date=\"r\"><parts>"
      "<part ct=\"image/png\" name=\"big.png\" data=\"" +
      data + "\" /></parts><addrs /></mms>");
  const RecordingSink sink = run(xml, std::size_t{1} << 16);
  ASSERT_EQ(sink.messages().size(), 1u);
  const Message m = sink.messages()[0].message;
  EXPECT_LT(m.raw.size(), formats::sms::kMaxKeptDataBytes + 1024);
  EXPECT_NE(m.raw.find("bytes of base64 at byte offset " + std::to_string(xml.find(data))),
            std::string::npos);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].kind, AttachmentKind::photo);
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(SmsImporter, CorruptBase64IsWarnedPerMessage) {
  const RecordingSink sink =
      run(backup("<mms date=\"5\" msg_box=\"1\" address=\"+1555\"><parts>"
                 "<part ct=\"image/png\" name=\"p.png\" data=\"abc!\" />"
                 "<part ct=\"text/plain\" text=\"kept\" /></parts></mms>"));
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(sink.messages()[0].message.text, "kept");
  EXPECT_TRUE(has_warning(sink, "not valid base64"));
}

TEST(SmsImporter, WrongCountAndForeignFilesAreWarned) {
  EXPECT_TRUE(has_warning(run(backup(sms("a"), "58")), "count attribute says 58"));
  MemoryExport files;
  files.add(kFile, backup(sms("a")));
  files.add("calls-20240602.xml", "<?xml version='1.0'?><calls count=\"1\"><call /></calls>");
  RecordingSink sink;
  formats::make_sms_importer()->import(files, sink, {});
  EXPECT_EQ(sink.messages().size(), 1u);
  EXPECT_TRUE(has_warning(sink, "call log"));
}

TEST(SmsImporter, DetectionNeedsTheSmsesRoot) {
  const auto importer = formats::make_sms_importer();
  MemoryExport files;
  files.add("notes.xml", "<?xml version='1.0'?><notes/>");
  EXPECT_EQ(importer->detect(files), 0);
  files.add("backup/sms-1.xml", backup(sms("a")));
  EXPECT_EQ(importer->detect(files), 100);
  EXPECT_GE(files.reads(), 2u);
}

// Real backups (anonymised) from devadvance/sms-backup-reader-2, see fixtures/sms/SOURCES.md.
const std::filesystem::path kFixtures =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures/sms/sms-backup-reader-2";

RecordingSink fixture(const std::string& name) {
  MemoryExport files;
  const MemoryExport all = MemoryExport::from_directory(kFixtures);
  files.add(name, all.bytes(name));
  files.set_stream_piece(7);
  RecordingSink sink;
  formats::make_sms_importer()->import(files, sink, {});
  EXPECT_TRUE(sink.violations().empty());
  return sink;
}

TEST(SmsRealSamples, SmsAndMmsCutInItsLastRecord) {
  if (!std::filesystem::is_directory(kFixtures)) GTEST_SKIP() << "no fixtures at " << kFixtures;
  // The published file ends inside its ninth <mms> (26,798 bytes, no </smses>): a cut file is
  // refused whole, but every record before the cut was read correctly on the way.
  MemoryExport files;
  files.add("sms_and_mms.xml", MemoryExport::from_directory(kFixtures).bytes("sms_and_mms.xml"));
  files.set_stream_piece(7);
  RecordingSink sink;
  try {
    formats::make_sms_importer()->import(files, sink, {});
    ADD_FAILURE() << "a cut file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()),
              "sms_and_mms.xml: offset 26798: the file ends before </parts>");
  }
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 49u);  // 41 <sms> and the 8 complete <mms>
  EXPECT_EQ(messages[0].message.text, "Body text 1");
  EXPECT_EQ(messages[0].message.sender, "Contact A");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1512226167463);
  EXPECT_EQ(messages[9].message.text, "Body text 10\nBody text 11\nBody text 12");
  EXPECT_EQ(messages[9].message.sender, "Me");
  std::size_t with_attachments = 0;
  for (const auto& r : messages) {
    if (!r.message.attachments.empty()) ++with_attachments;
  }
  EXPECT_GT(with_attachments, 0u);
}

TEST(SmsRealSamples, SmallThreadsCorruptAndEmpty) {
  if (!std::filesystem::is_directory(kFixtures)) GTEST_SKIP() << "no fixtures at " << kFixtures;
  const RecordingSink small = fixture("sample_small.xml");
  ASSERT_EQ(small.messages().size(), 7u);
  ASSERT_EQ(small.conversations().size(), 2u);
  EXPECT_EQ(small.messages()[3].thread_id, "+15550000001");
  EXPECT_EQ(small.messages()[3].message.text, "MMS 1 text in Thread 1");
  EXPECT_EQ(small.messages()[6].message.sender, "Me");

  const RecordingSink mms = fixture("sample_mms.xml");
  ASSERT_EQ(mms.messages().size(), 4u);
  const AttachmentKind kinds[] = {AttachmentKind::photo, AttachmentKind::video,
                                  AttachmentKind::audio, AttachmentKind::file};
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(mms.messages()[i].message.attachments.size(), 1u);
    EXPECT_EQ(mms.messages()[i].message.attachments[0].kind, kinds[i]);
  }
  EXPECT_EQ(mms.messages()[0].message.attachments[0].name, "image.png");
  EXPECT_TRUE(mms.warnings().empty());

  const RecordingSink corrupt = fixture("corrupt_attachments.xml");
  ASSERT_EQ(corrupt.messages().size(), 2u);
  EXPECT_EQ(corrupt.messages()[0].message.text, "MMS with corrupted base64 image data");
  EXPECT_EQ(corrupt.warnings().size(), 2u);

  const RecordingSink empty = fixture("empty.xml");
  EXPECT_TRUE(empty.records().empty());
}

}  // namespace
}  // namespace dmvault::test
