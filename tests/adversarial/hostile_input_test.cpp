// Hostile exports, built here in a temporary folder: path traversal, absolute names, links, zip
// and tar bombs (nested, overlapping entries, huge declared sizes), deep JSON nesting, invalid
// UTF-8, byte order marks and a giant message. Each import must end with a clear error naming the
// file (exit 5, "unreadable input") or a counted skip, within a memory cap, writing nothing
// outside the vault, and leaving the vault byte-identical when it fails.
#include "adversarial/adversarial_support.hpp"
#include "cli/vault_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dmvault::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kExitBadInput = 5;
// Peak resident memory allowed to an import of a hostile file. A normal small import peaks far
// below this, also under AddressSanitizer; a bomb that is inflated into memory goes far above.
constexpr long kMemoryCapKib = 768 * 1024;

// ---- archive builders --------------------------------------------------------------------------

struct Member {
  std::string name;
  std::string data;
  enum Kind { file, symlink, hardlink } kind = file;
  std::string target = {};
};

// A zip (deflate) or a pax tar written with libarchive.
void write_archive(const fs::path& path, const std::vector<Member>& members, bool zip) {
  archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK) << archive_error_string(a);
  for (const Member& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_mtime(e, 1700000000, 0);
    if (m.kind == Member::symlink) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_perm(e, 0777);
      archive_entry_set_symlink(e, m.target.c_str());
      archive_entry_set_size(e, 0);
    } else if (m.kind == Member::hardlink) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_hardlink(e, m.target.c_str());
      archive_entry_set_size(e, 0);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    }
    ASSERT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    if (m.kind == Member::file && !m.data.empty()) {
      ASSERT_EQ(archive_write_data(a, m.data.data(), m.data.size()),
                static_cast<la_ssize_t>(m.data.size()));
    }
    archive_entry_free(e);
  }
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

void put16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xffff);
  put16(s, v >> 16);
}

// The zip's CRC-32 (IEEE, reflected), bit by bit: the test's archives are small.
std::uint32_t crc32(const std::string& data) {
  std::uint32_t crc = 0xffffffffu;
  for (const char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A stored (uncompressed) zip written byte by byte, so that its headers can lie: every central
// directory record in `names` points at the single local file at offset 0 (overlapping entries),
// and each declares `declared_size` bytes.
std::string lying_zip(const std::string& data, const std::vector<std::string>& names,
                      std::uint32_t declared_size) {
  const std::uint32_t crc = crc32(data);
  std::string zip;
  put32(zip, 0x04034b50);
  put16(zip, 20);
  put16(zip, 0);
  put16(zip, 0);  // stored
  put16(zip, 0);
  put16(zip, 0x5821);
  put32(zip, crc);
  put32(zip, static_cast<std::uint32_t>(data.size()));
  put32(zip, declared_size);
  put16(zip, static_cast<std::uint32_t>(names[0].size()));
  put16(zip, 0);
  zip += names[0];
  zip += data;
  const auto directory_offset = static_cast<std::uint32_t>(zip.size());
  for (const std::string& name : names) {
    put32(zip, 0x02014b50);
    put16(zip, 20);
    put16(zip, 20);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0x5821);
    put32(zip, crc);
    put32(zip, static_cast<std::uint32_t>(data.size()));
    put32(zip, declared_size);
    put16(zip, static_cast<std::uint32_t>(name.size()));
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put16(zip, 0);
    put32(zip, 0100644u << 16);
    put32(zip, 0);  // every entry at the same local header
    zip += name;
  }
  const auto directory_size = static_cast<std::uint32_t>(zip.size()) - directory_offset;
  put32(zip, 0x06054b50);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, static_cast<std::uint32_t>(names.size()));
  put16(zip, static_cast<std::uint32_t>(names.size()));
  put32(zip, directory_size);
  put32(zip, directory_offset);
  put16(zip, 0);
  return zip;
}

// A ustar header for a regular file `name` claiming `size` bytes (base-256 when it does not fit
// in octal), followed by only `data`: the size is a lie.
std::string tar_claiming(const std::string& name, std::uint64_t size, const std::string& data) {
  std::string h(512, '\0');
  std::memcpy(h.data(), name.data(), name.size());
  std::memcpy(h.data() + 100, "0000644", 7);
  std::memcpy(h.data() + 108, "0000000", 7);
  std::memcpy(h.data() + 116, "0000000", 7);
  h[124] = static_cast<char>(0x80);  // base-256 size
  for (int i = 0; i < 8; ++i) {
    h[static_cast<std::size_t>(135 - i)] = static_cast<char>((size >> (8 * i)) & 0xff);
  }
  std::memcpy(h.data() + 136, "14000000000", 11);
  h[156] = '0';
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (const char c : h) sum += static_cast<unsigned char>(c);
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  std::memcpy(h.data() + 148, checksum, 7);
  std::string tar = h + data;
  tar.resize((tar.size() + 511) / 512 * 512 + 1024, '\0');
  return tar;
}

