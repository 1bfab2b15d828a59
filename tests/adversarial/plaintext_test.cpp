// Plaintext never on disk (DESIGN.md §2, invariant 4): every command that reads a vault is run
// under strace, and any file it opens for writing, creates, renames, links or truncates other
// than the vault and its own temporary file beside it fails the test. Canary words planted in an
// export, in every encoding they could take on the way (UTF-8 NFC and NFD, UTF-16, Latin-1, Meta's
// \u00xx escapes and the mojibake they decode to), are looked for after each command in TMPDIR,
// HOME, the working directory, new files of /dev/shm and the vault file itself. A large sort
// (every message, oldest first) runs under the same watch, so a SQLite temporary file would show.
// That the process is not dumpable and has no core limit is tested in tests/cli/terminal_test.cpp.
#include "adversarial/adversarial_support.hpp"
#include "cli/vault_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace dmvault::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStrace = DMVAULT_STRACE_BINARY;
constexpr const char* kTraced =
    "trace=open,openat,openat2,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,"
    "mkdir,mkdirat,truncate";

// The canaries as Meta writes them: each UTF-8 byte escaped as \u00XX. The third word is in
// NFD (e + U+0301, a + U+0308), as macOS file names and some keyboards produce it.
const std::string kPlanted =
    "xylophonequokka4471 na\\u00c3\\u00afvecaf\\u00c3\\u00a99183 "
    "ze\\u00cc\\u0081brawomba\\u00cc\\u0088t5521";

std::string utf16le(const std::string& latin1) {
  std::string out;
  for (const char c : latin1) {
    out += c;
    out += '\0';
  }
  return out;
}
std::string utf16be(const std::string& latin1) {
  std::string out;
  for (const char c : latin1) {
    out += '\0';
    out += c;
  }
  return out;
}

// Every form a planted word could be found in on disk.
std::vector<std::pair<std::string, std::string>> needles() {
  const std::string naive_latin1 =
      "na\xefvecaf\xe9"
      "9183";
  return {
      {"ascii/utf-8", "xylophonequokka4471"},
      {"ascii utf-16le", utf16le("xylophonequokka4471")},
      {"ascii utf-16be", utf16be("xylophonequokka4471")},
      {"utf-8 nfc",
       "na\xc3\xafvecaf\xc3\xa9"
       "9183"},
      {"utf-8 no diacritics", "naivecafe9183"},
      {"latin-1", naive_latin1},
      {"utf-16le", utf16le(naive_latin1)},
      {"utf-16be", utf16be(naive_latin1)},
      {"meta escapes", "na\\u00c3\\u00afvecaf"},
      {"mojibake",
       "na\xc3\x83\xc2\xaf"
       "vecaf"},
      {"nfd word as nfc",
       "z\xc3\xa9"
       "brawomb\xc3\xa4t5521"},
      {"nfd word as nfd",
       "ze\xcc\x81"
       "brawomba\xcc\x88t5521"},
      {"nfd word folded", "zebrawombat5521"},
  };
}

bool strace_works() {
  if (std::string(kStrace).empty() || !fs::exists(kStrace)) return false;
  const ChildRun run = run_child({kStrace, "-f", "-qq", "-o", "/dev/null", "/bin/true"}, {});
  return run.end.status == 0;
}

class PlaintextNeverOnDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!strace_works()) GTEST_SKIP() << "strace is not installed or cannot trace here";
    for (const fs::path& d : {m_home, m_tmp, m_work, m_vault_dir, m_private}) {
      fs::create_directories(d);
    }
    write_bytes(m_pass, "plaintext canary passphrase\n");
    write_bytes(m_new_pass, "the second canary passphrase\n");
    fs::permissions(m_private, fs::perms::owner_all);
    // Enough messages that listing all of them sorted is a real sort.
    ASSERT_TRUE(generate_export({"--out", m_export.string(), "--conversations", "6", "--messages",
                                 "6000", "--media-bytes", "64K", "--seed", "4471"}));
    plant_canaries();
    for (const auto& [path, bytes] : snapshot_tree("/dev/shm")) m_shm_before.insert(path);
    const ChildRun init = dm({"init", m_vault.string(), "--kdf", "interactive"}, false);
    ASSERT_EQ(init.end.status, 0) << init.err;
  }

  void plant_canaries() {
    for (const auto& [path, bytes] : snapshot_tree(m_export)) {
      if (path.filename() != "message_1.json") continue;
      std::string json = bytes;
      const std::string key = "\"content\": \"";
      const auto at = json.find(key);
      ASSERT_NE(at, std::string::npos);
      const auto end = json.find('"', at + key.size());
      json.replace(at + key.size(), end - at - key.size(), kPlanted);
      write_bytes(path, json);
      return;
    }
    FAIL() << "no thread JSON in the generated export";
  }

  // The binary with `args` (and the passphrase file), under strace when `traced`, in the test's
  // HOME, TMPDIR and working directory; then the trace and the folders are checked.
  ChildRun dm(std::vector<std::string> args, bool traced = true, const std::string& stdin_text = {},
              bool new_pass = false) {
    args.insert(args.begin(), DMVAULT_BINARY);
    args.push_back("--passphrase-file");
    args.push_back((new_pass ? m_new_pass : m_pass).string());
    const fs::path trace = m_private / "trace";
    if (traced) {
      args.insert(args.begin(), {kStrace, "-f", "-qq", "-o", trace.string(), "-e", kTraced});
    }
    ChildOptions options;
    options.env = {{"TZ", "UTC"}, {"HOME", m_home.string()}, {"TMPDIR", m_tmp.string()}};
    if (traced) {
      // LeakSanitizer cannot run under ptrace: in sanitizer builds it would abort the traced
      // process at exit. (Leaks are checked by every untraced run.)
      const char* asan = std::getenv("ASAN_OPTIONS");
      options.env["ASAN_OPTIONS"] = std::string(asan != nullptr ? asan : "") + ":detect_leaks=0";
    }
    options.cwd = m_work;
    options.stdin_text = stdin_text;
    const ChildRun run = run_child(args, options);
    if (traced) {
      check_trace(file_bytes(trace), args[7 + 1]);
      check_folders(args[7 + 1]);
    }
    return run;
  }

  bool allowed_write(const std::string& path) const {
    if (path == m_vault.string() || path == "/dev/null" || path == "/dev/tty") return true;
    const fs::path p(path);
    const std::string temp_prefix = "." + m_vault.filename().string() + ".tmp-";
    return p.parent_path() == m_vault_dir && p.filename().string().rfind(temp_prefix, 0) == 0;
  }

  void check_trace(const std::string& trace, const std::string& command) {
    ASSERT_FALSE(trace.empty()) << "strace wrote nothing for " << command;
    static const std::regex call(R"(^\d+\s+(\w+)\((.*))");
    static const std::regex quoted(R"re("((?:[^"\\]|\\.)*)")re");
    std::istringstream lines(trace);
    int opens = 0;
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, call)) continue;
      const std::string name = m[1];
      const std::string rest = m[2];
      std::vector<std::string> paths;
      for (auto it = std::sregex_iterator(rest.begin(), rest.end(), quoted);
           it != std::sregex_iterator(); ++it) {
        paths.push_back((*it)[1]);
      }
      if (paths.empty()) continue;
      bool writes = true;
      if (name == "open" || name == "openat" || name == "openat2") {
        ++opens;
        writes = rest.find("O_WRONLY") != std::string::npos ||
                 rest.find("O_RDWR") != std::string::npos ||
                 rest.find("O_CREAT") != std::string::npos ||
                 rest.find("O_TRUNC") != std::string::npos;
        paths.resize(1);
      }
      if (!writes) continue;
      // An import's catalog scratch file: unnamed (O_TMPFILE) in the vault's folder, every block
      // encrypted (tests/unit/import/scratch_file_test.cpp reads it back and finds no byte in
      // the clear). Nothing is left there: check_folders scans the folder after each command.
      if (rest.find("O_TMPFILE") != std::string::npos &&
          fs::path(paths[0]).lexically_normal() == m_vault_dir.lexically_normal()) {
        continue;
      }
      for (const std::string& path : paths) {
        const std::string absolute =
            !path.empty() && path[0] == '/' ? path : (m_work / path).lexically_normal().string();
        EXPECT_TRUE(allowed_write(absolute)) << command << " wrote " << absolute << ": " << line;
      }
    }
    EXPECT_GT(opens, 0) << "the trace saw no open at all: the filter is broken";
  }

  void check_folders(const std::string& command) {
    for (const fs::path& dir : {m_home, m_tmp, m_work}) {
      const auto files = snapshot_tree(dir);
      EXPECT_TRUE(files.empty()) << command << " left files in " << dir << ", first "
                                 << files.begin()->first;
    }
    std::vector<std::pair<fs::path, std::string>> scanned;
    for (const auto& [path, bytes] : snapshot_tree(m_vault_dir)) scanned.emplace_back(path, bytes);
    for (const auto& [path, bytes] : snapshot_tree("/dev/shm")) {
      if (m_shm_before.count(path) == 0) scanned.emplace_back(path, bytes);
    }
    for (const auto& [path, bytes] : scanned) {
      for (const auto& [encoding, needle] : needles()) {
        EXPECT_EQ(bytes.find(needle), std::string::npos)
            << command << ": canary (" << encoding << ") in " << path;
      }
    }
  }

  TempDir m_root{"plain"};
  fs::path m_home = m_root.path() / "home";
  fs::path m_tmp = m_root.path() / "tmp";
  fs::path m_work = m_root.path() / "work";
  fs::path m_vault_dir = m_root.path() / "vaults";
  fs::path m_vault = m_vault_dir / "v.dmv";
  fs::path m_private = m_root.path() / "private";
  fs::path m_pass = m_private / "pass";
  fs::path m_new_pass = m_private / "new-pass";
  fs::path m_export = m_root.path() / "export";
  std::set<fs::path> m_shm_before;
};

