#include "cli/terminal.hpp"

#include "cli/passphrase.hpp"
#include "dmvault/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace dmvault::cli {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

bool use_colour(int fd, const char* no_color) {
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return is_terminal(fd);
}

namespace {

// The state the signal handler needs. Only one prompt is ever active (the CLI is single
// threaded), and these are written before the handlers are installed.
volatile sig_atomic_t g_echo_fd = -1;
struct termios g_saved_termios;

constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_terminal_and_die(int signal_number) {
  const int fd = g_echo_fd;
  if (fd >= 0) {
    ::tcsetattr(fd, TCSANOW, &g_saved_termios);
    // The user's line was not echoed: end it so the shell prompt starts on a fresh line.
    const char newline = '\n';
    [[maybe_unused]] const ssize_t ignored = ::write(fd, &newline, 1);
  }
  // SA_RESETHAND already put the default action back; re-raising delivers it when we return.
  ::raise(signal_number);
}

// Echo off for the lifetime of the object; the terminal is restored however the scope is left.
class EchoOff {
 public:
  explicit EchoOff(int fd) : m_fd(fd) {
    if (::tcgetattr(fd, &g_saved_termios) != 0) {
      throw Error(ErrorCode::io,
                  std::string("/dev/tty: cannot read terminal settings: ") + std::strerror(errno));
    }
    g_echo_fd = fd;
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
      struct sigaction current {};
      ::sigaction(kSignals[i], nullptr, &current);
      m_installed[i] = false;
      // A signal the user or the parent chose to ignore stays ignored.
      if (current.sa_handler == SIG_IGN) continue;
      struct sigaction action {};
      action.sa_handler = restore_terminal_and_die;
      sigemptyset(&action.sa_mask);
      action.sa_flags = static_cast<int>(SA_RESETHAND);
      if (::sigaction(kSignals[i], &action, &m_previous[i]) == 0) m_installed[i] = true;
    }
    struct termios quiet = g_saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK);
    // Still echo the newline, so the next output starts on its own line.
    quiet.c_lflag |= static_cast<tcflag_t>(ECHONL | ICANON);
    if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
      const int saved_errno = errno;
      restore();
      throw Error(ErrorCode::io,
                  std::string("/dev/tty: cannot turn echo off: ") + std::strerror(saved_errno));
    }
  }
  ~EchoOff() { restore(); }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  void restore() noexcept {
    ::tcsetattr(m_fd, TCSAFLUSH, &g_saved_termios);
    for (std::size_t i = 0; i < kSignals.size(); ++i) {
      if (m_installed[i]) ::sigaction(kSignals[i], &m_previous[i], nullptr);
    }
    g_echo_fd = -1;
  }

  int m_fd;
  std::array<struct sigaction, kSignals.size()> m_previous{};
  std::array<bool, kSignals.size()> m_installed{};
};

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::io, std::string("/dev/tty: write failed: ") + std::strerror(errno));
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

class TerminalPrompter final : public Prompter {
 public:
  TerminalPrompter() = default;
  ~TerminalPrompter() override {
    if (m_fd >= 0) ::close(m_fd);
  }
  TerminalPrompter(const TerminalPrompter&) = delete;
  TerminalPrompter& operator=(const TerminalPrompter&) = delete;

  bool available() override { return open_terminal() >= 0; }

  SecretBytes ask_secret(std::string_view prompt) override {
    if (open_terminal() < 0) throw Error(ErrorCode::usage, "no terminal to ask on");
    SecretBytes line(kMaxSecretBytes + 1);
    std::size_t length = 0;
    bool ended = false;
    {
      EchoOff echo_off(m_fd);
      write_all(m_fd, prompt);
      write_all(m_fd, " ");
      // One byte at a time: in canonical mode the terminal hands over a line at once anyway,
      // and nothing past the newline is ever read into a non-secret buffer. An over-long line
      // is still read to its end, or its tail would be left for the shell to run as a command.
      for (;;) {
        unsigned char byte = 0;
        const ssize_t n = ::read(m_fd, &byte, 1);
        if (n < 0) {
          if (errno == EINTR) continue;
          throw Error(ErrorCode::io, std::string("/dev/tty: read failed: ") + std::strerror(errno));
        }
        if (n == 0) break;
        if (byte == '\n') {
          ended = true;
          break;
        }
        // Past the buffer (one byte more than allowed) the rest is dropped: length says too long.
        if (length < line.size()) line.data()[length++] = byte;
        byte = 0;
      }
    }
    if (length > kMaxSecretBytes) {
      throw Error(ErrorCode::usage, "the passphrase is too long (more than 4096 bytes)");
    }
    if (!ended && length == 0) throw Error(ErrorCode::usage, "no passphrase entered");
    if (length > 0 && line.data()[length - 1] == '\r') --length;
    return SecretBytes::copy_of(std::span<const std::uint8_t>(line.data(), length));
  }

 private:
  // Opened on first use: most runs (files, descriptors, --quick) never need a terminal.
  int open_terminal() {
    if (m_tried) return m_fd;
    m_tried = true;
    m_fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_fd >= 0 && !is_terminal(m_fd)) {
      ::close(m_fd);
      m_fd = -1;
    }
    return m_fd;
  }

  int m_fd = -1;
  bool m_tried = false;
};

}  // namespace

std::unique_ptr<Prompter> terminal_prompter() { return std::make_unique<TerminalPrompter>(); }

}  // namespace dmvault::cli
