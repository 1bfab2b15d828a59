#include "cli/output.hpp"

#include "dmvault/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace dmvault::cli {

namespace {

std::string_view ansi_code(Colour colour) {
  switch (colour) {
    case Colour::red:
      return "\x1b[1;31m";
    case Colour::yellow:
      return "\x1b[1;33m";
    case Colour::green:
      return "\x1b[1;32m";
    case Colour::cyan:
      return "\x1b[1;36m";
    case Colour::bold:
      return "\x1b[1m";
    case Colour::dim:
      return "\x1b[2m";
  }
  return "";
}

constexpr std::string_view kReset = "\x1b[0m";

std::string wrap(std::string_view text, Colour colour, bool enabled) {
  std::string result;
  if (!enabled) return std::string(text);
  result.reserve(text.size() + 12);
  result += ansi_code(colour);
  result += text;
  result += kReset;
  return result;
}

void write_all(int fd, std::span<const unsigned char> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::io,
                  std::string("standard output: write failed: ") + std::strerror(errno));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string printable(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) c = '?';
  }
  return result;
}

void Output::diagnostic(std::string_view label, Colour colour, std::string_view message) {
  std::string line = wrap("dmvault: " + std::string(label) + ":", colour, m_colour_err);
  line += ' ';
  line += printable(message);
  line += '\n';
  // Whatever was printed on stdout so far belongs before the diagnostic when both go to one
  // terminal.
  m_out.flush();
  m_err << line << std::flush;
}

void Output::error(std::string_view message) { diagnostic("error", Colour::red, message); }
void Output::warning(std::string_view message) { diagnostic("warning", Colour::yellow, message); }
void Output::hint(std::string_view message) { diagnostic("hint", Colour::cyan, message); }

std::string Output::paint(std::string_view text, Colour colour) const {
  return wrap(text, colour, m_colour_out);
}

void Output::secret_line(std::string_view prefix, std::span<const unsigned char> secret) {
  m_out << prefix;
  if (m_secret_fd < 0) {
    m_out.write(reinterpret_cast<const char*>(secret.data()),
                static_cast<std::streamsize>(secret.size()));
    m_out << '\n';
    return;
  }
  m_out.flush();
  std::fflush(stdout);
  if (!m_out) throw Error(ErrorCode::io, "standard output: write failed");
  write_all(m_secret_fd, secret);
  const unsigned char newline = '\n';
  write_all(m_secret_fd, {&newline, 1});
}

void Output::finish() {
  m_out.flush();
  m_err.flush();
  if (!m_out) throw Error(ErrorCode::io, "standard output: write failed");
}

}  // namespace dmvault::cli
