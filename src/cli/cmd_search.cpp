#include "cli/cmd_search.hpp"

#include "catalog/regex_match.hpp"
#include "cli/common_options.hpp"
#include "cli/display.hpp"
#include "cli/message_json.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"
#include "query/query.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>

namespace dmvault::cli {

namespace {

// JSON snippets mark matches with these (documented in dmvault(1)); the text output paints them.
constexpr std::string_view kJsonMatchStart = "\u00ab";  // «
constexpr std::string_view kJsonMatchEnd = "\u00bb";    // »

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
                const std::string& body, bool is_context) {
  out << (is_context ? "  " : "") << output.paint(format_local_minute(m.timestamp_ms), Colour::dim)
      << "  "
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
  command->add_option(
      "query", options.query,
      "Words, \"phrases\", prefix*, -word, OR, from: after: has: ... (man dmvault)");
  command->add_option("--regex", options.regex,
                      "Also match the message text against this Perl-compatible pattern");
  command->add_flag("--json", options.json, "Print one JSON object per message (JSON Lines)");
  command->add_flag("--count", options.count, "Print only the number of matching messages");
  command->add_option("--limit", options.limit, "Show at most N messages (default 50; 0: all)");
  command->add_option("--sort", options.sort, "newest (default), oldest or relevance");
  command->add_option("-C,--context", options.context,
                      "Show N messages before and after each hit, in its conversation");
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  return command;
}

catalog::SearchRequest search_request(const SearchOptions& options) {
  if (options.query.empty() && options.regex.empty()) {
    throw Error(ErrorCode::usage, "search: no query given",
                "give words to look for, a filter like from:NAME, or --regex PATTERN");
  }
  catalog::SearchRequest request;
  if (!options.query.empty()) {
    request = query::translate(query::parse(options.query), {options.time.utc});
  }
  if (!options.regex.empty()) {
    (void)catalog::Regex::compile(options.regex);  // a mistake is reported before unlocking
    request.regex = options.regex;
  }
  request.sort = parse_sort(options.sort);
  request.limit = options.limit;
  request.context = options.context;
  return request;
}

namespace {

// What -C prints: hits whose context windows share a message are merged into one group (like
// grep, but also when hits of other conversations come between them in the output order), each
// message once, in time order. A group comes where its first hit would.
struct Group {
  struct Line {
    catalog::MessageView message;
    const std::string* snippet = nullptr;  // set for hits
  };
  std::map<std::int64_t, Line> lines;  // by message id, which follows time
};

std::vector<Group> group_hits(const std::vector<catalog::SearchHit>& hits) {
  // Union-find over the hits: two hits are joined when their windows share a message.
  std::vector<std::size_t> parent(hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i) parent[i] = i;
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::int64_t, std::size_t> owner;  // message id -> first hit whose window holds it
  const auto window = [](const catalog::SearchHit& hit) {
    std::vector<const catalog::MessageView*> out;
    for (const auto& m : hit.before) out.push_back(&m);
    out.push_back(&hit.message);
    for (const auto& m : hit.after) out.push_back(&m);
    return out;
  };
  for (std::size_t i = 0; i < hits.size(); ++i) {
    for (const auto* m : window(hits[i])) {
      const auto [it, fresh] = owner.try_emplace(m->message_id, i);
      if (!fresh) {
        const std::size_t a = root(it->second);
        const std::size_t b = root(i);
        // The earlier hit stays the root, so groups keep the order of their first hit.
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    }
  }
  std::vector<Group> groups;
  std::map<std::size_t, std::size_t> group_of_root;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto [it, fresh] = group_of_root.try_emplace(root(i), groups.size());
    if (fresh) groups.emplace_back();
    Group& group = groups[it->second];
    for (const auto* m : window(hits[i])) {
      group.lines.try_emplace(m->message_id, Group::Line{*m, nullptr});
    }
    group.lines[hits[i].message.message_id].snippet = &hits[i].snippet;
  }
  return groups;
}

}  // namespace

int search_catalog(catalog::Catalog& catalog, const SearchOptions& options, Context& context,
                   bool results_only) {
  const catalog::SearchRequest request = search_request(options);
  std::ostream& out = context.output.out();
  if (options.count) {
    const std::uint64_t count = catalog.count_matches(request);
    out << count << '\n';
    return count == 0 ? 1 : 0;
  }
  const std::vector<catalog::SearchHit> hits = catalog.search(request);
  bool first_group = true;
  for (const Group& group : group_hits(hits)) {
    if (!options.json && options.context > 0 && !first_group) out << "--\n";
    first_group = false;
    for (const auto& [id, line] : group.lines) {
      const catalog::MessageView& m = line.message;
      if (options.json) {
        if (line.snippet != nullptr) {
          const std::string snippet = json_snippet(*line.snippet);
          write_message_json(out, m, &snippet);
        } else {
          write_message_json(out, m, nullptr);
        }
        continue;
      }
      // A hit with no text (a photo found by has:photo) shows what it holds instead.
      const bool is_hit = line.snippet != nullptr;
      const std::string body = !is_hit || line.snippet->empty()
                                   ? context_body(m)
                                   : painted_snippet(*line.snippet, context.output);
      write_line(out, context.output, m, body, !is_hit);
    }
  }
  if (!results_only && !options.json && options.limit != 0 && hits.size() == options.limit) {
    const std::uint64_t total = catalog.count_matches(request);
    if (total > hits.size()) {
      context.output.hint("showing " + std::to_string(hits.size()) + " of " +
                          std::to_string(total) + " matches; --limit 0 shows them all");
    }
  }
  return hits.empty() ? 1 : 0;
}

int run_search(const SearchOptions& options, Context& context) {
  apply_time_options(options.time);
  // The query is checked before the vault is unlocked: a typo costs no passphrase.
  (void)search_request(options);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  return search_catalog(catalog, options, context, false);
}

}  // namespace dmvault::cli