// ---- the fixture -------------------------------------------------------------------------------

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(m_cwd);
    ASSERT_TRUE(generate_export({"--out", m_base.string(), "--conversations", "2", "--messages",
                                 "40", "--media-bytes", "0", "--seed", "5"}));
    for (const auto& [path, bytes] : snapshot_tree(m_base)) {
      if (bytes == "directory") continue;
      const std::string rel = fs::relative(path, m_base).string();
      m_members.push_back({rel, bytes});
      if (path.filename() == "message_1.json" && m_thread_json.empty()) m_thread_json = rel;
    }
    ASSERT_FALSE(m_thread_json.empty());
    // A first commit, so that "unchanged" is about a vault with content.
    ASSERT_EQ(m_f.import(m_base).status, 0);
  }

  // Imports `input` and checks the common promises; returns the outcome for case-specific checks.
  // `names`: what a refusal must name (default: the file given to import).
  ChildRun import_hostile(const fs::path& input, std::string names = {}) {
    if (names.empty()) names = input.filename().string();
    const std::string vault_before = m_f.vault_bytes();
    const auto tree_before = snapshot_tree(m_f.dir());
    ChildOptions options;
    options.cwd = m_cwd;
    const ChildRun run = run_child({DMVAULT_BINARY, "import", m_f.vault().string(), input.string(),
                                    "--json", "--passphrase-file", m_f.pass().string()},
                                   options);
    EXPECT_LT(run.end.status, 128) << "import crashed: " << run.err;
    EXPECT_TRUE(run.end.status == 0 || run.end.status == kExitBadInput)
        << run.end.status << ": " << run.err;
    EXPECT_LT(run.end.max_rss_kib, kMemoryCapKib) << "peak memory of the import";
    if (run.end.status != 0) {
      EXPECT_NE(run.err.find(names), std::string::npos)
          << "the error does not name the file: " << run.err;
      EXPECT_EQ(m_f.vault_bytes(), vault_before) << "a failed import changed the vault";
    }
    // Nothing written anywhere in the test's tree but the vault.
    for (const fs::path& changed : changed_files(tree_before, snapshot_tree(m_f.dir()))) {
      EXPECT_EQ(changed, m_f.vault()) << "written outside the vault";
    }
    EXPECT_FALSE(fs::exists(m_outside)) << "an absolute entry name was written to";
    return run;
  }

  static std::uint64_t skipped(const ChildRun& run) {
    return run.end.status == 0 ? json_uint(run.out, "skipped_entries") : 0;
  }

  std::vector<Member> export_with(std::vector<Member> extra) const {
    std::vector<Member> all = m_members;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }

  // A folder copy of the base export whose thread JSON is `json`.
  fs::path folder_with_thread_json(const std::string& tag, const std::string& json) const {
    const fs::path dir = m_f.dir() / tag;
    fs::copy(m_base, dir, fs::copy_options::recursive);
    write_bytes(dir / m_thread_json, json);
    return dir;
  }

  VaultFixture m_f{"hostile"};
  fs::path m_base = m_f.dir() / "base";
  fs::path m_cwd = m_f.dir() / "work" / "deeper";
  // Where an absolute entry name points: inside the test's tree, so nothing real is at risk.
  fs::path m_outside = m_f.dir() / "outside" / "pwned.txt";
  std::vector<Member> m_members;
  std::string m_thread_json;
};

TEST_F(HostileInput, ZipWithTraversalAndAbsoluteNamesIsSkippedAndWritesNothing) {
  const fs::path zip = m_f.dir() / "traversal.zip";
  write_archive(zip,
                export_with({{"../escape.txt", "escaped"},
                             {"../../../../../../../../tmp/escape2.txt", "escaped"},
                             {m_outside.string(), "absolute"},
                             {"a/../../up.txt", "up"}}),
                true);
  const ChildRun run = import_hostile(zip);
  ASSERT_EQ(run.end.status, 0) << run.err;
  EXPECT_GE(skipped(run), 4u) << run.out;
  EXPECT_FALSE(fs::exists(m_cwd.parent_path() / "escape.txt"));
  EXPECT_FALSE(fs::exists(m_f.dir() / "up.txt"));
}

TEST_F(HostileInput, TarWithTraversalAbsoluteSymlinkAndHardlinkEntriesIsSkipped) {
  const fs::path tar = m_f.dir() / "links.tar";
  write_archive(tar,
                export_with({{"../escape.txt", "escaped"},
                             {m_outside.string(), "absolute"},
                             {"evil_link", "", Member::symlink, "/etc/passwd"},
                             {"up_link", "", Member::symlink, "../../.."},
                             {"hard_link", "", Member::hardlink, "/etc/shadow"}}),
                false);
  const ChildRun run = import_hostile(tar);
  ASSERT_EQ(run.end.status, 0) << run.err;
  EXPECT_GE(skipped(run), 5u) << run.out;
}

