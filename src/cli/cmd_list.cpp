#include "cli/cmd_list.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "import/catalog_store.hpp"
#include "util/json_writer.hpp"

#include <CLI/CLI.hpp>

namespace dmvault::cli {

CLI::App* add_list_command(CLI::App& app, ListOptions& options) {
  CLI::App* command = app.add_subcommand("list", "List the conversations in a vault");
  add_vault_argument(*command, options.vault);
  add_unlock_options(*command, options.unlock);
  command->add_flag("--json", options.json, "Print one JSON object per conversation (JSON Lines)");
  return command;
}

int run_list(const ListOptions& options, Context& context) {
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  const auto conversations = catalog.conversations();
  std::ostream& out = context.output.out();
  for (const auto& c : conversations) {
    if (options.json) {
      util::JsonWriter json(out);
      json.begin_object();
      json.field("id", c.id);
      json.field("platform", c.platform);
      json.field("title", c.title);
      json.key("participants").begin_array();
      for (const auto& p : c.participants) json.value(p);
      json.end_array();
      json.field("messages", c.messages);
      if (c.messages > 0) {
        json.field("first", format_timestamp(c.first_ms));
        json.field("last", format_timestamp(c.last_ms));
      } else {
        json.key("first").null();
        json.key("last").null();
      }
      json.end_object();
      out << '\n';
      continue;
    }
    out << context.output.paint(std::to_string(c.id), Colour::bold) << "  "
        << printable(c.title.empty() ? "(untitled)" : c.title) << "  [" << c.platform << "]  "
        << c.messages << " messages";
    if (c.messages > 0) {
      out << ", " << format_local_date(c.first_ms) << " to " << format_local_date(c.last_ms);
    }
    out << '\n';
  }
  return conversations.empty() ? 1 : 0;
}

}  // namespace dmvault::cli
