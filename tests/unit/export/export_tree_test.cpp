#include "dmvault/export_tree.hpp"

#include "dmvault/error.hpp"
#include "export_test_support.hpp"
#include "io/export_tree_internal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace dmvault::io::export_testing {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

// Runs `fn`, which must throw dmvault::Error with `code`; returns the error's message.
std::string error_of(const std::function<void()>& fn, ErrorCode code) {
  try {
    fn();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    EXPECT_FALSE(error.hint().empty()) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "expected an Error";
  return {};
}

ExportTree open_one(const fs::path& path, const ExportLimits& limits = {}) {
  return ExportTree::open({path}, limits);
}

// Deterministic bytes that no compressor can shrink.
std::string noise(std::size_t size, std::uint32_t seed) {
  std::string out(size, '\0');
  std::uint32_t state = seed * 2654435761u + 1;
  for (char& c : out) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>(state & 0xff);
  }
  return out;
}

// Text that compresses the way JSON does.
std::string text(std::size_t size) {
  std::string out;
  for (int i = 0; out.size() < size; ++i) {
    out +=
        "{\"sender_name\": \"Ana\", \"timestamp_ms\": " + std::to_string(1600000000000 + i * 7919) +
        ", \"content\": \"message number " + std::to_string(i) + "\"},\n";
  }
  out.resize(size);
  return out;
}

std::vector<std::string> paths_of(const std::vector<Seen>& seen) {
  std::vector<std::string> paths;
  for (const Seen& item : seen) paths.push_back(item.path);
  return paths;
}

struct Skip {
  std::string path;
  std::string reason_part;
};

