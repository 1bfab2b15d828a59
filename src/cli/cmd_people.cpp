#include "cli/cmd_people.hpp"

#include "catalog/catalog.hpp"
#include "cli/common_options.hpp"
#include "cli/output.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "dmvault/importer.hpp"
#include "import/catalog_store.hpp"
#include "util/json_writer.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <utility>

namespace dmvault::cli {

namespace {

std::set<std::string> platform_names() {
  std::set<std::string> names;
  for (const auto& importer : all_importers()) names.insert(importer->name());
  return names;
}

// "[platform:]handle": the prefix names a platform only when it is one dmvault imports, so
// handles with colons of their own ("+1:555", "a:b") stay whole.
catalog::PersonHandle parse_handle(std::string_view text, const std::set<std::string>& platforms) {
  const auto colon = text.find(':');
  if (colon != std::string_view::npos && platforms.count(std::string(text.substr(0, colon))) > 0) {
    return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  }
  return {"", std::string(text)};
}

std::string describe(const catalog::PersonHandle& handle) {
  return handle.platform.empty() ? handle.handle : handle.platform + ":" + handle.handle;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The alias file: one person per line, `NAME = HANDLE, HANDLE ...`; blank lines and lines
// starting with '#' are ignored. Errors name the file and the line, never its content.
std::vector<std::pair<std::string, std::vector<catalog::PersonHandle>>> read_alias_file(
    const std::string& path, const std::set<std::string>& platforms) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error(ErrorCode::bad_input, path + ": cannot open the alias file",
                "give a text file of lines 'NAME = HANDLE, HANDLE'");
  }
  std::vector<std::pair<std::string, std::vector<catalog::PersonHandle>>> people;
  std::string line;
  std::size_t number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string_view text = trimmed(line);
    if (text.empty() || text.front() == '#') continue;
    const auto where = path + ": line " + std::to_string(number);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) {
      throw Error(ErrorCode::bad_input, where + ": no '=' between the name and the handles",
                  "write 'NAME = HANDLE, HANDLE'");
    }
    const std::string name(trimmed(text.substr(0, equals)));
    std::vector<catalog::PersonHandle> handles;
    std::string_view rest = text.substr(equals + 1);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = trimmed(rest.substr(0, comma));
      if (!item.empty()) handles.push_back(parse_handle(item, platforms));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    if (name.empty() || handles.empty()) {
      throw Error(ErrorCode::bad_input, where + ": a name and at least one handle are needed",
                  "write 'NAME = HANDLE, HANDLE'");
    }
    people.emplace_back(name, std::move(handles));
  }
  if (file.bad()) throw Error(ErrorCode::io, path + ": cannot read the alias file");
  return people;
}

// Opens the vault for writing, lets `change` edit the catalog, and commits only when it reports
// a change: the vault is left byte for byte as it was otherwise (and after any error).
int change_people(const PeopleOptions& options, Context& context,
                  const std::function<bool(catalog::Catalog&)>& change) {
  require_vault_file(options.vault);
  Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::write, context);
  catalog::Catalog catalog = import::load_catalog_for_update(
      vault, std::filesystem::absolute(options.vault).parent_path());
  if (!change(catalog)) return 1;
  import::store_catalog(vault, catalog);
  vault.commit();
  return 0;
}

int list_people(catalog::Catalog& catalog, const PeopleOptions& options, Context& context) {
  const auto people = catalog.people();
  std::ostream& out = context.output.out();
  for (const auto& person : people) {
    if (options.json) {
      util::JsonWriter json(out);
      json.begin_object();
      json.field("name", person.name);
      json.key("handles").begin_array();
      for (const auto& handle : person.handles) {
        json.begin_object();
        json.field("platform", handle.platform);
        json.field("handle", handle.handle);
        json.end_object();
      }
      json.end_array();
      json.end_object();
      out << '\n';
      continue;
    }
    out << context.output.paint(printable(person.name), Colour::bold) << ':';
    for (const auto& handle : person.handles) out << "  " << printable(describe(handle));
    out << '\n';
  }
  return people.empty() ? 1 : 0;
}