TEST_F(HostileInput, HighlyCompressedHugeEntryTripsTheRatioLimit) {
  // 64 MiB of zeros deflate to ~64 KiB (~1000:1): a bomb well past the 200:1 limit.
  const fs::path zip = m_f.dir() / "bomb.zip";
  write_archive(zip, export_with({{"media/bomb.bin", std::string(std::size_t{64} << 20, '\0')}}),
                true);
  const ChildRun run = import_hostile(zip);
  EXPECT_EQ(run.end.status, kExitBadInput) << run.err;
}

TEST_F(HostileInput, NestedZipsAreNeitherExpandedNorACrash) {
  // Three levels of zips, each holding the previous one ten times: 1 GiB of leaves if expanded.
  std::string inner(std::size_t{1} << 20, '\0');
  const fs::path scratch = m_f.dir() / "nest.zip";
  for (int level = 0; level < 3; ++level) {
    std::vector<Member> copies;
    for (int i = 0; i < 10; ++i) copies.push_back({"n" + std::to_string(i) + ".zip", inner});
    write_archive(scratch, copies, true);
    inner = file_bytes(scratch);
    fs::remove(scratch);
  }
  const fs::path zip = m_f.dir() / "nested.zip";
  write_archive(zip, export_with({{"media/nested.zip", inner}}), true);
  import_hostile(zip);
}

TEST_F(HostileInput, OverlappingEntriesTripTheLimits) {
  // 2000 directory records sharing one 64 KiB local file: 125 MiB out of 64 KiB in.
  std::vector<std::string> names;
  for (int i = 0; i < 2000; ++i) names.push_back("media/o" + std::to_string(i) + ".bin");
  const fs::path zip = m_f.dir() / "overlap.zip";
  write_bytes(zip, lying_zip(std::string(std::size_t{64} << 10, 'x'), names, 64u << 10));
  const ChildRun run = import_hostile(zip);
  // Either refused (ratio) or each overlapping record is read as what it is.
  if (run.end.status == 0) {
    EXPECT_GT(json_uint(run.out, "files"), 0u);
  }
}

TEST_F(HostileInput, HugeDeclaredSizesAreRefusedBeforeReading) {
  const fs::path zip = m_f.dir() / "declared.zip";
  write_bytes(zip, lying_zip("tiny", {"media/huge.bin"}, 0xfffffff0u));
  import_hostile(zip);
  const fs::path tar = m_f.dir() / "declared.tar";
  write_bytes(tar, tar_claiming("media/huge.bin", std::uint64_t{3} << 40, "tiny"));
  const ChildRun run = import_hostile(tar);
  EXPECT_EQ(run.end.status, kExitBadInput) << run.err;
}

TEST_F(HostileInput, DeepJsonNestingIsAClearError) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const ChildRun run = import_hostile(folder_with_thread_json("deep", deep), "message_1.json");
  EXPECT_EQ(run.end.status, kExitBadInput) << run.err;
  EXPECT_NE(run.err.find("message_1.json"), std::string::npos) << run.err;
}

TEST_F(HostileInput, InvalidUtf8IsRepairedOrNamed) {
  std::string json = file_bytes(m_base / m_thread_json);
  const auto at = json.find("\"content\": \"");
  ASSERT_NE(at, std::string::npos);
  json.insert(at + 12, "\xff\xfe\xc0\x80\xed\xa0\x80 bad");
  const ChildRun run = import_hostile(folder_with_thread_json("badutf8", json), "message_1.json");
  if (run.end.status != 0) {
    EXPECT_NE(run.err.find("message_1.json"), std::string::npos) << run.err;
  }
}

TEST_F(HostileInput, ByteOrderMarkIsAcceptedOrNamed) {
  const std::string json = "\xef\xbb\xbf" + file_bytes(m_base / m_thread_json);
  const ChildRun run = import_hostile(folder_with_thread_json("bom", json), "message_1.json");
  if (run.end.status != 0) {
    EXPECT_NE(run.err.find("message_1.json"), std::string::npos) << run.err;
  }
}

TEST_F(HostileInput, GiantSingleMessageStaysUnderTheMemoryCap) {
  std::string json = file_bytes(m_base / m_thread_json);
  const auto at = json.find("\"content\": \"");
  ASSERT_NE(at, std::string::npos);
  json.insert(at + 12, std::string(std::size_t{8} << 20, 'g'));
  import_hostile(folder_with_thread_json("giant", json), "message_1.json");
}

}  // namespace
}  // namespace dmvault::testing
