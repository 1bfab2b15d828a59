#include "cli/cmd_export.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/message_json.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "export/exporter.hpp"
#include "import/catalog_store.hpp"
#include "query/query.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace dmvault::cli {

namespace {

// A one-line progress report on stderr, redrawn in place; only on a terminal.
class Progress {
 public:
  explicit Progress(bool enabled) : m_enabled(enabled) {}
  ~Progress() {
    if (m_drawn) std::cerr << "\r\033[K" << std::flush;
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(const exporting::ExportSummary& s) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(200)) return;
    m_last = now;
    m_drawn = true;
    std::cerr << "\r\033[Kexporting: " << s.conversations << " conversations, " << s.messages
              << " messages, " << s.files << " files, " << format_bytes(s.bytes) << std::flush;
  }

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last;
};

// `key:"value"`: the query language has no escape inside quotes, so a quote cannot be passed.
std::string quoted_term(std::string_view option, std::string_view key, const std::string& value) {
  if (value.find('"') != std::string::npos) {
    throw Error(ErrorCode::usage,
                std::string(option) + ": a value with a double quote cannot be searched for",
                "leave the quote out; names match case- and accent-insensitively");
  }
  return std::string(key) + ":\"" + value + "\"";
}

std::string date_term(std::string_view option, std::string_view key, const std::string& value) {
  if (value.empty() || value.find_first_of(" \t\"()") != std::string::npos) {
    throw Error(ErrorCode::usage, std::string(option) + ": '" + value + "' is not a date",
                "write a date as 2021, 2021-06, 2021-06-14 or 2021-06-14T18:30");
  }
  return std::string(key) + ":" + value;
}

exporting::Presentation presentation(const Output& plain) {
  exporting::Presentation show;
  show.message_json = [](std::ostream& out, const catalog::MessageView& m) {
    write_message_json(out, m, nullptr);
  };
  show.message_text = [&plain](std::ostream& out, const catalog::MessageView& m) {
    write_message_text(out, plain, m);
  };
  show.timestamp = format_timestamp;
  show.local_minute = format_local_minute;
  show.local_date = format_local_date;
  return show;
}

exporting::Selection selection_of(const ExportOptions& options, catalog::Catalog& catalog,
                                  const std::string& filter) {
  exporting::Selection selection;
  if (!filter.empty()) {
    selection.request = query::translate(query::parse(filter));
    selection.filtered = true;
  }
  for (const std::string& wanted : options.conversations) {
    const auto found = catalog.find_conversation(wanted);
    if (!found) {
      throw Error(ErrorCode::no_match, "--conversation: no conversation matches '" + wanted + "'",
                  "'dmvault list' shows them all");
    }
    selection.conversation_ids.push_back(found->id);
  }
  return selection;
}

bool exists(const std::string& path) {
  std::error_code ignored;
  return std::filesystem::exists(std::filesystem::symlink_status(path, ignored));
}

int run_to_vault(const ExportOptions& options, Context& context, const std::string& filter) {
  if (exists(options.to_vault)) {
    throw Error(ErrorCode::usage, options.to_vault + ": already exists",
                "--to-vault never replaces a file; choose another path");
  }
  // Filters are checked before anyone types a passphrase.
  if (!filter.empty()) (void)query::parse(filter);
  const std::string prompt = "Passphrase for the new vault " + options.to_vault + ":";
  const NewPassphraseRequest request{.source = options.new_passphrase,
                                     .use_environment = false,
                                     .noun = "new passphrase",
                                     .prompt = prompt,
                                     .no_terminal_hint = "use --new-passphrase-file F"};
  std::optional<SecretBytes> secret;
  if (!options.new_passphrase.file.empty()) {
    secret = read_new_passphrase(request, context);
  } else if (!context.prompter.available()) {
    throw Error(ErrorCode::usage, "no new passphrase given and no terminal to ask on",
                "use --new-passphrase-file F");
  }
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  const exporting::Selection selection = selection_of(options, catalog, filter);
  if (!secret) secret = read_new_passphrase(request, context);

  Credential credential;
  credential.kind = Credential::Kind::passphrase;
  credential.secret = std::move(*secret);
  secret.reset();
  CreateOptions create;
  create.kdf = KdfParams::for_profile(options.kdf);
  Vault::create(options.to_vault, credential, create);
  exporting::ExportSummary summary;
  try {
    Vault target =
        Vault::open(options.to_vault, credential,
                    {.mode = Vault::Mode::write, .allow_expensive_kdf = false, .on_warning = {}});
    Progress progress(!options.no_progress && isatty(STDERR_FILENO) == 1);
    summary = exporting::copy_to_vault(
        vault, catalog, selection, target,
        [&progress](const exporting::ExportSummary& s) { progress.update(s); });
    target.commit();
  } catch (...) {
    // The new vault holds nothing the user asked for yet: do not leave a half-made one.
    std::error_code ignored;
    std::filesystem::remove(options.to_vault, ignored);
    throw;
  }
  const auto count = [](std::uint64_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
  };
  context.output.out() << "copied " << count(summary.conversations, "conversation", "conversations")
                       << ", " << count(summary.messages, "message", "messages") << " and "
                       << count(summary.files, "media file", "media files") << " ("
                       << format_bytes(summary.bytes) << ") into " << printable(options.to_vault)
                       << '\n';
  return 0;
}

}  // namespace

