// The importer contract (include/dmvault/importer.hpp), checked on every registered importer.
// Each importer provides a kit below that writes a minimal export of its format; a new importer
// without a kit fails ConformanceTest.HasAKit until one is added.
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "formats/sqlite_image.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>

namespace dmvault::test {
namespace {

struct ConformanceKit {
  // An export with one conversation whose messages carry these texts, in this export order,
  // all from one sender at one time (so equal texts make byte-identical records).
  std::function<MemoryExport(const std::vector<std::string>& texts)> with_texts;
  // The message file of that export: truncating it must fail the import.
  std::string main_file;
  // False for plain-text formats (WhatsApp), where a file cut at a line end is a shorter but
  // valid export: a truncated file must then never yield more messages than the whole one,
  // and may fail only with Error(bad_input).
  bool truncation_detectable = true;
};

const std::string kInstagramFile =
    "your_instagram_activity/messages/inbox/anaperez_17841400000000001/message_1.json";

// A Meta thread file (Instagram and Messenger share the schema) holding `texts` from Ana.
std::string meta_thread(const std::vector<std::string>& texts, const std::string& other,
                        const std::string& thread_path) {
  std::string json = "{\n  \"participants\": [{\"name\": \"" + meta_escaped("Ana Pérez") +
                     "\"}, {\"name\": \"" + other + "\"}],\n  \"messages\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    json += "    {\"sender_name\": \"" + meta_escaped("Ana Pérez") +
            "\", \"timestamp_ms\": 1717321402123, \"content\": \"" + meta_escaped(texts[i]) +
            "\", \"is_geoblocked_for_viewer\": false}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "  ],\n  \"title\": \"" + meta_escaped("Ana Pérez") +
          "\",\n  \"is_still_participant\": true,\n  \"thread_path\": \"" + thread_path +
          "\",\n  \"magic_words\": []\n}\n";
  return json;
}

MemoryExport instagram_export(const std::vector<std::string>& texts) {
  MemoryExport e;
  e.add(kInstagramFile, meta_thread(texts, "sam.k", "inbox/anaperez_17841400000000001"));
  return e;
}

const std::string kTelegramFile = "ChatExport_2024-06-02/result.json";

// Messages without ids, so that equal texts make byte-identical records.
MemoryExport telegram_export(const std::vector<std::string>& texts) {
  const auto quoted = [](const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string json =
      "{\n \"name\": \"Ana Pérez\",\n \"type\": \"personal_chat\",\n \"id\": 4242,\n "
      "\"messages\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    json +=
        "  {\"type\": \"message\", \"date\": \"2024-06-02T09:43:22\", "
        "\"date_unixtime\": \"1717321402\", \"from\": \"Ana Pérez\", \"from_id\": "
        "\"user4242\", \"text\": " +
        quoted(texts[i]) +
        ", \"text_entities\": [{\"type\": \"plain\", \"text\": " + quoted(texts[i]) + "}]}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += " ]\n}\n";
  MemoryExport e;
  e.add(kTelegramFile, json);
  return e;
}

const std::string kMessengerFile =
    "your_facebook_activity/messages/inbox/anaperez_461857197326166/message_1.json";

MemoryExport messenger_export(const std::vector<std::string>& texts) {
  MemoryExport e;
  e.add(kMessengerFile, meta_thread(texts, "Sam K", "inbox/anaperez_461857197326166"));
  return e;
}

const std::string kWhatsAppFile = "WhatsApp Chat with Ana P\xc3\xa9rez.txt";

MemoryExport whatsapp_export(const std::vector<std::string>& texts) {
  std::string chat;
  for (const std::string& text : texts) {
    chat += "02/06/2024, 11:43 - Ana P\xc3\xa9rez: " + text + "\n";
  }
  MemoryExport e;
  e.add(kWhatsAppFile, chat);
  return e;
}

const std::string kDiscordFile = "Direct Messages - Ana [900000000000000001].json";

// DiscordChatExporter JSON; equal texts get equal ids, so that they make byte-identical records.
MemoryExport discord_export(const std::vector<std::string>& texts) {
  const auto quoted = [](const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string json =
      "{\n  \"guild\": {\"id\": \"0\", \"name\": \"Direct Messages\"},\n  \"channel\": {\"id\": "
      "\"900000000000000001\", \"type\": \"DirectTextChat\", \"name\": \"Ana Pérez\"},\n  "
      "\"messages\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto first = std::find(texts.begin(), texts.end(), texts[i]) - texts.begin();
    json += "    {\"id\": \"" + std::to_string(1200000000000000000 + first) +
            "\", \"type\": \"Default\", \"timestamp\": \"2024-06-02T09:43:22.123+00:00\", "
            "\"timestampEdited\": null, \"content\": " +
            quoted(texts[i]) +
            ", \"author\": {\"id\": \"4242\", \"name\": \"ana\", \"nickname\": \"Ana Pérez\"}}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "  ],\n  \"messageCount\": " + std::to_string(texts.size()) + "\n}\n";
  MemoryExport e;
  e.add(kDiscordFile, json);
  return e;
}

const std::string kXFile = "data/direct-messages.js";

// One conversation of an X archive; equal texts get equal ids, so that they make byte-identical
// records.
MemoryExport x_export(const std::vector<std::string>& texts) {
  std::string js =
      "window.YTD.direct_messages.part0 = [\n  {\n    \"dmConversation\" : {\n      "
      "\"conversationId\" : \"11-22\",\n      \"messages\" : [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto first = std::find(texts.begin(), texts.end(), texts[i]) - texts.begin();
    std::string text;
    for (const char c : texts[i]) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    js +=
        "        {\n          \"messageCreate\" : {\"recipientId\" : \"11\", \"reactions\" : "
        "[ ], \"urls\" : [ ], \"text\" : \"" +
        text + "\", \"mediaUrls\" : [ ], \"senderId\" : \"22\", \"id\" : \"" +
        std::to_string(1798000000000000000 + first) +
        "\", \"createdAt\" : \"2024-06-02T09:43:22.123Z\"}\n        }";
    js += i + 1 < texts.size() ? ",\n" : "\n";
  }
  js += "      ]\n    }\n  }\n]";
  MemoryExport e;
  e.add(kXFile, js);
  return e;
}

