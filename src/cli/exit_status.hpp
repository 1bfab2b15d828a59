// The one place where failures become exit statuses (dmvault(1), EXIT STATUS):
//   dmvault::Error          its code (1 no match ... 8 I/O error), message and hint printed
//   CLI11 parse errors      2 (usage); --help and --version print and exit 0
//   anything else           8, printed as "internal error: ..."
#pragma once

namespace CLI {
class App;
}

namespace dmvault::cli {

class Output;

// Call inside a catch block: prints the exception being handled on `output` and returns the exit
// status for it. `app` supplies --help text and the command a usage error belongs to.
int exit_status_of_current_exception(const CLI::App& app, Output& output) noexcept;

}  // namespace dmvault::cli
