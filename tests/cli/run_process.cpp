#include "run_process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace dmvault::testing {

namespace {

constexpr auto kTimeout = std::chrono::seconds(60);

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// A descriptor numbered 10 or above, close-on-exec, so that dup2 onto 0..3 in the child never
// meets itself (dup2(fd, fd) would keep close-on-exec set).
int high_fd(int fd) {
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (moved < 0) fail("fcntl");
  ::close(fd);
  return moved;
}

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
  return {high_fd(fds[0]), high_fd(fds[1])};
}

std::vector<std::string> child_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> result;
  // Sanitizer builds must keep their runtime options; nothing else leaks in from the test.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) result.push_back(std::string(name) + "=" + value);
  }
  for (const auto& [name, value] : env) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            posix_spawn_file_actions_t& actions) {
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A new session: no controlling terminal, so /dev/tty cannot be opened even when the tests are
  // run from one, and the binary must behave as it would under cron or CI.
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> argv_strings = {DMVAULT_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  pid_t pid = -1;
  const int rc =
      ::posix_spawn(&pid, DMVAULT_BINARY, &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    errno = rc;
    fail("posix_spawn " DMVAULT_BINARY);
  }
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads both pipes to their ends (together, so a child filling one cannot block on the other).
void drain(int out_fd, int err_fd, ProcessResult& result, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  while (open_count > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      throw std::runtime_error("dmvault did not finish within 60 s");
    }
    const int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
}

}  // namespace

ProcessResult run_dmvault(const std::vector<std::string>& args, const RunOptions& options) {
  const Pipe out = make_pipe();
  const Pipe err = make_pipe();
  Pipe input;
  if (options.fd3_input) {
    input = make_pipe();
    const std::string& data = *options.fd3_input;
    if (data.size() > 65536) throw std::runtime_error("fd3 input larger than a pipe buffer");
    if (!data.empty() &&
        ::write(input.write, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
      fail("write fd3");
    }
    ::close(input.write);
  }
  Pipe stdin_pipe;
  if (options.stdin_input) {
    stdin_pipe = make_pipe();
    const std::string& data = *options.stdin_input;
    if (data.size() > 65536) throw std::runtime_error("stdin input larger than a pipe buffer");
    if (!data.empty() &&
        ::write(stdin_pipe.write, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
      fail("write stdin");
    }
    ::close(stdin_pipe.write);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_input) {
    posix_spawn_file_actions_adddup2(&actions, stdin_pipe.read, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (options.fd3_input) posix_spawn_file_actions_adddup2(&actions, input.read, 3);
  pid_t pid = -1;
  try {
    pid = spawn(args, options.env, actions);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(out.write);
  ::close(err.write);
  if (options.fd3_input) ::close(input.read);
  if (options.stdin_input) ::close(stdin_pipe.read);
  ProcessResult result;
  drain(out.read, err.read, result, pid);
  result.status = wait_status(pid);
  return result;
}

PtySession::PtySession(const std::vector<std::string>& args) {
  m_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m_master < 0) fail("posix_openpt");
  if (::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0) fail("grantpt");
  const std::string slave = ::ptsname(m_master);
  m_slave = ::open(slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m_slave < 0) fail("open " + slave);
  const Pipe out = make_pipe();
  const Pipe err = make_pipe();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  // Opened after setsid() without O_NOCTTY: the pty becomes the child's controlling terminal.
  posix_spawn_file_actions_addopen(&actions, 9, slave.c_str(), O_RDWR, 0);
  posix_spawn_file_actions_addclose(&actions, 9);
  try {
    m_pid = spawn(args, {}, actions);
  } catch (...) {
    posix_spawn_file_actions_destroy(&actions);
    throw;
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(out.write);
  ::close(err.write);
  m_out = out.read;
  m_err = err.read;
}

PtySession::~PtySession() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  for (int fd : {m_master, m_slave, m_out, m_err}) {
    if (fd >= 0) ::close(fd);
  }
}

bool PtySession::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_screen.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    struct pollfd fd = {m_master, POLLIN, 0};
    const int n = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    char buffer[1024];
    const ssize_t got = ::read(m_master, buffer, sizeof buffer);
    if (got <= 0) return false;  // EIO: the child closed the terminal
    m_screen.append(buffer, static_cast<std::size_t>(got));
  }
  return true;
}

void PtySession::type(const std::string& text) {
  if (::write(m_master, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("write pty");
  }
}

void PtySession::signal(int signal_number) { ::kill(m_pid, signal_number); }

ProcessResult PtySession::finish() {
  ProcessResult result;
  drain(m_out, m_err, result, m_pid);
  m_out = -1;
  m_err = -1;
  result.status = wait_status(m_pid);
  m_pid = -1;
  // Whatever the child echoed last (the newline after a hidden line) is still in the pty.
  for (;;) {
    struct pollfd fd = {m_master, POLLIN, 0};
    if (::poll(&fd, 1, 0) <= 0) break;
    char buffer[1024];
    const ssize_t got = ::read(m_master, buffer, sizeof buffer);
    if (got <= 0) break;
    m_screen.append(buffer, static_cast<std::size_t>(got));
  }
  return result;
}

unsigned long PtySession::local_flags() const {
  struct termios settings {};
  if (::tcgetattr(m_master, &settings) != 0) fail("tcgetattr");
  return settings.c_lflag;
}

}  // namespace dmvault::testing