const std::string kSmsFile = "sms-20240602094322.xml";

MemoryExport sms_export(const std::vector<std::string>& texts) {
  std::string xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"" +
                    std::to_string(texts.size()) + "\">\n";
  for (const std::string& text : texts) {
    std::string body;
    for (const char c : text) {
      if (c == '&')
        body += "&amp;";
      else if (c == '<')
        body += "&lt;";
      else if (c == '"')
        body += "&quot;";
      else
        body += c;
    }
    xml += "  <sms address=\"+351912345678\" date=\"1717321402123\" type=\"1\" body=\"" + body +
           "\" readable_date=\"2 Jun 2024 10:43:22\" contact_name=\"Ana P\xc3\xa9rez\" />\n";
  }
  xml += "</smses>\n";
  MemoryExport e;
  e.add(kSmsFile, xml);
  return e;
}

const std::string kSignalFile = "Ana P\xc3\xa9rez/chat.md";

MemoryExport signal_export(const std::vector<std::string>& texts) {
  std::string chat;
  for (const std::string& text : texts)
    chat += "[2024-06-02, 11:43] Ana P\xc3\xa9rez: " + text + "\n";
  MemoryExport e;
  e.add(kSignalFile, chat);
  return e;
}

// A JSON string literal of `text` (the kits' texts hold no control characters).
std::string json_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const std::string kTikTokFile = "TikTok_Data_1717321402/user_data_tiktok.json";

MemoryExport tiktok_export(const std::vector<std::string>& texts) {
  std::string json =
      "{\n  \"Direct Message\": {\n    \"Direct Messages\": {\n      \"ChatHistory\": {\n"
      "        \"Chat History with ana.perez:\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    json +=
        "          {\"Date\": \"2024-06-02 09:43:22\", \"From\": \"ana.perez\", "
        "\"Content\": " +
        json_quoted(texts[i]) + "}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "        ]\n      }\n    }\n  }\n}\n";
  MemoryExport e;
  e.add(kTikTokFile, json);
  return e;
}

const std::string kSnapchatFile = "mydata~1717321402/json/chat_history.json";

MemoryExport snapchat_export(const std::vector<std::string>& texts) {
  std::string json = "{\n  \"ana.perez\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    json +=
        "    {\"From\": \"ana.perez\", \"Media Type\": \"TEXT\", \"Created\": "
        "\"2024-06-02 09:43:22 UTC\", \"Content\": " +
        json_quoted(texts[i]) +
        ", \"Conversation Title\": null, \"IsSender\": false, "
        "\"Created(microseconds)\": 1717321402123, \"IsSaved\": true, \"Media IDs\": "
        "\"\"}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "  ]\n}\n";
  MemoryExport e;
  e.add(kSnapchatFile, json);
  return e;
}

const std::string kLinkedInFile = "Basic_LinkedInDataExport_06-02-2024/messages.csv";

