// The command line in-process: commands run with a scripted terminal and environment, and the
// pieces with rules of their own (secret reading, exit statuses, formatting).
#include "cli/catalog_counts.hpp"
#include "cli/cmd_info.hpp"
#include "cli/cmd_init.hpp"
#include "cli/cmd_passwd.hpp"
#include "cli/context.hpp"
#include "cli/display.hpp"
#include "cli/exit_status.hpp"
#include "cli/output.hpp"
#include "cli/passphrase.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace dmvault::cli {
namespace {

namespace fs = std::filesystem;

// A terminal that answers from a script and remembers what it was asked.
class ScriptedPrompter final : public Prompter {
 public:
  explicit ScriptedPrompter(std::vector<std::string> answers, bool available = true)
      : m_answers(answers.begin(), answers.end()), m_available(available) {}
  bool available() override { return m_available; }
  SecretBytes ask_secret(std::string_view prompt) override {
    prompts.emplace_back(prompt);
    if (m_answers.empty()) throw std::logic_error("asked more often than scripted");
    const std::string answer = m_answers.front();
    m_answers.pop_front();
    return SecretBytes::copy_of(std::string_view(answer));
  }
  std::vector<std::string> prompts;

 private:
  std::deque<std::string> m_answers;
  bool m_available;
};

struct Harness {
  explicit Harness(std::vector<std::string> answers, bool terminal = true)
      : prompter(std::move(answers), terminal) {}
  Context context() {
    return Context{output, prompter, [this](const char* name) -> const char* {
                     const auto it = env.find(name);
                     return it == env.end() ? nullptr : it->second.c_str();
                   }};
  }
  std::ostringstream out;
  std::ostringstream err;
  Output output{out, err, false, false};
  ScriptedPrompter prompter;
  std::map<std::string, std::string> env;
};

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dmvault-cmd-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_vault = (m_dir / "v.dmv").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }
  InitOptions init_options() const {
    InitOptions options;
    options.vault = m_vault;
    options.kdf = KdfProfile::interactive;
    return options;
  }

  fs::path m_dir;
  std::string m_vault;
};

ErrorCode code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorCode::io;
}

TEST_F(CommandsTest, InitAsksTwiceThenInfoAsksOnce) {
  Harness harness({"sea glass", "sea glass"});
  Context context = harness.context();
  ASSERT_EQ(run_init(init_options(), context), 0);
  EXPECT_EQ(harness.prompter.prompts,
            (std::vector<std::string>{"Enter a passphrase for the new vault:", "Repeat it:"}));
  EXPECT_TRUE(fs::exists(m_vault));

  Harness reader({"sea glass"});
  Context read_context = reader.context();
  InfoOptions info;
  info.vault = m_vault;
  ASSERT_EQ(run_info(info, read_context), 0);
  EXPECT_EQ(reader.prompter.prompts, std::vector<std::string>{"Passphrase for " + m_vault + ":"});
  EXPECT_NE(reader.out.str().find("format version  1"), std::string::npos) << reader.out.str();
  EXPECT_EQ(reader.err.str(), "");
}

