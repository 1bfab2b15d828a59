// One line typed into `dmvault shell`, taken apart: the command word, its options, and the rest
// of the line kept verbatim as a query (so its quotes and parentheses reach the query parser).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::cli {

struct ShellWord {
  std::string text;       // without its quotes and escapes
  std::size_t begin = 0;  // byte offsets of the word in the line, quotes included
  std::size_t end = 0;
};

// Words split at spaces and tabs; "..." and '...' group; outside quotes a backslash takes the
// next character as it is, inside "..." only before " and \, inside '...' never. An unterminated
// quote runs to the end of the line.
std::vector<ShellWord> split_words(std::string_view line);

struct ShellLine {
  enum class Command { none, search, show, list, help, quit };
  Command command = Command::none;
  // Options before the arguments, as name -> value ("" for flags), in the order written.
  std::vector<std::pair<std::string, std::string>> options;
  // search: the query, verbatim; show: the conversation (its words joined by single spaces).
  std::string argument;
};

// Error(usage) for an option the command does not have or one that lacks its value. A line whose
// first word is not a command is a search query as a whole; empty lines and lines starting with
// '#' are Command::none.
ShellLine parse_shell_line(std::string_view line);

}  // namespace dmvault::cli
