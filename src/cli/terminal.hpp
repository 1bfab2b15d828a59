// The terminal: whether there is one, whether to colour, and asking for a secret without echo.
#pragma once

#include "dmvault/secret.hpp"

#include <memory>
#include <string_view>

namespace dmvault::cli {

bool is_terminal(int fd);

// Colour only for a person watching: `fd` is a terminal and NO_COLOR is unset or empty
// (https://no-color.org). `no_color` is the value of NO_COLOR, or null when it is unset.
bool use_colour(int fd, const char* no_color);

// Asks a person for secrets. An interface so commands can be run in-process by tests.
class Prompter {
 public:
  virtual ~Prompter() = default;
  // False when there is no one to ask (no controlling terminal: cron, CI, a pipeline).
  virtual bool available() = 0;
  // Shows `prompt` and reads one line with echo off, into secret memory, without its line end.
  // Error(usage) when the input ends before a line does; lines over 4096 bytes are refused.
  virtual SecretBytes ask_secret(std::string_view prompt) = 0;
};

// Prompts on the controlling terminal (/dev/tty), not on stdin/stderr, so that piping data in or
// redirecting output does not swallow the prompt. Echo is restored on every exit path: normal
// return, exception, and SIGINT/SIGTERM/SIGHUP/SIGQUIT (the handler restores the terminal, then
// lets the signal kill the process as it would have).
std::unique_ptr<Prompter> terminal_prompter();

}  // namespace dmvault::cli
