// The WhatsApp importer's tricky parts: the header grammar, the day/month order of a file,
// senders and system lines, media, notices, names of chats, time zones, and the real samples of
// ../shared/fixtures/whatsapp (skipped when they are not there).
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "dmvault/export_tree.hpp"
#include "formats/importer_golden.hpp"
#include "formats/memory_export.hpp"
#include "whatsapp/whatsapp_importer.hpp"
#include "whatsapp/whatsapp_internal.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace dmvault::test {
namespace {

namespace wa = formats::whatsapp;

constexpr std::string_view kLrm = "\xe2\x80\x8e";    // U+200E
constexpr std::string_view kNnbsp = "\xe2\x80\xaf";  // U+202F

std::string str(std::string_view v) { return std::string(v); }

// ---------------------------------------------------------------------------------------------
// Headers

struct HeaderCase {
  std::string line;
  bool bracketed;
  char separator;
  unsigned f0, f1, f2;
  unsigned hour, minute, second;
  int meridiem;
  std::string local;  // the date and time as written
  std::string rest;
};

TEST(WhatsAppHeader, ParsesEveryKnownStyle) {
  const std::vector<HeaderCase> cases = {
      {"23/04/2021, 18:05 - Ana: hi", false, '/', 23, 4, 2021, 18, 5, 0, -1, "23/04/2021, 18:05",
       "Ana: hi"},
      {"4/23/21, 6:05" + str(kNnbsp) + "PM - Bo: yo", false, '/', 4, 23, 21, 6, 5, 0, 1,
       "4/23/21, 6:05" + str(kNnbsp) + "PM", "Bo: yo"},
      {"23.04.21, 18:05 - X", false, '.', 23, 4, 21, 18, 5, 0, -1, "23.04.21, 18:05", "X"},
      {"04/23/2021, 06:05 p. m. - Ana: hola", false, '/', 4, 23, 2021, 6, 5, 0, 1,
       "04/23/2021, 06:05 p. m.", "Ana: hola"},
      {"2021-04-23, 18:05 - Ana: hi", false, '-', 2021, 4, 23, 18, 5, 0, -1, "2021-04-23, 18:05",
       "Ana: hi"},
      {"[23/04/2021, 18:05:09] Ana: hi", true, '/', 23, 4, 2021, 18, 5, 9, -1,
       "23/04/2021, 18:05:09", "Ana: hi"},
      {"[4/23/21, 6:05:09 PM] Ana: hi", true, '/', 4, 23, 21, 6, 5, 9, 1, "4/23/21, 6:05:09 PM",
       "Ana: hi"},
      {"[17/10/2020, 1:50:32 pm] Ana: hi", true, '/', 17, 10, 2020, 1, 50, 32, 1,
       "17/10/2020, 1:50:32 pm", "Ana: hi"},
      {"[15-01-20 02:22:56] Ana: hi", true, '-', 15, 1, 20, 2, 22, 56, -1, "15-01-20 02:22:56",
       "Ana: hi"},
      {"[01/01/19 11:25] John Doe: x", true, '/', 1, 1, 19, 11, 25, 0, -1, "01/01/19 11:25",
       "John Doe: x"},
      {"06/20/2020, 00:08 a. m. - +12 345", false, '/', 6, 20, 2020, 0, 8, 0, 0,
       "06/20/2020, 00:08 a. m.", "+12 345"},
      {"12/05/2024, 10:21 a.m. - Ana: x", false, '/', 12, 5, 2024, 10, 21, 0, 0,
       "12/05/2024, 10:21 a.m.", "Ana: x"},
      {"[20.06.19, 15:58:47] Messages", true, '.', 20, 6, 19, 15, 58, 47, -1, "20.06.19, 15:58:47",
       "Messages"},
  };
  for (const HeaderCase& c : cases) {
    SCOPED_TRACE(c.line);
    const auto h = wa::parse_header(c.line);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->bracketed, c.bracketed);
    EXPECT_EQ(h->date_separator, c.separator);
    EXPECT_EQ(h->fields[0], c.f0);
    EXPECT_EQ(h->fields[1], c.f1);
    EXPECT_EQ(h->fields[2], c.f2);
    EXPECT_EQ(h->hour, c.hour);
    EXPECT_EQ(h->minute, c.minute);
    EXPECT_EQ(h->second, c.second);
    EXPECT_EQ(h->meridiem, c.meridiem);
    EXPECT_EQ(c.line.substr(h->local_begin, h->local_end - h->local_begin), c.local);
    EXPECT_EQ(c.line.substr(h->rest), c.rest);
  }
}

TEST(WhatsAppHeader, RefusesWhatIsNotAHeader) {
  for (const std::string line : {
           "hello there",
           "12/05/2024 - Ana: no time",
           "12/05/2024, 25:00 - Ana: hour out of range",
           "12/05/2024, 13:00 PM - Ana: 13 pm",
           "12/05/2024, 10:61 - Ana: minute",
           "[12/05/2024, 10:21 - Ana: bracket never closed",
           "12/05/2024, 10:21] Ana: closing bracket without an opening one",
           "12/05/2024, 10:21 Ana: no dash",
           "12/05/24/2024, 10:21 - Ana: four fields",
           "123/05/2024, 10:21 - Ana: three-digit day",
           "12/05/202, 10:21 - Ana: three-digit year",
           "2024/05/2024, 10:21 - Ana: two years",
           "12/05-2024, 10:21 - Ana: mixed separators",
           "12/05/2024,10:21- Ana: no space before the dash",
           "10:21 - Ana: time only",
       }) {
    EXPECT_FALSE(wa::parse_header(line).has_value()) << line;
  }
}