MemoryExport linkedin_export(const std::vector<std::string>& texts) {
  std::string csv =
      "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE "
      "URLS,DATE,SUBJECT,CONTENT,FOLDER\n";
  for (const std::string& text : texts) {
    std::string quoted = "\"";
    for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv +=
        "2-YWJj,,Ana P\xc3\xa9rez,https://www.linkedin.com/in/ana,Sam,https://www.linkedin.com/"
        "in/sam,2024-06-02 09:43:22 UTC,," +
        quoted + "\",INBOX\n";
  }
  MemoryExport e;
  e.add(kLinkedInFile, csv);
  return e;
}

const std::string kGoogleChatFile = "Takeout/Google Chat/Groups/DM k6oxHQAAAAE/messages.json";

// A Google Chat DM of a Takeout; equal texts get equal message ids, so that they make
// byte-identical records.
MemoryExport google_chat_export(const std::vector<std::string>& texts) {
  std::string json = "{\n  \"messages\": [\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto first = std::find(texts.begin(), texts.end(), texts[i]) - texts.begin();
    std::string text;
    for (const char c : texts[i]) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    json +=
        "    {\"creator\": {\"name\": \"Ana P\xc3\xa9rez\", \"email\": \"ana@example.com\", "
        "\"user_type\": \"Human\"}, \"created_date\": \"Sunday, June 2, 2024 at 9:43:22 AM UTC\", "
        "\"text\": \"" +
        text + "\", \"topic_id\": \"t" + std::to_string(first) +
        "\", \"message_id\": \"k6oxHQAAAAE/t" + std::to_string(first) + "/m\"}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "  ]\n}\n";
  MemoryExport e;
  e.add(kGoogleChatFile, json);
  e.add("Takeout/Google Chat/Groups/DM k6oxHQAAAAE/group_info.json",
        "{\"members\": [{\"name\": \"Ana P\xc3\xa9rez\", \"email\": \"ana@example.com\"}, "
        "{\"name\": \"Sam\", \"email\": \"sam@example.com\"}]}");
  return e;
}

const std::string kSlackFile = "general/2024-06-02.json";

// A Slack channel of a workspace export; equal texts get equal ts (the id), so that they make
// byte-identical records.
MemoryExport slack_export(const std::vector<std::string>& texts) {
  std::string json = "[\n";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto first = std::find(texts.begin(), texts.end(), texts[i]) - texts.begin();
    std::string text;
    for (const char c : texts[i]) {
      if (c == '"' || c == '\\') text += '\\';
      text += c;
    }
    json += "    {\"type\": \"message\", \"text\": \"" + text +
            "\", \"user\": \"U1\", \"ts\": \"1717321402.00010" + std::to_string(first) + "\"}";
    json += i + 1 < texts.size() ? ",\n" : "\n";
  }
  json += "]\n";
  MemoryExport e;
  e.add("users.json", "[{\"id\": \"U1\", \"name\": \"ana\", \"real_name\": \"Ana P\xc3\xa9rez\"}]");
  e.add("channels.json", "[{\"id\": \"C1\", \"name\": \"general\", \"members\": [\"U1\"]}]");
  e.add(kSlackFile, json);
  return e;
}

const std::string kIMessageFile = "Messages/chat.db";

// A macOS Messages database (the columns the importer reads); equal texts get equal GUIDs, so
// that they make byte-identical records (the real table has guid UNIQUE).
MemoryExport imessage_export(const std::vector<std::string>& texts) {
  std::string sql =
      "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, "
      "service TEXT NOT NULL);"
      "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, "
      "style INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT);"
      "CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);"
      "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
      "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL, "
      "text TEXT, attributedBody BLOB, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, "
      "is_from_me INTEGER DEFAULT 0, associated_message_guid TEXT, "
      "associated_message_type INTEGER DEFAULT 0);"
      "INSERT INTO handle VALUES (1, '+351912345678', 'iMessage');"
      "INSERT INTO chat VALUES (1, 'iMessage;-;+351912345678', 45, '+351912345678', "
      "'iMessage', '');"
      "INSERT INTO chat_handle_join VALUES (1, 1);";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto first = std::find(texts.begin(), texts.end(), texts[i]) - texts.begin();
    std::string text;
    for (const char c : texts[i]) text += c == '\'' ? std::string("''") : std::string(1, c);
    const std::string row = std::to_string(i + 1);
    sql += "INSERT INTO message (ROWID, guid, text, handle_id, service, date) VALUES (" + row +
           ", 'C0FFEE00-0000-4000-8000-" + std::to_string(100000000000 + first) + "', '" + text +
           "', 1, 'iMessage', 739014202000000000);"
           "INSERT INTO chat_message_join VALUES (1, " +
           row + ");";
  }
  MemoryExport e;
  e.add(kIMessageFile, sqlite_image(sql));
  return e;
}

