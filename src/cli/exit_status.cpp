#include "cli/exit_status.hpp"

#include "cli/output.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <exception>
#include <new>
#include <string>

namespace dmvault::cli {

namespace {

constexpr int kOk = 0;

// CLI11 words its messages as sentences ("The following arguments were not expected: x");
// ours start lowercase and have no final period.
std::string house_style(std::string message) {
  if (message.size() >= 2 && std::isupper(static_cast<unsigned char>(message[0])) != 0 &&
      std::islower(static_cast<unsigned char>(message[1])) != 0) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  while (!message.empty() && (message.back() == '.' || message.back() == '\n')) {
    message.pop_back();
  }
  return message;
}

// "dmvault verify" when the error happened inside a command, else "dmvault".
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  for (;;) {
    const auto selected = current->get_subcommands();
    if (selected.empty()) break;
    current = selected.front();
    path += ' ';
    path += current->get_name();
  }
  return path;
}

int report(const CLI::App& app, Output& output) {
  try {
    throw;
  } catch (const CLI::CallForHelp&) {
    // help() of the top-level app delegates to the command that was named, if any.
    output.out() << app.help();
    return kOk;
  } catch (const CLI::CallForAllHelp&) {
    output.out() << app.help("", CLI::AppFormatMode::All);
    return kOk;
  } catch (const CLI::CallForVersion& version) {
    output.out() << "dmvault " << version.what() << '\n';
    return kOk;
  } catch (const CLI::Success&) {
    return kOk;
  } catch (const CLI::ParseError& error) {
    output.error(house_style(error.what()));
    output.hint("see '" + command_path(app) + " --help'");
    return exit_status(ErrorCode::usage);
  } catch (const Error& error) {
    output.error(error.what());
    if (!error.hint().empty()) output.hint(error.hint());
    return exit_status(error.code());
  } catch (const std::bad_alloc&) {
    output.error("internal error: out of memory");
    return exit_status(ErrorCode::io);
  } catch (const std::exception& error) {
    output.error(std::string("internal error: ") + error.what());
    return exit_status(ErrorCode::io);
  } catch (...) {
    output.error("internal error: unknown exception");
    return exit_status(ErrorCode::io);
  }
}

}  // namespace

int exit_status_of_current_exception(const CLI::App& app, Output& output) noexcept {
  try {
    return report(app, output);
  } catch (...) {
    // Even the report could not be printed (stderr closed, out of memory).
    return exit_status(ErrorCode::io);
  }
}

}  // namespace dmvault::cli