TEST(WhatsAppHeader, MarksAreStrippedBeforeParsing) {
  const std::string line = str(kLrm) + "\xef\xbb\xbf[02/03/2024, 21:14:05] Ana: x";
  const std::string_view stripped = wa::strip_leading_marks(line);
  EXPECT_EQ(stripped, "[02/03/2024, 21:14:05] Ana: x");
  EXPECT_TRUE(wa::parse_header(stripped).has_value());
  EXPECT_EQ(wa::without_marks("\xe2\x80\xaa+49 151 1234567\xe2\x80\xac"), "+49 151 1234567");
}

// ---------------------------------------------------------------------------------------------
// Day/month order

std::vector<wa::Header> headers_of(const std::vector<std::string>& lines) {
  std::vector<wa::Header> out;
  for (const std::string& line : lines) out.push_back(*wa::parse_header(line));
  return out;
}

TEST(WhatsAppDateOrder, ADayAboveTwelveAnywhereDecides) {
  auto d = wa::infer_date_order(
      headers_of({"01/02/24, 10:00 - a", "05/03/24, 10:00 - a", "13/03/24, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::day_month_year);
  EXPECT_TRUE(d.assumption.empty());
  d = wa::infer_date_order(
      headers_of({"01/02/24, 10:00 - a", "03/05/24, 10:00 - a", "03/13/24, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::month_day_year);
  EXPECT_TRUE(d.assumption.empty());
  d = wa::infer_date_order(headers_of({"2024-02-01, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::year_month_day);
  EXPECT_TRUE(d.assumption.empty());
  // Every date reads the same either way: nothing to warn about.
  d = wa::infer_date_order(headers_of({"01/01/24, 10:00 - a", "02/02/24, 10:00 - a"}));
  EXPECT_TRUE(d.assumption.empty());
}

TEST(WhatsAppDateOrder, AmbiguousFilesFollowTheDatesThenTheStyleAndSaySo) {
  // Feb 11, Feb 12, Mar 1 read day first; Nov 2, Dec 2, Jan 3 (backwards) month first.
  auto d = wa::infer_date_order(
      headers_of({"11/02/24, 10:00 - a", "12/02/24, 10:00 - a", "01/03/24, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::day_month_year);
  EXPECT_NE(d.assumption.find("ambiguous"), std::string::npos) << d.assumption;
  EXPECT_NE(d.assumption.find("day/month/year"), std::string::npos) << d.assumption;
  d = wa::infer_date_order(
      headers_of({"02/11/24, 10:00 - a", "02/12/24, 10:00 - a", "03/01/24, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::month_day_year);
  EXPECT_NE(d.assumption.find("month/day/year"), std::string::npos) << d.assumption;
  // One date, no evidence: a 12-hour clock with '/' is the US order; otherwise day first.
  d = wa::infer_date_order(headers_of({"02/03/24, 10:00 PM - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::month_day_year);
  EXPECT_FALSE(d.assumption.empty());
  d = wa::infer_date_order(headers_of({"02.03.24, 10:00 - a"}));
  EXPECT_EQ(d.order, wa::DateOrder::day_month_year);
  EXPECT_FALSE(d.assumption.empty());
}

TEST(WhatsAppDateOrder, LocalTimesOfTwelveHourClocksAndShortYears) {
  const auto t = [](const std::string& line, wa::DateOrder order) {
    return wa::local_date_time(*wa::parse_header(line), order);
  };
  auto v = t("12/05/24, 12:05 AM - a", wa::DateOrder::month_day_year);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->year, 2024);
  EXPECT_EQ(v->month, 12u);
  EXPECT_EQ(v->day, 5u);
  EXPECT_EQ(v->hour, 0u);
  v = t("12/05/24, 12:05 PM - a", wa::DateOrder::day_month_year);
  EXPECT_EQ(v->month, 5u);
  EXPECT_EQ(v->hour, 12u);
  v = t("12/05/2024, 1:05 p. m. - a", wa::DateOrder::day_month_year);
  EXPECT_EQ(v->hour, 13u);
  v = t("06/20/2020, 00:08 a. m. - a", wa::DateOrder::month_day_year);
  EXPECT_EQ(v->hour, 0u);
  EXPECT_EQ(v->minute, 8u);
  EXPECT_FALSE(t("31/02/24, 10:00 - a", wa::DateOrder::day_month_year).has_value());
  EXPECT_FALSE(t("13/02/24, 10:00 - a", wa::DateOrder::month_day_year).has_value());
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST(WhatsAppStrings, NoticesInSixLanguages) {
  for (const std::string& s :
       std::vector<std::string>{"This message was deleted", str(kLrm) + "This message was deleted.",
                                "You deleted this message", "Diese Nachricht wurde gelöscht",
                                "Du hast diese Nachricht gelöscht.", "Se eliminó este mensaje",
                                "Ce message a été supprimé", "Esta mensagem foi apagada",
                                "Questo messaggio è stato eliminato"}) {
    EXPECT_TRUE(wa::is_deleted_notice(s)) << s;
  }
  EXPECT_FALSE(wa::is_deleted_notice("This message was deleted by mistake, sorry"));
  EXPECT_EQ(wa::without_edited_marker("ok see you <This message was edited>"), "ok see you");
  EXPECT_EQ(wa::without_edited_marker("gut <Diese Nachricht wurde bearbeitet.>"), "gut");
  EXPECT_EQ(wa::without_edited_marker("vale <Se editó este mensaje.>"), "vale");
  EXPECT_EQ(wa::without_edited_marker("oui <Ce message a été modifié>"), "oui");
  EXPECT_EQ(wa::without_edited_marker("sim <Esta mensagem foi editada>"), "sim");
  EXPECT_EQ(wa::without_edited_marker("sì <Questo messaggio è stato modificato>"), "sì");
  EXPECT_FALSE(wa::without_edited_marker("a <b>").has_value());
  EXPECT_FALSE(wa::without_edited_marker("plain").has_value());

  EXPECT_EQ(wa::placeholder_kind("<Media omitted>"), AttachmentKind::file);
  EXPECT_EQ(wa::placeholder_kind(str(kLrm) + "image omitted"), AttachmentKind::photo);
  EXPECT_EQ(wa::placeholder_kind("Bild weggelassen"), AttachmentKind::photo);
  EXPECT_EQ(wa::placeholder_kind("audio omitido"), AttachmentKind::audio);
  EXPECT_EQ(wa::placeholder_kind("<Médias omis>"), AttachmentKind::file);
  EXPECT_EQ(wa::placeholder_kind("<Arquivo de mídia oculto>"), AttachmentKind::file);
  EXPECT_EQ(wa::placeholder_kind("<Media omessi>"), AttachmentKind::file);
  EXPECT_EQ(wa::placeholder_kind(str(kLrm) + "Trip.pdf • " + str(kLrm) + "3 pages " + str(kLrm) +
                                 "document omitted"),
            AttachmentKind::file);
  EXPECT_EQ(wa::placeholder_kind("<View once voice message omitted>"), AttachmentKind::file);
  EXPECT_FALSE(wa::placeholder_kind("the image omitted a detail").has_value());

  EXPECT_TRUE(wa::is_end_to_end_notice(
      str(kLrm) + "Messages and calls are end-to-end encrypted. No one outside of this chat..."));
  EXPECT_TRUE(wa::is_end_to_end_notice(
      "Messages to this group are now secured with end-to-end encryption."));
  EXPECT_EQ(wa::location_link("location: https://maps.google.com/?q=38.7,-9.1"),
            "https://maps.google.com/?q=38.7,-9.1");
  EXPECT_EQ(wa::location_link("Standort: https://maps.google.com/?q=52.5,13.4"),
            "https://maps.google.com/?q=52.5,13.4");
  EXPECT_EQ(wa::location_link("location: somewhere nice"), "");
  EXPECT_EQ(wa::created_group_name("Loris created group \xe2\x80\x9cWhatsApp Chat Parser "
                                   "Example\xe2\x80\x9d"),
            "WhatsApp Chat Parser Example");
  EXPECT_EQ(wa::created_group_name("+12 345 578 created group \"Groupname\""), "Groupname");
  EXPECT_EQ(wa::created_group_name("Ana added Bo"), "");
}

TEST(WhatsAppStrings, ChatNamesAndMediaKinds) {
  EXPECT_EQ(wa::chat_name_from_file_stem("WhatsApp Chat with Ana"), "Ana");
  EXPECT_EQ(wa::chat_name_from_file_stem("WhatsApp Chat mit Jonas"), "Jonas");
  EXPECT_EQ(wa::chat_name_from_file_stem("WhatsApp Chat - Trip 2019"), "Trip 2019");
  EXPECT_EQ(wa::chat_name_from_file_stem("Conversa do WhatsApp com João"), "João");
  EXPECT_FALSE(wa::chat_name_from_file_stem("notes").has_value());
  EXPECT_FALSE(wa::chat_name_from_file_stem("WhatsApp Chat with ").has_value());

  EXPECT_EQ(wa::attachment_kind_of("00000012-PHOTO-2019-06-20-16-00-15.jpg"),
            AttachmentKind::photo);
  EXPECT_EQ(wa::attachment_kind_of("00000002-VIDEO-2019-06-20-16-01-42.mp4"),
            AttachmentKind::video);
  EXPECT_EQ(wa::attachment_kind_of("00000003-AUDIO-2019-06-20-16-03-55.mp3"),
            AttachmentKind::audio);
  EXPECT_EQ(wa::attachment_kind_of("00000009-STICKER-2019-06-20-16-03-55.webp"),
            AttachmentKind::sticker);
  EXPECT_EQ(wa::attachment_kind_of("IMG-20240101-WA0001.jpg"), AttachmentKind::photo);
  EXPECT_EQ(wa::attachment_kind_of("PTT-20240101-WA0002.opus"), AttachmentKind::audio);
  EXPECT_EQ(wa::attachment_kind_of("STK-20240101-WA0003.webp"), AttachmentKind::sticker);
  EXPECT_EQ(wa::attachment_kind_of("DOC-20240101-WA0004.pdf"), AttachmentKind::file);
  EXPECT_EQ(wa::attachment_kind_of("Ana.vcf"), AttachmentKind::file);
  EXPECT_EQ(wa::attachment_kind_of("funny.GIF"), AttachmentKind::gif);
  EXPECT_EQ(wa::attachment_kind_of("00000004-whatsapp-chat-parser-example.zip"),
            AttachmentKind::file);
}

// ---------------------------------------------------------------------------------------------
// Whole chats

RecordingSink import(const MemoryExport& files, const ImportOptions& options) {
  const auto importer = formats::make_whatsapp_importer();
  RecordingSink sink;
  importer->import(files, sink, options);
  EXPECT_TRUE(sink.violations().empty()) << sink.violations().front();
  return sink;
}

ImportOptions utc() {
  ImportOptions options;
  options.timezone = "UTC";
  return options;
}

MemoryExport one_file(const std::string& path, const std::string& text) {
  MemoryExport e;
  e.add(path, text);
  return e;
}

// The example of notes/formats-other.md §1.6, with its marks.
const std::string kIosExample =
    str(kLrm) + "[02/03/2024, 21:14:05] Ana: " + str(kLrm) +
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them.\r\n"
    "[02/03/2024, 21:15:10] Ana: Are you home?\r\n"
    "We need the key\r\n"
    "[02/03/2024, 21:16:00] Bo: look " +
    str(kLrm) + "<attached: 00000003-PHOTO-2024-03-02-21-16-00.jpg>\r\n" +
    "[02/03/2024, 21:17:42] Bo: " + str(kLrm) + "This message was deleted.\r\n" +
    "[02/03/2024, 21:18:01] Ana: ok see you <This message was edited>\r\n";

TEST(WhatsAppImport, IosExampleFromTheNotes) {
  MemoryExport files;
  files.add("_chat.txt", kIosExample);
  files.add("00000003-PHOTO-2024-03-02-21-16-00.jpg", "\xff\xd8 jpeg");
  ImportOptions options = utc();
  options.self_name = "Bo";
  const auto importer = formats::make_whatsapp_importer();
  EXPECT_EQ(importer->detect(files), 100);
  const RecordingSink sink = import(files, options);
  // 02/03/2024 could be either; nothing in the chat tells.
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_EQ(sink.warnings()[0].path, "_chat.txt");
  EXPECT_EQ(sink.warnings()[0].what,
            "day and month order is ambiguous (no date has a field above 12); read as "
            "day/month/year because that is the usual order of this date style");

  const auto conversations = sink.conversations();
  ASSERT_EQ(conversations.size(), 1u);
  const Conversation& c = conversations[0];
  EXPECT_EQ(c.platform, "whatsapp");
  EXPECT_EQ(c.thread_id, "Ana");  // iOS writes the notice with the chat's name as its sender
  EXPECT_EQ(c.title, "Ana");
  EXPECT_FALSE(c.is_group);
  ASSERT_EQ(c.participants.size(), 2u);
  EXPECT_EQ(c.participants[0].name, "Ana");
  EXPECT_FALSE(c.participants[0].is_self);
  EXPECT_EQ(c.participants[1].name, "Bo");
  EXPECT_TRUE(c.participants[1].is_self);

  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].message.kind, MessageKind::system);
  EXPECT_EQ(m[0].message.sender, "");
  EXPECT_EQ(m[0].message.local_time, "02/03/2024, 21:14:05");
  EXPECT_EQ(utc_text(m[0].message.timestamp_ms), "2024-03-02T21:14:05.000Z");
  EXPECT_EQ(m[1].message.text, "Are you home?\nWe need the key");
  EXPECT_EQ(m[1].message.kind, MessageKind::text);
  EXPECT_EQ(m[1].message.raw, "[02/03/2024, 21:15:10] Ana: Are you home?\r\nWe need the key");
  EXPECT_EQ(m[2].message.kind, MessageKind::media);
  EXPECT_EQ(m[2].message.text, "look");
  ASSERT_EQ(m[2].message.attachments.size(), 1u);
  EXPECT_EQ(m[2].message.attachments[0].uri, "00000003-PHOTO-2024-03-02-21-16-00.jpg");
  EXPECT_EQ(m[2].message.attachments[0].kind, AttachmentKind::photo);
  EXPECT_EQ(m[3].message.kind, MessageKind::unsent);
  EXPECT_EQ(m[3].message.text, "This message was deleted.");
  EXPECT_EQ(m[4].message.text, "ok see you");
  EXPECT_TRUE(m[4].message.edited);
  for (const auto& r : m) {
    EXPECT_TRUE(r.message.platform_message_id.empty());
    EXPECT_EQ(r.message.source_path, "_chat.txt");
    EXPECT_EQ(r.thread_id, "Ana");
  }
}

TEST(WhatsAppImport, TimeZoneOptionAndTheWarningWhenItIsMissing) {
  const MemoryExport files =
      one_file("WhatsApp Chat with Ana.txt", "15/07/2024, 10:00 - Ana: summer\n");
  ImportOptions lisbon;
  lisbon.timezone = "Europe/Lisbon";
  if (std::filesystem::exists("/usr/share/zoneinfo/Europe/Lisbon")) {
    const auto m = import(files, lisbon).messages();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(utc_text(m[0].message.timestamp_ms), "2024-07-15T09:00:00.000Z");  // WEST, +1
  }
  ImportOptions fixed;
  fixed.timezone = "+05:30";
  EXPECT_EQ(utc_text(import(files, fixed).messages()[0].message.timestamp_ms),
            "2024-07-15T04:30:00.000Z");
  EXPECT_TRUE(import(files, fixed).warnings().empty());

  const RecordingSink machine = import(files, {});
  const auto warnings = machine.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].path, "WhatsApp Chat with Ana.txt");
  EXPECT_NE(warnings[0].what.find("this machine's zone"), std::string::npos) << warnings[0].what;
  EXPECT_NE(warnings[0].what.find("--timezone"), std::string::npos) << warnings[0].what;

  ImportOptions bad;
  bad.timezone = "Mars/Olympus";
  try {
    import(files, bad);
    ADD_FAILURE() << "accepted an unknown zone";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::usage);
  }
}

TEST(WhatsAppImport, SendersSystemLinesAndGroups) {
  const std::string chat =
      "[06/20/20 00:08] +12 345 578 created group \"Groupname\"\n"
      "[06/20/20 00:09] \xe2\x80\xaa+49 151 1234567\xe2\x80\xac: hallo\n"
      "[06/20/20 00:10] ~" +
      str(kNnbsp) +
      "Zé: oi\n"
      "[06/20/20 00:11] John Doe: Lorem ipsum : dolor\n"
      "[06/20/20 00:12] John Doe:.\n"
      "[06/20/20 00:13] Ana changed the subject from \"a: b\" to \"c\"\n"
      "[06/30/20 09:10] You were added\n";
  const RecordingSink sink = import(one_file("group.txt", chat), utc());
  const auto c = sink.conversations().at(0);
  EXPECT_EQ(c.thread_id, "group");  // a file not named like an export keeps its own name
  EXPECT_TRUE(c.is_group);
  ASSERT_EQ(c.participants.size(), 3u);
  EXPECT_EQ(c.participants[0].name, "+49 151 1234567");
  EXPECT_EQ(c.participants[1].name, "Zé");
  EXPECT_EQ(c.participants[2].name, "John Doe");
  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m[0].message.kind, MessageKind::system);
  EXPECT_EQ(m[0].message.text, "+12 345 578 created group \"Groupname\"");
  EXPECT_EQ(m[3].message.text, "Lorem ipsum : dolor");
  EXPECT_EQ(m[4].message.sender, "John Doe");  // known sender, no space after the colon
  EXPECT_EQ(m[4].message.text, ".");
  EXPECT_EQ(m[5].message.kind, MessageKind::system);  // ": " inside a quoted subject
  EXPECT_EQ(m[5].message.sender, "");
  EXPECT_EQ(m[6].message.kind, MessageKind::system);
  EXPECT_EQ(utc_text(m[6].message.timestamp_ms), "2020-06-30T09:10:00.000Z");
}

TEST(WhatsAppImport, ContinuationLinesIncludingPastedLogsOfAnotherStyle) {
  const std::string chat =
      "\xef\xbb\xbf"
      "13/01/2024, 09:00 - Ana: the log says\n"
      "[13/01/2024, 08:59:00] server: down\n"
      "\n"
      "and then nothing\n"
      "13/01/2024, 09:01 - Bo: ok\n";
  const auto m = import(one_file("WhatsApp Chat with Ana.txt", chat), utc()).messages();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].message.text,
            "the log says\n[13/01/2024, 08:59:00] server: down\n\nand then nothing");
  EXPECT_EQ(m[0].message.raw.substr(0, 6), "13/01/");  // no BOM in the record
}

TEST(WhatsAppImport, AndroidMediaWithCaptionsMissingFilesAndPlaceholders) {
  MemoryExport files;
  files.add("WhatsApp Chat with Ana.txt",
            "13/01/2024, 09:00 - Ana: IMG-20240113-WA0001.jpg (file attached)\n"
            "the beach\n"
            "13/01/2024, 09:01 - Ana: PTT-20240113-WA0002.opus (file attached)\n"
            "13/01/2024, 09:02 - Bo: <Media omitted>\n"
            "13/01/2024, 09:03 - Bo: location: https://maps.google.com/?q=38.7,-9.1\n"
            "13/01/2024, 09:04 - Bo: Missed voice call\n");
  files.add("IMG-20240113-WA0001.jpg", "jpeg");
  const RecordingSink sink = import(files, utc());
  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].message.kind, MessageKind::media);
  EXPECT_EQ(m[0].message.text, "the beach");
  ASSERT_EQ(m[0].message.attachments.size(), 1u);
  EXPECT_EQ(m[0].message.attachments[0].uri, "IMG-20240113-WA0001.jpg");
  EXPECT_EQ(m[0].message.attachments[0].name, "IMG-20240113-WA0001.jpg");
  ASSERT_EQ(m[1].message.attachments.size(), 1u);
  EXPECT_EQ(m[1].message.attachments[0].kind, AttachmentKind::audio);
  EXPECT_EQ(m[1].message.text, "");
  EXPECT_EQ(m[2].message.kind, MessageKind::media);
  EXPECT_TRUE(m[2].message.attachments.empty());
  EXPECT_EQ(m[2].message.text, "<Media omitted>");
  EXPECT_EQ(m[3].message.kind, MessageKind::share);
  ASSERT_TRUE(m[3].message.share.has_value());
  EXPECT_EQ(m[3].message.share->link, "https://maps.google.com/?q=38.7,-9.1");
  EXPECT_EQ(m[4].message.kind, MessageKind::call);
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].what.find("1 attached media files are not in the export"),
            std::string::npos);
}

TEST(WhatsAppImport, MediaInASubfolderOrElsewhereInTheTree) {
  MemoryExport files;
  files.add("WhatsApp Chat - Trip/_chat.txt",
            "[13/01/2024, 09:00:00] Ana: " + str(kLrm) +
                "<attached: 00000001-PHOTO-2024-01-13-09-00-00.jpg>\n"
                "[13/01/2024, 09:00:01] Ana: <attached: 00000002-VIDEO-2024-01-13-09-00-01.mp4>\n"
                "[13/01/2024, 09:00:02] Bo: <attached: 00000003-AUDIO-2024-01-13-09-00-02.opus>\n");
  files.add("WhatsApp Chat - Trip/00000001-PHOTO-2024-01-13-09-00-00.jpg", "a");
  files.add("media/00000002-VIDEO-2024-01-13-09-00-01.mp4", "b");
  files.add("__MACOSX/WhatsApp Chat - Trip/._chat.txt", "\x00\x05\x16\x07");
  const RecordingSink sink = import(files, utc());
  const auto c = sink.conversations().at(0);
  EXPECT_EQ(c.thread_id, "Trip");  // from the folder named like the iOS zip
  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].message.attachments.at(0).uri,
            "WhatsApp Chat - Trip/00000001-PHOTO-2024-01-13-09-00-00.jpg");
  EXPECT_EQ(m[1].message.attachments.at(0).uri, "media/00000002-VIDEO-2024-01-13-09-00-01.mp4");
  EXPECT_EQ(m[2].message.attachments.at(0).uri,
            "WhatsApp Chat - Trip/00000003-AUDIO-2024-01-13-09-00-02.opus");
}

TEST(WhatsAppImport, ChatNamesWhenTheFileDoesNotSayIt) {
  // A group names itself when created.
  auto c = import(one_file("_chat.txt",
                           "[20.06.19, 15:58:47] Loris created group \xe2\x80\x9cTrip\xe2\x80\x9d\n"
                           "[20.06.19, 15:58:53] John: Hey\n"),
                  utc())
               .conversations()
               .at(0);
  EXPECT_EQ(c.thread_id, "Trip");
  EXPECT_TRUE(c.is_group);
  // Two people, one of them you: the other one, as WhatsApp names the export.
  ImportOptions options = utc();
  options.self_name = "bo";
  c = import(one_file("_chat.txt", "[20.06.19, 15:58:47] Bo: hi\n[20.06.19, 15:58:53] Ana: hey\n"),
             options)
          .conversations()
          .at(0);
  EXPECT_EQ(c.thread_id, "Ana");
  EXPECT_TRUE(c.participants.at(0).is_self);  // matched without regard to ASCII case
  // Otherwise everyone, sorted, so that two exports of the chat still agree.
  c = import(one_file("_chat.txt", "[20.06.19, 15:58:47] Bo: hi\n[20.06.19, 15:58:53] Ana: hey\n"),
             utc())
          .conversations()
          .at(0);
  EXPECT_EQ(c.thread_id, "Ana, Bo");
}

TEST(WhatsAppImport, SelfNameThatIsNobodyIsAWarning) {
  ImportOptions options = utc();
  options.self_name = "Zoe";
  const RecordingSink sink =
      import(one_file("WhatsApp Chat with Ana.txt", "13/01/2024, 09:00 - Ana: hi\n"), options);
  ASSERT_EQ(sink.warnings().size(), 1u);
  EXPECT_NE(sink.warnings()[0].what.find("'Zoe'"), std::string::npos);
  EXPECT_FALSE(sink.conversations().at(0).participants.at(0).is_self);
}

TEST(WhatsAppImport, DatesThatDoNotExistAndLeadingLinesAreReported) {
  const std::string chat =
      "exported by someone\n"
      "13/01/2024, 09:00 - Ana: one\n"
      "31/02/2024, 09:01 - Ana: no such day\n"
      "14/01/2024, 09:02 - Ana: two\n";
  const RecordingSink sink = import(one_file("WhatsApp Chat with Ana.txt", chat), utc());
  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].message.text, "one\n31/02/2024, 09:01 - Ana: no such day");
  const auto warnings = sink.warnings();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].what.find("line 3: the date does not exist"), std::string::npos)
      << warnings[0].what;
  EXPECT_NE(warnings[1].what.find("lines 1-1 come before the first message"), std::string::npos)
      << warnings[1].what;
  for (const auto& w : warnings) EXPECT_EQ(w.what.find("no such day"), std::string::npos);
}

