// The query parser: a hand-written lexer and recursive-descent parser, so every error can name
// what is wrong and where (positions are 1-based byte offsets, as a terminal shows them for
// ASCII queries).
#include "catalog/unspaced_text.hpp"
#include "dmvault/error.hpp"
#include "query/query.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <span>
#include <utility>

namespace dmvault::query {

namespace {

constexpr std::array<std::string_view, 9> kKeys{"from",   "with", "in",  "platform", "after",
                                                "before", "on",   "has", "is"};
constexpr std::array<std::string_view, 7> kHasValues{"photo", "video",      "audio",   "file",
                                                     "link",  "attachment", "reaction"};
constexpr std::array<std::string_view, 2> kIsValues{"unsent", "system"};

[[noreturn]] void fail(const std::string& what, std::size_t position, std::string hint = {}) {
  if (hint.empty()) hint = "see QUERY LANGUAGE in 'man dmvault'";
  throw Error(ErrorCode::usage, "query: " + what + " at position " + std::to_string(position),
              std::move(hint));
}

// The substring index splits texts on the same characters (catalog::append_unspaced_words).
bool is_space(char c) { return catalog::separates_words(c); }
bool ends_word(char c) { return is_space(c) || c == '(' || c == ')' || c == '"'; }

bool has_word_character(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte) != 0) return true;
  }
  return false;
}

