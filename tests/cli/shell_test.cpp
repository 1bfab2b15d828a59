// `dmvault shell` in-process: how a typed line is taken apart (shell_line.cpp), and whole
// sessions over a small in-memory catalog read from a stream, as a script would pipe them in.
#include "catalog/catalog.hpp"
#include "cli/cmd_shell.hpp"
#include "cli/line_reader.hpp"
#include "cli/shell_line.hpp"
#include "cli/terminal.hpp"
#include "dmvault/error.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace dmvault::cli {
namespace {

// --- Lines -----------------------------------------------------------------------------------

TEST(ShellLine, WordsQuotesAndEscapes) {
  const auto words = split_words("  search \"two words\" it\\'s 'a \"b\"'\tend ");
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[0].text, "search");
  EXPECT_EQ(words[1].text, "two words");
  EXPECT_EQ(words[2].text, "it's");
  EXPECT_EQ(words[3].text, "a \"b\"");
  EXPECT_EQ(words[4].text, "end");
  EXPECT_EQ(words[1].begin, 9u);
  EXPECT_EQ(words[1].end, 20u);
  // An unterminated quote runs to the end rather than losing the rest of the line.
  const auto open = split_words("say \"no end");
  ASSERT_EQ(open.size(), 2u);
  EXPECT_EQ(open[1].text, "no end");
}

TEST(ShellLine, SearchKeepsItsQueryVerbatimAfterTheOptions) {
  const ShellLine line = parse_shell_line("search --limit 5 -C 2 --sort=oldest \"bom dia\" -spam");
  EXPECT_EQ(line.command, ShellLine::Command::search);
  EXPECT_EQ(line.options, (std::vector<std::pair<std::string, std::string>>{
                              {"--limit", "5"}, {"-C", "2"}, {"--sort", "oldest"}}));
  EXPECT_EQ(line.argument, "\"bom dia\" -spam");
  // A leading exclusion is part of the query, and "--" ends the options.
  EXPECT_EQ(parse_shell_line("search -spam eggs").argument, "-spam eggs");
  EXPECT_EQ(parse_shell_line("search -- --limit").argument, "--limit");
  // A line without a command word is a query as a whole.
  const ShellLine bare = parse_shell_line("from:ana (café OR tea)");
  EXPECT_EQ(bare.command, ShellLine::Command::search);
  EXPECT_EQ(bare.argument, "from:ana (café OR tea)");
}

TEST(ShellLine, OtherCommands) {
  const ShellLine show = parse_shell_line("show --around 2024-06-01 Trip to   Lisbon");
  EXPECT_EQ(show.command, ShellLine::Command::show);
  EXPECT_EQ(show.argument, "Trip to Lisbon");
  EXPECT_EQ(show.options.size(), 1u);
  EXPECT_EQ(parse_shell_line("list --json").command, ShellLine::Command::list);
  EXPECT_EQ(parse_shell_line("help").command, ShellLine::Command::help);
  EXPECT_EQ(parse_shell_line("quit").command, ShellLine::Command::quit);
  EXPECT_EQ(parse_shell_line("exit").command, ShellLine::Command::quit);
  EXPECT_EQ(parse_shell_line("   ").command, ShellLine::Command::none);
  EXPECT_EQ(parse_shell_line("# a comment").command, ShellLine::Command::none);
}

TEST(ShellLine, MistakesAreUsageErrors) {
  for (const char* line : {"search --limit", "search --bogus x", "show", "show --limit",
                           "list extra", "list --json=yes", "search --json=1 x"}) {
    try {
      parse_shell_line(line);
      ADD_FAILURE() << "accepted: " << line;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::usage) << line;
    }
  }
}

// --- Sessions --------------------------------------------------------------------------------

Message text_message(const std::string& sender, std::int64_t ms, const std::string& text) {
  Message m;
  m.sender = sender;
  m.timestamp_ms = ms;
  m.text = text;
  m.raw = "{}";
  m.source_path = "messages/inbox/t/message_1.json";
  return m;
}