TEST(WhatsAppImport, BadFilesAreBadInputNamingTheLineWithoutText) {
  const auto error_of = [](const MemoryExport& files) {
    try {
      import(files, utc());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_input);
      return std::string(e.what());
    }
    ADD_FAILURE() << "accepted";
    return std::string();
  };
  std::string what =
      error_of(one_file("WhatsApp Chat with Ana.txt",
                        "13/01/2024, 09:00 - Ana: secret\n13/01/2024, 09:01 - Ana: \xff\n"));
  EXPECT_EQ(what.rfind("WhatsApp Chat with Ana.txt: line 2: not valid UTF-8", 0), 0u) << what;
  EXPECT_EQ(what.find("secret"), std::string::npos);
  what = error_of(one_file("WhatsApp Chat with Ana.txt", "just some secret notes\n"));
  EXPECT_EQ(what.rfind("WhatsApp Chat with Ana.txt: no line starts with a WhatsApp date", 0), 0u)
      << what;
  what = error_of(one_file("notes.txt", "just some secret notes\n"));
  EXPECT_NE(what.find("no WhatsApp chat"), std::string::npos) << what;
  EXPECT_EQ(what.find("secret"), std::string::npos);
}

TEST(WhatsAppImport, DetectionLooksAtNamesAndFirstLines) {
  const auto importer = formats::make_whatsapp_importer();
  EXPECT_EQ(
      importer->detect(one_file("WhatsApp Chat mit Jonas.txt",
                                "\xef\xbb\xbf" + str(kLrm) + "23.04.21, 18:05 - Jonas: hi\n")),
      100);
  EXPECT_EQ(importer->detect(one_file("old/backup.txt", "\n\n23.04.21, 18:05 - Jonas: hi\n")), 80);
  EXPECT_EQ(importer->detect(one_file("notes.txt", "23.04.21 was a good day\n")), 0);
  EXPECT_EQ(importer->detect(one_file("__MACOSX/._chat.txt", "[23.04.21, 18:05:00] a: b\n")), 0);
  EXPECT_EQ(importer->detect(one_file("chat.json", "[23.04.21, 18:05:00] a: b\n")), 0);
  EXPECT_EQ(importer->detect(one_file("WhatsApp Chat with Ana.txt", "not a chat\n")), 0);
  // Two chats in one tree are two conversations.
  MemoryExport two;
  two.add("WhatsApp Chat with Ana.txt", "13/01/2024, 09:00 - Ana: hi\n");
  two.add("WhatsApp Chat with Bo.txt", "13/01/2024, 09:00 - Bo: hi\n");
  two.add("notes.txt", "13/01/2024, 09:00 - Cy: a note that looks like a chat\n");
  const RecordingSink sink = import(two, utc());
  ASSERT_EQ(sink.conversations().size(), 2u);
  EXPECT_EQ(sink.conversations()[0].thread_id, "Ana");
  EXPECT_EQ(sink.conversations()[1].thread_id, "Bo");
  EXPECT_EQ(sink.messages().size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Real samples (../shared/fixtures/whatsapp, see SOURCES.md there)

const std::filesystem::path kFixtures =
    std::filesystem::path(DMVAULT_SOURCE_DIR) / "../shared/fixtures/whatsapp";

MemoryExport from_archive(const std::filesystem::path& archive) {
  MemoryExport out;
  ExportTree tree = ExportTree::open({archive});
  tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
    std::string bytes;
    std::uint8_t buffer[65536];
    for (std::size_t n; (n = reader.read(buffer)) > 0;) {
      bytes.append(reinterpret_cast<const char*>(buffer), n);
    }
    out.add(entry.path, std::move(bytes));
  });
  return out;
}