std::optional<int> number(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<DateSpec> parse_date(std::string_view text) {
  DateSpec date;
  const auto year = number(text.substr(0, 4), 4);
  if (!year || *year < 1) return std::nullopt;
  date.year = *year;
  date.precision = DateSpec::Precision::year;
  if (text.size() == 4) return date;
  if (text.size() < 7 || text[4] != '-') return std::nullopt;
  const auto month = number(text.substr(5, 2), 2);
  if (!month || *month < 1 || *month > 12) return std::nullopt;
  date.month = *month;
  date.precision = DateSpec::Precision::month;
  if (text.size() == 7) return date;
  if (text.size() < 10 || text[7] != '-') return std::nullopt;
  const auto day = number(text.substr(8, 2), 2);
  constexpr std::array<int, 12> kDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!day || *day < 1 || *day > kDays[static_cast<std::size_t>(*month - 1)]) return std::nullopt;
  const bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  if (*month == 2 && *day == 29 && !leap) return std::nullopt;
  date.day = *day;
  date.precision = DateSpec::Precision::day;
  if (text.size() == 10) return date;
  if (text.size() != 16 || text[10] != 'T' || text[13] != ':') return std::nullopt;
  const auto hour = number(text.substr(11, 2), 2);
  const auto minute = number(text.substr(14, 2), 2);
  if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
  date.hour = *hour;
  date.minute = *minute;
  date.precision = DateSpec::Precision::minute;
  return date;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  Node parse_query() {
    skip_space();
    if (at_end()) fail("the query is empty", 1, "search for a word, e.g. dmvault search V hello");
    Node node = parse_or();
    skip_space();
    if (!at_end()) fail("unmatched ')'", m_pos + 1, "remove it or add the '(' it closes");
    return node;
  }

 private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return m_text[m_pos]; }
  void skip_space() {
    while (!at_end() && is_space(peek())) ++m_pos;
  }
  // Whether the next token is the bare word OR.
  bool at_or() const {
    return m_text.substr(m_pos, 2) == "OR" &&
           (m_pos + 2 == m_text.size() || ends_word(m_text[m_pos + 2]));
  }

  Node parse_or() {
    Node first = parse_and();
    skip_space();
    if (at_end() || !at_or()) return first;
    Node any;
    any.kind = Node::Kind::any_of;
    any.position = first.position;
    any.children.push_back(std::move(first));
    while (!at_end() && at_or()) {
      const std::size_t or_position = m_pos + 1;
      m_pos += 2;
      skip_space();
      if (at_end() || peek() == ')' || at_or()) {
        fail("OR needs a term after it", or_position, "write a OR b");
      }
      any.children.push_back(parse_and());
      skip_space();
    }
    return any;
  }

  Node parse_and() {
    skip_space();
    if (!at_end() && at_or()) fail("OR needs a term before it", m_pos + 1, "write a OR b");
    Node all;
    all.kind = Node::Kind::all_of;
    all.position = m_pos + 1;
    while (true) {
      skip_space();
      if (at_end() || peek() == ')' || at_or()) break;
      all.children.push_back(parse_unary());
    }
    if (all.children.empty()) {
      fail(at_end() ? "the query ends where a term is expected" : "a term is expected", m_pos + 1);
    }
    if (all.children.size() == 1) return std::move(all.children.front());
    return all;
  }

  Node parse_unary() {
    if (peek() == '-') {
      const std::size_t position = m_pos + 1;
      ++m_pos;
      if (at_end() || is_space(peek()) || peek() == ')') {
        fail("'-' must be followed by the term to exclude", position, "write -word, no space");
      }
      Node negation;
      negation.kind = Node::Kind::negation;
      negation.position = position;
      negation.children.push_back(parse_unary());
      return negation;
    }
    return parse_primary();
  }

  // A "..." string starting at m_pos (on the quote); returns its content.
  std::string parse_quoted() {
    const std::size_t open = m_pos;
    ++m_pos;
    const std::size_t close = m_text.find('"', m_pos);
    if (close == std::string_view::npos) {
      fail("unterminated quote", open + 1, "close the \" that starts there");
    }
    std::string content(m_text.substr(m_pos, close - m_pos));
    m_pos = close + 1;
    return content;
  }

  Node parse_primary() {
    const std::size_t start = m_pos;
    Node node;
    node.position = start + 1;
    if (peek() == '(') {
      ++m_pos;
      skip_space();
      if (!at_end() && peek() == ')') fail("empty parentheses", start + 1);
      if (at_end()) fail("unmatched '('", start + 1, "add the ')' that closes it");
      Node inner = parse_or();
      skip_space();
      if (at_end() || peek() != ')') fail("unmatched '('", start + 1, "add the ')' that closes it");
      ++m_pos;
      return inner;
    }
    if (peek() == '"') {
      node.kind = Node::Kind::phrase;
      node.text = parse_quoted();
      if (!has_word_character(node.text)) fail("empty phrase", start + 1);
      return node;
    }
    while (!at_end() && !ends_word(peek())) {
      if (peek() == ':' && m_pos > start) {
        const std::string_view key = m_text.substr(start, m_pos - start);
        for (const std::string_view known : kKeys) {
          if (key == known) return parse_filter(node, std::string(key));
        }
      }
      ++m_pos;
    }
    node.text = std::string(m_text.substr(start, m_pos - start));
    if (!at_end() && peek() == '"') {
      fail("a quote inside a word", m_pos + 1, "put spaces around the \"phrase\"");
    }
    if (node.text.size() > 1 && node.text.back() == '*') {
      node.kind = Node::Kind::prefix;
      node.text.pop_back();
      if (node.text.find('*') != std::string::npos) fail("'*' only ends a prefix", start + 1);
    } else if (node.text.find('*') != std::string::npos) {
      fail("'*' only ends a prefix", start + 1, "write pre* to find words starting with pre");
    }
    if (!has_word_character(node.text)) {
      fail("'" + node.text + "' has no letter or digit", start + 1);
    }
    return node;
  }

  // At the ':' after a known key.
  Node parse_filter(Node& node, std::string key) {
    node.kind = Node::Kind::filter;
    node.key = std::move(key);
    ++m_pos;
    const std::size_t value_position = m_pos + 1;
    if (!at_end() && peek() == '"') {
      node.text = parse_quoted();
    } else {
      const std::size_t value_start = m_pos;
      while (!at_end() && !ends_word(peek())) ++m_pos;
      node.text = std::string(m_text.substr(value_start, m_pos - value_start));
      if (!at_end() && peek() == '"') {
        fail("a quote inside a value", m_pos + 1,
             "quote the whole value: " + node.key + ":\"...\"");
      }
    }
    if (node.text.empty() || !has_word_character(node.text)) {
      fail(node.key + ": needs a value", value_position);
    }
    if (node.key == "after" || node.key == "before" || node.key == "on") {
      const auto date = parse_date(node.text);
      if (!date) {
        fail(node.key + ": '" + node.text + "' is not a date", value_position,
             "write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM");
      }
      node.date = *date;
    } else if (node.key == "has" || node.key == "is") {
      for (char& c : node.text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      bool known = false;
      std::string choices;
      const auto values = node.key == "has" ? std::span<const std::string_view>(kHasValues)
                                            : std::span<const std::string_view>(kIsValues);
      for (const std::string_view value : values) {
        known = known || node.text == value;
        choices += choices.empty() ? "" : "|";
        choices += value;
      }
      if (!known) {
        fail(node.key + ": '" + node.text + "' is unknown", value_position,
             "write " + node.key + ":" + choices);
      }
    }
    return node;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

Node parse(std::string_view text) { return Parser(text).parse_query(); }

std::string to_string(const Node& node) {
  switch (node.kind) {
    case Node::Kind::all_of:
    case Node::Kind::any_of: {
      std::string out = node.kind == Node::Kind::all_of ? "(and" : "(or";
      for (const Node& child : node.children) out += " " + to_string(child);
      return out + ")";
    }
    case Node::Kind::negation:
      return "(not " + to_string(node.children.front()) + ")";
    case Node::Kind::word:
      return node.text;
    case Node::Kind::phrase:
      return "\"" + node.text + "\"";
    case Node::Kind::prefix:
      return node.text + "*";
    case Node::Kind::filter:
      return node.key + ":" + node.text;
  }
  return {};
}

}  // namespace dmvault::query
