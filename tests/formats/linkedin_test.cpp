// The LinkedIn importer: the streaming CSV reader (records split across pieces of any size,
// quoting, line breaks, BOM, errors), header variants, HTML content, and imports that never read
// a file whole. The golden cases (tests/data/linkedin/) cover whole exports field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"
#include "linkedin/linkedin_csv.hpp"
#include "linkedin/linkedin_importer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dmvault::test {
namespace {

namespace linkedin = formats::linkedin;

std::unique_ptr<Importer> importer() { return formats::make_linkedin_importer(); }

// The records of `text` fed in pieces of `piece` bytes.
std::vector<linkedin::CsvRecord> records(const std::string& text, std::size_t piece) {
  std::vector<linkedin::CsvRecord> out;
  linkedin::CsvStream csv("m.csv", [&](linkedin::CsvRecord& r) { out.push_back(r); });
  for (std::size_t at = 0; at < text.size(); at += piece) csv.feed(text.substr(at, piece));
  csv.finish();
  return out;
}

const std::string kHeader =
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE "
    "URLS,DATE,SUBJECT,CONTENT,FOLDER\n";

TEST(LinkedInCsv, RecordsAreTheSameWhateverThePieces) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a,\"b,\"\"c\"\"\r\nd\",e\r\n"
      "f,,\"\"\n"
      "x\ry,z";
  for (const std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{5}, text.size()}) {
    const auto r = records(text, piece);
    ASSERT_EQ(r.size(), 3u) << piece;
    EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b,\"c\"\r\nd", "e"}));
    EXPECT_EQ(r[0].raw, "a,\"b,\"\"c\"\"\r\nd\",e");
    EXPECT_EQ(r[0].offset, 3u);
    EXPECT_EQ(r[0].line, 1u);
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"f", "", ""}));
    EXPECT_EQ(r[1].line, 3u);
    EXPECT_EQ(r[1].offset, text.find("f,,"));
    // A lone CR is a character; the last record needs no line break.
    EXPECT_EQ(r[2].fields, (std::vector<std::string>{"x\ry", "z"}));
    EXPECT_EQ(r[2].raw, "x\ry,z");
  }
}

TEST(LinkedInCsv, QuoteInsideAnUnquotedFieldIsKept) {
  const auto r = records("say \"hi\",x\n", 3);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields[0], "say \"hi\"");
}

TEST(LinkedInCsv, ErrorsNameTheLineAndNeverTheText) {
  for (const std::string& text :
       {std::string("a,b\n\"secret words\nstill open"), std::string("a,b\nc,\"secret\"x\n")}) {
    try {
      records(text, 4);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      EXPECT_EQ(std::string(e.what()).rfind("m.csv: line 2: ", 0), 0u) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
    }
  }
}

TEST(LinkedInHeader, ColumnsByNameInAnyOrderAndCase) {
  const auto c = linkedin::map_header(
      {"content", " DATE ", "From", "CONVERSATION ID", "ATTACHMENTS", "IS MESSAGE DRAFT"});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->content, 0u);
  EXPECT_EQ(c->date, 1u);
  EXPECT_EQ(c->from, 2u);
  EXPECT_EQ(c->conversation_id, 3u);
  EXPECT_EQ(c->attachments, 4u);
  EXPECT_EQ(c->subject, linkedin::Columns::kNone);
  EXPECT_EQ(c->count, 6u);
  EXPECT_FALSE(linkedin::map_header({"ID", "Timestamp", "Contents", "Attachments"}));
  EXPECT_FALSE(linkedin::map_header({"CONVERSATION ID", "FROM", "DATE"}));
}

TEST(LinkedInHtml, DetectedOnlyForRealTags) {
  EXPECT_TRUE(linkedin::looks_like_html("<p>Hi</p>"));
  EXPECT_TRUE(linkedin::looks_like_html("line<br/>next"));
  EXPECT_TRUE(linkedin::looks_like_html("see <a href=\"https://x.example\">this</a>"));
  EXPECT_FALSE(linkedin::looks_like_html("I <3 you"));
  EXPECT_FALSE(linkedin::looks_like_html("a < b and c > d"));
  EXPECT_FALSE(linkedin::looks_like_html("<grin>"));
}

TEST(LinkedInHtml, TextAsABrowserShowsIt) {
  EXPECT_EQ(linkedin::html_to_text("<p>Hi Sam,</p><p>We are hiring a <b>data\n  engineer</b> "
                                   "&amp; more.<br>Interested?</p><ul><li>one</li><li>two</li>"
                                   "</ul><style>p{}</style>",
                                   "m.csv"),
            "Hi Sam,\nWe are hiring a data engineer & more.\nInterested?\none\ntwo");
  EXPECT_EQ(linkedin::html_to_text("a<br><br>b", "m.csv"), "a\n\nb");
}

TEST(LinkedInHtml, ListsOfNamesAndAddresses) {
  EXPECT_EQ(linkedin::split_list("Ana Pérez, Sam K,"),
            (std::vector<std::string>{"Ana Pérez", "Sam K"}));
  EXPECT_TRUE(linkedin::split_list("").empty());
}