TEST(WhatsAppRealSamples, PusturIosExampleZip) {
  const auto zip = kFixtures / "pustur-example/whatsapp-chat-parser-example.zip";
  if (!std::filesystem::exists(zip)) GTEST_SKIP() << "no shared fixture at " << zip;
  const MemoryExport files = from_archive(zip);
  const auto importer = formats::make_whatsapp_importer();
  EXPECT_EQ(importer->detect(files), 100);
  const RecordingSink sink = import(files, utc());
  EXPECT_TRUE(sink.warnings().empty()) << sink.warnings().front().what;

  const auto c = sink.conversations().at(0);
  EXPECT_EQ(c.thread_id, "WhatsApp Chat Parser Example");  // from "created group"
  EXPECT_TRUE(c.is_group);
  ASSERT_EQ(c.participants.size(), 3u);
  EXPECT_EQ(c.participants[0].name, "John");
  EXPECT_EQ(c.participants[1].name, "Loris");
  EXPECT_EQ(c.participants[2].name, "Emily");

  // 52 lines open with "[": 4 system lines and 48 messages (counted in the file by hand).
  const auto m = sink.messages();
  ASSERT_EQ(m.size(), 52u);
  std::size_t system = 0;
  std::size_t media = 0;
  for (const auto& r : m) {
    if (r.message.kind == MessageKind::system) ++system;
    if (r.message.kind == MessageKind::media) ++media;
    EXPECT_TRUE(formats::is_nfc(r.message.text));
  }
  EXPECT_EQ(system, 4u);
  EXPECT_EQ(media, 4u);
  EXPECT_EQ(m[0].message.text,
            "Messages to this group are now secured with end-to-end encryption.");
  EXPECT_EQ(m[0].message.local_time, "20.06.19, 15:58:47");
  EXPECT_EQ(utc_text(m[0].message.timestamp_ms), "2019-06-20T15:58:47.000Z");
  EXPECT_EQ(m[4].message.sender, "John");
  EXPECT_EQ(m[4].message.text, "Hey \xf0\x9f\x91\x8b");
  EXPECT_EQ(m[15].message.attachments.at(0).uri, "00000001-PHOTO-2019-06-20-16-00-15.jpg");
  EXPECT_EQ(m[15].message.attachments.at(0).kind, AttachmentKind::photo);
  EXPECT_EQ(m[20].message.attachments.at(0).kind, AttachmentKind::video);
  EXPECT_EQ(m[23].message.text, "Come on...\ndon't be so mysterious and show us!");
  EXPECT_EQ(m[25].message.attachments.at(0).kind, AttachmentKind::audio);
  EXPECT_EQ(m[29].message.attachments.at(0).uri, "00000004-whatsapp-chat-parser-example.zip");
  // The poll: LF line ends inside a CRLF file.
  EXPECT_EQ(m[45].message.text,
            "POLL:\nWhen can we meet?\nOPTION: Thursday 15 evening (2 votes)\n"
            "OPTION: Friday 16 afternoon (1 vote)\nOPTION: Friday 16 evening (2 votes)\n"
            "OPTION: Saturday 17 afternoon (3 votes)\nOPTION: Saturday 17 evening (3 votes)");
  EXPECT_EQ(m.back().message.text,
            "Links:\n- https://github.com/Pustur/whatsapp-chat-parser\n"
            "- https://github.com/Pustur/whatsapp-chat-parser-website");
  EXPECT_EQ(utc_text(m.back().message.timestamp_ms), "2019-06-20T16:45:28.000Z");
}

