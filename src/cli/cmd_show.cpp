#include "cli/cmd_show.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/message_json.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"

#include <CLI/CLI.hpp>

namespace dmvault::cli {

CLI::App* add_show_command(CLI::App& app, ShowOptions& options) {
  CLI::App* command = app.add_subcommand("show", "Show the messages of one conversation");
  add_vault_argument(*command, options.vault);
  command
      ->add_option("conversation", options.conversation,
                   "A conversation id (from 'dmvault list') or its title")
      ->required();
  command->add_option("--limit", options.limit, "Show at most N messages (default: all)");
  command->add_option("--around", options.around,
                      "Centre on this date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM)");
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  command->add_flag("--json", options.json, "Print one JSON object per message (JSON Lines)");
  return command;
}

namespace {

std::optional<std::int64_t> around_of(const ShowOptions& options) {
  std::optional<std::int64_t> around;
  if (!options.around.empty()) {
    around = parse_local_time(options.around);
    if (!around) {
      throw Error(ErrorCode::usage, "--around: '" + options.around + "' is not a date",
                  "write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM");
    }
  }
  return around;
}

}  // namespace

int run_show(const ShowOptions& options, Context& context) {
  apply_time_options(options.time);
  (void)around_of(options);  // a bad date costs no passphrase
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  return show_catalog(catalog, options, context, false);
}

int show_catalog(catalog::Catalog& catalog, const ShowOptions& options, Context& context,
                 bool results_only) {
  const std::optional<std::int64_t> around = around_of(options);
  const auto conversation = catalog.find_conversation(options.conversation);
  if (!conversation) {
    throw Error(ErrorCode::no_match, "no conversation matches '" + options.conversation + "'",
                "'dmvault list' shows them all");
  }
  std::size_t limit = options.limit;
  if (around && limit == 0) limit = 50;
  const auto messages = catalog.messages(conversation->id, limit, around);
  std::ostream& out = context.output.out();
  if (!options.json && !results_only) {
    out << context.output.paint(conversation->title.empty() ? "(untitled)" : conversation->title,
                                Colour::bold)
        << "  [" << conversation->platform << "]\n";
  }
  for (const auto& m : messages) {
    if (options.json) {
      write_message_json(out, m, nullptr);
    } else {
      write_message_text(out, context.output, m);
    }
  }
  return messages.empty() ? 1 : 0;
}

}  // namespace dmvault::cli