TEST_F(PlaintextNeverOnDisk, EveryReadingCommandWritesOnlyTheVault) {
  const std::string v = m_vault.string();
  const ChildRun import = dm({"import", v, m_export.string(), "--json"});
  ASSERT_EQ(import.end.status, 0) << import.err;
  ASSERT_GE(json_uint(import.out, "messages_added"), 5000u);

  // The canaries are in the vault (so their absence on disk means something), repaired from
  // Meta's escapes and found in their NFC form.
  for (const std::string word : {"xylophonequokka4471",
                                 "na\xc3\xafvecaf\xc3\xa9"
                                 "9183",
                                 "z\xc3\xa9"
                                 "brawomb\xc3\xa4t5521"}) {
    const ChildRun count = dm({"search", v, word, "--count"});
    EXPECT_EQ(count.end.status, 0) << count.err;
    EXPECT_EQ(count.out, "1\n") << word;
  }

  // The large sort: every message, oldest first.
  const ChildRun all = dm({"search", v, "", "--limit", "0", "--sort", "oldest", "--json"});
  EXPECT_TRUE(all.end.status == 0 || all.end.status == 2) << all.err;
  const ChildRun sorted = dm({"search", v, "a OR e OR i OR o", "--limit", "0", "--sort", "oldest"});
  EXPECT_EQ(sorted.end.status, 0) << sorted.err;
  EXPECT_GT(lines_of(sorted.out).size(), 200u);

  const ChildRun list = dm({"list", v, "--json"});
  ASSERT_EQ(list.end.status, 0) << list.err;
  const std::vector<std::string> conversations = lines_of(list.out);
  ASSERT_FALSE(conversations.empty());
  const std::string first = conversations.front();
  std::smatch id;
  ASSERT_TRUE(std::regex_search(first, id, std::regex(R"("id":\s*"?([^",}]+))"))) << first;
  const ChildRun show = dm({"show", v, id[1].str(), "--json"});
  EXPECT_EQ(show.end.status, 0) << show.err;
  EXPECT_FALSE(show.out.empty());

  const ChildRun verify = dm({"verify", v});
  EXPECT_EQ(verify.end.status, 0) << verify.err;

  const ChildRun shell = dm({"shell", v}, true, "search xylophonequokka4471\nlist\n");
  EXPECT_EQ(shell.end.status, 0) << shell.err;
  EXPECT_NE(shell.out.find("xylophonequokka4471"), std::string::npos);

  const ChildRun passwd = dm({"passwd", v, "--new-passphrase-file", m_new_pass.string()}, true);
  EXPECT_EQ(passwd.end.status, 0) << passwd.err;
  const ChildRun after = dm({"search", v, "xylophonequokka4471", "--count"}, true, {}, true);
  EXPECT_EQ(after.out, "1\n") << after.err;
}

}  // namespace
}  // namespace dmvault::testing