catalog::Catalog small_catalog() {
  catalog::Catalog catalog = catalog::Catalog::create();
  catalog::SourceRecord source;
  source.platform = "instagram";
  source.export_name = "export.zip";
  const std::int64_t id = catalog.begin_source(source);
  Conversation c;
  c.platform = "instagram";
  c.thread_id = "t";
  c.title = "Trip";
  c.participants = {{"Ana", "", false}, {"Me", "", true}};
  catalog.add_conversation(id, c);
  // 2024-06-01 10:00 UTC, a minute apart.
  const std::int64_t t0 = 1'717'236'000'000;
  const std::vector<Message> messages{text_message("Ana", t0, "café at noon?"),
                                      text_message("Me", t0 + 60'000, "yes, the usual place"),
                                      text_message("Ana", t0 + 120'000, "order 1234 is late")};
  for (const Message& m : messages) catalog.add_message(id, "instagram", "t", m, {});
  catalog.finish_source(id, source);
  return catalog;
}

class NoPrompter final : public Prompter {
 public:
  bool available() override { return false; }
  SecretBytes ask_secret(std::string_view) override { throw std::logic_error("no terminal"); }
};

struct Session {
  std::ostringstream out;
  std::ostringstream err;
  int status = -1;
};

Session run_session(const std::string& input, bool json = false) {
  setenv("TZ", "UTC0", 1);
  tzset();
  catalog::Catalog catalog = small_catalog();
  Session session;
  Output output(session.out, session.err, false, false);
  NoPrompter prompter;
  Context context{output, prompter, [](const char*) -> const char* { return nullptr; }};
  std::istringstream in(input);
  const auto lines = stream_line_reader(in);
  ShellOptions options;
  options.json = json;
  session.status = shell_session(catalog, options, *lines, context, false);
  return session;
}

TEST(ShellSession, ScriptsGetOnlyResults) {
  const Session s = run_session("cafe\nsearch --count from:ana\nlist\nshow --limit 1 Trip\n");
  EXPECT_EQ(s.status, 0) << s.err.str();
  EXPECT_EQ(s.out.str(),
            "2024-06-01 10:00  Trip  Ana: café at noon?\n"
            "2\n"
            "1  Trip  [instagram]  3 messages, 2024-06-01 to 2024-06-01\n"
            "2024-06-01 10:00  Ana: café at noon?\n");
  EXPECT_EQ(s.err.str(), "");
}

TEST(ShellSession, ABadLineIsReportedAndTheSessionGoesOn) {
  const Session s = run_session("(unclosed\nsearch --regex \"\\d{4}\" late\nquit\nusual\n");
  EXPECT_EQ(s.status, 2);
  EXPECT_NE(s.err.str().find("query: unmatched '(' at position 1"), std::string::npos)
      << s.err.str();
  // The next line ran; the line after quit did not.
  EXPECT_EQ(s.out.str(), "2024-06-01 10:02  Trip  Ana: order 1234 is late\n");
}

TEST(ShellSession, JsonLines) {
  const Session s = run_session("noon\nsearch --limit 1 -C 1 usual\n", true);
  EXPECT_EQ(s.status, 0) << s.err.str();
  std::istringstream lines(s.out.str());
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 4u) << s.out.str();
  for (const std::string& line : got) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
  }
  EXPECT_NE(got[0].find("\"snippet\""), std::string::npos);
  // -C 1 around the middle message: its neighbours carry no snippet.
  EXPECT_EQ(got[1].find("\"snippet\""), std::string::npos);
  EXPECT_NE(got[2].find("\"snippet\""), std::string::npos);
  EXPECT_EQ(got[3].find("\"snippet\""), std::string::npos);
}

}  // namespace
}  // namespace dmvault::cli