// An export that can only be streamed: read() fails the test.
class StreamOnly final : public ExportFiles {
 public:
  explicit StreamOnly(const MemoryExport& files) : m_files(files) {}
  const std::vector<ExportFile>& files() const override { return m_files.files(); }
  bool exists(const std::string& path) const override { return m_files.exists(path); }
  PlainBytes read(const std::string& path, std::uint64_t) const override {
    ADD_FAILURE() << path << " was read whole";
    throw Error(ErrorCode::bad_input, path + ": read whole");
  }
  void read_stream(const std::string& path,
                   const std::function<bool(std::span<const std::uint8_t>)>& sink) const override {
    m_files.read_stream(path, sink);
  }

 private:
  const MemoryExport& m_files;
};

TEST(LinkedInImport, StreamsTheFileAndAnnouncesEachConversationOnce) {
  MemoryExport files = make_export(
      {{"messages.csv",
        kHeader +
            "c1,,Ana,https://l/in/ana,\"Sam,Bo\",\"https://l/in/sam,https://l/in/bo\",2024-06-02 "
            "09:43:22 UTC,,\"multi\nline\",INBOX\n"
            "c2,Deal,Rui,https://l/in/rui,Sam,https://l/in/sam,2024-06-01 08:00:00 UTC,Offer,"
            "\"<p>Hello</p>\",INBOX\n"
            "c1,,Sam,https://l/in/sam,\"Ana,Bo\",,2024-06-02 10:00:00 UTC,,ok,SENT\n"},
       {"Connections.csv", "First Name,Last Name\nAna,P\n"}});
  files.set_stream_piece(7);
  ImportOptions options;
  options.self_name = "Sam";
  RecordingSink sink;
  importer()->import(StreamOnly(files), sink, options);
  EXPECT_TRUE(sink.violations().empty());
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[0].thread_id, "c1");
  EXPECT_TRUE(conversations[0].is_group);
  EXPECT_EQ(conversations[0].title, "Ana, Bo");
  ASSERT_EQ(conversations[0].participants.size(), 3u);
  EXPECT_EQ(conversations[0].participants[1].platform_id, "https://l/in/sam");
  EXPECT_TRUE(conversations[0].participants[1].is_self);
  EXPECT_EQ(conversations[1].title, "Deal");
  EXPECT_FALSE(conversations[1].is_group);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.text, "multi\nline");
  EXPECT_EQ(messages[0].message.sender_id, "https://l/in/ana");
  EXPECT_EQ(messages[0].message.timestamp_ms, 1717321402000);
  EXPECT_TRUE(messages[0].message.local_time.empty());
  EXPECT_EQ(messages[1].message.text, "Offer\n\nHello");
  EXPECT_EQ(messages[2].thread_id, "c1");
  EXPECT_TRUE(sink.warnings().empty());
}

TEST(LinkedInImport, RecordsWithProblemsAreKeptWithWarnings) {
  const MemoryExport files = make_export(
      {{"messages.csv", kHeader + "c1,,Ana,,Sam,,2024-06-02 09:43:22 UTC,,secret one,INBOX\n" +
                            "c1,,Ana,,Sam,,when?,,secret two,INBOX\n" +
                            "c1,,Ana,,Sam,,2024-06-02T11:00:00,,secret three\n" + "\n"}});
  const RecordingSink sink = import_checked(*importer(), files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].message.timestamp_ms, messages[0].message.timestamp_ms);
  EXPECT_EQ(messages[2].message.local_time, "2024-06-02T11:00:00");
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].what.find("DATE is not a date"), std::string::npos) << warnings[0].what;
  EXPECT_NE(warnings[1].what.find("9 fields where the header has 10"), std::string::npos);
  for (const auto& w : warnings) EXPECT_EQ(w.what.find("secret"), std::string::npos);
}

TEST(LinkedInDetect, OnlyMessagesHeadersAreClaimed) {
  EXPECT_EQ(importer()->detect(make_export({{"x/messages.csv", kHeader}})), 100);
  EXPECT_EQ(importer()->detect(make_export({{"x/guide_messages.csv", kHeader}})), 100);
  // Discord's data package has a messages.csv of its own.
  EXPECT_EQ(importer()->detect(make_export(
                {{"messages/c1/messages.csv", "ID,Timestamp,Contents,Attachments\n1,2,3,\n"}})),
            0);
  EXPECT_EQ(importer()->detect(make_export({{"messages.txt", kHeader}})), 0);
  RecordingSink sink;
  EXPECT_THROW(importer()->import(make_export({{"Connections.csv", "a,b\n"}}), sink, {}), Error);
}

TEST(LinkedInImport, CutQuotedFieldIsBadInputNamingTheFile) {
  const MemoryExport files = make_export(
      {{"m/messages.csv", kHeader + "c1,,Ana,,Sam,,2024-06-02 09:43:22 UTC,,\"secret words"}});
  RecordingSink sink;
  try {
    importer()->import(files, sink, {});
    ADD_FAILURE() << "a cut file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind("m/messages.csv: line 2: ", 0), 0u) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace dmvault::test