// The same ten-message chat in five header styles; chat-miner's target.json gives the times.
TEST(WhatsAppRealSamples, ChatMinerFiveStyles) {
  const auto dir = kFixtures / "chat-miner";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no shared fixtures at " << dir;
  for (const std::string name :
       {"test_[mmddyy]_24hrs.txt", "test_ddmmyy_24hrs.txt", "test_mmddyy_24hrs.txt",
        "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt"}) {
    SCOPED_TRACE(name);
    MemoryExport files = MemoryExport::from_directory(dir);
    for (const std::string other :
         {"test_[mmddyy]_24hrs.txt", "test_ddmmyy_24hrs.txt", "test_mmddyy_24hrs.txt",
          "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt", "target.json"}) {
      if (other != name) files.remove(other);
    }
    const auto importer = formats::make_whatsapp_importer();
    EXPECT_EQ(importer->detect(files), 80);
    const RecordingSink sink = import(files, utc());
    EXPECT_TRUE(sink.warnings().empty());
    const auto m = sink.messages();
    ASSERT_EQ(m.size(), 9u);  // 9 headers; two messages span two lines
    const auto c = sink.conversations().at(0);
    EXPECT_TRUE(c.is_group);
    ASSERT_EQ(c.participants.size(), 5u);
    EXPECT_EQ(c.participants[0].name, "John Doe");
    EXPECT_EQ(c.participants[1].name, "Jahn Doe");
    EXPECT_EQ(c.participants[2].name, "John-John Doe");
    EXPECT_EQ(c.participants[3].name, "John Doe \xf0\x9f\xa4\x93");
    EXPECT_EQ(c.participants[4].name, "\xf0\x9f\xa4\x93");

    EXPECT_EQ(utc_text(m[0].message.timestamp_ms), "2019-01-01T11:25:00.000Z");
    EXPECT_EQ(m[0].message.text, "Lorem ipsum dolor sit amet.");
    EXPECT_EQ(m[1].message.sender, "John Doe");
    EXPECT_EQ(m[1].message.text, ".");
    EXPECT_EQ(utc_text(m[1].message.timestamp_ms), "2019-01-20T11:23:00.000Z");
    EXPECT_EQ(utc_text(m[2].message.timestamp_ms), "2019-01-30T20:49:00.000Z");
    EXPECT_EQ(m[2].message.text,
              "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.");
    EXPECT_EQ(m[3].message.text, "Lorem ipsum : dolor sit amet.");
    EXPECT_EQ(utc_text(m[3].message.timestamp_ms), "2020-06-10T15:55:00.000Z");
    EXPECT_EQ(m[4].message.kind, MessageKind::system);
    EXPECT_EQ(m[4].message.text, "+12 345 578 created group \"Groupname\"");
    EXPECT_EQ(utc_text(m[4].message.timestamp_ms), "2020-06-20T00:08:00.000Z");
    EXPECT_EQ(m[5].message.kind, MessageKind::system);
    EXPECT_EQ(m[5].message.text, "You were added");
    EXPECT_EQ(utc_text(m[7].message.timestamp_ms), "2021-12-20T12:10:00.000Z");
    EXPECT_EQ(m[7].message.sender, "\xf0\x9f\xa4\x93");
    EXPECT_EQ(utc_text(m[8].message.timestamp_ms), "2021-12-30T22:01:00.000Z");
    // No trailing newline at the end of the file.
    EXPECT_EQ(m[8].message.text,
              "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.");
  }
}

}  // namespace
}  // namespace dmvault::test
