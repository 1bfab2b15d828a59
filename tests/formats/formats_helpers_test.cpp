// The shared helpers of formats/: Meta's mojibake repair, text utilities, date parsing and
// time zones.
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "common/time_zone.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_message.hpp"
#include "meta/meta_text.hpp"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dmvault::formats {
namespace {

// What a JSON decoder returns for Meta's "\u00XX per byte" strings: each byte as a code point.
std::string as_decoded_mojibake(std::string_view utf8) {
  std::string out;
  for (const char ch : utf8) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

TEST(MojibakeTest, RepairsTheTableOfFormatsMeta) {
  // formats-meta.md §2.6, column "what a JSON decoder gives" -> "correct".
  EXPECT_EQ(meta::repair_text("caf\u00c3\u00a9"), "café");
  EXPECT_EQ(meta::repair_text("Nguy\u00e1\u00bb\u0085n"), "Nguyễn");
  EXPECT_EQ(meta::repair_text("I\u00e2\u0080\u0099m"), "I’m");
  EXPECT_EQ(meta::repair_text("\u00e2\u009d\u00a4"), "❤");
  EXPECT_EQ(meta::repair_text("\u00e2\u009d\u00a4\u00ef\u00b8\u008f"), "❤️");
  EXPECT_EQ(meta::repair_text("\u00f0\u009f\u0098\u0082"), "😂");
}

TEST(MojibakeTest, RoundTripsNonBmpAndZwjSequences) {
  for (const std::string& text : std::vector<std::string>{"😀", "👨‍👩‍👧", "a😀b",
                                                          "शुभ नब्बर्ष", "Ελληνικά", "日本語"}) {
    EXPECT_EQ(meta::repair_text(as_decoded_mojibake(text)), text) << text;
  }
}

TEST(MojibakeTest, KeepsTextThatIsNotMojibake) {
  // Plain ASCII, correct UTF-8 with code points above U+00FF, and Latin-1 text whose bytes are
  // not UTF-8 ("é" alone maps to the single byte E9) all stay as they are.
  EXPECT_EQ(meta::repair_text("plain"), "plain");
  EXPECT_EQ(meta::repair_text("café 😂"), "café 😂");
  EXPECT_EQ(meta::repair_text("café"), "café");
  EXPECT_EQ(meta::repair_text("naïve Ångström"), "naïve Ångström");
  EXPECT_FALSE(meta::undo_byte_escaping("café").has_value());
  EXPECT_FALSE(meta::undo_byte_escaping("ascii").has_value());
  EXPECT_FALSE(meta::undo_byte_escaping("日本").has_value());
  // A truncated sequence: C3 alone is not UTF-8, so the decoded text is kept.
  EXPECT_EQ(meta::repair_text("abc\u00c3"), "abc\u00c3");
}

TEST(MojibakeTest, NormalisesToNfc) {
  // "e" + U+0301 written byte by byte comes back composed.
  EXPECT_EQ(meta::repair_text(as_decoded_mojibake("Cafe\u0301")), "Café");
  EXPECT_EQ(meta::repair_text("Cafe\u0301"), "Café");
  // NFC leaves ZWJ, no-break spaces and newlines alone.
  EXPECT_EQ(meta::repair_text("a\u00a0b\nc\u200dd"), "a\u00a0b\nc\u200dd");
}

TEST(MojibakeTest, KeepsEmbeddedNul) {
  const std::string decoded = std::string("a\0", 2) + "\u00c3\u00a9";
  EXPECT_EQ(meta::repair_text(decoded), std::string("a\0", 2) + "é");
}

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("héllo 😀"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_EQ(first_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(first_invalid_utf8("ok"), 2u);
}

TEST(TextTest, NfcHelpers) {
  EXPECT_EQ(to_nfc("e\u0301"), "é");
  EXPECT_TRUE(is_nfc("é"));
  EXPECT_FALSE(is_nfc("e\u0301"));
  EXPECT_EQ(to_nfc("\xFF"), "\xFF");  // invalid input comes back unchanged, never lost
}

// to_nfc skips normalisation for texts made only of code points NFC leaves alone: for every
// code point of the planes chat text uses, alone, after a letter, doubled and after the code
// point before it, it must give what utf8proc's normalisation gives.
TEST(TextTest, NfcShortcutAgreesWithUtf8procForEveryCodePoint) {
  const auto utf8 = [](char32_t cp) {
    std::string out;
    append_utf8(out, static_cast<std::uint32_t>(cp));
    return out;
  };
  const auto reference = [](const std::string& text) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                     static_cast<utf8proc_ssize_t>(text.size()), &out,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    std::string result =
        n < 0 ? text : std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    std::free(out);
    return result;
  };
  std::size_t mismatches = 0;
  for (char32_t cp = 0x80; cp < 0x20000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string one = utf8(cp);
    for (const std::string& text :
         {one, "e" + one, one + one, (cp == 0xE000 ? utf8(0xD7FF) : utf8(cp - 1)) + one}) {
      if (to_nfc(text) != reference(text) && ++mismatches <= 5) {
        ADD_FAILURE() << "U+" << std::hex << static_cast<std::uint32_t>(cp);
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(TextTest, TrimAndGraphemes) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim("\u00a0x\u202f"), "x");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(first_grapheme_length("❤Ana"), std::string("❤").size());
  EXPECT_EQ(first_grapheme_length("❤️Ana"), std::string("❤️").size());
  EXPECT_EQ(first_grapheme_length("👨‍👩‍👧Sam"),
            std::string("👨‍👩‍👧").size());
  EXPECT_EQ(first_grapheme_length("👍🏽x"), std::string("👍🏽").size());
  EXPECT_EQ(first_grapheme_length(""), 0u);
  EXPECT_EQ(base_name("a/b/c.jpg?x=1#y"), "c.jpg");
  EXPECT_EQ(base_name("c.jpg"), "c.jpg");
}

TEST(DateParseTest, MetaHtmlFormats) {
  struct Case {
    const char* text;
    std::int64_t y;
    unsigned mo, d, h, mi, s;
  };
  const Case cases[] = {
      {"May 14, 2024, 6:21 AM", 2024, 5, 14, 6, 21, 0},     // IG 2023-24
      {"Mar 10, 2026 7:25 pm", 2026, 3, 10, 19, 25, 0},     // IG 2025-26
      {"Mar 12, 2024 11:03:54pm", 2024, 3, 12, 23, 3, 54},  // FB 2024
      {"Jan 08, 2026 4:41 am", 2026, 1, 8, 4, 41, 0},
      {"Sep 22, 2017, 12:33 AM", 2017, 9, 22, 0, 33, 0},
      {"Dec 1, 2020, 12:05 PM", 2020, 12, 1, 12, 5, 0},
      {"3 nov. 2018, 14:20", 2018, 11, 3, 14, 20, 0},    // French, reported
      {"14. Mai 2024 um 06:21", 2024, 5, 14, 6, 21, 0},  // German
      {"10 de março de 2026 19:25", 2026, 3, 10, 19, 25, 0},
      {"Hun 5, 2023, 3:04 p.m.", 2023, 6, 5, 15, 4, 0},  // Filipino month, dotted pm
  };
  for (const Case& c : cases) {
    const auto t = parse_local_date_time(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(t->year, c.y) << c.text;
    EXPECT_EQ(t->month, c.mo) << c.text;
    EXPECT_EQ(t->day, c.d) << c.text;
    EXPECT_EQ(t->hour, c.h) << c.text;
    EXPECT_EQ(t->minute, c.mi) << c.text;
    EXPECT_EQ(t->second, c.s) << c.text;
  }
}

TEST(DateParseTest, RejectsWhatItCannotReadExactly) {
  for (const char* text : {"", "yesterday", "2026年3月10日 19:25", "Feb 30, 2024, 1:00 AM",
                           "Mar 10 2026", "Mar 10, 2026 13:00 pm", "Mar 10, 2026 25:00",
                           "14/05/2024 06:21", "Mar Apr 10, 2026 7:25", "Mar 10, 2026 7:61 pm"}) {
    EXPECT_FALSE(parse_local_date_time(text).has_value()) << text;
  }
}

TEST(DateParseTest, LocalSecondsAndCivilDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  for (const std::int64_t day : {-800000, -1, 0, 59, 10957, 20000, 2932896}) {
    const CivilDate c = civil_from_days(day);
    EXPECT_EQ(days_from_civil(c.year, c.month, c.day), day);
  }
  const auto t = parse_local_date_time("Jun 2, 2024, 10:23 AM");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->local_seconds(), 1717323780);
}

TEST(DateParseTest, Iso8601) {
  auto t = parse_iso8601("2018-11-03T14:20:07.123456+00:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc_ms, 1541254807123);
  EXPECT_TRUE(t->has_zone);
  t = parse_iso8601("2019-05-27T12:00:00+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc_ms, 1558951200000);
  t = parse_iso8601("2019-05-27 12:00:00.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc_ms, 1558958400500);
  t = parse_iso8601("2019-05-27T12:00:00-0330");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc_ms, 1558971000000);
  t = parse_iso8601("2019-05-27T12:00");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_zone);
  EXPECT_EQ(t->utc_ms, 1558958400000);
  for (const char* bad : {"yesterday", "2019-13-01T00:00:00Z", "2019-05-27T12:00:00+", "2019-05-27",
                          "2019-02-29T00:00:00Z", "2019-05-27T12:00:00Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(TimeZoneTest, FixedOffsetsAndUtc) {
  EXPECT_EQ(TimeZone().offset_at(0), 0);
  EXPECT_EQ(TimeZone::load("UTC").offset_at(1700000000), 0);
  EXPECT_EQ(TimeZone::load("+05:30").offset_at(0), 19800);
  EXPECT_EQ(TimeZone::load("-0800").offset_at(0), -28800);
  EXPECT_EQ(TimeZone::load("UTC+2").offset_at(0), 7200);
  EXPECT_EQ(TimeZone::load("+05:30").to_utc(19800), 0);
}

TEST(TimeZoneTest, UnknownZoneIsAUsageError) {
  for (const char* name : {"Mars/Olympus_Mons", "../../etc/passwd", "/etc/passwd", "+25:00"}) {
    try {
      TimeZone::load(name);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::usage) << name;
      EXPECT_NE(std::string(e.what()).find("unknown time zone"), std::string::npos);
      EXPECT_FALSE(e.hint().empty());
    }
  }
}

TEST(TimeZoneTest, PosixRules) {
  PosixTzRule rule;
  ASSERT_TRUE(PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/3", rule));
  EXPECT_EQ(rule.std_offset, 3600);
  EXPECT_EQ(rule.dst_offset, 7200);
  // 2024: DST from 2024-03-31 01:00 UTC to 2024-10-27 01:00 UTC.
  EXPECT_EQ(rule.offset_at(1711846799), 3600);
  EXPECT_EQ(rule.offset_at(1711846800), 7200);
  EXPECT_EQ(rule.offset_at(1729990799), 7200);
  EXPECT_EQ(rule.offset_at(1729990800), 3600);
  // Southern hemisphere: DST spans the new year.
  ASSERT_TRUE(PosixTzRule::parse("<-03>3<-02>,M10.1.0/0,M2.3.0/0", rule));
  EXPECT_EQ(rule.std_offset, -10800);
  EXPECT_EQ(rule.offset_at(1704067200), -7200);      // 2024-01-01: summer
  EXPECT_EQ(rule.offset_at(1719792000), -10800);     // 2024-07-01: winter
  ASSERT_TRUE(PosixTzRule::parse("EST5EDT", rule));  // default US rules
  EXPECT_EQ(rule.offset_at(1719792000), -14400);
  ASSERT_TRUE(PosixTzRule::parse("<+0530>-5:30", rule));
  EXPECT_EQ(rule.offset_at(0), 19800);
  EXPECT_FALSE(PosixTzRule::parse("", rule));
  EXPECT_FALSE(PosixTzRule::parse("X1", rule));
  EXPECT_FALSE(PosixTzRule::parse("CET-1CEST,M13.5.0,M10.5.0", rule));
  EXPECT_FALSE(PosixTzRule::parse("CET-1CEST,M3.5.0", rule));
}

TEST(TimeZoneTest, RejectsDamagedTzif) {
  EXPECT_THROW(TimeZone::from_tzif("x", "not a zone file at all, just text"), Error);
  EXPECT_THROW(TimeZone::from_tzif("x", "TZif2"), Error);
}

class ZoneInfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Paris") ||
        !std::filesystem::exists("/usr/share/zoneinfo/America/New_York")) {
      GTEST_SKIP() << "the tz database (tzdata) is not installed";
    }
  }
};

TEST_F(ZoneInfoTest, ParisAcrossTheYears) {
  const TimeZone paris = TimeZone::load("Europe/Paris");
  EXPECT_EQ(paris.name(), "Europe/Paris");
  EXPECT_EQ(paris.offset_at(1717323780), 7200);  // June 2024
  EXPECT_EQ(paris.offset_at(1704067200), 3600);  // January 2024
  EXPECT_EQ(paris.offset_at(0), 3600);           // 1970
  // Far past the last transition in the file: the footer's rule applies.
  EXPECT_EQ(paris.offset_at(4102444800 + 180 * 86400), 7200);  // mid-2100
  // Local Jun 2, 2024 10:23 is 08:23 UTC.
  EXPECT_EQ(paris.to_utc(1717323780), 1717316580);
}

TEST_F(ZoneInfoTest, NewYorkGapAndOverlap) {
  const TimeZone ny = TimeZone::load("America/New_York");
  // 2026-03-08 01:30 EST (before the change) = 06:30 UTC.
  const auto before = parse_local_date_time("Mar 8, 2026 1:30 am");
  ASSERT_TRUE(before);
  EXPECT_EQ(ny.to_utc(before->local_seconds()), 1772951400);
  // 02:30 does not exist that night: read with the offset before the change (EST), giving
  // 07:30 UTC, which the clocks showed as 03:30 EDT.
  const auto gap = parse_local_date_time("Mar 8, 2026 2:30 am");
  ASSERT_TRUE(gap);
  EXPECT_EQ(ny.to_utc(gap->local_seconds()), 1772955000);
  // 2025-11-02 01:30:15 happens twice: the earlier one (EDT) is chosen.
  const auto twice = parse_local_date_time("Nov 2, 2025 1:30:15 am");
  ASSERT_TRUE(twice);
  EXPECT_EQ(ny.to_utc(twice->local_seconds()), 1762061415);
  EXPECT_EQ(ny.offset_at(1762061415), -4 * 3600);
}

TEST_F(ZoneInfoTest, MachineZoneFollowsTz) {
  const char* saved = std::getenv("TZ");
  const std::string saved_value = saved ? saved : "";
  setenv("TZ", "Europe/Paris", 1);
  EXPECT_EQ(TimeZone::load("").offset_at(1717323780), 7200);
  setenv("TZ", ":America/New_York", 1);
  EXPECT_EQ(TimeZone::load("").offset_at(1717323780), -4 * 3600);
  setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
  EXPECT_EQ(TimeZone::load("").offset_at(1717323780), 7200);
  setenv("TZ", "", 1);
  EXPECT_EQ(TimeZone::load("").offset_at(1717323780), 0);
  if (saved) {
    setenv("TZ", saved_value.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
}

TEST(NoticeTest, ClassifiesTheExportersLines) {
  using meta::notice_kind;
  EXPECT_EQ(notice_kind("Liked a message"), MessageKind::system);
  EXPECT_EQ(notice_kind("Gostou de uma mensagem"), MessageKind::system);
  EXPECT_EQ(notice_kind("Reacted ❤ to your message "), MessageKind::system);
  EXPECT_EQ(notice_kind("Ana reacted 😂 to your message "), MessageKind::system);
  EXPECT_EQ(notice_kind("You sent an attachment."), MessageKind::system);
  EXPECT_EQ(notice_kind("Ana Pérez sent an attachment."), MessageKind::system);
  EXPECT_EQ(notice_kind("Charlie Beggs added Joe Davies to the group."), MessageKind::system);
  EXPECT_EQ(notice_kind("You named the group tunenado."), MessageKind::system);
  EXPECT_EQ(notice_kind("Video chat ended"), MessageKind::call);
  EXPECT_EQ(notice_kind("You missed a video call with Ana."), MessageKind::call);
  EXPECT_EQ(notice_kind("Ana started a video chat."), MessageKind::call);
  EXPECT_EQ(notice_kind("You unsent a message."), MessageKind::unsent);
  // What people write stays text.
  EXPECT_FALSE(notice_kind("I liked a message you sent yesterday, did you see?"));
  EXPECT_FALSE(notice_kind("sent an attachment"));
  EXPECT_FALSE(notice_kind("Liked a message\nand another"));
  EXPECT_FALSE(notice_kind(""));
  EXPECT_FALSE(notice_kind(std::string(400, 'a') + " left the group."));
  // A star stands for one character or more, wherever it is.
  EXPECT_EQ(notice_kind("Ana set the nickname for Bo to Bobby."), MessageKind::system);
  EXPECT_EQ(notice_kind("A set the nickname for B to C."), MessageKind::system);
  EXPECT_FALSE(notice_kind("Ana set the nickname for Bo to ."));
  EXPECT_FALSE(notice_kind("Ana set the nickname for  to Bobby."));
  EXPECT_FALSE(notice_kind(" set the nickname for Bo to Bobby."));
  EXPECT_FALSE(notice_kind("Ana added to the group."));
  EXPECT_FALSE(notice_kind("left the group."));
  // A part of the pattern that the text holds twice.
  EXPECT_EQ(notice_kind("Ana added Bo added Cy to the group."), MessageKind::system);
  EXPECT_EQ(notice_kind("Ana set the nickname for Bo to Cy to Dee."), MessageKind::system);
  EXPECT_EQ(notice_kind("Ana reacted to to your message"), MessageKind::system);
}

}  // namespace
}  // namespace dmvault::formats