int list_accounts(catalog::Catalog& catalog, const PeopleOptions& options, Context& context) {
  const auto accounts = catalog.sender_accounts(options.platform);
  std::ostream& out = context.output.out();
  std::size_t shown = 0;
  for (const auto& account : accounts) {
    if (options.limit != 0 && shown == options.limit) break;
    ++shown;
    if (options.json) {
      util::JsonWriter json(out);
      json.begin_object();
      json.field("platform", account.platform);
      json.field("sender", account.sender);
      json.field("sender_id", account.sender_id);
      json.field("messages", account.messages);
      json.field("person", account.person);
      json.end_object();
      out << '\n';
      continue;
    }
    out << account.messages << "  [" << account.platform << "]  " << printable(account.sender);
    if (!account.sender_id.empty() && account.sender_id != account.sender) {
      out << context.output.paint("  id " + printable(account.sender_id), Colour::dim);
    }
    if (!account.person.empty()) out << "  -> " << printable(account.person);
    out << '\n';
  }
  return accounts.empty() ? 1 : 0;
}

}  // namespace

CLI::App* add_people_command(CLI::App& app, PeopleOptions& options, PeopleCommands& commands) {
  CLI::App* people =
      app.add_subcommand("people", "Link one person's accounts on several platforms");
  people->require_subcommand(1);
  const auto handle_help =
      "[PLATFORM:]HANDLE: a user id or a sender name as messages show it (see 'people "
      "accounts'); without PLATFORM it counts on every platform";

  commands.link = people->add_subcommand("link", "Link handles to a person (created if new)");
  add_vault_argument(*commands.link, options.vault);
  commands.link->add_option("name", options.name, "The person's name, as from: will match it")
      ->required()
      ->check(non_empty_argument());
  commands.link->add_option("handles", options.handles, handle_help)->required();
  add_unlock_options(*commands.link, options.unlock);

  commands.unlink = people->add_subcommand(
      "unlink", "Remove handles from a person, or the person when no handle is given");
  add_vault_argument(*commands.unlink, options.vault);
  commands.unlink->add_option("name", options.name, "The person's name")
      ->required()
      ->check(non_empty_argument());
  commands.unlink->add_option("handles", options.handles, handle_help);
  add_unlock_options(*commands.unlink, options.unlock);

  commands.import = people->add_subcommand(
      "import", "Link everyone listed in an alias file (lines 'NAME = HANDLE, HANDLE')");
  add_vault_argument(*commands.import, options.vault);
  commands.import->add_option("file", options.alias_file, "The alias file")
      ->required()
      ->check(non_empty_argument());
  add_unlock_options(*commands.import, options.unlock);

  commands.list = people->add_subcommand("list", "List the people and their handles");
  add_vault_argument(*commands.list, options.vault);
  add_json_flag(*commands.list, options.json);
  add_unlock_options(*commands.list, options.unlock);

  commands.accounts = people->add_subcommand(
      "accounts", "List every sender account in the vault, most messages first");
  add_vault_argument(*commands.accounts, options.vault);
  commands.accounts->add_option("--platform", options.platform, "Only this platform's accounts");
  commands.accounts->add_option("--limit", options.limit, "Show at most N accounts");
  add_json_flag(*commands.accounts, options.json);
  add_unlock_options(*commands.accounts, options.unlock);
  return people;
}

int run_people(const PeopleOptions& options, const PeopleCommands& commands, Context& context) {
  const std::set<std::string> platforms = platform_names();
  std::vector<catalog::PersonHandle> handles;
  for (const std::string& text : options.handles) handles.push_back(parse_handle(text, platforms));

  if (commands.link->parsed()) {
    return change_people(options, context, [&](catalog::Catalog& catalog) {
      catalog.link_person(options.name, handles);
      return true;
    });
  }
  if (commands.unlink->parsed()) {
    const int status = change_people(options, context, [&](catalog::Catalog& catalog) {
      return catalog.unlink_person(options.name, handles);
    });
    if (status == 1) context.output.warning("nothing to unlink: no such person or handle");
    return status;
  }
  if (commands.import->parsed()) {
    // Read before the passphrase is asked: a mistake in the file costs no unlock.
    const auto people = read_alias_file(options.alias_file, platforms);
    return change_people(options, context, [&](catalog::Catalog& catalog) {
      for (const auto& [name, person_handles] : people) {
        catalog.link_person(name, person_handles);
      }
      return !people.empty();
    });
  }
  require_vault_file(options.vault);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  if (commands.accounts->parsed()) return list_accounts(catalog, options, context);
  return list_people(catalog, options, context);
}

}  // namespace dmvault::cli
