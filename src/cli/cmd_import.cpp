#include "cli/cmd_import.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "dmvault/import.hpp"
#include "dmvault/storage.hpp"
#include "util/json_writer.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>
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
  void update(std::uint64_t bytes, std::uint64_t files) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(200)) return;
    m_last = now;
    m_drawn = true;
    std::cerr << "\r\033[Kimporting: " << files << " files, " << format_bytes(bytes) << std::flush;
  }

 private:
  bool m_enabled;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last;
};

void write_json(std::ostream& out, const ImportSummary& s) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("platform", s.platform);
  json.field("conversations", s.conversations);
  json.field("messages_added", s.messages_added);
  json.field("messages_duplicate", s.messages_duplicate);
  json.field("attachments_added", s.attachments_added);
  json.field("files", s.files);
  json.field("bytes_read", s.bytes_read);
  json.field("bytes_stored", s.bytes_stored);
  json.field("files_unchanged", s.files_unchanged);
  json.field("unchanged_since_source", s.unchanged_since_source);
  json.field("warnings", s.warnings);
  json.field("skipped_entries", s.skipped_entries);
  json.end_object();
  out << '\n';
}

// The writer's lock, retried until it is free or `wait_seconds` (0: no limit) have passed. A retry
// loop rather than a blocking F_OFD_SETLKW because the wait needs a deadline and must not hold
// the process in an uninterruptible call.
std::unique_ptr<Storage> wait_for_writer_lock(const std::string& vault, int wait_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  for (;;) {
    try {
      return open_file_storage(vault, LockMode::exclusive);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::busy) throw;
      if (wait_seconds > 0 && std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The vault open for writing; with --wait the passphrase is read first, so that a prompt is never
// delayed by another process's import.
Vault open_for_import(const ImportOptions& options, Context& context) {
  if (options.wait_seconds < 0) {
    return open_vault(options.vault, options.unlock, Vault::Mode::write, context);
  }
  require_vault_file(options.vault);
  const Credential credential = read_credential(options.unlock, options.vault, context);
  std::unique_ptr<Storage> storage = wait_for_writer_lock(options.vault, options.wait_seconds);
  Vault::OpenOptions open_options;
  open_options.mode = Vault::Mode::write;
  open_options.allow_expensive_kdf = options.unlock.allow_expensive_kdf;
  Output& output = context.output;
  open_options.on_warning = [&output](const std::string& warning) { output.warning(warning); };
  return Vault::open_on(std::move(storage), credential, open_options);
}

}  // namespace

CLI::App* add_import_command(CLI::App& app, ImportOptions& options) {
  CLI::App* command = app.add_subcommand(
      "import", "Seal an export (zip, tar, folder or file; several parts) into a vault");
  add_vault_argument(*command, options.vault);
  command
      ->add_option("export", options.exports,
                   "The export: a zip, a tar, a folder or one file (a chat .txt)")
      ->required()
      ->check(non_empty_argument());
  command->add_option("--platform", options.platform,
                      "Read the export as this platform's (default: detected)");
  command->add_option("--timezone", options.timezone,
                      "Zone of the local times some exports use, e.g. Europe/Lisbon");
  command->add_option("--self", options.self_name, "Your name in exports that do not say it");
  command->add_flag("--no-progress", options.no_progress, "Do not draw a progress line");
  command->add_flag("--rehash", options.rehash,
                    "Read every file, even those an earlier import stored with the same path, "
                    "size and modification time");
  command
      ->add_flag("--wait{0}", options.wait_seconds,
                 "When another process holds the vault, wait for it (--wait=SECONDS: at most "
                 "that long) instead of failing with exit status 6")
      ->check(CLI::Range(0, 31'536'000));
  add_unlock_options(*command, options.unlock);
  add_json_flag(*command, options.json);
  return command;
}

int run_import(const ImportOptions& options, Context& context) {
  Vault vault = open_for_import(options, context);
  Progress progress(!options.no_progress && isatty(STDERR_FILENO) == 1);
  ImportRequest request;
  for (const auto& part : options.exports) request.parts.emplace_back(part);
  request.platform = options.platform;
  request.options.timezone = options.timezone;
  request.options.self_name = options.self_name;
  request.rehash = options.rehash;
  request.scratch_directory = std::filesystem::absolute(options.vault).parent_path();
  request.on_progress = [&progress](std::uint64_t bytes, std::uint64_t files) {
    progress.update(bytes, files);
  };
  Output& output = context.output;
  request.on_warning = [&output](const std::string& w) { output.warning(w); };
  const ImportSummary summary = import_export(vault, request);
  if (options.json) {
    write_json(output.out(), summary);
    return 0;
  }
  std::ostream& out = output.out();
  if (summary.unchanged_since_source != 0) {
    out << "unchanged: this " << summary.platform << " export is the one imported on "
        << format_local_date(summary.unchanged_since_ms) << " (source "
        << summary.unchanged_since_source << "); its " << summary.messages_duplicate
        << " messages are stored, nothing was added\n";
    out << "checked " << summary.files << " files (" << format_bytes(summary.bytes_read)
        << ") by size and modification time; --rehash reads them again\n";
    if (summary.warnings > 0) out << summary.warnings << " warnings (see above)\n";
    return 0;
  }
  out << "imported " << summary.platform << " export: " << summary.conversations
      << " conversations, " << summary.messages_added << " new messages";
  if (summary.messages_duplicate > 0)
    out << " (" << summary.messages_duplicate << " already stored)";
  out << ", " << summary.attachments_added << " attachments\n";
  out << "read " << summary.files << " files (" << format_bytes(summary.bytes_read) << ")";
  if (summary.files_unchanged > 0) {
    out << ", " << summary.files_unchanged << " of them unchanged since an earlier import";
  }
  out << ", the vault grew by " << format_bytes(summary.bytes_stored) << '\n';
  if (summary.warnings > 0) {
    out << summary.warnings << " warnings (see above)\n";
  }
  return 0;
}

}  // namespace dmvault::cli
