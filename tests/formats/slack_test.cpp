// The Slack importer on small in-memory workspace exports: day-file names, ts times, the mrkdwn
// rendering (mentions, channels, special mentions, dates, links, escapes, stray brackets),
// detection, folders missing from the lists, file links without their token, reactions beyond
// the named users, and errors naming the day file. The golden case (tests/data/slack/) covers a
// whole export field by field.
#include "dmvault/error.hpp"
#include "formats/format_test_support.hpp"
#include "formats/memory_export.hpp"
#include "slack/slack_importer.hpp"
#include "slack/slack_internal.hpp"

#include <gtest/gtest.h>

namespace dmvault::test {
namespace {

namespace slack = formats::slack;

std::unique_ptr<Importer> importer() { return formats::make_slack_importer(); }

const char* kUsers = R"([{"id": "U1", "name": "ana", "real_name": "Ana Pérez"},
  {"id": "U2", "name": "sam", "profile": {"display_name": "Sam W"}}])";

MemoryExport workspace(const std::string& day_json) {
  return make_export({{"users.json", kUsers},
                      {"channels.json", R"([{"id": "C1", "name": "general"}])"},
                      {"general/2024-06-02.json", day_json}});
}

TEST(Slack, DayFileNames) {
  EXPECT_TRUE(slack::is_day_file("2024-06-02.json"));
  for (const char* bad : {"2024-6-02.json", "2024-06-02.JSON", "users.json", "2024_06_02.json",
                          "2024-06-02.json.bak", "a024-06-02.json"}) {
    EXPECT_FALSE(slack::is_day_file(bad)) << bad;
  }
}

TEST(Slack, TsTimes) {
  EXPECT_EQ(slack::ts_ms("1512085950.000216"), 1512085950000);
  EXPECT_EQ(slack::ts_ms("1512085950.987654"), 1512085950987);
  EXPECT_EQ(slack::ts_ms("1512085950"), 1512085950000);
  EXPECT_EQ(slack::ts_ms("1512085950.5"), 1512085950500);
  for (const char* bad : {"", ".5", "15120859x0.1", "1512085950.00a", "9999999999999.1"}) {
    EXPECT_FALSE(slack::ts_ms(bad).has_value()) << bad;
  }
}

TEST(Slack, MrkdwnRendering) {
  slack::Names names;
  names.user = [](std::string_view id) { return id == "U1" ? std::string("Ana") : std::string(); };
  names.channel = [](std::string_view id) {
    return id == "C1" ? std::string("general") : std::string();
  };
  const auto r = [&](std::string_view text) { return slack::render_mrkdwn(text, names); };
  EXPECT_EQ(r("hi <@U1>"), "hi @Ana");
  EXPECT_EQ(r("<@U9|old.name> and <@U9>"), "@old.name and @U9");
  EXPECT_EQ(r("in <#C1> and <#C7|random>"), "in #general and #random");
  EXPECT_EQ(r("<!here> <!channel> <!everyone|everyone>"), "@here @channel @everyone");
  EXPECT_EQ(r("<!subteam^S1|@design> look"), "@design look");
  EXPECT_EQ(r("on <!date^1717500000^{date_short}|Jun 4th>"), "on Jun 4th");
  EXPECT_EQ(r("<https://example.com/a?b=1&amp;c=2|the docs>"),
            "the docs (https://example.com/a?b=1&c=2)");
  EXPECT_EQ(r("<https://example.com>"), "https://example.com");
  EXPECT_EQ(r("<https://example.com|example.com>"), "https://example.com");
  EXPECT_EQ(r("<mailto:a@b.pt|a@b.pt> <mailto:c@d.pt>"), "a@b.pt c@d.pt");
  EXPECT_EQ(r("1 &lt; 2 &amp;&amp; 3 &gt; 2 &copy;"), "1 < 2 && 3 > 2 &copy;");
  EXPECT_EQ(r("a < b <@U1> <> c <"), "a < b @Ana <> c <");
  EXPECT_EQ(r("caf\x65\xCC\x81"), "caf\xC3\xA9");
}

