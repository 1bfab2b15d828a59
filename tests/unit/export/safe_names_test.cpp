// Names from a vault made safe: hostile names never escape the destination or reach a terminal,
// ordinary names are untouched (the original tree comes back byte-identical), collisions are
// renamed "name (2).ext".
#include "export/safe_names.hpp"

#include <gtest/gtest.h>

namespace dmvault::exporting {
namespace {

TEST(SafeNames, OrdinaryNamesAreUntouched) {
  for (const char* name :
       {"photo.jpg", "message_1.json", "Ünïcödé 😀.txt", ".hidden", "a b", "wéird:name?.png"}) {
    EXPECT_EQ(safe_component(name), name);
  }
}

TEST(SafeNames, HostileComponentsAreNeutralised) {
  EXPECT_EQ(safe_component(""), "_");
  EXPECT_EQ(safe_component("."), "_");
  EXPECT_EQ(safe_component(".."), "_");
  EXPECT_EQ(safe_component("../etc"), ".._etc");
  EXPECT_EQ(safe_component("/etc/passwd"), "_etc_passwd");
  EXPECT_EQ(safe_component("a\\b"), "a_b");
  EXPECT_EQ(safe_component("bell\x07\x1b[2J"), "bell__[2J");
  EXPECT_EQ(safe_component(std::string("nul\0byte", 8)), "nul_byte");
  EXPECT_EQ(safe_component("c1\xc2\x9b"
                           "31m"),
            "c1_31m");
  EXPECT_EQ(safe_component("bad\xff\xfeutf8"), "bad__utf8");
  EXPECT_EQ(safe_component("\xed\xa0\x80"), "___");  // a surrogate is not UTF-8
}

TEST(SafeNames, LongNamesAreCutKeepingTheExtensionAndWholeCharacters) {
  const std::string long_name = std::string(300, 'a') + ".jpg";
  const std::string cut = safe_component(long_name);
  EXPECT_EQ(cut.size(), kMaxComponentBytes);
  EXPECT_TRUE(cut.ends_with("a.jpg"));
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\u00e9";  // 2 bytes each
  const std::string cut_accents = safe_component(accents, 101);
  EXPECT_EQ(cut_accents.size(), 100U);
  EXPECT_EQ(safe_component(cut_accents), cut_accents);  // still valid UTF-8
}

TEST(SafeNames, ConversationStems) {
  EXPECT_EQ(conversation_stem(7, "Trip 2019"), "7-Trip 2019");
  EXPECT_EQ(conversation_stem(8, ""), "8");
  EXPECT_EQ(conversation_stem(9, ".."), "9");
  EXPECT_EQ(conversation_stem(10, "a/b"), "10-a_b");
  EXPECT_LE(conversation_stem(11, std::string(500, 'x')).size(), 3U + 80U);
}

TEST(SafeNames, AllocatorRenamesCollisions) {
  PathAllocator names;
  EXPECT_EQ(names.file("media/beach.jpg"), "media/beach.jpg");
  EXPECT_EQ(names.file("media/beach.jpg"), "media/beach (2).jpg");
  EXPECT_EQ(names.file("media/beach.jpg"), "media/beach (3).jpg");
  EXPECT_EQ(names.file_in("media", "beach.jpg"), "media/beach (4).jpg");
  EXPECT_EQ(names.file("media/README"), "media/README");
  EXPECT_EQ(names.file("media/README"), "media/README (2)");
  // Two raw names that become the same safe name do not merge.
  EXPECT_EQ(names.file("x/a\x01"), "x/a_");
  EXPECT_EQ(names.file("x/a_"), "x/a_ (2)");
}

TEST(SafeNames, AllocatorKeepsFoldersTogetherAndApartFromFiles) {
  PathAllocator names;
  EXPECT_EQ(names.file("a/one.txt"), "a/one.txt");
  EXPECT_EQ(names.file("a/two.txt"), "a/two.txt");
  // A file named like an existing folder, then a folder named like that file.
  EXPECT_EQ(names.file("a"), "a (2)");
  EXPECT_EQ(names.file("b"), "b");
  EXPECT_EQ(names.file("b/c.txt"), "b (2)/c.txt");
  // Traversal and absolute paths stay inside.
  EXPECT_EQ(names.file("/../../etc/passwd"), "_/_/etc/passwd");
  EXPECT_EQ(names.file("./x//y"), "x/y");
  // new_folder never shares a folder with a raw name already mapped.
  EXPECT_EQ(names.new_folder("", "a"), "a (3)");
  EXPECT_EQ(names.file("c.txt", "a (3)"), "a (3)/c.txt");
}

}  // namespace
}  // namespace dmvault::exporting