TEST_F(CommandsTest, InitMismatchAndEmptyAreUsageErrors) {
  {
    Harness harness({"one", "two"});
    Context context = harness.context();
    EXPECT_EQ(code_of([&] { run_init(init_options(), context); }), ErrorCode::usage);
  }
  {
    Harness harness({"", ""});
    Context context = harness.context();
    EXPECT_EQ(code_of([&] { run_init(init_options(), context); }), ErrorCode::usage);
    // Refused at the first answer: nobody is asked to repeat an empty passphrase.
    EXPECT_EQ(harness.prompter.prompts.size(), 1U);
  }
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST_F(CommandsTest, TheEnvironmentIsConsultedBeforeTheTerminal) {
  Harness harness({});
  harness.env["DMVAULT_PASSPHRASE"] = "from the environment";
  Context context = harness.context();
  ASSERT_EQ(run_init(init_options(), context), 0);
  EXPECT_TRUE(harness.prompter.prompts.empty());

  // An empty variable counts as unset, so the terminal is asked.
  Harness reader({"from the environment"});
  reader.env["DMVAULT_PASSPHRASE"] = "";
  reader.env["DMVAULT_PASSPHRASE_FILE"] = "";
  Context read_context = reader.context();
  const Credential credential = read_credential(UnlockOptions{}, m_vault, read_context);
  EXPECT_EQ(reader.prompter.prompts.size(), 1U);
  EXPECT_EQ(credential.kind, Credential::Kind::passphrase);
  EXPECT_EQ(credential.secret.view(), "from the environment");
}

TEST_F(CommandsTest, PasswdChecksForATerminalBeforeUnlocking) {
  Harness creator({"pw", "pw"});
  Context create_context = creator.context();
  ASSERT_EQ(run_init(init_options(), create_context), 0);

  // No terminal and no --new-passphrase-file: refused before the current passphrase is read.
  Harness harness({}, false);
  harness.env["DMVAULT_PASSPHRASE"] = "pw";
  Context context = harness.context();
  PasswdOptions options;
  options.vault = m_vault;
  options.kdf = KdfProfile::interactive;
  EXPECT_EQ(code_of([&] { run_passwd(options, context); }), ErrorCode::usage);

  // On a terminal: current passphrase, then the new one twice.
  Harness person({"pw", "new pw", "new pw"});
  Context person_context = person.context();
  ASSERT_EQ(run_passwd(options, person_context), 0);
  EXPECT_EQ(person.prompter.prompts,
            (std::vector<std::string>{"Passphrase for " + m_vault + ":",
                                      "New passphrase for " + m_vault + ":", "Repeat it:"}));
}

// Writes `data` into a pipe and returns its read end (closed by the caller).
int pipe_with(const std::string& data) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  if (!data.empty() &&
      ::write(fds[1], data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
    throw std::runtime_error("write");
  }
  ::close(fds[1]);
  return fds[0];
}

std::string read_via_pipe(const std::string& data) {
  const int fd = pipe_with(data);
  try {
    const SecretBytes secret = read_secret_fd(fd, "test", "passphrase");
    ::close(fd);
    return std::string(secret.view());
  } catch (...) {
    ::close(fd);
    throw;
  }
}

TEST(SecretSources, ExactlyOneTrailingNewlineIsDropped) {
  EXPECT_EQ(read_via_pipe("abc"), "abc");
  EXPECT_EQ(read_via_pipe("abc\n"), "abc");
  EXPECT_EQ(read_via_pipe("abc\r\n"), "abc");
  EXPECT_EQ(read_via_pipe("abc\n\n"), "abc\n");
  EXPECT_EQ(read_via_pipe("abc\r"), "abc\r");
  EXPECT_EQ(read_via_pipe("a\nb"), "a\nb");
  EXPECT_EQ(read_via_pipe(" abc "), " abc ");
  EXPECT_EQ(read_via_pipe("\n"), "");
  EXPECT_EQ(read_via_pipe(""), "");
}

TEST(SecretSources, AtMost4096Bytes) {
  EXPECT_EQ(read_via_pipe(std::string(4096, 'x')).size(), 4096U);
  // The newline is read too, and the limit counts it: 4096 bytes of passphrase plus "\n" is
  // one byte over.
  try {
    read_via_pipe(std::string(4097, 'x'));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
    EXPECT_EQ(std::string(error.what()), "test: passphrase is too long (more than 4096 bytes)");
  }
  EXPECT_EQ(code_of([] { read_via_pipe(std::string(4096, 'x') + "\n"); }), ErrorCode::usage);
}

TEST(SecretSources, NormalisationAndEmptiness) {
  const SecretBytes composed = normalized_passphrase(SecretBytes::copy_of("cafe\xCC\x81"), "f");
  EXPECT_EQ(composed.view(), "caf\xC3\xA9");
  EXPECT_EQ(code_of([] { normalized_passphrase(SecretBytes::copy_of("caf\xE9"), "f"); }),
            ErrorCode::usage);
  try {
    normalized_passphrase(SecretBytes{}, "secret.txt");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
    EXPECT_EQ(std::string(error.what()), "secret.txt: the passphrase is empty");
  }
}

TEST(SecretSources, RecoveryKeyFileIsTakenAsWritten) {
  const fs::path file = fs::temp_directory_path() / ("dmvault-rk-" + std::to_string(::getpid()));
  {
    std::ofstream out(file, std::ios::binary);
    out << "abcd efgh-IJKL\n";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  Harness harness({});
  harness.env["DMVAULT_PASSPHRASE"] = "ignored when a recovery key is given";
  Context context = harness.context();
  UnlockOptions options;
  options.recovery_key_file = file.string();
  const Credential credential = read_credential(options, "v", context);
  fs::remove(file);
  EXPECT_EQ(credential.kind, Credential::Kind::recovery_key);
  EXPECT_EQ(credential.secret.view(), "abcd efgh-IJKL");
  EXPECT_EQ(harness.err.str(), "");
}

// The exit status and the printed lines for an exception thrown by `action`.
struct Reported {
  int status;
  std::string out;
  std::string err;
};
Reported report(const std::function<void()>& action) {
  CLI::App app("test", "dmvault");
  std::ostringstream out;
  std::ostringstream err;
  Output output(out, err, false, false);
  try {
    action();
  } catch (...) {
    const int status = exit_status_of_current_exception(app, output);
    return {status, out.str(), err.str()};
  }
  ADD_FAILURE() << "nothing thrown";
  return {-1, {}, {}};
}

TEST(ExitStatus, EveryErrorCodeIsItsOwnStatus) {
  const std::vector<std::pair<ErrorCode, int>> codes = {
      {ErrorCode::no_match, 1},    {ErrorCode::usage, 2},     {ErrorCode::wrong_passphrase, 3},
      {ErrorCode::corrupted, 4},   {ErrorCode::bad_input, 5}, {ErrorCode::busy, 6},
      {ErrorCode::not_a_vault, 7}, {ErrorCode::io, 8}};
  for (const auto& [code, status] : codes) {
    const Reported reported = report([code] { throw Error(code, "v.dmv: what happened"); });
    EXPECT_EQ(reported.status, status);
    EXPECT_EQ(reported.err, "dmvault: error: v.dmv: what happened\n");
    EXPECT_EQ(reported.out, "");
  }
}

TEST(ExitStatus, HintsParseErrorsAndSurprises) {
  const Reported hinted = report([] { throw Error(ErrorCode::busy, "v: in use", "wait"); });
  EXPECT_EQ(hinted.err, "dmvault: error: v: in use\ndmvault: hint: wait\n");

  const Reported parse = report([] { throw CLI::ExtrasError({"--bogus"}); });
  EXPECT_EQ(parse.status, 2);
  EXPECT_TRUE(parse.err.starts_with("dmvault: error: the following argument was not expected"))
      << parse.err;
  EXPECT_NE(parse.err.find("dmvault: hint: see 'dmvault --help'"), std::string::npos);

  EXPECT_EQ(report([] { throw CLI::CallForHelp(); }).status, 0);
  const Reported version = report([] { throw CLI::CallForVersion("1.2.3", 0); });
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "dmvault 1.2.3\n");

  const Reported internal = report([] { throw std::runtime_error("boom"); });
  EXPECT_EQ(internal.status, 8);
  EXPECT_EQ(internal.err, "dmvault: error: internal error: boom\n");
  EXPECT_EQ(report([] { throw std::bad_alloc(); }).status, 8);
  EXPECT_EQ(report([] { throw 42; }).status, 8);
}

TEST(Output, DiagnosticsCannotForgeLinesOrMoveTheCursor) {
  std::ostringstream out;
  std::ostringstream err;
  Output output(out, err, false, false);
  output.error("bad\nname\x1b[2J: x");
  EXPECT_EQ(err.str(), "dmvault: error: bad?name?[2J: x\n");

  std::ostringstream coloured_err;
  Output coloured(out, coloured_err, true, true);
  coloured.warning("w");
  EXPECT_EQ(coloured_err.str(), "\x1b[1;33mdmvault: warning:\x1b[0m w\n");
}

TEST(Display, TimestampsAreIso8601UtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(1725531202546), "2024-09-05T10:13:22.546Z");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(951782400000), "2000-02-29T00:00:00.000Z");
}

TEST(Display, Sizes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(8424), "8.2 KiB");
  EXPECT_EQ(format_bytes(1048575), "1.0 MiB");
  EXPECT_EQ(format_bytes(5ULL << 30), "5.0 GiB");
  EXPECT_EQ(format_bytes(UINT64_MAX), "16.0 EiB");
  EXPECT_EQ(format_memlimit(64ULL << 20), "64 MiB");
  EXPECT_EQ(format_memlimit(1000), "1000 bytes");
}

}  // namespace
}  // namespace dmvault::cli
