#include "cli/cli.hpp"

#include "cli/allocator_policy.hpp"
#include "cli/cmd_export.hpp"
#include "cli/cmd_import.hpp"
#include "cli/cmd_info.hpp"
#include "cli/cmd_init.hpp"
#include "cli/cmd_list.hpp"
#include "cli/cmd_passwd.hpp"
#include "cli/cmd_people.hpp"
#include "cli/cmd_search.hpp"
#include "cli/cmd_serve.hpp"
#include "cli/cmd_shell.hpp"
#include "cli/cmd_show.hpp"
#include "cli/cmd_stats.hpp"
#include "cli/cmd_verify.hpp"
#include "cli/context.hpp"
#include "cli/exit_status.hpp"
#include "cli/hardening.hpp"
#include "cli/output.hpp"
#include "cli/terminal.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace dmvault::cli {

namespace {

constexpr std::string_view kFooter =
    "Passphrases come from --passphrase-file F, --passphrase-fd N, DMVAULT_PASSPHRASE_FILE,\n"
    "DMVAULT_PASSPHRASE or the terminal; never from the command line.\n"
    "Exit status: 0 ok, 1 no match, 2 usage, 3 wrong passphrase, 4 data corrupted,\n"
    "5 unreadable input, 6 vault busy, 7 not a vault, 8 I/O error. See dmvault(1).";

struct Commands {
  InitOptions init;
  InfoOptions info;
  VerifyOptions verify;
  PasswdOptions passwd;
  ImportOptions import;
  ListOptions list;
  ShowOptions show;
  SearchOptions search;
  ExportOptions export_;
  ShellOptions shell;
  ServeOptions serve;
  StatsOptions stats;
  PeopleOptions people;
  PeopleCommands people_commands;
};

std::string command_list(CLI::App& app) {
  std::string names;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    if (!names.empty()) names += ", ";
    names += command->get_name();
  }
  return names;
}

// Mistakes CLI11 would report in its own, less helpful words.
void check_arguments(CLI::App& app, int argc, char** argv) {
  bool command_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    // A passphrase option would put the secret where every user can read it (ps, /proc) and
    // into shell history; say why it does not exist instead of just "not expected".
    for (const std::string_view option : {"--passphrase", "--new-passphrase"}) {
      if (arg == option || arg.starts_with(std::string(option) + "=")) {
        throw Error(ErrorCode::usage,
                    std::string(option) +
                        ": there is no such option: a passphrase on the command line can be "
                        "read by every user of this computer and stays in the shell history",
                    "use --passphrase-file F, --passphrase-fd N or DMVAULT_PASSPHRASE_FILE, "
                    "or type it when asked");
      }
    }
    if (!command_seen && !arg.starts_with("-")) {
      command_seen = true;
      bool known = false;
      for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
        known = known || command->check_name(std::string(arg));
      }
      if (!known) {
        throw Error(ErrorCode::usage, "unknown command '" + std::string(arg) + "'",
                    "the commands are " + command_list(app) + "; see 'dmvault --help'");
      }
    }
  }
}

}  // namespace

int run(int argc, char** argv) {
  Output output(std::cout, std::cerr, use_colour(STDOUT_FILENO, std::getenv("NO_COLOR")),
                use_colour(STDERR_FILENO, std::getenv("NO_COLOR")));
  output.write_secrets_to_fd(STDOUT_FILENO);
  CLI::App app("dmvault seals message exports into one encrypted, searchable file.", "dmvault");
  // Outside the try block: the app keeps references to these, and the error report may use it.
  Commands commands;
  try {
    harden_process();
    tune_allocator();

    app.set_version_flag("--version", DMVAULT_VERSION);
    app.footer(std::string(kFooter));
    app.get_formatter()->column_width(34);
    app.get_formatter()->label("SUBCOMMAND", "COMMAND");
    app.require_subcommand(1);

    const CLI::App* init = add_init_command(app, commands.init);
    const CLI::App* info = add_info_command(app, commands.info);
    const CLI::App* verify = add_verify_command(app, commands.verify);
    const CLI::App* passwd = add_passwd_command(app, commands.passwd);
    const CLI::App* import = add_import_command(app, commands.import);
    const CLI::App* list = add_list_command(app, commands.list);
    const CLI::App* show = add_show_command(app, commands.show);
    const CLI::App* search = add_search_command(app, commands.search);
    const CLI::App* export_ = add_export_command(app, commands.export_);
    const CLI::App* shell = add_shell_command(app, commands.shell);
    const CLI::App* serve = add_serve_command(app, commands.serve);
    const CLI::App* stats = add_stats_command(app, commands.stats);
    const CLI::App* people = add_people_command(app, commands.people, commands.people_commands);
    for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
      command->group("Commands");
    }

    if (argc < 2) {
      throw Error(ErrorCode::usage, "no command given",
                  "the commands are " + command_list(app) + "; see 'dmvault --help'");
    }
    check_arguments(app, argc, argv);
    app.parse(argc, argv);

    const std::unique_ptr<Prompter> prompter = terminal_prompter();
    Context context{output, *prompter, [](const char* name) { return std::getenv(name); }};
    int status = 0;
    if (init->parsed()) {
      status = run_init(commands.init, context);
    } else if (info->parsed()) {
      status = run_info(commands.info, context);
    } else if (verify->parsed()) {
      status = run_verify(commands.verify, context);
    } else if (passwd->parsed()) {
      status = run_passwd(commands.passwd, context);
    } else if (import->parsed()) {
      status = run_import(commands.import, context);
    } else if (list->parsed()) {
      status = run_list(commands.list, context);
    } else if (show->parsed()) {
      status = run_show(commands.show, context);
    } else if (search->parsed()) {
      status = run_search(commands.search, context);
    } else if (export_->parsed()) {
      status = run_export(commands.export_, context);
    } else if (shell->parsed()) {
      status = run_shell(commands.shell, context);
    } else if (serve->parsed()) {
      status = run_serve(commands.serve, context);
    } else if (stats->parsed()) {
      status = run_stats(commands.stats, context);
    } else if (people->parsed()) {
      status = run_people(commands.people, commands.people_commands, context);
    }
    output.finish();
    return status;
  } catch (...) {
    return exit_status_of_current_exception(app, output);
  }
}

}  // namespace dmvault::cli
