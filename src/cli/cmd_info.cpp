#include "cli/cmd_info.hpp"

#include "cli/catalog_counts.hpp"
#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "util/json_writer.hpp"

#include <CLI/CLI.hpp>

#include <ostream>
#include <string_view>

namespace dmvault::cli {

namespace {

void write_json(std::ostream& out, const std::string& path, const VaultInfo& info,
                const CatalogCounts& counts) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("vault", path);
  json.field("format_version", info.format_version);
  json.field("vault_id", info.vault_id);
  json.field("commits", info.commits);
  if (info.commits > 0) {
    json.field("last_commit", format_timestamp(info.last_commit_unix_ms));
    json.field("last_commit_ms", info.last_commit_unix_ms);
  } else {
    json.key("last_commit").null();
    json.key("last_commit_ms").null();
  }
  json.field("objects", info.objects);
  json.field("stored_bytes", info.stored_bytes);
  json.field("vault_bytes", info.vault_bytes);
  json.field("kdf", "argon2id");
  json.key("keyslots").begin_array();
  for (const KeyslotInfo& slot : info.keyslots) {
    json.begin_object();
    json.field("index", slot.index);
    json.field("kind", credential_kind_name(slot.kind));
    json.field("opslimit", slot.kdf.opslimit);
    json.field("memlimit", slot.kdf.memlimit);
    json.end_object();
  }
  json.end_array();
  json.field("conversations", counts.conversations);
  json.field("messages", counts.messages);
  json.field("system_messages", counts.system_messages);
  json.field("attachments", counts.attachments);
  json.field("media_files", counts.media_files);
  json.field("media_bytes", counts.media_bytes);
  json.key("sources").begin_array();
  for (const catalog::SourceRecord& source : counts.sources) {
    json.begin_object();
    json.field("id", source.id);
    json.field("platform", source.platform);
    json.field("export", source.export_name);
    json.field("imported", format_timestamp(source.imported_ms));
    json.field("files", source.files);
    json.field("bytes", source.bytes);
    json.field("messages_added", source.messages_added);
    json.field("messages_duplicate", source.messages_duplicate);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  out << '\n';
}

class TextTable {
 public:
  TextTable(std::ostream& out, const Output& output) : m_out(out), m_output(output) {}
  std::ostream& row(std::string_view label) {
    m_out << m_output.paint(label, Colour::bold)
          << std::string(label.size() < kWidth ? kWidth - label.size() : 1, ' ');
    return m_out;
  }

 private:
  static constexpr std::size_t kWidth = 16;
  std::ostream& m_out;
  const Output& m_output;
};

void write_text(Output& output, const std::string& path, const VaultInfo& info,
                const CatalogCounts& counts) {
  std::ostream& out = output.out();
  TextTable table(out, output);
  table.row("vault") << printable(path) << '\n';
  table.row("format version") << info.format_version << '\n';
  table.row("vault id") << info.vault_id << '\n';
  table.row("commits") << info.commits;
  if (info.commits > 0) out << ", last " << format_timestamp(info.last_commit_unix_ms);
  out << '\n';
  table.row("objects") << info.objects << " (" << format_bytes(info.stored_bytes) << " stored)\n";
  table.row("file size") << format_bytes(info.vault_bytes) << " (" << info.vault_bytes
                         << " bytes)\n";
  for (const KeyslotInfo& slot : info.keyslots) {
    const std::string label = "keyslot " + std::to_string(slot.index);
    table.row(label) << (slot.kind == Credential::Kind::passphrase ? "passphrase" : "recovery key")
                     << ", Argon2id opslimit " << slot.kdf.opslimit << ", memlimit "
                     << format_memlimit(slot.kdf.memlimit) << '\n';
  }
  table.row("conversations") << counts.conversations << '\n';
  table.row("messages") << counts.messages << " (and " << counts.system_messages
                        << " system messages)\n";
  table.row("attachments") << counts.attachments << " (" << counts.media_files << " media files, "
                           << format_bytes(counts.media_bytes) << ")\n";
  // One line per import (the N of `export --format original --source N`).
  for (const catalog::SourceRecord& source : counts.sources) {
    table.row("source " + std::to_string(source.id))
        << source.platform << ", " << printable(source.export_name) << ", imported "
        << format_timestamp(source.imported_ms).substr(0, 10) << ", " << source.messages_added
        << " messages added (" << source.messages_duplicate << " already there)\n";
  }
}

}  // namespace

CLI::App* add_info_command(CLI::App& app, InfoOptions& options) {
  CLI::App* command = app.add_subcommand("info", "Show what a vault holds and how it is protected");
  add_vault_argument(*command, options.vault);
  add_unlock_options(*command, options.unlock);
  add_json_flag(*command, options.json);
  return command;
}

int run_info(const InfoOptions& options, Context& context) {
  // The counts are sealed like everything else, so even info needs the secret.
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  const VaultInfo info = vault.info();
  const CatalogCounts counts = catalog_counts(vault, options.vault);
  if (options.json) {
    write_json(context.output.out(), options.vault, info, counts);
  } else {
    write_text(context.output, options.vault, info, counts);
  }
  return 0;
}

}  // namespace dmvault::cli
