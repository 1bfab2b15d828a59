// dmvault end to end: the real binary, as a script would run it (no terminal, stdin /dev/null,
// only the environment a test sets). Every test uses --kdf interactive to stay fast.
#include "catalog/catalog.hpp"
#include "dmvault/storage.hpp"
#include "dmvault/vault.hpp"
#include "run_process.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dmvault {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::run_dmvault;
using testing::RunOptions;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every line dmvault writes on stderr is a diagnostic with the fixed prefix.
void expect_diagnostics_only(const ProcessResult& result) {
  for (const std::string& line : lines_of(result.err)) {
    EXPECT_TRUE(line.starts_with("dmvault: error: ") || line.starts_with("dmvault: hint: ") ||
                line.starts_with("dmvault: warning: "))
        << "stderr line: " << line;
  }
}

// A failure: the given status, a "dmvault: error: " line that mentions `needle`, and nothing on
// stdout.
void expect_failure(const ProcessResult& result, int status, const std::string& needle) {
  EXPECT_EQ(result.status, status) << "stdout: " << result.out << "\nstderr: " << result.err;
  EXPECT_TRUE(result.err.starts_with("dmvault: error: ")) << result.err;
  EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
  expect_diagnostics_only(result);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dmvault-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_vault = (m_dir / "messages.dmv").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }

  // A file only its owner can read, as a careful user would make it.
  std::string secret_file(const std::string& name, const std::string& content) {
    const fs::path path = m_dir / name;
    std::ofstream(path, std::ios::binary) << content;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path.string();
  }

  ProcessResult init(const std::string& passphrase_content, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"init",
                                     m_vault,
                                     "--kdf",
                                     "interactive",
                                     "--passphrase-file",
                                     secret_file("init-passphrase", passphrase_content)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_dmvault(args);
  }

  ProcessResult info_with_file(const std::string& passphrase_content,
                               std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"info", m_vault, "--passphrase-file",
                                     secret_file("passphrase", passphrase_content)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_dmvault(args);
  }

  fs::path m_dir;
  std::string m_vault;
};

TEST_F(CliTest, InitThenVerifyAndInfo) {
  const ProcessResult created = init("correct horse");
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_TRUE(created.out.starts_with("created " + m_vault)) << created.out;
  EXPECT_EQ(created.err, "");
  EXPECT_TRUE(fs::is_regular_file(m_vault));
  // umask 077 and the vault's own creation mode: nobody else may read the file.
  EXPECT_EQ(fs::status(m_vault).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);

  const std::string passphrase = secret_file("pw", "correct horse");
  const ProcessResult verified = run_dmvault({"verify", m_vault, "--passphrase-file", passphrase});
  EXPECT_EQ(verified.status, 0) << verified.err;
  EXPECT_NE(verified.out.find(m_vault + ": ok: 1 commit"), std::string::npos) << verified.out;
  EXPECT_EQ(verified.err, "");

  const ProcessResult info = run_dmvault({"info", m_vault, "--passphrase-file", passphrase});
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("format version  1"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("keyslot 0       passphrase, Argon2id opslimit 2, memlimit 64 MiB"),
            std::string::npos)
      << info.out;
  EXPECT_EQ(info.out.find("recovery key"), std::string::npos) << info.out;
}

TEST_F(CliTest, WrongPassphraseIsNotCorruption) {
  ASSERT_EQ(init("right one").status, 0);
  const ProcessResult result = info_with_file("wrong one");
  expect_failure(result, 3, "wrong passphrase");
  EXPECT_EQ(result.out, "");
  for (const char* word : {"corrupt", "damage"}) {
    EXPECT_EQ(result.err.find(word), std::string::npos) << result.err;
  }
  const ProcessResult verify =
      run_dmvault({"verify", m_vault, "--passphrase-file", secret_file("wrong", "wrong one")});
  expect_failure(verify, 3, "wrong passphrase");
}

TEST_F(CliTest, PasswdReplacesThePassphrase) {
  ASSERT_EQ(init("old passphrase").status, 0);
  const ProcessResult changed =
      run_dmvault({"passwd", m_vault, "--kdf", "interactive", "--passphrase-file",
                   secret_file("old", "old passphrase"), "--new-passphrase-file",
                   secret_file("new", "new passphrase\n")});
  ASSERT_EQ(changed.status, 0) << changed.err;
  EXPECT_NE(changed.out.find("changed the passphrase of " + m_vault), std::string::npos);

  expect_failure(info_with_file("old passphrase"), 3, "wrong passphrase");
  EXPECT_EQ(info_with_file("new passphrase").status, 0);
}

