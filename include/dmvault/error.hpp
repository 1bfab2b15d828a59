// The one error type of dmvault. Every failure that reaches a user is an Error: a code that decides
// the exit status, a message that names the file and the problem, and an optional hint saying what
// to do. Errors are thrown and unwind to the CLI, which prints them and maps the code to an exit
// status in one place (src/cli/exit_status.cpp). Messages never contain plaintext from a vault.
#pragma once

#include <stdexcept>
#include <string>

namespace dmvault {

// Stable: these are the process exit statuses documented in dmvault(1).
enum class ErrorCode : int {
  no_match = 1,          // a search or filter matched nothing
  usage = 2,             // bad command line or query
  wrong_passphrase = 3,  // the header is intact but no keyslot accepts the secret
  corrupted = 4,         // data failed authentication or is missing
  bad_input = 5,         // an export (or other input) is unreadable or unsupported
  busy = 6,              // another process holds the vault
  not_a_vault = 7,       // not a vault, header damaged, or needs a newer dmvault
  io = 8,                // the operating system failed us (disk full, fsync, permissions)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {})
      : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}

  ErrorCode code() const noexcept { return m_code; }
  // What to do about it; empty when there is nothing useful to say.
  const std::string& hint() const noexcept { return m_hint; }

 private:
  ErrorCode m_code;
  std::string m_hint;
};

// Process exit status for a code (the numeric value of the enum, kept in one place).
constexpr int exit_status(ErrorCode code) noexcept { return static_cast<int>(code); }

}  // namespace dmvault
