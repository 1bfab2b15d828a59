#include "cli/cmd_search.hpp"

#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/message_json.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"
#include "query/query.hpp"

#include <CLI/CLI.hpp>

namespace dmvault::cli {

namespace {

// JSON snippets mark matches with these (documented in dmvault(1)); the text output paints them.
constexpr std::string_view kJsonMatchStart = "\u00ab";  // «
constexpr std::string_view kJsonMatchEnd = "\u00bb";    // »

std::string time_of(std::int64_t unix_ms, bool utc) {
  if (!utc) return format_local_minute(unix_ms);
  const std::string iso = format_timestamp(unix_ms);  // 2024-09-05T10:13:22.546Z
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

// One line: new lines and control characters of the message become spaces / '?'.
std::string one_line(std::string_view text) {
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return printable(flat);
}

std::string json_snippet(std::string_view snippet) {
  std::string out;
  for (const char c : snippet) {
    if (c == catalog::kMatchStart) {
      out += kJsonMatchStart;
    } else if (c == catalog::kMatchEnd) {
      out += kJsonMatchEnd;
    } else {
      out += c;
    }
  }
  return out;
}

// The snippet with its matches painted (on a terminal) or unmarked.
std::string painted_snippet(std::string_view snippet, const Output& output) {
  std::string out;
  std::size_t at = 0;
  while (at < snippet.size()) {
    const std::size_t start = snippet.find(catalog::kMatchStart, at);
    if (start == std::string_view::npos) {
      out += one_line(snippet.substr(at));
      break;
    }
    out += one_line(snippet.substr(at, start - at));
    std::size_t end = snippet.find(catalog::kMatchEnd, start + 1);
    if (end == std::string_view::npos) end = snippet.size();
    out += output.paint(one_line(snippet.substr(start + 1, end - start - 1)), Colour::red);
    at = end + 1;
  }
  return out;
}

void write_line(std::ostream& out, const Output& output, const catalog::MessageView& m,
                const std::string& body, bool utc, bool is_context) {
  out << (is_context ? "  " : "") << output.paint(time_of(m.timestamp_ms, utc), Colour::dim) << "  "
      << output.paint(one_line(m.conversation.empty() ? "(untitled)" : m.conversation),
                      Colour::cyan)
      << "  " << output.paint(one_line(m.sender.empty() ? "(system)" : m.sender), Colour::bold)
      << ": " << body << '\n';
}

std::string context_body(const catalog::MessageView& m) {
  constexpr std::size_t kMax = 160;
  if (m.kind == "unsent") return "(unsent)";
  std::string text = m.text;
  if (text.empty() && !m.attachments.empty()) text = "[" + m.attachments.front().kind + "]";
  if (text.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return one_line(text);
}

catalog::SearchRequest::Sort parse_sort(const std::string& sort) {
  if (sort == "newest") return catalog::SearchRequest::Sort::newest;
  if (sort == "oldest") return catalog::SearchRequest::Sort::oldest;
  if (sort == "relevance") return catalog::SearchRequest::Sort::relevance;
  throw Error(ErrorCode::usage, "--sort: '" + sort + "' is not an order",
              "write --sort newest, oldest or relevance");
}

}  // namespace

CLI::App* add_search_command(CLI::App& app, SearchOptions& options) {
  CLI::App* command = app.add_subcommand("search", "Find the messages that match a query");
  add_vault_argument(*command, options.vault);
  command
      ->add_option("query", options.query,
                   "Words, \"phrases\", prefix*, -word, OR, from: after: has: ... (man dmvault)")
      ->required();
  command->add_flag("--json", options.json, "Print one JSON object per message (JSON Lines)");
  command->add_flag("--count", options.count, "Print only the number of matching messages");
  command->add_option("--limit", options.limit, "Show at most N messages (default 50; 0: all)");
  command->add_option("--sort", options.sort, "newest (default), oldest or relevance");
  command->add_option("-C,--context", options.context,
                      "Show N messages before and after each hit, in its conversation");
  command->add_flag("--utc", options.utc, "Dates in the query and times shown are UTC");
  add_unlock_options(*command, options.unlock);
  return command;
}

int run_search(const SearchOptions& options, Context& context) {
  // The query is checked before the vault is unlocked: a typo costs no passphrase.
  const query::Node ast = query::parse(options.query);
  catalog::SearchRequest request = query::translate(ast, {options.utc});
  request.sort = parse_sort(options.sort);
  request.limit = options.limit;
  request.context = options.context;

  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  std::ostream& out = context.output.out();
  if (options.count) {
    const std::uint64_t count = catalog.count_matches(request);
    out << count << '\n';
    return count == 0 ? 1 : 0;
  }
  const std::vector<catalog::SearchHit> hits = catalog.search(request);
  bool first_group = true;
  for (const catalog::SearchHit& hit : hits) {
    if (options.json) {
      for (const auto& m : hit.before) write_message_json(out, m, nullptr);
      const std::string snippet = json_snippet(hit.snippet);
      write_message_json(out, hit.message, &snippet);
      for (const auto& m : hit.after) write_message_json(out, m, nullptr);
      continue;
    }
    if (options.context > 0 && !first_group) out << "--\n";
    first_group = false;
    for (const auto& m : hit.before) {
      write_line(out, context.output, m, context_body(m), options.utc, true);
    }
    // A hit with no text (a photo found by has:photo) shows what it holds instead.
    write_line(out, context.output, hit.message,
               hit.snippet.empty() ? context_body(hit.message)
                                   : painted_snippet(hit.snippet, context.output),
               options.utc, false);
    for (const auto& m : hit.after) {
      write_line(out, context.output, m, context_body(m), options.utc, true);
    }
  }
  if (!options.json && options.limit != 0 && hits.size() == options.limit) {
    const std::uint64_t total = catalog.count_matches(request);
    if (total > hits.size()) {
      context.output.hint("showing " + std::to_string(hits.size()) + " of " +
                          std::to_string(total) + " matches; --limit 0 shows them all");
    }
  }
  return hits.empty() ? 1 : 0;
}

}  // namespace dmvault::cli
