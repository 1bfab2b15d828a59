#include "cli/cmd_stats.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"
#include "stats/stats.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>

namespace dmvault::cli {

namespace {

constexpr std::size_t kShown = 10;  // rows per list in the text output

void write_text(std::ostream& out, const Output& output, const stats::Stats& s) {
  out << s.messages << " messages, " << s.system_messages << " notices, " << s.attachments
      << " attachments in " << s.conversations << " conversations, from " << s.per_person.size()
      << " people\n";
  if (s.first_ms && s.last_ms) {
    out << "from " << format_local_minute(*s.first_ms) << " to " << format_local_minute(*s.last_ms)
        << " (" << s.months.size() << " months)\n";
  }
  const auto heading = [&](const char* title) {
    out << '\n' << output.paint(title, Colour::bold) << '\n';
  };
  heading("Conversations");
  for (std::size_t i = 0; i < s.per_conversation.size() && i < kShown; ++i) {
    const stats::Series& c = s.per_conversation[i];
    out << "  " << c.messages << "  " << printable(c.name.empty() ? "(untitled)" : c.name) << "  ("
        << c.platform << ", id " << c.conversation_id << ")\n";
  }
  heading("People");
  for (std::size_t i = 0; i < s.per_person.size() && i < kShown; ++i) {
    out << "  " << s.per_person[i].messages << "  " << printable(s.per_person[i].name) << '\n';
  }
  heading("Busiest hours");
  std::array<std::size_t, 24> hours{};
  for (std::size_t h = 0; h < hours.size(); ++h) hours[h] = h;
  std::stable_sort(hours.begin(), hours.end(),
                   [&](std::size_t a, std::size_t b) { return s.hours[a] > s.hours[b]; });
  for (std::size_t i = 0; i < 3; ++i) {
    out << "  " << (hours[i] < 10 ? "0" : "") << hours[i] << ":00  " << s.hours[hours[i]] << '\n';
  }
  heading("Weekdays");
  static constexpr std::array<const char*, 7> kDays{"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
  for (std::size_t d = 0; d < kDays.size(); ++d) {
    out << "  " << kDays[d] << "  " << s.weekdays[d] << '\n';
  }
  heading("Attachments");
  for (const auto& [kind, count] : s.media) out << "  " << kind << "  " << count << '\n';
  heading("Top words");
  for (std::size_t i = 0; i < s.top_words.size() && i < kShown; ++i) {
    out << "  " << s.top_words[i].second << "  " << printable(s.top_words[i].first) << '\n';
  }
}

}  // namespace

CLI::App* add_stats_command(CLI::App& app, StatsOptions& options) {
  CLI::App* command =
      app.add_subcommand("stats", "Count messages per month, person, hour, type and word");
  add_vault_argument(*command, options.vault);
  add_json_flag(*command, options.json);
  command
      ->add_option("--conversation", options.conversation,
                   "Only this conversation (an id from 'dmvault list', or a title)")
      ->check(non_empty_argument());
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  return command;
}

int run_stats(const StatsOptions& options, Context& context) {
  apply_time_options(options.time);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  std::optional<std::int64_t> conversation;
  if (!options.conversation.empty()) {
    const auto found = catalog.find_conversation(options.conversation);
    if (!found) {
      throw Error(ErrorCode::usage, "no conversation matches '" + options.conversation + "'",
                  "see 'dmvault list' for the ids and titles");
    }
    conversation = found->id;
  }
  const stats::Stats s = stats::compute(catalog, conversation);
  if (options.json) {
    stats::write_json(context.output.out(), s);
  } else {
    write_text(context.output.out(), context.output, s);
  }
  return 0;
}

}  // namespace dmvault::cli