std::optional<ConformanceKit> kit_for(const std::string& importer_name) {
  if (importer_name == "instagram") return ConformanceKit{instagram_export, kInstagramFile};
  if (importer_name == "messenger") return ConformanceKit{messenger_export, kMessengerFile};
  if (importer_name == "telegram") return ConformanceKit{telegram_export, kTelegramFile};
  if (importer_name == "x") return ConformanceKit{x_export, kXFile};
  if (importer_name == "imessage") return ConformanceKit{imessage_export, kIMessageFile};
  if (importer_name == "google_chat") return ConformanceKit{google_chat_export, kGoogleChatFile};
  if (importer_name == "slack") return ConformanceKit{slack_export, kSlackFile};
  if (importer_name == "discord") return ConformanceKit{discord_export, kDiscordFile};
  if (importer_name == "sms") return ConformanceKit{sms_export, kSmsFile};
  if (importer_name == "signal") {
    ConformanceKit kit{signal_export, kSignalFile};
    kit.truncation_detectable = false;
    return kit;
  }
  if (importer_name == "whatsapp") {
    ConformanceKit kit{whatsapp_export, kWhatsAppFile};
    kit.truncation_detectable = false;
    return kit;
  }
  if (importer_name == "tiktok") return ConformanceKit{tiktok_export, kTikTokFile};
  if (importer_name == "snapchat") return ConformanceKit{snapchat_export, kSnapchatFile};
  if (importer_name == "linkedin") {
    // Plain text: a file cut at a line end is a shorter but valid export.
    ConformanceKit kit{linkedin_export, kLinkedInFile};
    kit.truncation_detectable = false;
    return kit;
  }
  return std::nullopt;
}

// Exports of other apps that no importer but their own may claim: the importer named by
// `platform` (when there is one) must claim it, every other must leave it alone.
struct ForeignExport {
  std::string platform;  // "" when no importer should claim it
  MemoryExport files;
};

std::vector<ForeignExport> foreign_exports() {
  std::vector<ForeignExport> out(4);
  out[0].platform = "whatsapp";
  out[0].files.add("WhatsApp Chat with Ana.txt",
                   "12/05/2024, 10:21 - Ana: café? 😀\n12/05/2024, 10:22 - Sam: ok\n");
  out[1].platform = "signal";
  out[1].files.add("signal-2024.txt", "random bytes \x01\x02\xFF");
  out[2].files.add("notes/message_1.json", "{\"messages\": []}");
  out[3].platform = "sms";
  out[3].files.add("sms-20240101.xml",
                   "<?xml version='1.0'?><smses count=\"1\"><sms body=\"oi\" /></smses>");
  return out;
}

class ConformanceTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  void SetUp() override { m_importer = std::move(all_importers().at(GetParam())); }
  Importer& importer() { return *m_importer; }
  const ConformanceKit& kit() {
    if (!m_kit) m_kit = kit_for(m_importer->name());
    if (!m_kit) throw std::runtime_error("no conformance kit for " + m_importer->name());
    return *m_kit;
  }
  RecordingSink import(const MemoryExport& files) {
    RecordingSink sink;
    importer().import(files, sink, {});
    EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
    return sink;
  }

 private:
  std::unique_ptr<Importer> m_importer;
  std::optional<ConformanceKit> m_kit;
};

TEST_P(ConformanceTest, HasAKitAndAStableName) {
  EXPECT_TRUE(kit_for(importer().name()).has_value())
      << "add a ConformanceKit for '" << importer().name() << "' in conformance_test.cpp";
  const std::string name = importer().name();
  EXPECT_FALSE(name.empty());
  for (const char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
  EXPECT_FALSE(importer().description().empty());
}

TEST_P(ConformanceTest, NamesAreUnique) {
  const auto importers = all_importers();
  for (std::size_t i = 0; i < importers.size(); ++i) {
    if (i != GetParam()) {
      EXPECT_NE(importers[i]->name(), importer().name());
    }
  }
}

TEST_P(ConformanceTest, EmptyExport) {
  const MemoryExport empty;
  EXPECT_EQ(importer().detect(empty), 0);
  RecordingSink sink;
  try {
    importer().import(empty, sink, {});
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input) << e.what();
  }
  EXPECT_TRUE(sink.records().empty());
}

TEST_P(ConformanceTest, ForeignExportsAreNotClaimed) {
  for (const ForeignExport& foreign : foreign_exports()) {
    const std::string& path = foreign.files.files().front().path;
    if (foreign.platform == importer().name()) {
      EXPECT_GT(importer().detect(foreign.files), 0) << path << " is this importer's own";
    } else {
      EXPECT_EQ(importer().detect(foreign.files), 0) << path;
    }
  }
}

