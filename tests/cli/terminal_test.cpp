// The terminal side: prompts with echo off on a real pseudo-terminal, echo restored after SIGINT,
// the colour decision, and process hardening.
#include "cli/terminal.hpp"

#include "cli/hardening.hpp"
#include "run_process.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <stdlib.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace dmvault::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::PtySession;
using testing::run_dmvault;

class TerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "dmvault-tty-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_vault = (m_dir / "v.dmv").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }
  std::string secret_file(const std::string& content) {
    const fs::path path = m_dir / ("pw" + std::to_string(m_files++));
    std::ofstream(path, std::ios::binary) << content;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path.string();
  }

  fs::path m_dir;
  std::string m_vault;
  int m_files = 0;
};

// A passphrase that appears nowhere else in the output, so any echo of it would be seen.
constexpr const char* kSecret = "Zq7-unlikely-Wx";

TEST_F(TerminalTest, InitAsksTwiceWithEchoOff) {
  PtySession session({"init", m_vault, "--kdf", "interactive"});
  ASSERT_TRUE(session.wait_for("Enter a passphrase for the new vault:", 20s)) << session.screen();
  session.type(std::string(kSecret) + "\n");
  ASSERT_TRUE(session.wait_for("Repeat it:", 20s)) << session.screen();
  session.type(std::string(kSecret) + "\n");
  const ProcessResult result = session.finish();
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(session.screen().find(kSecret), std::string::npos) << session.screen();
  EXPECT_NE(session.local_flags() & ECHO, 0U) << "echo left off";

  // The passphrase typed is the one the vault has.
  EXPECT_EQ(run_dmvault({"info", m_vault, "--passphrase-file", secret_file(kSecret)}).status, 0);
}

TEST_F(TerminalTest, MismatchedRepetitionCreatesNothing) {
  PtySession session({"init", m_vault, "--kdf", "interactive"});
  ASSERT_TRUE(session.wait_for("Enter a passphrase for the new vault:", 20s)) << session.screen();
  session.type(std::string(kSecret) + "\n");
  ASSERT_TRUE(session.wait_for("Repeat it:", 20s)) << session.screen();
  session.type("something else\n");
  const ProcessResult result = session.finish();
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("dmvault: error: the passphrases do not match"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST_F(TerminalTest, UnlockPromptsOnTheTerminal) {
  ASSERT_EQ(run_dmvault({"init", m_vault, "--kdf", "interactive", "--passphrase-file",
                         secret_file(kSecret)})
                .status,
            0);
  PtySession session({"info", m_vault, "--json"});
  ASSERT_TRUE(session.wait_for("Passphrase for " + m_vault + ":", 20s)) << session.screen();
  session.type(std::string(kSecret) + "\n");
  const ProcessResult result = session.finish();
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("{\"vault\":")) << result.out;
  EXPECT_EQ(session.screen().find(kSecret), std::string::npos) << session.screen();
}

TEST_F(TerminalTest, EchoIsRestoredWhenInterrupted) {
  PtySession session({"init", m_vault, "--kdf", "interactive"});
  ASSERT_TRUE(session.wait_for("Enter a passphrase for the new vault:", 20s)) << session.screen();
  EXPECT_EQ(session.local_flags() & ECHO, 0U) << "echo is on while the passphrase is typed";
  session.type("half typ");
  session.signal(SIGINT);
  const ProcessResult result = session.finish();
  EXPECT_EQ(result.status, 128 + SIGINT);
  EXPECT_NE(session.local_flags() & ECHO, 0U) << "echo left off after SIGINT";
  EXPECT_FALSE(fs::exists(m_vault));
}

TEST(Colour, OnlyOnATerminalAndWithoutNoColor) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(slave, 0);
  EXPECT_TRUE(use_colour(slave, nullptr));
  EXPECT_TRUE(use_colour(slave, ""));  // no-color.org: an empty NO_COLOR is unset
  EXPECT_FALSE(use_colour(slave, "1"));
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  EXPECT_FALSE(use_colour(null_fd, nullptr));
  ::close(null_fd);
  ::close(slave);
  ::close(master);
}

TEST(Hardening, NoCoreDumpsNotDumpableAndPrivateFiles) {
  // In a child, so the test process keeps its own settings.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int failures = 0;
    try {
      harden_process();
    } catch (...) {
      ::_exit(100);
    }
    struct rlimit limit {};
    ::getrlimit(RLIMIT_CORE, &limit);
    if (limit.rlim_cur != 0 || limit.rlim_max != 0) failures |= 1;
    if (::prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) != 0) failures |= 2;
    const mode_t mask = ::umask(0);
    if (mask != 077) failures |= 4;
    ::_exit(failures);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: core limit, 2: dumpable, 4: umask, 100: threw";
}

TEST(TerminalPrompter, UnavailableWithoutAControllingTerminal) {
  // Run in a new session (no controlling terminal), as cron or CI would.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setsid();
    ::_exit(terminal_prompter()->available() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace dmvault::cli