std::string export_filter_query(const ExportOptions& options) {
  std::vector<std::string> terms;
  if (!options.query.empty()) terms.push_back("(" + options.query + ")");
  if (!options.from.empty()) terms.push_back(quoted_term("--from", "from", options.from));
  if (!options.platform.empty()) {
    terms.push_back(quoted_term("--platform", "platform", options.platform));
  }
  if (!options.after.empty()) terms.push_back(date_term("--after", "after", options.after));
  if (!options.before.empty()) terms.push_back(date_term("--before", "before", options.before));
  std::string query;
  for (const std::string& term : terms) {
    if (!query.empty()) query += ' ';
    query += term;
  }
  return query;
}

CLI::App* add_export_command(CLI::App& app, ExportOptions& options) {
  CLI::App* command =
      app.add_subcommand("export", "Write conversations back out: original, html, json, ...");
  add_vault_argument(*command, options.vault);
  command->add_option("--format", options.format, "original, html, json, text, csv or media")
      ->type_name("FORMAT");
  command
      ->add_option("--out", options.out,
                   "A folder, or a file ending in .zip, .tar or .tar.zst, written as one stream")
      ->type_name("PATH")
      ->check(non_empty_argument());
  command->add_flag("--force", options.force,
                    "Write into a non-empty folder, or replace an existing archive");
  command
      ->add_option("--conversation", options.conversations,
                   "Only this conversation (an id from 'list', or a title); repeatable")
      ->type_name("ID|TITLE")
      ->allow_extra_args(false);
  command->add_option("--query", options.query, "Only the messages matching a search query")
      ->type_name("QUERY");
  command->add_option("--from", options.from, "Only the messages of this sender")
      ->type_name("NAME");
  command->add_option("--after", options.after, "Only messages after this date")->type_name("DATE");
  command->add_option("--before", options.before, "Only messages before this date")
      ->type_name("DATE");
  command->add_option("--platform", options.platform, "Only this platform's conversations")
      ->type_name("NAME");
  command
      ->add_option("--source", options.sources,
                   "original: only this import (see 'list --sources'); repeatable")
      ->type_name("N")
      ->allow_extra_args(false);
  command->add_option("--page-size", options.page_size, "html: messages per page (1000)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  command->add_flag("--no-progress", options.no_progress, "Do not draw a progress line");
  add_time_options(*command, options.time);
  command
      ->add_option("--to-vault", options.to_vault,
                   "Copy the selection into a NEW vault with a passphrase of its own")
      ->type_name("NEW.dmv")
      ->check(non_empty_argument());
  command
      ->add_option("--new-passphrase-file", options.new_passphrase.file,
                   "--to-vault: read the new vault's passphrase from file F")
      ->type_name("F")
      ->check(non_empty_argument());
  add_kdf_option(*command, options.kdf);
  add_unlock_options(*command, options.unlock);
  return command;
}

int run_export(const ExportOptions& options, Context& context) {
  apply_time_options(options.time);
  const std::string filter = export_filter_query(options);
  if (!options.to_vault.empty()) {
    if (!options.format.empty() || !options.out.empty()) {
      throw Error(ErrorCode::usage, "--to-vault writes a vault: --format and --out do not apply",
                  "drop --format and --out, or drop --to-vault");
    }
    return run_to_vault(options, context, filter);
  }
  if (options.format.empty() || options.out.empty()) {
    throw Error(ErrorCode::usage, "export needs --format and --out (or --to-vault)",
                "e.g. dmvault export VAULT --format html --out messages.zip");
  }
  const std::optional<exporting::Format> format = exporting::format_from_name(options.format);
  if (!format) {
    throw Error(ErrorCode::usage, "--format: '" + options.format + "' is not a format",
                "write --format original, html, json, text, csv or media");
  }
  if (*format == exporting::Format::original &&
      (!filter.empty() || !options.conversations.empty())) {
    throw Error(ErrorCode::usage,
                "--format original writes whole imports: message filters do not apply",
                "use --source N to pick an import, or another format to filter");
  }
  if (*format != exporting::Format::original && !options.sources.empty()) {
    throw Error(ErrorCode::usage, "--source applies to --format original only");
  }
  // Checked before the unlock: a mistake costs no passphrase.
  if (!filter.empty()) (void)query::parse(filter);
  exporting::check_destination(options.out, options.force);

  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  exporting::ExportRequest request;
  request.format = *format;
  request.selection = selection_of(options, catalog, filter);
  request.sources = options.sources;
  request.page_size = options.page_size;
  std::ostringstream unused_out;
  std::ostringstream unused_err;
  const Output plain(unused_out, unused_err, false, false);
  request.presentation = presentation(plain);
  Progress progress(!options.no_progress && isatty(STDERR_FILENO) == 1);
  request.on_progress = [&progress](const exporting::ExportSummary& s) { progress.update(s); };

  const std::unique_ptr<exporting::OutputSink> sink =
      exporting::open_destination(options.out, options.force);
  const exporting::ExportSummary summary = exporting::export_vault(vault, catalog, request, *sink);
  std::ostream& out = context.output.out();
  out << "exported ";
  if (*format == exporting::Format::original) {
    const std::size_t imports =
        options.sources.empty() ? catalog.sources().size() : options.sources.size();
    out << imports << (imports == 1 ? " import" : " imports");
  } else {
    out << summary.conversations
        << (summary.conversations == 1 ? " conversation, " : " conversations, ") << summary.messages
        << (summary.messages == 1 ? " message" : " messages");
  }
  out << " as " << exporting::format_name(*format) << ": " << summary.files
      << (summary.files == 1 ? " file, " : " files, ") << format_bytes(summary.bytes) << ", to "
      << printable(options.out) << '\n';
  return 0;
}

}  // namespace dmvault::cli
