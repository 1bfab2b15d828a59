// search end to end on a generated 20,000-message Instagram export (issue 4's acceptance): every
// planted word is found exactly where the generator put it (as written, without its accents
// and with from:"Sender Name"), spaceless scripts are found by substring, and the exit statuses,
// --count, -C and the text output behave as dmvault(1) says.
#include "cli/generated_export.hpp"
#include "cli/run_process.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>

extern char** environ;

namespace dmvault {
namespace {

using dmvault::testing::ProcessResult;
using dmvault::testing::read_file;
using dmvault::testing::run_dmvault;
using dmvault::testing::run_generator;
namespace fs = std::filesystem;

struct Occurrence {
  std::string word;
  std::string sender;
  std::int64_t timestamp_ms = 0;
  bool operator<(const Occurrence& o) const {
    return std::tie(word, sender, timestamp_ms) < std::tie(o.word, o.sender, o.timestamp_ms);
  }
  bool operator==(const Occurrence& o) const = default;
};

struct Hit {
  std::string sender;
  std::int64_t timestamp_ms = 0;
  std::int64_t conversation_id = 0;
  std::string text;
  bool has_snippet = false;
  std::string snippet;
};

std::vector<Hit> parse_hits(const std::string& out) {
  std::vector<Hit> hits;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element doc = parser.parse(line);
    Hit hit;
    hit.sender = std::string(doc["sender"].get_string().value());
    hit.timestamp_ms = doc["timestamp_ms"].get_int64().value();
    hit.conversation_id = doc["conversation_id"].get_int64().value();
    hit.text = std::string(doc["text"].get_string().value());
    std::string_view snippet;
    if (doc["snippet"].get_string().get(snippet) == simdjson::SUCCESS) {
      hit.has_snippet = true;
      hit.snippet = std::string(snippet);
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

// The word without the accents the generator's planted words use.
std::string strip_accents(std::string word) {
  const std::vector<std::pair<std::string, std::string>> table{
      {"\u00e9", "e"}, {"\u00e8", "e"}, {"\u00ea", "e"}, {"\u00e1", "a"}, {"\u00e0", "a"},
      {"\u00f6", "o"}, {"\u00f3", "o"}, {"\u00fc", "u"}, {"\u00ed", "i"}, {"\u00e7", "c"},
      {"\u00ee", "i"}, {"\u00ef", "i"}, {"\u00f4", "o"}, {"\u00e3", "a"}, {"\u00f5", "o"},
      {"\u00f1", "n"}, {"\u00e2", "a"}};
  for (const auto& [accented, plain] : table) {
    for (std::size_t at = word.find(accented); at != std::string::npos;
         at = word.find(accented, at)) {
      word.replace(at, accented.size(), plain);
    }
  }
  return word;
}

// The generated export, its vault and its ground truth: made once per test process (ctest runs
// each test in its own process, hence few, broad tests).
fs::path* s_dir = nullptr;
std::vector<Occurrence>* s_planted = nullptr;

std::string vault() { return (*s_dir / "v.dmv").string(); }
std::string pass() { return (*s_dir / "pass").string(); }
ProcessResult search(std::vector<std::string> args) {
  args.insert(args.begin(), {"search", vault()});
  args.push_back("--passphrase-file");
  args.push_back(pass());
  return run_dmvault(args, {.env = {{"TZ", "UTC"}}});
}
std::map<std::string, std::set<Occurrence>> by_word() {
  std::map<std::string, std::set<Occurrence>> words;
  for (const Occurrence& o : *s_planted) words[o.word].insert(o);
  return words;
}

class SearchCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_planted = new std::vector<Occurrence>;
    std::string pattern = (fs::temp_directory_path() / "dmvault-search-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    s_dir = new fs::path(pattern);
    const fs::path export_dir = *s_dir / "export";
    const fs::path truth = *s_dir / "truth.json";
    std::ofstream(*s_dir / "pass") << "search test passphrase\n";
    fs::permissions(*s_dir / "pass", fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(
        run_generator({"--out", export_dir.string(), "--truth", truth.string(), "--conversations",
                       "50", "--messages", "20000", "--media-bytes", "1000000", "--seed", "11"}),
        0);
    auto r = run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_dmvault({"import", vault(), export_dir.string(), "--passphrase-file", pass()});
    ASSERT_EQ(r.status, 0) << r.err;

    simdjson::dom::parser parser;
    const std::string json = read_file(truth);
    simdjson::dom::element doc = parser.parse(json);
    for (simdjson::dom::element p : doc["planted"].get_array()) {
      s_planted->push_back({std::string(p["word"].get_string().value()),
                            std::string(p["sender"].get_string().value()),
                            p["timestamp_ms"].get_int64().value()});
    }
  }
  static void TearDownTestSuite() {
    if (s_dir != nullptr) {
      std::error_code ec;
      fs::remove_all(*s_dir, ec);
    }
    delete s_dir;
    delete s_planted;
    s_dir = nullptr;
    s_planted = nullptr;
  }
  // The generator plants 8 words, 1 to 3 times each.
  void SetUp() override { ASSERT_GE(s_planted->size(), 8U) << "the suite's setup failed"; }
};

std::set<Occurrence> as_occurrences(const std::string& word, const std::vector<Hit>& hits) {
  std::set<Occurrence> out;
  for (const Hit& hit : hits) out.insert({word, hit.sender, hit.timestamp_ms});
  return out;
}

void check_EveryPlantedWordIsFoundExactlyWhereItWasPlanted() {
  const auto words = by_word();
  ASSERT_GE(words.size(), 8U);
  for (const auto& [word, expected] : words) {
    std::vector<std::string> spellings{word};
    if (strip_accents(word) != word) spellings.push_back(strip_accents(word));
    for (const std::string& query : spellings) {
      const auto r = search({query, "--json", "--limit", "0"});
      ASSERT_EQ(r.status, 0) << query << ": " << r.err;
      const auto hits = parse_hits(r.out);
      EXPECT_EQ(hits.size(), expected.size()) << query;
      EXPECT_EQ(as_occurrences(word, hits), expected) << query;
      for (const Hit& hit : hits) {
        // The text is repaired UTF-8 (no Meta mojibake) and the snippet marks the match.
        EXPECT_NE(hit.text.find(word), std::string::npos) << query;
        ASSERT_TRUE(hit.has_snippet) << query;
        EXPECT_NE(hit.snippet.find("\u00ab"), std::string::npos) << query << ": " << hit.snippet;
      }
    }
  }
}

// from:"Sender Name" keeps the word's occurrences by that sender and drops the others; the
// name also matches in capitals and without its accents.
void check_FromNarrowsToTheSender() {
  std::size_t others_dropped = 0;
  for (const auto& [word, expected] : by_word()) {
    const Occurrence& one = *expected.begin();
    std::set<Occurrence> by_sender;
    for (const Occurrence& o : expected) {
      if (o.sender == one.sender) by_sender.insert(o);
    }
    std::string shouted = strip_accents(one.sender);
    for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& name : {one.sender, shouted}) {
      const auto r = search({word + " from:\"" + name + "\"", "--json", "--limit", "0"});
      ASSERT_EQ(r.status, 0) << word << " from:" << name << ": " << r.err;
      const auto found = as_occurrences(word, parse_hits(r.out));
      // Another sender can only be found when one's name contains the other.
      for (const Occurrence& o : found) {
        EXPECT_TRUE(expected.contains(o)) << word;
        EXPECT_NE(o.sender.find(one.sender), std::string::npos) << word << ": " << o.sender;
      }
      std::set<Occurrence> found_by_sender;
      for (const Occurrence& o : found) {
        if (o.sender == one.sender) found_by_sender.insert(o);
      }
      EXPECT_EQ(found_by_sender, by_sender) << word << " from:" << name;
      if (found.size() < expected.size()) ++others_dropped;
    }
  }
  // The generator spreads most words over several senders: the filter really filtered.
  EXPECT_GT(others_dropped, 0U);
}

void check_CjkSubstringsAreFound() {
  const std::string word = "\u91cf\u5b50\u30ab\u30e2\u30ce\u30cf\u30b7";
  const auto words = by_word();
  ASSERT_TRUE(words.contains(word));
  // Three characters go through the trigram index, two through a scan.
  for (const std::string part : {"\u30ab\u30e2\u30ce\u30cf", "\u91cf\u5b50"}) {
    const auto r = search({part, "--json", "--limit", "0"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto found = as_occurrences(word, parse_hits(r.out));
    for (const Occurrence& o : words.at(word)) EXPECT_TRUE(found.contains(o)) << part;
  }
}

void check_EmojiAreFoundAsSubstrings() {
  const std::string emoji = "\U0001F64C";  // in the generator's vocabulary
  const auto r = search({emoji, "--json", "--limit", "10"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto hits = parse_hits(r.out);
  EXPECT_FALSE(hits.empty());
  for (const Hit& hit : hits) {
    EXPECT_NE(hit.text.find(emoji), std::string::npos);
    EXPECT_NE(hit.snippet.find("\u00ab" + emoji + "\u00bb"), std::string::npos) << hit.snippet;
  }
}

void check_CountPrintsTheNumber() {
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const auto r = search({word, "--count"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, std::to_string(expected.size()) + "\n");
  const auto none = search({"xylophonequasar", "--count"});
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(none.out, "0\n");
}

void check_ContextShowsNeighboursOfTheSameConversation() {
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const auto r = search({word, "--json", "--limit", "1", "-C", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = parse_hits(r.out);
  ASSERT_GE(lines.size(), 3U);
  ASSERT_LE(lines.size(), 5U);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].conversation_id, lines[0].conversation_id);
    if (i > 0) {
      EXPECT_LE(lines[i - 1].timestamp_ms, lines[i].timestamp_ms);
    }
    if (lines[i].has_snippet) ++hits;
  }
  EXPECT_EQ(hits, 1U);

  const auto text = search({word, "-C", "2", "--limit", "0"});
  ASSERT_EQ(text.status, 0) << text.err;
  std::size_t line_count = 0;
  std::size_t separators = 0;
  std::istringstream in(text.out);
  for (std::string line; std::getline(in, line);) {
    ++line_count;
    if (line == "--") ++separators;
  }
  EXPECT_EQ(separators, expected.size() - 1);
  EXPECT_GT(line_count, expected.size() + separators);
}

void check_TextOutputIsPlainWhenNotATerminal() {
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const Occurrence& newest = *std::max_element(
      expected.begin(), expected.end(),
      [](const Occurrence& a, const Occurrence& b) { return a.timestamp_ms < b.timestamp_ms; });
  const auto r = search({word, "--utc"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\x02'), std::string::npos);
  const std::time_t seconds = static_cast<std::time_t>(newest.timestamp_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
  // Newest first: the first line is the newest occurrence.
  EXPECT_EQ(r.out.rfind(stamp, 0), 0U) << r.out;
  EXPECT_NE(r.out.find(newest.sender + ": "), std::string::npos) << r.out;
}

void check_SortOrders() {
  const std::string any_word = "a OR the OR de";
  const auto newest = parse_hits(search({any_word, "--json", "--limit", "20"}).out);
  const auto oldest =
      parse_hits(search({any_word, "--json", "--limit", "20", "--sort", "oldest"}).out);
  ASSERT_EQ(newest.size(), 20U);
  ASSERT_EQ(oldest.size(), 20U);
  EXPECT_GT(newest.front().timestamp_ms, oldest.front().timestamp_ms);
  for (std::size_t i = 1; i < 20; ++i) {
    EXPECT_GE(newest[i - 1].timestamp_ms, newest[i].timestamp_ms);
    EXPECT_LE(oldest[i - 1].timestamp_ms, oldest[i].timestamp_ms);
  }
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const auto ranked = search({word, "--json", "--sort", "relevance"});
  ASSERT_EQ(ranked.status, 0) << ranked.err;
  EXPECT_EQ(as_occurrences(word, parse_hits(ranked.out)), expected);
}

void check_ExitStatuses() {
  const auto missing = search({"xylophonequasar"});
  EXPECT_EQ(missing.status, 1) << missing.err;
  EXPECT_TRUE(missing.out.empty());

  // A bad query is refused before the vault is unlocked, with its position.
  const auto bad = run_dmvault({"search", vault(), "(zanzibar"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("query: unmatched '(' at position 1"), std::string::npos) << bad.err;
  const auto bad_date = search({"after:2021-13"});
  EXPECT_EQ(bad_date.status, 2);
  const auto bad_sort = search({"x", "--sort", "sideways"});
  EXPECT_EQ(bad_sort.status, 2);
}

// --regex narrows the query's candidates, and alone scans every message.
void check_RegexNarrowsAndFinds() {
  const auto words = by_word();
  const std::string word = "kumquatvortex";
  ASSERT_TRUE(words.contains(word));
  const auto alone = search({"--regex", "kumquat\\w+x\\b", "--json", "--limit", "0"});
  ASSERT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(as_occurrences(word, parse_hits(alone.out)), words.at(word));
  const Occurrence& one = *words.at(word).begin();
  const auto narrowed =
      search({"from:\"" + one.sender + "\"", "--regex", "(?i)KUMQUAT", "--json", "--limit", "0"});
  ASSERT_EQ(narrowed.status, 0) << narrowed.err;
  for (const Hit& hit : parse_hits(narrowed.out)) {
    EXPECT_EQ(hit.sender, one.sender);
    EXPECT_NE(hit.snippet.find("\u00abkumquat\u00bb"), std::string::npos) << hit.snippet;
  }
  // A bad pattern is refused before the vault is unlocked (no passphrase given here).
  const auto bad = run_dmvault({"search", vault(), "--regex", "(unclosed"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--regex: "), std::string::npos) << bad.err;
  const auto none = run_dmvault({"search", vault()});
  EXPECT_EQ(none.status, 2);
}

// --tz shows times in that zone, daylight saving included; --utc and an unknown zone.
void check_TimeZones() {
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const auto json = parse_hits(search({word, "--json", "--limit", "1"}).out);
  ASSERT_EQ(json.size(), 1U);
  for (const std::string zone : {"Europe/Lisbon", "America/Sao_Paulo", "Asia/Kolkata"}) {
    if (!fs::exists("/usr/share/zoneinfo/" + zone)) continue;
    const auto r = search({word, "--limit", "1", "--tz", zone});
    ASSERT_EQ(r.status, 0) << r.err;
    // The expected wall clock, from the C library with the same zone.
    setenv("TZ", zone.c_str(), 1);
    tzset();
    const std::time_t seconds = static_cast<std::time_t>(json[0].timestamp_ms / 1000);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", &tm);
    unsetenv("TZ");
    tzset();
    EXPECT_EQ(r.out.rfind(stamp, 0), 0U) << zone << ": " << r.out;
  }
  const auto unknown = search({word, "--tz", "Mars/Olympus_Mons"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("--tz: 'Mars/Olympus_Mons' is not a time zone"), std::string::npos)
      << unknown.err;
  EXPECT_EQ(search({word, "--tz", "../../etc/passwd"}).status, 2);
  EXPECT_EQ(search({word, "--tz", "Europe/Lisbon", "--utc"}).status, 2);
}

// Overlapping -C windows are merged: no message is printed twice.
void check_OverlappingContextIsMerged() {
  const auto r = search({"a OR the OR de", "--json", "--limit", "200", "-C", "3"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<std::tuple<std::int64_t, std::int64_t, std::string>> seen;
  std::size_t lines = 0;
  for (const Hit& hit : parse_hits(r.out)) {
    ++lines;
    EXPECT_TRUE(seen.insert({hit.conversation_id, hit.timestamp_ms, hit.text}).second)
        << "printed twice: " << hit.text;
  }
  // Common words in 20,000 messages: the windows overlapped and were merged.
  EXPECT_LT(lines, 200U * 7U);
  EXPECT_GE(lines, 200U);
}

// shell reads queries from a pipe and prints only their results.
void check_ShellAnswersPipedQueries() {
  const auto words = by_word();
  const auto& [word, expected] = *words.begin();
  const auto r = run_dmvault({"shell", vault(), "--passphrase-file", pass(), "--json"},
                             {.env = {{"TZ", "UTC"}},
                              .stdin_input = word + "\nsearch --count " + word +
                                             "\nnotaword-xylophonequasar\nlist\nquit\n"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), expected.size() + 1 + 50) << r.out;
  EXPECT_EQ(lines[expected.size()], std::to_string(expected.size()));
  std::string hits;
  for (std::size_t i = 0; i < expected.size(); ++i) hits += lines[i] + "\n";
  EXPECT_EQ(as_occurrences(word, parse_hits(hits)), expected);
}

TEST_F(SearchCli, PlantedWordsAreFoundAsWrittenWithoutAccentsAndFromTheirSender) {
  check_EveryPlantedWordIsFoundExactlyWhereItWasPlanted();
  check_FromNarrowsToTheSender();
}

TEST_F(SearchCli, OutputCountContextAndOrder) {
  check_CountPrintsTheNumber();
  check_ContextShowsNeighboursOfTheSameConversation();
  check_TextOutputIsPlainWhenNotATerminal();
  check_SortOrders();
}

TEST_F(SearchCli, SubstringsAndExitStatuses) {
  check_CjkSubstringsAreFound();
  check_EmojiAreFoundAsSubstrings();
  check_ExitStatuses();
}

TEST_F(SearchCli, RegexTimeZonesMergedContextAndShell) {
  check_RegexNarrowsAndFinds();
  check_TimeZones();
  check_OverlappingContextIsMerged();
  check_ShellAnswersPipedQueries();
}

}  // namespace
}  // namespace dmvault
