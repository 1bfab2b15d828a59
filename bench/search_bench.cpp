// dmvault-bench-search: how long the searches of `dmvault shell` take once a vault is unlocked,
// and what unlocking and loading the catalog cost. It runs the shell's own code path
// (cli::search_catalog, formatting included, output discarded) so the figures are what a user
// waits for between pressing Enter and seeing the answer.
//
//   dmvault-bench-search VAULT PASSPHRASE_FILE [--runs N] LABEL=QUERY...
//
// Prints one markdown table row per query: label, query, hits, median and best time in ms.
#include "catalog/catalog.hpp"
#include "cli/cmd_search.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"
#include "cli/terminal.hpp"
#include "dmvault/error.hpp"
#include "dmvault/vault.hpp"
#include "import/catalog_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class NoPrompter final : public dmvault::cli::Prompter {
 public:
  bool available() override { return false; }
  dmvault::SecretBytes ask_secret(std::string_view) override {
    throw std::logic_error("the benchmark reads the passphrase from a file");
  }
};

dmvault::SecretBytes read_passphrase(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  dmvault::SecretBytes secret = dmvault::normalize_passphrase({bytes, text.size()});
  std::fill(text.begin(), text.end(), '\0');
  return secret;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: dmvault-bench-search VAULT PASSPHRASE_FILE [--runs N] LABEL=QUERY...\n";
    return 2;
  }
  try {
    const std::string vault_path = argv[1];
    int runs = 21;
    std::vector<std::pair<std::string, std::string>> queries;
    for (int i = 3; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--runs" && i + 1 < argc) {
        runs = std::max(1, std::stoi(argv[++i]));
        continue;
      }
      const auto eq = arg.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("not LABEL=QUERY: " + arg);
      queries.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
    }

    auto start = Clock::now();
    dmvault::Credential credential{dmvault::Credential::Kind::passphrase, read_passphrase(argv[2])};
    const dmvault::Vault vault = dmvault::Vault::open(vault_path, credential, {});
    const double unlock_ms = ms_since(start);
    // What every read-only command does: the catalog is paged, so opening it reads a few pages.
    start = Clock::now();
    dmvault::catalog::Catalog catalog = dmvault::import::load_catalog(vault);
    const double load_ms = ms_since(start);
    std::cout << "| step | ms |\n|---|---|\n";
    std::cout << "| unlock (KDF and header) | " << unlock_ms << " |\n";
    std::cout << "| catalog open (paged) | " << load_ms << " |\n\n";

    std::cout << "| query | text | hits | median ms | best ms |\n|---|---|---|---|---|\n";
    for (const auto& [label, query] : queries) {
      std::ostringstream out;
      std::ostringstream err;
      dmvault::cli::Output output(out, err, false, false);
      NoPrompter prompter;
      dmvault::cli::Context context{output, prompter,
                                    [](const char*) -> const char* { return nullptr; }};
      dmvault::cli::SearchOptions options;
      options.query = query;
      options.limit = 50;
      std::vector<double> times;
      std::size_t hits = 0;
      for (int run = 0; run < runs; ++run) {
        out.str("");
        const auto t = Clock::now();
        dmvault::cli::search_catalog(catalog, options, context, true);
        times.push_back(ms_since(t));
        const std::string printed = out.str();
        hits = static_cast<std::size_t>(std::count(printed.begin(), printed.end(), '\n'));
      }
      std::sort(times.begin(), times.end());
      char row[512];
      std::snprintf(row, sizeof row, "| %s | `%s` | %zu | %.2f | %.2f |\n", label.c_str(),
                    query.c_str(), hits, times[times.size() / 2], times.front());
      std::cout << row;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "dmvault-bench-search: " << e.what() << '\n';
    return 1;
  }
}
