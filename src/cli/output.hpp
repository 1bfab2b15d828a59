// Where a command's words go. Results go to the output stream (stdout); diagnostics go to the
// error stream (stderr), one per line, as `dmvault: error: ...`, `dmvault: warning: ...` and
// `dmvault: hint: ...`, so scripts can grep them and people can tell them apart at a glance.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace dmvault::cli {

enum class Colour { red, yellow, green, cyan, bold, dim };

class Output {
 public:
  // `colour_out` / `colour_err`: whether each stream may carry ANSI colour (see terminal.hpp).
  Output(std::ostream& out, std::ostream& err, bool colour_out, bool colour_err)
      : m_out(out), m_err(err), m_colour_out(colour_out), m_colour_err(colour_err) {}

  std::ostream& out() { return m_out; }

  void error(std::string_view message);
  void warning(std::string_view message);
  void hint(std::string_view message);

  // `text` wrapped in `colour` when the output stream may be coloured, else `text` unchanged.
  std::string paint(std::string_view text, Colour colour) const;

  // Writes `prefix`, `secret` and a newline to the output stream. When a descriptor was given
  // with write_secrets_to_fd(), the secret goes straight to it after the stream is flushed:
  // stream and stdio buffers are heap memory that is never wiped, and a recovery key must not
  // be left lying in it.
  void secret_line(std::string_view prefix, std::span<const unsigned char> secret);
  void write_secrets_to_fd(int fd) { m_secret_fd = fd; }

  // Flushes both streams; Error(io) when the output could not be written (a full disk behind a
  // redirection must not look like success).
  void finish();

 private:
  void diagnostic(std::string_view label, Colour colour, std::string_view message);

  std::ostream& m_out;
  std::ostream& m_err;
  bool m_colour_out;
  bool m_colour_err;
  int m_secret_fd = -1;
};

// `text` with every control character replaced by '?': diagnostics quote paths and names that
// come from outside, and those must not be able to move the cursor or forge a second line.
std::string printable(std::string_view text);

}  // namespace dmvault::cli
