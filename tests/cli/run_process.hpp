// Runs the dmvault binary the way a script would: fork/exec (posix_spawn) in a new session with
// no controlling terminal, stdin from /dev/null, an environment holding only what the test sets,
// and stdout, stderr and the exit status captured.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dmvault::testing {

struct ProcessResult {
  int status = -1;  // exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env = {};
  // When set, the child reads these bytes on file descriptor 3 (a pipe, closed after them).
  std::optional<std::string> fd3_input = std::nullopt;
  // When set, the child's stdin is a pipe holding these bytes (else /dev/null).
  std::optional<std::string> stdin_input = std::nullopt;
};

ProcessResult run_dmvault(const std::vector<std::string>& args, const RunOptions& options = {});

// The same binary attached to a pseudo-terminal as its controlling terminal (so /dev/tty is the
// pty), for testing prompts. stdout and stderr still go to pipes.
class PtySession {
 public:
  explicit PtySession(const std::vector<std::string>& args);
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  // Reads what the child wrote to the terminal until `text` appears; false on timeout or EOF.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout);
  void type(const std::string& text);
  void signal(int signal_number);
  // Waits for the child to end and collects stdout and stderr.
  ProcessResult finish();
  // Everything the child wrote to the terminal so far.
  const std::string& screen() const { return m_screen; }
  // The terminal's current local flags (c_lflag), as the child left them.
  unsigned long local_flags() const;

 private:
  int m_master = -1;
  int m_slave = -1;  // held open so reads of the master wait instead of failing with EIO
  int m_out = -1;
  int m_err = -1;
  pid_t m_pid = -1;
  std::string m_screen;
};

}  // namespace dmvault::testing
