#include "cli/line_reader.hpp"

#include <cstdlib>
#include <cstring>
#include <editline/readline.h>

namespace dmvault::cli {

namespace {

class StreamLineReader final : public LineReader {
 public:
  explicit StreamLineReader(std::istream& in) : m_in(in) {}
  std::optional<std::string> read_line(const std::string&) override {
    std::string line;
    if (!std::getline(m_in, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }

 private:
  std::istream& m_in;
};

class EditLineReader final : public LineReader {
 public:
  EditLineReader() {
    // No completion over file names: the shell's words are queries, not paths.
    rl_bind_key('\t', rl_insert);
    using_history();
  }
  ~EditLineReader() override { clear_history(); }
  EditLineReader(const EditLineReader&) = delete;
  EditLineReader& operator=(const EditLineReader&) = delete;

  std::optional<std::string> read_line(const std::string& prompt) override {
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) return std::nullopt;
    std::string line(raw);
    // The line may hold what the user looks for: wipe libedit's copy before freeing it.
    explicit_bzero(raw, std::strlen(raw));
    std::free(raw);
    if (!line.empty() && line != m_last) {
      add_history(line.c_str());
      m_last = line;
    }
    return line;
  }

 private:
  std::string m_last;
};

}  // namespace

std::unique_ptr<LineReader> stream_line_reader(std::istream& in) {
  return std::make_unique<StreamLineReader>(in);
}

std::unique_ptr<LineReader> terminal_line_reader() { return std::make_unique<EditLineReader>(); }

}  // namespace dmvault::cli
