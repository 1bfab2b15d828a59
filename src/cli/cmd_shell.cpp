#include "cli/cmd_shell.hpp"

#include "cli/cmd_list.hpp"
#include "cli/cmd_search.hpp"
#include "cli/cmd_show.hpp"
#include "cli/common_options.hpp"
#include "cli/shell_line.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <iostream>
#include <unistd.h>

namespace dmvault::cli {

namespace {

constexpr std::string_view kHelp =
    "Commands (a line that starts with none of them is a search query):\n"
    "  search [--limit N] [--sort newest|oldest|relevance] [-C N] [--count] [--regex P] QUERY\n"
    "  show [--limit N] [--around DATE] CONVERSATION   a conversation, by id or title\n"
    "  list                                            the conversations\n"
    "  help                                            this text\n"
    "  quit                                            leave (or Ctrl-D)\n"
    "Each command also takes --json. The query language is in 'man dmvault' (QUERY LANGUAGE).\n";

std::size_t number_option(const std::string& name, const std::string& value) {
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size()) {
    throw Error(ErrorCode::usage, name + ": '" + value + "' is not a number");
  }
  return number;
}

int run_line(catalog::Catalog& catalog, const ShellOptions& shell, const ShellLine& line,
             Context& context, bool interactive) {
  switch (line.command) {
    case ShellLine::Command::search: {
      SearchOptions options;
      options.json = shell.json;
      options.time = shell.time;
      options.query = line.argument;
      for (const auto& [name, value] : line.options) {
        if (name == "--json") options.json = true;
        if (name == "--count") options.count = true;
        if (name == "--limit") options.limit = number_option(name, value);
        if (name == "--sort") options.sort = value;
        if (name == "-C" || name == "--context") options.context = number_option(name, value);
        if (name == "--regex") options.regex = value;
      }
      return search_catalog(catalog, options, context, !interactive);
    }
    case ShellLine::Command::show: {
      ShowOptions options;
      options.json = shell.json;
      options.time = shell.time;
      options.conversation = line.argument;
      for (const auto& [name, value] : line.options) {
        if (name == "--json") options.json = true;
        if (name == "--limit") options.limit = number_option(name, value);
        if (name == "--around") options.around = value;
      }
      return show_catalog(catalog, options, context, !interactive);
    }
    case ShellLine::Command::list: {
      ListOptions options;
      options.json = shell.json || !line.options.empty();  // --json is its only option
      options.time = shell.time;
      return list_catalog(catalog, options, context);
    }
    case ShellLine::Command::help:
      context.output.out() << kHelp;
      return 0;
    case ShellLine::Command::none:
    case ShellLine::Command::quit:
      return 0;
  }
  return 0;
}

}  // namespace

CLI::App* add_shell_command(CLI::App& app, ShellOptions& options) {
  CLI::App* command =
      app.add_subcommand("shell", "Unlock once, then search, show and list interactively");
  add_vault_argument(*command, options.vault);
  command->add_flag("--json", options.json, "Every command prints JSON Lines");
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  return command;
}

int shell_session(catalog::Catalog& catalog, const ShellOptions& options, LineReader& lines,
                  Context& context, bool interactive) {
  if (interactive) {
    const catalog::Counts counts = catalog.counts();
    context.output.out() << "dmvault shell: " << counts.conversations << " conversations, "
                         << counts.messages << " messages. Type a query, or help.\n";
  }
  int status = 0;
  while (const std::optional<std::string> text = lines.read_line("dmvault> ")) {
    try {
      const ShellLine line = parse_shell_line(*text);
      if (line.command == ShellLine::Command::quit) break;
      const int line_status = run_line(catalog, options, line, context, interactive);
      if (interactive && line_status == 1 && line.command == ShellLine::Command::search) {
        context.output.hint("no match");
      }
    } catch (const Error& error) {
      // One bad line must not end the session (the vault would have to be unlocked again).
      context.output.error(error.what());
      if (interactive && !error.hint().empty()) context.output.hint(error.hint());
      if (status == 0) status = exit_status(error.code());
    }
    // Scripts read each answer before they write the next query.
    context.output.out().flush();
  }
  return status;
}

int run_shell(const ShellOptions& options, Context& context) {
  apply_time_options(options.time);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  const bool interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1;
  const std::unique_ptr<LineReader> lines =
      interactive ? terminal_line_reader() : stream_line_reader(std::cin);
  return shell_session(catalog, options, *lines, context, interactive);
}

}  // namespace dmvault::cli