TEST_F(CliTest, PasswdRefusesAnEmptyNewPassphraseBeforeUnlocking) {
  ASSERT_EQ(init("old passphrase").status, 0);
  const std::string before = read_file(m_vault);
  // The current passphrase given is wrong too: the empty new one must be reported first,
  // without an unlock attempt.
  const ProcessResult result =
      run_dmvault({"passwd", m_vault, "--passphrase-file", secret_file("old", "not it"),
                   "--new-passphrase-file", secret_file("new", "\n")});
  expect_failure(result, 2, "the passphrase is empty");
  EXPECT_EQ(read_file(m_vault), before);
  EXPECT_EQ(info_with_file("old passphrase").status, 0);
}

TEST_F(CliTest, PasswdWithoutANewPassphraseSourceOrTerminal) {
  ASSERT_EQ(init("old passphrase").status, 0);
  const ProcessResult result =
      run_dmvault({"passwd", m_vault, "--passphrase-file", secret_file("old", "old passphrase")});
  expect_failure(result, 2, "no new passphrase given and no terminal to ask on");
  EXPECT_NE(result.err.find("dmvault: hint: use --new-passphrase-file F"), std::string::npos);
}

TEST_F(CliTest, InfoJsonIsOneObjectWithTheStableKeys) {
  ASSERT_EQ(init("pw", {"--recovery-key"}).status, 0);
  const ProcessResult result = info_with_file("pw", {"--json"});
  ASSERT_EQ(result.status, 0) << result.err;
  ASSERT_EQ(lines_of(result.out).size(), 1U) << result.out;

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(result.out).get(doc), simdjson::SUCCESS) << result.out;
  ASSERT_TRUE(doc.is_object());
  for (const char* key :
       {"format_version", "vault_id", "commits", "last_commit", "objects", "stored_bytes",
        "vault_bytes", "kdf", "keyslots", "conversations", "messages", "system_messages",
        "attachments", "media_files", "media_bytes"}) {
    EXPECT_EQ(doc[key].error(), simdjson::SUCCESS) << "missing key " << key;
  }
  EXPECT_EQ(doc["format_version"].get_int64().value(), 1);
  EXPECT_EQ(doc["commits"].get_int64().value(), 1);
  EXPECT_EQ(std::string(doc["kdf"].get_string().value()), "argon2id");
  EXPECT_EQ(doc["vault_bytes"].get_uint64().value(), fs::file_size(m_vault));
  EXPECT_EQ(doc["vault_id"].get_string().value().size(), 64U);
  const std::string last_commit(doc["last_commit"].get_string().value());
  ASSERT_EQ(last_commit.size(), 24U) << last_commit;
  EXPECT_EQ(last_commit[10], 'T');
  EXPECT_EQ(last_commit.back(), 'Z');
  for (const char* key : {"conversations", "messages", "system_messages", "attachments",
                          "media_files", "media_bytes"}) {
    EXPECT_EQ(doc[key].get_uint64().value(), 0U) << key;
  }
  simdjson::dom::array slots;
  ASSERT_EQ(doc["keyslots"].get_array().get(slots), simdjson::SUCCESS);
  ASSERT_EQ(slots.size(), 2U);
  EXPECT_EQ(std::string(slots.at(0)["kind"].get_string().value()), "passphrase");
  EXPECT_EQ(std::string(slots.at(1)["kind"].get_string().value()), "recovery_key");
  EXPECT_EQ(slots.at(0)["opslimit"].get_uint64().value(), 2U);
  EXPECT_EQ(slots.at(0)["memlimit"].get_uint64().value(), 64U * 1024 * 1024);
}

TEST_F(CliTest, ThereIsNoPassphraseOnTheCommandLine) {
  ASSERT_EQ(init("pw").status, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"info", m_vault, "--passphrase", "pw"},
        std::vector<std::string>{"info", m_vault, "--passphrase=pw"},
        std::vector<std::string>{"init", (m_dir / "other.dmv").string(), "--passphrase", "pw"}}) {
    const ProcessResult result = run_dmvault(args);
    expect_failure(result, 2, "--passphrase");
    // The value given must not be repeated back.
    EXPECT_EQ(result.err.find(" pw"), std::string::npos) << result.err;
  }
  EXPECT_FALSE(fs::exists(m_dir / "other.dmv"));
}