void expect_skipped(const ExportTree& tree, const std::vector<Skip>& expected) {
  const auto& skipped = tree.skipped();
  ASSERT_EQ(skipped.size(), expected.size());
  EXPECT_EQ(tree.skipped_count(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("skipped #" + std::to_string(i) + " " + skipped[i].path);
    if (!expected[i].path.empty()) {
      EXPECT_EQ(skipped[i].path, expected[i].path);
    }
    EXPECT_CONTAINS(skipped[i].reason, expected[i].reason_part);
    EXPECT_EQ(skipped[i].part_name, tree.part_names().at(0));
  }
}

class ExportTreeTest : public ::testing::Test {
 protected:
  fs::path path(const std::string& name) const { return m_dir / name; }

  TempDir m_dir;
};

// ---------------------------------------------------------------------------------------------
// Names

TEST(ExportEntryNames, AcceptsAndNormalises) {
  const ExportLimits limits;
  const auto ok = [&](std::string_view raw) {
    const NormalizedName name = normalize_entry_name(raw, limits);
    EXPECT_EQ(name.reason, "") << raw;
    return name.path;
  };
  EXPECT_EQ(ok("a.txt"), "a.txt");
  EXPECT_EQ(ok("./a/b.json"), "a/b.json");
  EXPECT_EQ(ok("././a/./b/."), "a/b");
  EXPECT_EQ(ok("a/b/"), "a/b");
  EXPECT_EQ(ok("caf\xc3\xa9/\xf0\x9f\x98\x80.json"), "caf\xc3\xa9/\xf0\x9f\x98\x80.json");
  EXPECT_EQ(ok("ab:c/d"), "ab:c/d");    // a drive letter is one letter and a colon
  EXPECT_EQ(ok("..a/b.."), "..a/b..");  // dots inside a name are not a '..' component
  EXPECT_EQ(ok(".hidden/..."), ".hidden/...");
}

TEST(ExportEntryNames, RefusesUnsafeNames) {
  ExportLimits limits;
  limits.max_path_bytes = 20;
  limits.max_path_depth = 3;
  const auto refused = [&](std::string_view raw) {
    const NormalizedName name = normalize_entry_name(raw, limits);
    EXPECT_EQ(name.path, "") << raw;
    return name.reason;
  };
  EXPECT_CONTAINS(refused("../evil"), "'..'");
  EXPECT_CONTAINS(refused("a/../../b"), "'..'");
  EXPECT_CONTAINS(refused("a/.."), "'..'");
  EXPECT_CONTAINS(refused("/etc/passwd"), "absolute");
  EXPECT_CONTAINS(refused("//server/share"), "absolute");
  EXPECT_CONTAINS(refused("C:/Windows"), "drive letter");
  EXPECT_CONTAINS(refused("c:x"), "drive letter");
  EXPECT_CONTAINS(refused("dir\\file"), "backslash");
  EXPECT_CONTAINS(refused("..\\evil"), "backslash");
  EXPECT_CONTAINS(refused(std::string_view("a\0b", 3)), "NUL");
  EXPECT_CONTAINS(refused("bad\xff.txt"), "UTF-8");
  EXPECT_CONTAINS(refused("\xc0\xaf"), "UTF-8");          // overlong '/'
  EXPECT_CONTAINS(refused("\xed\xa0\x80.txt"), "UTF-8");  // a UTF-16 surrogate
  EXPECT_CONTAINS(refused("a//b"), "empty component");
  EXPECT_CONTAINS(refused(""), "empty name");
  EXPECT_CONTAINS(refused("."), "empty name");
  EXPECT_CONTAINS(refused("./"), "empty name");
  EXPECT_CONTAINS(refused("a/b/c/d"), "more than 3 levels");
  EXPECT_CONTAINS(refused("aaaaaaaaaa/bbbbbbbbbb"), "longer than 20 bytes");
  // The limits are inclusive.
  EXPECT_EQ(normalize_entry_name("a/b/c", limits).path, "a/b/c");
  EXPECT_EQ(normalize_entry_name("./aaaaaaaaa/bbbbbbbbbb", limits).path, "aaaaaaaaa/bbbbbbbbbb");
}

TEST(ExportEntryNames, PrintableEscapesWhatATerminalWouldHide) {
  EXPECT_EQ(printable("plain/caf\xc3\xa9.txt"), "plain/caf\xc3\xa9.txt");
  EXPECT_EQ(printable("bad\xff\xfe"), "bad\\xff\\xfe");
  EXPECT_EQ(printable("a\\b"), "a\\\\b");
  EXPECT_EQ(printable("line\nfeed\ttab\x1b[31m"), "line\\nfeed\\ttab\\x1b[31m");
  EXPECT_EQ(printable("gpj.\xe2\x80\xae"
                      "exe"),
            "gpj.\\u{202E}exe");
  EXPECT_EQ(printable("\xc2\x85"), "\\u{0085}");
  EXPECT_EQ(printable("\xe2\x82"), "\\xe2\\x82");  // a sequence cut short
  const std::string cut = printable(std::string(2000, 'x'), 512);
  EXPECT_EQ(cut, std::string(512, 'x') + "...");
}

// ---------------------------------------------------------------------------------------------
// Every container gives the same entries

// The members of a small export, in the order a folder walk yields them (byte order of each
// component, depth first: "media/a.b" before "media.txt").
std::vector<Member> sample_export() {
  return {
      file("README.txt", "hello\n"),
      file("empty.json", ""),
      folder("media"),
      file("media/a.b", "z"),
      file("media.txt", text(3000)),
      folder("messages"),
      folder("messages/inbox"),
      folder("messages/inbox/ana_123"),
      file("messages/inbox/ana_123/message_1.json", text(200'000)),
      folder("messages/inbox/ana_123/photos"),
      file("messages/inbox/ana_123/photos/1.jpg", noise(64 * 1024, 1)),
      folder("messages/inbox/caf\xc3\xa9 \xc3\xb1 \xf0\x9f\x98\x80"),
      file("messages/inbox/caf\xc3\xa9 \xc3\xb1 \xf0\x9f\x98\x80/message_1.json", "{\"x\": 1}"),
  };
}

std::vector<Seen> expected_of(const std::vector<Member>& members, std::size_t part = 0) {
  std::vector<Seen> seen;
  for (const Member& member : members) {
    if (member.kind != Member::Kind::file) continue;
    seen.push_back({member.name, member.data.size(), member.mtime, part, member.data});
  }
  return seen;
}

TEST_F(ExportTreeTest, FolderAndEveryArchiveKindGiveTheSameEntriesAndBytes) {
  const std::vector<Member> members = sample_export();
  const std::vector<Seen> expected = expected_of(members);

  write_folder(path("folder"), members);
  ExportTree from_folder = open_one(path("folder"));
  EXPECT_EQ(read_all(from_folder), expected);
  EXPECT_TRUE(from_folder.skipped().empty());

  for (const Container container :
       {Container::zip, Container::pax, Container::ustar, Container::gnutar, Container::tar_gz,
        Container::tar_zst, Container::tar_xz, Container::tar_bz2}) {
    SCOPED_TRACE(container_name(container));
    // A misleading extension: kinds are recognised by content.
    const fs::path archive = path(std::string("export-") + container_name(container) + ".bin");
    write_archive(archive, container, members);
    ExportTree tree = open_one(archive);
    const std::vector<Seen> seen = read_all(tree);
    EXPECT_EQ(seen, expected) << ::testing::PrintToString(paths_of(seen));
    EXPECT_TRUE(tree.skipped().empty());
    std::uint64_t total = 0;
    for (const Seen& item : expected) total += item.data.size();
    EXPECT_EQ(tree.bytes_read(), total);
  }
}

TEST_F(ExportTreeTest, NamesAreUtf8WhateverTheProcessLocale) {
  // The test runs in the "C" locale, where libarchive on its own cannot convert the UTF-8 name
  // of a zip entry and returns none.
  const std::string name = "messages/\xd0\x90\xd0\xbd\xd0\xb0 \xf0\x9f\x8c\xb8/message_1.json";
  write_archive(path("utf8.zip"), Container::zip, {file(name, "x")});
  ExportTree tree = open_one(path("utf8.zip"));
  EXPECT_EQ(paths_of(read_all(tree)), std::vector<std::string>{name});
  EXPECT_TRUE(tree.skipped().empty());
}

TEST_F(ExportTreeTest, SeveralPartsAreVisitedInOrderAsOneExport) {
  write_archive(path("part1.zip"), Container::zip,
                {file("a.txt", "A"), file("shared.json", "from part 1")});
  write_archive(path("part2.tar.gz"), Container::tar_gz,
                {folder("b"), file("b/c.txt", "C"), file("shared.json", "from part 2")});
  write_folder(path("part3"), {file("d.txt", "D")});

  ExportTree tree = ExportTree::open({path("part1.zip"), path("part2.tar.gz"), path("part3")});
  const std::vector<Seen> expected = {
      {"a.txt", 1, kMtime, 0, "A"},
      {"shared.json", 11, kMtime, 0, "from part 1"},
      {"b/c.txt", 1, kMtime, 1, "C"},
      {"shared.json", 11, kMtime, 1, "from part 2"},  // duplicates are both visited
      {"d.txt", 1, kMtime, 2, "D"},
  };
  EXPECT_EQ(read_all(tree), expected);
  EXPECT_EQ(tree.part_names(),
            (std::vector<std::string>{path("part1.zip").string(), path("part2.tar.gz").string(),
                                      path("part3").string()}));
}

TEST_F(ExportTreeTest, DuplicateNamesInOneTarAreBothVisited) {
  write_archive(path("dup.tar"), Container::pax, {file("a.txt", "first"), file("a.txt", "second")});
  ExportTree tree = open_one(path("dup.tar"));
  const std::vector<Seen> seen = read_all(tree);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].data, "first");
  EXPECT_EQ(seen[1].data, "second");
}

TEST_F(ExportTreeTest, EachVisitIsAFreshPass) {
  write_archive(path("x.tar"), Container::pax,
                {file("a", "1"), special("l", Member::Kind::symlink, "a")});
  ExportTree tree = open_one(path("x.tar"));
  const std::vector<Seen> first = read_all(tree);
  const std::vector<Seen> second = read_all(tree);
  EXPECT_EQ(first, second);
  EXPECT_EQ(tree.skipped().size(), 1u);
  EXPECT_EQ(tree.skipped_count(), 1u);
  EXPECT_EQ(tree.bytes_read(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Hostile names and member types

struct NameCase {
  std::string raw;
  std::string reason_part;
  // libarchive's zip reader turns '\' into '/' before we see a name (Windows zippers wrote
  // them as separators): what is then refused, or "" when the name becomes an ordinary path.
  std::optional<std::string> zip_reason_part;
};

std::vector<NameCase> hostile_names() {
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "d/";
  deep += "f.txt";
  return {
      {"../evil", "'..'", {}},
      {"a/../../b", "'..'", {}},
      {"/etc/passwd", "absolute", {}},
      {"C:/Windows/x", "drive letter", {}},
      {"..\\evil", "backslash", "'..'"},
      {"C:\\Windows", "backslash", "drive letter"},
      {"dir\\file", "backslash", ""},
      {"bad\xff.txt", "UTF-8", {}},
      {"over\xc0\xaflong", "UTF-8", {}},
      {"a//b", "empty component", {}},
      {deep, "more than 64 levels", {}},
      {std::string(2100, 'x') + "/" + std::string(2100, 'y'), "longer than 4096", {}},
  };
}

enum class Flavor { tar, zip_utf8, zip_raw };

void check_hostile(const fs::path& archive, Flavor flavor) {
  const bool zip = flavor != Flavor::tar;
  ExportTree tree = open_one(archive);
  std::vector<std::string> visited = {"good.txt"};
  std::vector<NameCase> refused;
  for (NameCase& name : hostile_names()) {
    if (zip && name.zip_reason_part) {
      if (name.zip_reason_part->empty()) {
        visited.push_back("dir/file");
        continue;
      }
      name.reason_part = *name.zip_reason_part;
      std::replace(name.raw.begin(), name.raw.end(), '\\', '/');
    }
    refused.push_back(name);
  }
  visited.push_back("ok/x.txt");
  EXPECT_EQ(paths_of(read_all(tree)), visited);
  ASSERT_EQ(tree.skipped().size(), refused.size());
  for (std::size_t i = 0; i < refused.size(); ++i) {
    const SkippedEntry& skipped = tree.skipped()[i];
    SCOPED_TRACE(skipped.path);
    if (flavor == Flavor::zip_utf8 && refused[i].reason_part == "UTF-8") {
      // Flagged UTF-8 but not: libarchive cannot say what the name was.
      EXPECT_CONTAINS(skipped.path, "not decodable");
    } else {
      EXPECT_EQ(skipped.path, printable(refused[i].raw));
    }
    EXPECT_CONTAINS(skipped.reason, refused[i].reason_part);
  }
}

std::vector<Member> hostile_members() {
  std::vector<Member> members;
  members.push_back(file("./good.txt", "good"));
  for (const NameCase& name : hostile_names()) members.push_back(file(name.raw, "evil"));
  members.push_back(file("ok/./x.txt", "fine"));
  return members;
}

TEST_F(ExportTreeTest, HostileNamesInATarAreSkippedAndReported) {
  write_archive(path("names.tar"), Container::pax, hostile_members());
  check_hostile(path("names.tar"), Flavor::tar);
}

TEST_F(ExportTreeTest, HostileNamesInAZipAreSkippedAndReported) {
  write_archive(path("names-utf8.zip"), Container::zip, hostile_members());
  check_hostile(path("names-utf8.zip"), Flavor::zip_utf8);
  // Written in the C locale: names are raw bytes without the UTF-8 flag (a CP437-era zip).
  WriteOptions in_c_locale;
  in_c_locale.utf8_locale = false;
  write_archive(path("names-raw.zip"), Container::zip, hostile_members(), in_c_locale);
  check_hostile(path("names-raw.zip"), Flavor::zip_raw);
}

TEST_F(ExportTreeTest, LinksDevicesAndFifosInATarAreSkippedAndReported) {
  write_archive(path("special.tar"), Container::pax,
                {
                    file("target.txt", "t"),
                    special("link", Member::Kind::symlink, "target.txt"),
                    special("escape", Member::Kind::symlink, "/etc/passwd"),
                    special("hard", Member::Kind::hardlink, "target.txt"),
                    special("outside", Member::Kind::hardlink, "../../etc/passwd"),
                    special("tty", Member::Kind::char_device),
                    special("disk", Member::Kind::block_device),
                    special("pipe", Member::Kind::fifo),
                    folder("dir"),
                    file("dir/after.txt", "a"),
                });
  ExportTree tree = open_one(path("special.tar"));
  EXPECT_EQ(paths_of(read_all(tree)), (std::vector<std::string>{"target.txt", "dir/after.txt"}));
  expect_skipped(tree, {{"link", "symbolic link"},
                        {"escape", "symbolic link"},
                        {"hard", "hard link"},
                        {"outside", "hard link"},
                        {"tty", "device"},
                        {"disk", "device"},
                        {"pipe", "fifo"}});
}

TEST_F(ExportTreeTest, SymlinksInAZipAreSkippedAndReported) {
  write_archive(path("links.zip"), Container::zip,
                {file("a.txt", "a"), special("link", Member::Kind::symlink, "/etc/passwd"),
                 file("b.txt", "b")});
  ExportTree tree = open_one(path("links.zip"));
  EXPECT_EQ(paths_of(read_all(tree)), (std::vector<std::string>{"a.txt", "b.txt"}));
  expect_skipped(tree, {{"link", "symbolic link"}});
}

TEST_F(ExportTreeTest, FolderSymlinksAreNotFollowedAndSpecialFilesAreSkipped) {
  write_folder(path("export"), {
                                   file("real/a.txt", "a"),
                                   special("link-to-file", Member::Kind::symlink, "real/a.txt"),
                                   special("link-to-dir", Member::Kind::symlink, "real"),
                                   special("dangling", Member::Kind::symlink, "nowhere"),
                                   special("escape", Member::Kind::symlink, "/etc"),
                                   special("pipe", Member::Kind::fifo),
                                   special("hard.txt", Member::Kind::hardlink, "real/a.txt"),
                               });
  ExportTree tree = open_one(path("export"));
  // A hard link in a folder is just another name for a regular file.
  EXPECT_EQ(paths_of(read_all(tree)), (std::vector<std::string>{"hard.txt", "real/a.txt"}));
  expect_skipped(tree, {{"dangling", "symbolic link"},
                        {"escape", "symbolic link"},
                        {"link-to-dir", "symbolic link"},
                        {"link-to-file", "symbolic link"},
                        {"pipe", "fifo"}});
}

TEST_F(ExportTreeTest, FolderNamesAreCheckedLikeArchiveNames) {
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "d/";
  write_folder(path("export"), {
                                   file("a/ok.txt", "ok"),
                                   file("bad\xff.txt", "x"),
                                   file("back\\slash.txt", "x"),
                                   file(deep + "bottom.txt", "x"),
                                   file("d/d/shallow.txt", "s"),
                               });
  ExportTree tree = open_one(path("export"));
  EXPECT_EQ(paths_of(read_all(tree)), (std::vector<std::string>{"a/ok.txt", "d/d/shallow.txt"}));
  std::string at_limit = "d";
  for (int i = 1; i < 64; ++i) at_limit += "/d";
  expect_skipped(tree, {{"back\\\\slash.txt", "backslash"},
                        {"bad\\xff.txt", "UTF-8"},
                        {at_limit, "more than 64 levels"}});
}

TEST_F(ExportTreeTest, EncryptedZipEntriesAreSkippedAndReported) {
  write_archive(path("plain.zip"), Container::zip, {file("plain.txt", "p")});
  WriteOptions locked;
  locked.options = "zip:encryption=zipcrypt";
  locked.passphrase = "pw";
  write_archive(path("locked.zip"), Container::zip, {file("secret.txt", "s")}, locked);
  ExportTree tree = ExportTree::open({path("plain.zip"), path("locked.zip")});
  EXPECT_EQ(paths_of(read_all(tree)), std::vector<std::string>{"plain.txt"});
  ASSERT_EQ(tree.skipped().size(), 1u);
  EXPECT_EQ(tree.skipped()[0].path, "secret.txt");
  EXPECT_EQ(tree.skipped()[0].reason, "encrypted");
  EXPECT_EQ(tree.skipped()[0].part_name, path("locked.zip").string());
}

TEST_F(ExportTreeTest, SkipReportIsCappedButCounted) {
  std::vector<Member> members;
  for (int i = 0; i < 30; ++i) {
    members.push_back(special("l" + std::to_string(i), Member::Kind::symlink, "x"));
  }
  write_archive(path("links.tar"), Container::pax, members);
  ExportLimits limits;
  limits.max_skipped_reported = 10;
  ExportTree tree = open_one(path("links.tar"), limits);
  read_all(tree);
  EXPECT_EQ(tree.skipped().size(), 10u);
  EXPECT_EQ(tree.skipped_count(), 30u);
}

// ---------------------------------------------------------------------------------------------
// Reading

TEST_F(ExportTreeTest, PartlyReadEntriesDoNotDisturbTheNextOnes) {
  const std::string big = noise(200 * 1024, 7);
  const std::vector<Member> members = {file("a.bin", big), file("b.txt", text(50'000)),
                                       file("c.bin", noise(150 * 1024, 8)), file("d.txt", "end")};
  write_folder(path("folder"), members);
  for (const Container container :
       {Container::zip, Container::pax, Container::tar_gz, Container::tar_zst}) {
    write_archive(path(container_name(container)), container, members);
  }
  for (const std::string part : {"folder", "zip", "pax", "tar_gz", "tar_zst"}) {
    SCOPED_TRACE(part);
    ExportTree tree = open_one(path(part));
    std::vector<std::string> got;
    tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
      std::vector<std::uint8_t> buffer(entry.path == "a.bin" ? 10 : 1 << 20);
      if (entry.path == "b.txt") {
        got.emplace_back();  // not read at all
        return;
      }
      const std::size_t n = reader.read(buffer);
      got.emplace_back(reinterpret_cast<const char*>(buffer.data()), n);
    });
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], big.substr(0, 10));
    EXPECT_EQ(got[1], "");
    EXPECT_EQ(got[2], members[2].data);
    EXPECT_EQ(got[3], "end");
    EXPECT_EQ(tree.bytes_read(), 10 + members[2].data.size() + 3);
  }
}

TEST_F(ExportTreeTest, ReadFillsTheBufferUntilTheEnd) {
  const std::string data = text(100'000);
  write_archive(path("a.tar.gz"), Container::tar_gz, {file("a.json", data)});
  ExportTree tree = open_one(path("a.tar.gz"));
  for (const std::size_t size : {std::size_t{1}, std::size_t{7}, std::size_t{65536}}) {
    SCOPED_TRACE(size);
    std::string got;
    tree.visit([&](const ExportEntry&, EntryReader& reader) {
      std::vector<std::uint8_t> buffer(size);
      for (;;) {
        const std::size_t n = reader.read(buffer);
        got.append(reinterpret_cast<const char*>(buffer.data()), n);
        if (n < size) break;  // short only at the end
      }
      EXPECT_EQ(reader.read(buffer), 0u);
      EXPECT_EQ(reader.read(buffer), 0u);
    });
    EXPECT_EQ(got, data);
  }
}

TEST_F(ExportTreeTest, CallbackExceptionsPassThrough) {
  write_archive(path("a.zip"), Container::zip, {file("a", "1"), file("b", "2")});
  ExportTree tree = open_one(path("a.zip"));
  int calls = 0;
  EXPECT_THROW(tree.visit([&](const ExportEntry&, EntryReader&) {
    ++calls;
    throw std::runtime_error("stop");
  }),
               std::runtime_error);
  EXPECT_EQ(calls, 1);
}

// ---------------------------------------------------------------------------------------------
// Bombs and limits

class ExportBombTest : public ExportTreeTest {
 protected:
  // One entry of 200 MiB of zeros, deflated to ~200 KiB (about 1030:1, deflate's ceiling).
  fs::path zip_bomb() {
    const fs::path bomb = path("bomb.zip");
    const Deflated zeros = deflate_zeros(200);
    write_bytes(bomb, build_zip({{"zeros.bin", zeros, zeros.size}}));
    EXPECT_LT(fs::file_size(bomb), 300 * 1024u);
    return bomb;
  }

  // Reads every entry through a 64 KiB buffer; returns how many bytes came out before an
  // exception (which it rethrows).
  static std::uint64_t drink(ExportTree& tree, std::uint64_t& delivered) {
    std::vector<std::uint8_t> buffer(64 * 1024);
    tree.visit([&](const ExportEntry&, EntryReader& reader) {
      while (const std::size_t n = reader.read(buffer)) delivered += n;
    });
    return delivered;
  }
};

TEST_F(ExportBombTest, ZipBombTripsTheRatioLimitEarly) {
  const fs::path bomb = zip_bomb();
  ExportTree tree = open_one(bomb);  // default limits
  std::uint64_t delivered = 0;
  const std::string message = error_of([&] { drink(tree, delivered); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, bomb.string() + ": zeros.bin: compression ratio limit exceeded");
  // It stops a few MiB past the 16 MiB floor, not after 200 MiB.
  EXPECT_GE(delivered, 16 * kMiB);
  EXPECT_LT(delivered, 24 * kMiB);
  EXPECT_EQ(tree.bytes_read(), delivered);
}

TEST_F(ExportBombTest, CallbackCannotSwallowATrippedLimit) {
  ExportTree tree = open_one(zip_bomb());
  std::vector<std::uint8_t> buffer(64 * 1024);
  int caught = 0;
  const std::string message = error_of(
      [&] {
        tree.visit([&](const ExportEntry&, EntryReader& reader) {
          try {
            while (reader.read(buffer) != 0) {
            }
          } catch (const Error&) {
            ++caught;
            EXPECT_THROW(reader.read(buffer), Error);  // and the reader stays failed
          }
        });
      },
      ErrorCode::bad_input);
  EXPECT_EQ(caught, 1);
  EXPECT_CONTAINS(message, "compression ratio limit exceeded");
}

TEST_F(ExportBombTest, UnreadZipEntriesAreSkippedWithoutInflating) {
  ExportTree tree = open_one(zip_bomb());
  int entries = 0;
  tree.visit([&](const ExportEntry& entry, EntryReader&) {
    ++entries;
    EXPECT_EQ(entry.size, 200 * kMiB);
  });
  EXPECT_EQ(entries, 1);
  EXPECT_EQ(tree.bytes_read(), 0u);
}

TEST_F(ExportBombTest, GzipBombInATarTripsEvenWhenNobodyReadsIt) {
  // What libarchive would decompress just to skip the entry is drained under the same limits.
  const Deflated stream = DeflateBuilder()
                              .bytes(ustar_header("zeros.bin", 200 * kMiB))
                              .zeros(200)
                              .bytes(std::string(1024, '\0'))
                              .finish();
  write_bytes(path("bomb.tar.gz"), gzip_wrap(stream));
  ExportTree tree = open_one(path("bomb.tar.gz"));
  const std::string message =
      error_of([&] { tree.visit([](const ExportEntry&, EntryReader&) {}); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, "zeros.bin: compression ratio limit exceeded");
}

TEST_F(ExportBombTest, ZstdBombInATarTrips) {
  write_archive(path("bomb.tar.zst"), Container::tar_zst,
                {file("zeros.bin", std::string(24 * kMiB, '\0'))});
  EXPECT_LT(fs::file_size(path("bomb.tar.zst")), 64 * 1024u);
  ExportTree tree = open_one(path("bomb.tar.zst"));
  std::uint64_t delivered = 0;
  const std::string message = error_of([&] { drink(tree, delivered); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, "zeros.bin: compression ratio limit exceeded");
  EXPECT_LT(delivered, 20 * kMiB);
}

TEST_F(ExportBombTest, OverlappingZipEntriesTripTheWholeArchiveRatio) {
  // Each of the 40 entries inflates to 4 MiB, below the per-entry check's 16 MiB floor; together
  // they make 160 MiB from a 6 KiB file, which the whole-archive check stops.
  write_bytes(path("overlap.zip"), build_overlapping_zip(deflate_zeros(4), 40));
  EXPECT_LT(fs::file_size(path("overlap.zip")), 16 * 1024u);
  ExportTree tree = open_one(path("overlap.zip"));
  std::uint64_t delivered = 0;
  const std::string message = error_of([&] { drink(tree, delivered); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, "compression ratio limit exceeded for the whole archive");
  EXPECT_LE(delivered, 24 * kMiB);

  // The construction is an ordinary zip to libarchive (so the trip above is ours): a small one
  // reads through with every entry's CRC checked, each entry holding the headers after it.
  write_bytes(path("small-overlap.zip"), build_overlapping_zip(deflate_zeros(1), 5));
  ExportTree small = open_one(path("small-overlap.zip"));
  const std::vector<Seen> seen = read_all(small);
  ASSERT_EQ(seen.size(), 5u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].data.size(), seen[i].size);
    EXPECT_EQ(seen[i].data.substr(seen[i].data.size() - kMiB), std::string(kMiB, '\0'));
    if (i > 0) {
      EXPECT_GT(seen[i - 1].data.size(), seen[i].data.size());
    }
  }
}

TEST_F(ExportBombTest, ZipThatUnderstatesItsSizeTripsTheEntryLimit) {
  // libarchive inflates past the size the headers declare; the limit holds on what comes out.
  const Deflated zeros = deflate_zeros(8);
  write_bytes(path("liar.zip"), build_zip({{"small.txt", zeros, 1000}}));
  ExportLimits limits;
  limits.max_entry_bytes = kMiB;
  limits.max_ratio = 0;
  ExportTree tree = open_one(path("liar.zip"), limits);
  std::uint64_t delivered = 0;
  const std::string message = error_of([&] { drink(tree, delivered); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message,
                  "small.txt: entry size limit exceeded (more than 1 MiB, though it declares 1000 "
                  "bytes)");
  EXPECT_LE(delivered, kMiB);

  // Within the limits, libarchive notices the lie at the end of the entry.
  ExportTree unlimited = open_one(path("liar.zip"));
  EXPECT_CONTAINS(error_of([&] { read_all(unlimited); }, ErrorCode::bad_input),
                  "small.txt: archive is truncated or damaged: ZIP uncompressed data is wrong size "
                  "(read 8388608, expected 1000)");
}

TEST_F(ExportBombTest, TarHeaderClaimingATebibyteFailsBeforeAnyRead) {
  std::string tar = ustar_header("huge.bin", std::uint64_t{1} << 40);
  tar += std::string(4096, 'x');
  write_bytes(path("huge.tar"), tar);
  ExportTree tree = open_one(path("huge.tar"));
  int calls = 0;
  const std::string message =
      error_of([&] { tree.visit([&](const ExportEntry&, EntryReader&) { ++calls; }); },
               ErrorCode::bad_input);
  EXPECT_EQ(calls, 0);
  EXPECT_CONTAINS(message, "huge.bin: entry size limit exceeded (declares 1 TiB, limit 64 GiB)");
}

TEST_F(ExportBombTest, EntrySizeLimitIsInclusive) {
  ExportLimits limits;
  limits.max_entry_bytes = 1000;
  write_archive(path("fits.tar"), Container::pax, {file("a", std::string(1000, 'a'))});
  write_archive(path("over.tar"), Container::pax, {file("a", std::string(1001, 'a'))});
  ExportTree fits = open_one(path("fits.tar"), limits);
  EXPECT_EQ(read_all(fits).at(0).data.size(), 1000u);
  ExportTree over = open_one(path("over.tar"), limits);
  EXPECT_CONTAINS(error_of([&] { read_all(over); }, ErrorCode::bad_input),
                  "a: entry size limit exceeded");
}

TEST_F(ExportBombTest, TotalSizeLimitCoversAllParts) {
  ExportLimits limits;
  limits.max_total_bytes = kMiB;
  const std::string chunk = noise(400 * 1024, 3);
  write_archive(path("p1.tar"), Container::pax, {file("a", chunk), file("b", chunk)});
  write_folder(path("p2"), {file("c", chunk)});
  ExportTree tree = ExportTree::open({path("p1.tar"), path("p2")}, limits);
  std::vector<std::string> seen;
  const std::string message = error_of(
      [&] {
        tree.visit([&](const ExportEntry& entry, EntryReader&) { seen.push_back(entry.path); });
      },
      ErrorCode::bad_input);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_CONTAINS(message, path("p2").string() + ": c: total size limit exceeded");
}

TEST_F(ExportBombTest, EntryCountLimitCountsEveryMember) {
  ExportLimits limits;
  limits.max_entries = 5;
  std::vector<Member> members;
  for (int i = 0; i < 10; ++i) members.push_back(file("f" + std::to_string(i), "x"));
  write_archive(path("many.tar"), Container::pax, members);
  ExportTree tree = open_one(path("many.tar"), limits);
  EXPECT_CONTAINS(error_of([&] { read_all(tree); }, ErrorCode::bad_input),
                  "f5: entry count limit exceeded (more than 5 entries");

  // In a folder, sub-folders count too: 3 folders + 3 files = 6 members.
  write_folder(path("tree"), {file("a/1", "x"), file("b/2", "x"), file("c/3", "x")});
  ExportTree folder = open_one(path("tree"), limits);
  EXPECT_CONTAINS(error_of([&] { read_all(folder); }, ErrorCode::bad_input),
                  "entry count limit exceeded");
  limits.max_entries = 6;
  ExportTree enough = open_one(path("tree"), limits);
  EXPECT_EQ(read_all(enough).size(), 3u);
}

// Reads a 96 MiB entry whole: the reader's memory must not grow with the entry.
TEST_F(ExportBombTest, MemoryStaysBoundedWhileStreaming) {
  const fs::path bomb = path("zeros.zip");
  const Deflated zeros = deflate_zeros(96);
  write_bytes(bomb, build_zip({{"zeros.bin", zeros, zeros.size}}));
  ExportLimits limits;
  limits.max_ratio = 0;
  ExportTree tree = open_one(bomb, limits);

  const auto peak_kib = []() -> std::optional<std::uint64_t> {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
    }
    return std::nullopt;
  };
  // Writing 5 to clear_refs resets the peak RSS (Linux 4.0+); where that is not allowed only
  // the byte count is checked.
  bool can_measure = false;
  {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    can_measure = clear.good() && peak_kib().has_value();
  }
  const std::optional<std::uint64_t> before = peak_kib();

  std::uint64_t delivered = 0;
  drink(tree, delivered);
  EXPECT_EQ(delivered, 96 * kMiB);
  EXPECT_EQ(tree.bytes_read(), 96 * kMiB);
  if (can_measure && before) {
    const std::uint64_t growth_kib = *peak_kib() - *before;
    EXPECT_LT(growth_kib, 32u * 1024) << "peak RSS grew by " << growth_kib << " KiB";
  }
}

// ---------------------------------------------------------------------------------------------
// Damaged, missing and foreign input

TEST_F(ExportTreeTest, TruncatedZipIsRefusedNamingThePart) {
  write_archive(path("full.zip"), Container::zip,
                {file("a.json", text(100'000)), file("b.bin", noise(50'000, 2))});
  const std::string bytes = read_bytes(path("full.zip"));
  write_bytes(path("cut.zip"), bytes.substr(0, bytes.size() / 2));
  const std::string message = error_of([&] { open_one(path("cut.zip")); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, path("cut.zip").string() + ": zip archive is truncated or damaged");
}

TEST_F(ExportTreeTest, CorruptZipDataIsRefusedNamingTheEntry) {
  write_archive(path("full.zip"), Container::zip,
                {file("a.json", text(100'000)), file("b.json", text(100'000))});
  std::string bytes = read_bytes(path("full.zip"));
  for (std::size_t i = 200; i < 260; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  write_bytes(path("bad.zip"), bytes);
  ExportTree tree = open_one(path("bad.zip"));
  const std::string message = error_of([&] { read_all(tree); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, path("bad.zip").string() + ": a.json: archive is truncated or damaged");
}

TEST_F(ExportTreeTest, TruncatedTarGzIsRefusedNamingThePart) {
  write_archive(path("full.tar.gz"), Container::tar_gz,
                {file("a.bin", noise(100'000, 4)), file("b.bin", noise(100'000, 5))});
  const std::string bytes = read_bytes(path("full.tar.gz"));
  write_bytes(path("cut.tar.gz"), bytes.substr(0, bytes.size() * 6 / 10));
  ExportTree tree = open_one(path("cut.tar.gz"));  // the first header is intact
  const std::string message = error_of([&] { read_all(tree); }, ErrorCode::bad_input);
  EXPECT_CONTAINS(message, path("cut.tar.gz").string() + ": ");
  EXPECT_CONTAINS(message, "truncated or damaged");
}

TEST_F(ExportTreeTest, PlainFileIsAOneFileExportNamedAfterIt) {
  const std::string chat = "12/05/2024, 10:21 - Ana: caf\xc3\xa9?\n";
  write_bytes(path("WhatsApp Chat with Ana.txt"), chat);
  ExportTree tree = open_one(path("WhatsApp Chat with Ana.txt"));
  EXPECT_EQ(tree.part_names(),
            std::vector<std::string>{path("WhatsApp Chat with Ana.txt").string()});
  auto seen = read_all(tree, 7);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "WhatsApp Chat with Ana.txt");
  EXPECT_EQ(seen[0].data, chat);
  EXPECT_EQ(seen[0].size, chat.size());
  EXPECT_EQ(seen[0].part, 0u);
  EXPECT_EQ(tree.bytes_read(), chat.size());
  EXPECT_TRUE(tree.skipped().empty());
  // A fresh pass gives the same again.
  EXPECT_EQ(read_all(tree), seen);

  // Non-ASCII names, an empty file and a symlink to a file (the user named it) are fine too.
  write_bytes(path("Conversa do WhatsApp com Jo\xc3\xa3o.txt"), "");
  fs::create_symlink(path("WhatsApp Chat with Ana.txt"), path("link.txt"));
  ExportTree several =
      ExportTree::open({path("Conversa do WhatsApp com Jo\xc3\xa3o.txt"), path("link.txt")});
  seen = read_all(several);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "Conversa do WhatsApp com Jo\xc3\xa3o.txt");
  EXPECT_EQ(seen[0].size, 0u);
  EXPECT_EQ(seen[1].path, "link.txt");
  EXPECT_EQ(seen[1].data, chat);
  EXPECT_EQ(seen[1].part, 1u);
}

TEST_F(ExportTreeTest, PlainFileKeepsTheLimitsAndRefusesUnusableNames) {
  write_bytes(path("big.txt"), std::string(5000, 'x'));
  ExportLimits limits;
  limits.max_entry_bytes = 4096;
  ExportTree tree = open_one(path("big.txt"), limits);
  EXPECT_CONTAINS(error_of([&] { read_all(tree); }, ErrorCode::bad_input),
                  path("big.txt").string() + ": big.txt: entry size limit exceeded");

  write_bytes(path("bad-\xff-name.txt"), "text\n");
  EXPECT_CONTAINS(error_of([&] { open_one(path("bad-\xff-name.txt")); }, ErrorCode::bad_input),
                  "the file's name cannot be used (name is not valid UTF-8)");
}

TEST_F(ExportTreeTest, ForeignAndMissingInputIsRefused) {
  // A file whose name promises an archive but that holds none is a broken archive, not text.
  write_bytes(path("notes.zip"), "just some text, not an archive\n");
  EXPECT_CONTAINS(error_of([&] { open_one(path("notes.zip")); }, ErrorCode::bad_input),
                  path("notes.zip").string() + ": not a zip or tar archive, nor a folder");
  write_bytes(path("EXPORT.TAR"), "");
  EXPECT_CONTAINS(error_of([&] { open_one(path("EXPORT.TAR")); }, ErrorCode::bad_input),
                  "not a zip or tar archive");
  // A zip cut before its central directory is refused whatever its name.
  write_archive(path("whole.zip"), Container::zip, {file("a.txt", text(3000))});
  write_bytes(path("cut.txt"), read_bytes(path("whole.zip")).substr(0, 200));
  EXPECT_CONTAINS(error_of([&] { open_one(path("cut.txt")); }, ErrorCode::bad_input),
                  "truncated or damaged");

  write_bytes(path("text.gz"), gzip_wrap(deflate_bytes("hello, this is not a tar\n")));
  EXPECT_CONTAINS(error_of([&] { open_one(path("text.gz")); }, ErrorCode::bad_input),
                  path("text.gz").string() + ": gzip data that is not a tar archive");

  EXPECT_CONTAINS(error_of([&] { open_one(path("missing.zip")); }, ErrorCode::bad_input),
                  path("missing.zip").string() + ": no such file or folder");

  // One bad part fails the whole open, naming that part.
  write_archive(path("good.zip"), Container::zip, {file("a", "a")});
  EXPECT_CONTAINS(error_of(
                      [&] {
                        ExportTree::open({path("good.zip"), path("missing.tar")});
                      },
                      ErrorCode::bad_input),
                  path("missing.tar").string());

  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  EXPECT_CONTAINS(error_of([&] { open_one(path("fifo")); }, ErrorCode::bad_input),
                  "not a zip or tar archive, nor a folder");

  EXPECT_CONTAINS(error_of([&] { ExportTree::open({}); }, ErrorCode::bad_input), "no export given");
}

TEST_F(ExportTreeTest, EmptyArchivesAndFoldersHaveNoEntries) {
  write_archive(path("empty.zip"), Container::zip, {});
  write_archive(path("empty.tar"), Container::pax, {});
  write_archive(path("empty.tar.gz"), Container::tar_gz, {});
  fs::create_directory(path("empty"));
  ExportTree tree =
      ExportTree::open({path("empty.zip"), path("empty.tar"), path("empty.tar.gz"), path("empty")});
  EXPECT_TRUE(read_all(tree).empty());
  EXPECT_TRUE(tree.skipped().empty());
}

// Truncations and byte flips of small archives: every outcome is a clean pass or Error, never a
// crash or a sanitizer report.
TEST_F(ExportTreeTest, MangledArchivesFailCleanly) {
  const std::vector<Member> members = {folder("d"), file("d/a.json", text(3000)),
                                       file("b.bin", noise(2000, 9)),
                                       special("l", Member::Kind::symlink, "b.bin")};
  write_archive(path("src.zip"), Container::zip, members);
  write_archive(path("src.tar.gz"), Container::tar_gz, members);
  int failures = 0;
  int passes = 0;
  for (const std::string source : {"src.zip", "src.tar.gz"}) {
    const std::string bytes = read_bytes(path(source));
    std::vector<std::string> variants;
    for (std::size_t cut = 0; cut < bytes.size();
         cut += std::max<std::size_t>(1, bytes.size() / 40)) {
      variants.push_back(bytes.substr(0, cut));
    }
    std::uint32_t state = 12345;
    for (int i = 0; i < 30; ++i) {
      std::string flipped = bytes;
      state = state * 1103515245u + 12345u;
      flipped[state % flipped.size()] ^= static_cast<char>(1u << ((state >> 16) % 8));
      variants.push_back(std::move(flipped));
    }
    for (std::size_t i = 0; i < variants.size(); ++i) {
      write_bytes(path("mangled"), variants[i]);
      try {
        ExportTree tree = open_one(path("mangled"));
        read_all(tree, 1000);
        ++passes;
      } catch (const Error& error) {
        EXPECT_EQ(error.code(), ErrorCode::bad_input)
            << source << " #" << i << ": " << error.what();
        ++failures;
      }
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_GT(passes, 0);
}

}  // namespace
}  // namespace dmvault::io::export_testing
