#include "cli/shell_line.hpp"

#include "dmvault/error.hpp"

#include <array>
#include <utility>

namespace dmvault::cli {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

struct OptionSpec {
  std::string_view name;
  bool takes_value;
};

constexpr std::array kSearchOptions{
    OptionSpec{"--json", false}, OptionSpec{"--count", false}, OptionSpec{"--limit", true},
    OptionSpec{"--sort", true},  OptionSpec{"-C", true},       OptionSpec{"--context", true},
    OptionSpec{"--regex", true},
};
constexpr std::array kShowOptions{OptionSpec{"--json", false}, OptionSpec{"--limit", true},
                                  OptionSpec{"--around", true}};
constexpr std::array kListOptions{OptionSpec{"--json", false}};

template <std::size_t N>
const OptionSpec* find_option(const std::array<OptionSpec, N>& specs, std::string_view name) {
  for (const OptionSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Reads the options that follow the command word; returns the index of the first argument word.
template <std::size_t N>
std::size_t read_options(const std::vector<ShellWord>& words, std::string_view command,
                         const std::array<OptionSpec, N>& specs, bool dash_words_are_arguments,
                         ShellLine& out) {
  std::size_t i = 1;
  while (i < words.size()) {
    const std::string& word = words[i].text;
    if (word == "--") return i + 1;
    if (word.size() < 2 || word[0] != '-') return i;
    std::string name = word;
    std::optional<std::string> value;
    if (const auto eq = word.find('='); eq != std::string::npos && word.starts_with("--")) {
      name = word.substr(0, eq);
      value = word.substr(eq + 1);
    }
    const OptionSpec* spec = find_option(specs, name);
    if (spec == nullptr) {
      // "-word" excludes a word in a query; anything else that looks like an option is a typo.
      if (dash_words_are_arguments && !word.starts_with("--")) return i;
      throw Error(ErrorCode::usage, std::string(command) + ": there is no option '" + name + "'",
                  "type help for the commands and their options");
    }
    if (spec->takes_value && !value) {
      if (i + 1 >= words.size()) {
        throw Error(ErrorCode::usage, std::string(command) + ": " + name + " needs a value");
      }
      value = words[++i].text;
    }
    if (!spec->takes_value && value) {
      throw Error(ErrorCode::usage, std::string(command) + ": " + name + " takes no value");
    }
    out.options.emplace_back(name, value.value_or(""));
    ++i;
  }
  return i;
}

}  // namespace

std::vector<ShellWord> split_words(std::string_view line) {
  std::vector<ShellWord> words;
  std::size_t at = 0;
  while (true) {
    while (at < line.size() && is_space(line[at])) ++at;
    if (at >= line.size()) break;
    ShellWord word;
    word.begin = at;
    char quote = 0;
    while (at < line.size() && (quote != 0 || !is_space(line[at]))) {
      const char c = line[at];
      if (quote != 0 && c == quote) {
        quote = 0;
      } else if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == '\\' && at + 1 < line.size() &&
                 (quote == 0 || (quote == '"' && (line[at + 1] == '"' || line[at + 1] == '\\')))) {
        // As in a POSIX shell: inside "..." only \" and \\ are escapes (so a pattern's \d stays).
        word.text += line[++at];
      } else {
        word.text += c;
      }
      ++at;
    }
    word.end = at;
    words.push_back(std::move(word));
  }
  return words;
}

ShellLine parse_shell_line(std::string_view line) {
  ShellLine out;
  const std::vector<ShellWord> words = split_words(line);
  if (words.empty() || line.substr(words.front().begin).starts_with("#")) return out;
  const std::string& first = words.front().text;
  const auto rest_from = [&](std::size_t index) {
    return index < words.size() ? std::string(line.substr(words[index].begin)) : std::string();
  };
  if (first == "search") {
    out.command = ShellLine::Command::search;
    out.argument = rest_from(read_options(words, first, kSearchOptions, true, out));
  } else if (first == "show") {
    out.command = ShellLine::Command::show;
    for (std::size_t i = read_options(words, first, kShowOptions, false, out); i < words.size();
         ++i) {
      if (!out.argument.empty()) out.argument += ' ';
      out.argument += words[i].text;
    }
    if (out.argument.empty()) {
      throw Error(ErrorCode::usage, "show: which conversation?",
                  "write show ID or show TITLE ('list' shows them)");
    }
  } else if (first == "list") {
    out.command = ShellLine::Command::list;
    if (read_options(words, first, kListOptions, false, out) < words.size()) {
      throw Error(ErrorCode::usage, "list: takes no arguments");
    }
  } else if (first == "help" || first == "?") {
    out.command = ShellLine::Command::help;
  } else if (first == "quit" || first == "exit") {
    out.command = ShellLine::Command::quit;
  } else {
    out.command = ShellLine::Command::search;
    out.argument = std::string(line.substr(words.front().begin));
  }
  return out;
}

}  // namespace dmvault::cli