TEST_F(CliTest, NoPassphraseSourceAndNoTerminal) {
  ASSERT_EQ(init("pw").status, 0);
  const ProcessResult result = run_dmvault({"info", m_vault});
  expect_failure(result, 2, "no passphrase given and no terminal to ask on");
  EXPECT_NE(result.err.find("dmvault: hint: use --passphrase-file F or --passphrase-fd N"),
            std::string::npos);

  const ProcessResult create = run_dmvault({"init", (m_dir / "new.dmv").string()});
  expect_failure(create, 2, "no passphrase given and no terminal to ask on");
  EXPECT_FALSE(fs::exists(m_dir / "new.dmv"));
}

TEST_F(CliTest, InitRefusesAnEmptyPassphrase) {
  for (const char* content : {"", "\n", "\r\n"}) {
    const ProcessResult result = init(content);
    expect_failure(result, 2, "the passphrase is empty");
    EXPECT_FALSE(fs::exists(m_vault));
  }
  const ProcessResult from_fd =
      run_dmvault({"init", m_vault, "--passphrase-fd", "3"}, RunOptions{.fd3_input = ""});
  expect_failure(from_fd, 2, "the passphrase is empty");
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST_F(CliTest, OneTrailingNewlineIsIgnored) {
  ASSERT_EQ(init("tide pool\n").status, 0);
  EXPECT_EQ(info_with_file("tide pool").status, 0);
  EXPECT_EQ(info_with_file("tide pool\r\n").status, 0);
  // Only one: a second newline is part of the passphrase.
  expect_failure(info_with_file("tide pool\n\n"), 3, "wrong passphrase");
  expect_failure(info_with_file("tide pool "), 3, "wrong passphrase");
}

TEST_F(CliTest, PassphrasesAreNfcNormalised) {
  ASSERT_EQ(init("caf\xC3\xA9").status, 0);             // U+00E9
  EXPECT_EQ(info_with_file("cafe\xCC\x81").status, 0);  // e + U+0301
  expect_failure(info_with_file("cafe"), 3, "wrong passphrase");
}

TEST_F(CliTest, InvalidUtf8PassphraseIsAUsageError) {
  const ProcessResult result = init("caf\xE9");  // Latin-1, not UTF-8
  EXPECT_EQ(result.status, 2) << result.err;
  EXPECT_TRUE(result.err.starts_with("dmvault: error: ")) << result.err;
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST_F(CliTest, PassphraseFromAFileDescriptor) {
  const ProcessResult created =
      run_dmvault({"init", m_vault, "--kdf", "interactive", "--passphrase-fd", "3"},
                  RunOptions{.fd3_input = "through a pipe\n"});
  ASSERT_EQ(created.status, 0) << created.err;
  EXPECT_EQ(info_with_file("through a pipe").status, 0);
  EXPECT_EQ(run_dmvault({"verify", m_vault, "--passphrase-fd", "3"},
                        RunOptions{.fd3_input = "through a pipe"})
                .status,
            0);
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-fd", "3"},
                             RunOptions{.fd3_input = "something else"}),
                 3, "wrong passphrase");
  // A descriptor that is not open.
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-fd", "7"}), 2, "file descriptor 7");
}

TEST_F(CliTest, PassphraseFromTheEnvironment) {
  ASSERT_EQ(init("from env").status, 0);
  const std::string file = secret_file("env-pw", "from env\n");
  EXPECT_EQ(
      run_dmvault({"info", m_vault}, RunOptions{.env = {{"DMVAULT_PASSPHRASE_FILE", file}}}).status,
      0);
  EXPECT_EQ(run_dmvault({"info", m_vault}, RunOptions{.env = {{"DMVAULT_PASSPHRASE", "from env"}}})
                .status,
            0);
  expect_failure(
      run_dmvault({"info", m_vault}, RunOptions{.env = {{"DMVAULT_PASSPHRASE", "from env\n"}}}), 3,
      "wrong passphrase");
}

