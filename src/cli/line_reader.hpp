// Where the shell's lines come from: the terminal with line editing (libedit), or any stream
// (a pipe, a file, a test). History lives only in memory: no history file is read or written,
// since the queries a user types say what they look for.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace dmvault::cli {

class LineReader {
 public:
  virtual ~LineReader() = default;
  // The next line without its newline; nullopt at end of input (Ctrl-D on a terminal).
  virtual std::optional<std::string> read_line(const std::string& prompt) = 0;
};

// Lines of `in`; prompts are not shown (scripts read the output).
std::unique_ptr<LineReader> stream_line_reader(std::istream& in);

// The terminal on stdin/stdout with editing and an in-memory history (libedit).
std::unique_ptr<LineReader> terminal_line_reader();

}  // namespace dmvault::cli
