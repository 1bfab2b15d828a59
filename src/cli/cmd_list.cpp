#include "cli/cmd_list.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "import/catalog_store.hpp"
#include "util/json_writer.hpp"

#include <CLI/CLI.hpp>

namespace dmvault::cli {

namespace {

// --sources: one line per import run (what `export --format original --source N` takes).
int list_sources(catalog::Catalog& catalog, const ListOptions& options, Context& context) {
  const auto sources = catalog.sources();
  std::ostream& out = context.output.out();
  for (const auto& s : sources) {
    if (options.json) {
      util::JsonWriter json(out);
      json.begin_object();
      json.field("id", s.id);
      json.field("platform", s.platform);
      json.field("export_name", s.export_name);
      json.field("imported", format_timestamp(s.imported_ms));
      json.field("tool_version", s.tool_version);
      json.field("files", s.files);
      json.field("bytes", s.bytes);
      json.field("messages_added", s.messages_added);
      json.field("messages_duplicate", s.messages_duplicate);
      json.end_object();
      out << '\n';
      continue;
    }
    out << context.output.paint(std::to_string(s.id), Colour::bold) << "  "
        << printable(s.export_name) << "  [" << s.platform << "]  imported "
        << format_local_minute(s.imported_ms) << ", " << s.files << " files ("
        << format_bytes(s.bytes) << "), " << s.messages_added << " new messages\n";
  }
  return sources.empty() ? 1 : 0;
}

}  // namespace

CLI::App* add_list_command(CLI::App& app, ListOptions& options) {
  CLI::App* command = app.add_subcommand("list", "List the conversations in a vault");
  add_vault_argument(*command, options.vault);
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  command->add_flag("--json", options.json, "Print one JSON object per conversation (JSON Lines)");
  command->add_flag("--sources", options.sources,
                    "List the imports (sources) instead, as export --source takes them");
  return command;
}

int run_list(const ListOptions& options, Context& context) {
  apply_time_options(options.time);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  if (options.sources) return list_sources(catalog, options, context);
  return list_catalog(catalog, options, context);
}

int list_catalog(catalog::Catalog& catalog, const ListOptions& options, Context& context) {
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