TEST_F(CliTest, PassphraseSourcesTakePrecedenceInOrder) {
  ASSERT_EQ(init("the right one").status, 0);
  const std::string right = secret_file("right", "the right one");
  const std::string wrong = secret_file("wrong", "a wrong one");
  // --passphrase-file before everything in the environment.
  EXPECT_EQ(run_dmvault({"info", m_vault, "--passphrase-file", right},
                        RunOptions{.env = {{"DMVAULT_PASSPHRASE_FILE", wrong},
                                           {"DMVAULT_PASSPHRASE", "a wrong one"}}})
                .status,
            0);
  // --passphrase-fd before the environment.
  EXPECT_EQ(run_dmvault({"info", m_vault, "--passphrase-fd", "3"},
                        RunOptions{.env = {{"DMVAULT_PASSPHRASE_FILE", wrong}},
                                   .fd3_input = "the right one"})
                .status,
            0);
  // DMVAULT_PASSPHRASE_FILE before DMVAULT_PASSPHRASE.
  EXPECT_EQ(run_dmvault({"info", m_vault}, RunOptions{.env = {{"DMVAULT_PASSPHRASE_FILE", right},
                                                              {"DMVAULT_PASSPHRASE", "wrong"}}})
                .status,
            0);
  expect_failure(
      run_dmvault({"info", m_vault}, RunOptions{.env = {{"DMVAULT_PASSPHRASE_FILE", wrong},
                                                        {"DMVAULT_PASSPHRASE", "the right one"}}}),
      3, "wrong passphrase");
  // Two explicit sources at once is a usage error, not a silent choice.
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-file", right, "--passphrase-fd", "3"},
                             RunOptions{.fd3_input = "x"}),
                 2, "excludes");
}

TEST_F(CliTest, PassphraseFileLimits) {
  expect_failure(init(std::string(4097, 'a')), 2, "too long");
  EXPECT_FALSE(fs::exists(m_vault));
  expect_failure(
      run_dmvault({"init", m_vault, "--passphrase-file", (m_dir / "does-not-exist").string()}), 2,
      "does-not-exist");
}

TEST_F(CliTest, AWorldReadablePassphraseFileIsWarnedAbout) {
  ASSERT_EQ(init("pw").status, 0);
  const std::string file = secret_file("open", "pw");
  fs::permissions(file, fs::perms::others_read, fs::perm_options::add);
  const ProcessResult result = run_dmvault({"info", m_vault, "--passphrase-file", file});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("dmvault: warning: " + file + ": passphrase file can be read by other"),
            std::string::npos)
      << result.err;
  expect_diagnostics_only(result);
}

TEST_F(CliTest, RecoveryKeyUnlocks) {
  const ProcessResult created = init("forgettable", {"--recovery-key"});
  ASSERT_EQ(created.status, 0) << created.err;
  std::string key;
  for (const std::string& line : lines_of(created.out)) {
    if (line.starts_with("recovery key: ")) key = line.substr(14);
  }
  ASSERT_FALSE(key.empty()) << created.out;
  EXPECT_NE(key.find('-'), std::string::npos) << key;
  EXPECT_NE(created.out.find("write the recovery key down"), std::string::npos);
  EXPECT_EQ(created.err.find(key), std::string::npos);

  const auto with_key = [&](const std::string& text) {
    return run_dmvault(
        {"info", m_vault, "--recovery-key-file", secret_file("recovery", text), "--json"});
  };
  EXPECT_EQ(with_key(key + "\n").status, 0);
  // As a person would copy it off paper: lower case, spaces instead of dashes.
  std::string relaxed = key;
  for (char& c : relaxed) {
    c = c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(with_key(relaxed).status, 0) << relaxed;
  std::string altered = key;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(with_key(altered).status, 3);
  // The recovery key is not a passphrase.
  expect_failure(info_with_file(key), 3, "wrong passphrase");

  // Forgot the passphrase: the recovery key sets a new one, and the old one stops working.
  const ProcessResult reset = run_dmvault(
      {"passwd", m_vault, "--kdf", "interactive", "--recovery-key-file",
       secret_file("recovery2", key), "--new-passphrase-file", secret_file("new", "remembered")});
  ASSERT_EQ(reset.status, 0) << reset.err;
  EXPECT_EQ(info_with_file("remembered").status, 0);
  EXPECT_EQ(info_with_file("forgettable").status, 3);
  EXPECT_EQ(with_key(key).status, 0);
}

TEST_F(CliTest, InitNeverReplacesAFile) {
  for (const std::string& content : {std::string("precious"), std::string()}) {
    std::ofstream(m_vault, std::ios::binary | std::ios::trunc) << content;
    const auto before = fs::last_write_time(m_vault);
    const ProcessResult result = init("pw");
    expect_failure(result, 2, m_vault + ": already exists");
    EXPECT_EQ(read_file(m_vault), content);
    EXPECT_EQ(fs::last_write_time(m_vault), before);
  }
  // An existing vault is not replaced either.
  fs::remove(m_vault);
  ASSERT_EQ(init("first").status, 0);
  const std::string vault_bytes = read_file(m_vault);
  expect_failure(init("second"), 2, "already exists");
  EXPECT_EQ(read_file(m_vault), vault_bytes);
  EXPECT_EQ(info_with_file("first").status, 0);
  // Nothing was left beside it.
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(m_dir)) names.insert(entry.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"messages.dmv", "init-passphrase", "passphrase"}));
}