TEST_P(ConformanceTest, DetectsItsOwnExport) {
  EXPECT_GT(importer().detect(kit().with_texts({"oi"})), 0);
}

TEST_P(ConformanceTest, DetectNeverThrowsOnGarbage) {
  MemoryExport files = kit().with_texts({"oi"});
  files.add(kit().main_file, "\x00\xFF{[\"");
  int score = -1;
  EXPECT_NO_THROW(score = importer().detect(files));
  EXPECT_GE(score, 0);
  EXPECT_LE(score, 100);
}

TEST_P(ConformanceTest, TruncatedFileIsBadInputNamingIt) {
  MemoryExport files = kit().with_texts({"primeira", "segunda", "terceira"});
  const std::string whole = files.bytes(kit().main_file);
  const std::size_t whole_messages =
      kit().truncation_detectable ? 0 : import(files).messages().size();
  for (const std::size_t cut : {whole.size() / 2, whole.size() - 3, std::size_t{1}}) {
    files.add(kit().main_file, whole.substr(0, cut));
    RecordingSink sink;
    if (!kit().truncation_detectable) {
      try {
        importer().import(files, sink, {});
        EXPECT_LE(sink.messages().size(), whole_messages) << "cut at byte " << cut;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_input) << e.what();
        EXPECT_EQ(std::string(e.what()).find("segunda"), std::string::npos)
            << "message text in an error";
      } catch (const std::exception& e) {
        ADD_FAILURE() << "cut at byte " << cut << ": not an Error(bad_input): " << e.what();
      }
      continue;
    }
    try {
      importer().import(files, sink, {});
      ADD_FAILURE() << "accepted a file cut at byte " << cut;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(kit().main_file + ":", 0), 0u) << what;
      EXPECT_EQ(what.find("segunda"), std::string::npos) << "message text in an error";
    }
  }
}

TEST_P(ConformanceTest, NonBmpAndZwjEmojiSurviveIntact) {
  const std::vector<std::string> texts = {"😀", "👨‍👩‍👧", "a😀b👍🏽c",
                                          "🏳️‍🌈 café Ωμέγα 日本"};
  const RecordingSink sink = import(kit().with_texts(texts));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(messages[i].message.text, texts[i]);
  }
}

TEST_P(ConformanceTest, DuplicatesAreEmittedTwice) {
  const RecordingSink sink = import(kit().with_texts({"same", "same", "other"}));
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.text, messages[1].message.text);
  EXPECT_EQ(messages[0].message.sender, messages[1].message.sender);
  EXPECT_EQ(messages[0].message.timestamp_ms, messages[1].message.timestamp_ms);
  EXPECT_EQ(messages[0].message.raw, messages[1].message.raw);
  EXPECT_EQ(messages[2].message.text, "other");
}

TEST_P(ConformanceTest, RecordsAreCompleteAndDeterministic) {
  const MemoryExport files = kit().with_texts({"um", "dois", "Liked a message"});
  const RecordingSink first = import(files);
  const RecordingSink second = import(files);
  EXPECT_EQ(to_jsonl(first), to_jsonl(second));
  const auto conversations = first.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].platform, importer().name());
  EXPECT_FALSE(conversations[0].thread_id.empty());
  for (const auto& r : first.messages()) {
    EXPECT_EQ(r.thread_id, conversations[0].thread_id);
    EXPECT_FALSE(r.message.raw.empty());
    EXPECT_TRUE(files.exists(r.message.source_path)) << r.message.source_path;
    // A raw record said to be a span of its file is those very bytes: the catalog keeps only
    // the span, and the record is read back from the stored file.
    if (r.message.raw_offset && files.exists(r.message.source_path)) {
      const std::string& bytes = files.bytes(r.message.source_path);
      ASSERT_LE(*r.message.raw_offset, bytes.size());
      EXPECT_EQ(bytes.substr(*r.message.raw_offset, r.message.raw.size()), r.message.raw);
    }
    EXPECT_TRUE(formats::is_valid_utf8(r.message.text));
    EXPECT_TRUE(formats::is_nfc(r.message.text));
    EXPECT_TRUE(formats::is_nfc(r.message.sender));
    EXPECT_NE(r.message.timestamp_ms, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(AllImporters, ConformanceTest,
                         ::testing::Range(std::size_t{0}, all_importers().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param_info) {
                           return all_importers().at(param_info.param)->name();
                         });

}  // namespace
}  // namespace dmvault::test