TEST(Slack, DetectsAWorkspaceOnly) {
  EXPECT_EQ(importer()->detect(workspace("[]")), 100);
  // users.json without any list file, or not a list of users.
  EXPECT_EQ(
      importer()->detect(make_export({{"users.json", kUsers}, {"general/2024-06-02.json", "[]"}})),
      0);
  EXPECT_EQ(importer()->detect(make_export({{"users.json", "{\"id\": 1}"},
                                            {"channels.json", "[]"},
                                            {"general/2024-06-02.json", "[]"}})),
            0);
  // No conversation folder.
  EXPECT_EQ(importer()->detect(make_export({{"users.json", kUsers}, {"channels.json", "[]"}})), 0);
}

TEST(Slack, FolderInNoListKeepsItsNameAsId) {
  MemoryExport files = workspace("[]");
  files.add("old-channel/2020-01-01.json",
            R"([{"type": "message", "user": "U2", "text": "hi", "ts": "1577836800.000100"}])");
  const RecordingSink sink = import_checked(*importer(), files);
  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 2u);
  EXPECT_EQ(conversations[1].thread_id, "old-channel");
  EXPECT_EQ(conversations[1].title, "#old-channel");
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message.sender, "Sam W");
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("old-channel"), std::string::npos);
}

TEST(Slack, FilesLoseTheirTokenAndLocalCopiesWin) {
  MemoryExport files = workspace(R"([{"type": "message", "user": "U1", "ts": "1.000001",
    "files": [{"id": "F1", "name": "a.png", "mimetype": "image/png",
               "url_private": "https://files.slack.com/a.png?t=xoxe-1&x=2"},
              {"id": "F2", "name": "b.gif", "mimetype": "image/gif",
               "url_private": "https://files.slack.com/b.gif?t=xoxe-2"}]}])");
  files.add("__uploads/F2/b.gif", "GIF89a");
  const RecordingSink sink = import_checked(*importer(), files);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& a = messages[0].message.attachments;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].uri, "https://files.slack.com/a.png?x=2");
  EXPECT_EQ(a[0].kind, AttachmentKind::photo);
  EXPECT_EQ(a[1].uri, "__uploads/F2/b.gif");
  EXPECT_EQ(a[1].kind, AttachmentKind::gif);
  EXPECT_EQ(messages[0].message.kind, MessageKind::media);
}

TEST(Slack, ReactionsCountedBeyondTheNamedUsers) {
  const RecordingSink sink = import_checked(
      *importer(), workspace(R"([{"type": "message", "user": "U1", "text": "x", "ts": "1.1",
        "reactions": [{"name": "tada", "users": ["U2", "U9"], "count": 4}]}])"));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& r = messages[0].message.reactions;
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].actor, "Sam W");
  EXPECT_EQ(r[1].actor, "U9");
  EXPECT_EQ(r[2].actor, "");
  EXPECT_EQ(r[3].reaction, ":tada:");
}

TEST(Slack, RecordProblemsAreWarningsNamingTheDayFile) {
  const RecordingSink sink = import_checked(*importer(), workspace(R"([
    {"type": "message", "user": "U1", "text": "fine", "ts": "2.0"},
    {"type": "message", "user": "U1", "text": "secret", "ts": "yesterday"},
    "not an object"])"));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].message.timestamp_ms, 2000);  // the previous record's time
  EXPECT_TRUE(messages[1].message.platform_message_id.empty());
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].path, "general/2024-06-02.json");
  EXPECT_NE(warnings[0].what.find("message 2"), std::string::npos) << warnings[0].what;
  EXPECT_EQ(warnings[0].what.find("secret"), std::string::npos);
  EXPECT_NE(warnings[1].what.find("message 3"), std::string::npos) << warnings[1].what;
}

TEST(Slack, DamagedDayFileIsBadInputNamingIt) {
  RecordingSink sink;
  try {
    importer()->import(workspace("[{\"text\": \"secret"), sink, {});
    FAIL() << "accepted a cut file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()).rfind("general/2024-06-02.json: invalid JSON at byte", 0), 0u)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace dmvault::test