TEST_F(CliTest, QuickVerifyNeedsNoPassphrase) {
  ASSERT_EQ(init("pw").status, 0);
  const ProcessResult result = run_dmvault({"verify", m_vault, "--quick"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("quick check"), std::string::npos) << result.out;

  const ProcessResult json = run_dmvault({"verify", m_vault, "--quick", "--json"});
  ASSERT_EQ(json.status, 0) << json.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  EXPECT_TRUE(doc["ok"].get_bool().value());
  EXPECT_TRUE(doc["quick"].get_bool().value());
  EXPECT_EQ(doc["frames_authenticated"].get_uint64().value(), 0U);
  EXPECT_EQ(doc["vault_bytes"].get_uint64().value(), fs::file_size(m_vault));
  EXPECT_EQ(doc["damage"].get_array().value().size(), 0U);
}

TEST_F(CliTest, VerifyJsonAfterAFullCheck) {
  ASSERT_EQ(init("pw").status, 0);
  const ProcessResult result =
      run_dmvault({"verify", m_vault, "--json", "--passphrase-file", secret_file("pw", "pw")});
  ASSERT_EQ(result.status, 0) << result.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(result.out).get(doc), simdjson::SUCCESS) << result.out;
  for (const char* key : {"ok", "quick", "vault_bytes", "commits", "frames", "frames_authenticated",
                          "objects_checked", "bytes_checked", "unreferenced_frames",
                          "uncommitted_tail_bytes", "warnings", "damage"}) {
    EXPECT_EQ(doc[key].error(), simdjson::SUCCESS) << "missing key " << key;
  }
  EXPECT_TRUE(doc["ok"].get_bool().value());
  EXPECT_FALSE(doc["quick"].get_bool().value());
  EXPECT_EQ(doc["commits"].get_uint64().value(), 1U);
  EXPECT_EQ(doc["frames_authenticated"].get_uint64().value(), doc["frames"].get_uint64().value());
}

TEST_F(CliTest, VerifyReportsDamageWithExitStatus4) {
  ASSERT_EQ(init("pw").status, 0);
  // Flip one byte in the ciphertext of the first frame (after the two 4096-byte superblocks and
  // the frame's 96-byte header).
  {
    std::fstream file(m_vault, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(8192 + 96 + 8);
    char byte = 0;
    file.read(&byte, 1);
    byte = static_cast<char>(byte ^ 0x40);
    file.seekp(8192 + 96 + 8);
    file.write(&byte, 1);
  }
  const std::string pw = secret_file("pw", "pw");
  const ProcessResult text = run_dmvault({"verify", m_vault, "--passphrase-file", pw});
  EXPECT_EQ(text.status, 4) << text.out << text.err;
  EXPECT_NE(text.err.find("dmvault: error: " + m_vault + ": "), std::string::npos) << text.err;
  EXPECT_NE(text.out.find(": damaged: "), std::string::npos) << text.out;
  EXPECT_EQ(text.err.find("wrong passphrase"), std::string::npos) << text.err;
  expect_diagnostics_only(text);

  const ProcessResult json = run_dmvault({"verify", m_vault, "--json", "--passphrase-file", pw});
  EXPECT_EQ(json.status, 4);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  EXPECT_FALSE(doc["ok"].get_bool().value());
  EXPECT_GT(doc["damage"].get_array().value().size(), 0U);
}

TEST_F(CliTest, VerifyChecksTheCatalogsDatabaseToo) {
  // Reading commands open the catalog page by page and skip SQLite's full check, so verify
  // runs it: a catalog sealed with a broken page (a bug, or damage before sealing: every frame
  // still authenticates) is reported as damage, exit 4.
  ASSERT_EQ(init("pw").status, 0);
  {
    catalog::Catalog catalog = catalog::Catalog::create();
    const std::int64_t source = catalog.begin_source({0, "instagram", "t", 1, "test", 0, 0, 0, 0});
    Conversation conversation;
    conversation.platform = "instagram";
    conversation.thread_id = "t";
    catalog.add_conversation(source, conversation);
    for (int i = 0; i < 300; ++i) {
      Message message;
      message.sender = "Sam";
      message.timestamp_ms = 1'000'000 + i;
      message.text = "message number " + std::to_string(i) + std::string(200, 'x');
      message.raw = "{}";
      catalog.add_message(source, "instagram", "t", message, {});
    }
    catalog.finish_source(source, {});
    PlainBytes image = catalog.serialize();
    // The last page's b-tree page type becomes one SQLite does not know.
    image.data()[image.size() - 4096] = 0x7f;
    const std::string pw = "pw";
    Credential credential{Credential::Kind::passphrase,
                          normalize_passphrase(std::span(
                              reinterpret_cast<const std::uint8_t*>(pw.data()), pw.size()))};
    Vault::OpenOptions options;
    options.mode = Vault::Mode::write;
    Vault vault = Vault::open(m_vault, credential, options);
    vault.set_root("catalog", vault.put(image.span()));
    vault.commit();
  }
  const ProcessResult verified =
      run_dmvault({"verify", m_vault, "--passphrase-file", secret_file("pw", "pw")});
  EXPECT_EQ(verified.status, 4) << verified.out << verified.err;
  EXPECT_NE(verified.err.find(m_vault + ": catalog is damaged: "), std::string::npos)
      << verified.err;
  EXPECT_NE(verified.out.find(": damaged: "), std::string::npos) << verified.out;
}

TEST_F(CliTest, AVaultInUseIsBusy) {
  ASSERT_EQ(init("pw").status, 0);
  const std::unique_ptr<Storage> writer = open_file_storage(m_vault, LockMode::exclusive);
  expect_failure(info_with_file("pw"), 6, m_vault);
  expect_failure(run_dmvault({"verify", m_vault, "--quick"}), 6, m_vault);
}

TEST_F(CliTest, VerifyOnSomethingElseIsNotAVault) {
  const fs::path other = m_dir / "photo.jpg";
  std::ofstream(other, std::ios::binary) << std::string(20000, '\xFF');
  expect_failure(run_dmvault({"verify", other.string(), "--quick"}), 7, other.string());
  expect_failure(
      run_dmvault({"verify", other.string(), "--passphrase-file", secret_file("pw", "pw")}), 7,
      other.string());
  expect_failure(run_dmvault({"info", (m_dir / "missing.dmv").string(), "--passphrase-file",
                              secret_file("pw2", "pw")}),
                 7, "no such file");
  expect_failure(run_dmvault({"verify", m_dir.string(), "--quick"}), 7, "directory");
}

TEST_F(CliTest, UsageErrors) {
  expect_failure(run_dmvault({"frobnicate", m_vault}), 2, "unknown command 'frobnicate'");
  expect_failure(run_dmvault({}), 2, "no command given");
  expect_failure(run_dmvault({"init"}), 2, "VAULT");
  expect_failure(run_dmvault({"init", m_vault, "--kdf", "fast"}), 2, "fast");
  expect_failure(run_dmvault({"info", m_vault, "--bogus"}), 2, "--bogus");
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-fd", "-1"}), 2, "--passphrase-fd");
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-fd", "three"}), 2, "three");
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-fd", "3", "--recovery-key-file", "k"}),
                 2, "excludes");
  // An empty file name (an unset shell variable) must not fall through to another source.
  expect_failure(run_dmvault({"info", m_vault, "--passphrase-file", ""},
                             RunOptions{.env = {{"DMVAULT_PASSPHRASE", "pw"}}}),
                 2, "--passphrase-file: an empty argument");
  expect_failure(run_dmvault({"init", ""}), 2, "VAULT");
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST_F(CliTest, HelpAndVersion) {
  const ProcessResult version = run_dmvault({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "dmvault " DMVAULT_VERSION "\n");
  const ProcessResult help = run_dmvault({"--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* command : {"init", "info", "verify", "passwd"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
  EXPECT_EQ(help.err, "");
  const ProcessResult init_help = run_dmvault({"init", "--help"});
  EXPECT_EQ(init_help.status, 0);
  EXPECT_NE(init_help.out.find("--recovery-key"), std::string::npos) << init_help.out;
}

}  // namespace
}  // namespace dmvault
