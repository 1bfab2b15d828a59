// The translator: AST -> SearchRequest. Each leaf becomes one SQL condition, and AND / OR / NOT
// become SQL's, so any nesting of words, substrings and filters means what it says:
//   word, phrase, prefix  m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)
//                         (text, sender, conversation title, share and attachment names;
//                         case and accents ignored by the unicode61 tokenizer)
//   Han, kana, Thai ...   the trigram index over the text (a substring); under 3 characters,
//                         which trigrams cannot index, a scan with instr()
//   from: with: in:       dm_fold(name) contains the folded value (case and accents ignored);
//                         from: and with: also match every account linked to a person whose
//                         name contains it (`dmvault people link`)
//   after: before: on:    timestamp_ms against the start and end of the period, in the local
//                         zone (or UTC): after:D >= start of D, before:D < start of D,
//                         on:D within D
#include "catalog/match_fold.hpp"
#include "catalog/unspaced_text.hpp"
#include "dmvault/error.hpp"
#include "query/query.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace dmvault::query {

namespace {

// The FTS5 string for `text`: a quoted phrase, whose tokens the index's tokenizer splits.
std::string fts_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::int64_t to_ms(const DateSpec& date, bool utc, bool next_period) {
  std::tm tm{};
  tm.tm_year = date.year - 1900;
  tm.tm_mon = date.month - 1;
  tm.tm_mday = date.day;
  tm.tm_hour = date.hour;
  tm.tm_min = date.minute;
  if (next_period) {
    switch (date.precision) {
      case DateSpec::Precision::year:
        ++tm.tm_year;
        break;
      case DateSpec::Precision::month:
        ++tm.tm_mon;
        break;
      case DateSpec::Precision::day:
        ++tm.tm_mday;
        break;
      case DateSpec::Precision::minute:
        ++tm.tm_min;
        break;
    }
  }
  tm.tm_isdst = -1;  // let mktime decide, so DST boundaries land on the local wall clock
  const std::time_t seconds = utc ? timegm(&tm) : mktime(&tm);
  return static_cast<std::int64_t>(seconds) * 1000;
}

class Translator {
 public:
  Translator(catalog::SearchRequest& request, const TranslateOptions& options, const Node* driver)
      : m_request(request), m_options(options), m_driver(driver) {}

  // The driver's condition as it appears in the translated WHERE ("" when there is none).
  const std::string& driver_condition() const { return m_driver_condition; }

  std::string condition(const Node& node, bool negated) {
    switch (node.kind) {
      case Node::Kind::all_of:
      case Node::Kind::any_of: {
        std::string out = "(";
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) out += node.kind == Node::Kind::all_of ? " AND " : " OR ";
          out += condition(node.children[i], negated);
        }
        return out + ")";
      }
      case Node::Kind::negation:
        return "(NOT " + condition(node.children.front(), !negated) + ")";
      case Node::Kind::word:
      case Node::Kind::phrase:
      case Node::Kind::prefix:
        return text_condition(node, negated);
      case Node::Kind::filter:
        return filter_condition(node);
    }
    throw std::logic_error("query: unknown node");
  }

 private:
  // "?N" for the parameter just added. (Appended rather than `"?" + std::to_string(...)`,
  // which GCC 12 at -O2 falsely reports as an overlapping copy.)
  std::string last_param() const {
    std::string out = "?";
    out += std::to_string(m_request.params.size());
    return out;
  }
  std::string text_param(std::string value) {
    m_request.params.push_back({false, 0, std::move(value)});
    return last_param();
  }
  std::string int_param(std::int64_t value) {
    m_request.params.push_back({true, value, {}});
    return last_param();
  }

  static std::size_t characters_of(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
    }));
  }

  // Messages whose text holds `text` (no separates_words character), folding case: from the
  // substring index, or for fewer than three characters (less than a trigram) by a scan.
  std::string substring_condition(const std::string& text) {
    if (characters_of(text) < 3) return "(instr(m.text, " + text_param(text) + ") > 0)";
    return "(m.id IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH " +
           text_param(fts_string(text)) + "))";
  }

  // A quoted phrase with spaces: the substring index holds words, not the text between them
  // (catalog::append_unspaced_words), so the phrase's words that need it narrow the messages
  // down (by the index; a shorter word without case by a scan for its bytes, which is cheap
  // beside folding every text), and the phrase itself is checked in each one's text, folded as
  // names are (case, accents, runs of spaces): a message the index would have found by the
  // whole phrase passes, and one differing only in accents or spacing passes too.
  std::string spaced_phrase_condition(const std::string& phrase) {
    std::string out = "(";
    catalog::for_each_word(phrase, [&](std::string_view word) {
      if (!needs_substring_search(word)) return;
      if (characters_of(word) >= 3 || catalog::is_caseless_unspaced(word)) {
        out += substring_condition(std::string(word)) + " AND ";
      }
    });
    return out + "instr(dm_fold(m.text), " + text_param(catalog::fold_for_match(phrase)) + ") > 0)";
  }

  std::string text_condition(const Node& node, bool negated) {
    if (needs_substring_search(node.text)) {
      if (!negated) m_request.highlight.push_back(node.text);
      if (std::any_of(node.text.begin(), node.text.end(), catalog::separates_words)) {
        return spaced_phrase_condition(node.text);
      }
      return substring_condition(node.text);
    }
    std::string match = fts_string(node.text);
    if (node.kind == Node::Kind::prefix) match += " *";
    if (!negated) {
      if (!m_request.rank_match.empty()) m_request.rank_match += " OR ";
      m_request.rank_match += match;
    }
    const std::string param = text_param(match);
    std::string condition =
        "(m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH " + param + "))";
    if (&node == m_driver && !negated) {
      m_request.driver_param = static_cast<int>(m_request.params.size());
      m_driver_condition = condition;
    }
    return condition;
  }

  // The account (`id_column`, `name_column` on `platform_column`) is one of the handles linked
  // to a person whose folded name contains the parameter `name`. Each set is a subquery that
  // does not depend on the row, so SQLite builds it once and probes it per row.
  static std::string linked_account(const std::string& id_column, const std::string& name_column,
                                    const std::string& platform_column, const std::string& name) {
    const std::string handles =
        " FROM person_handles AS ph JOIN people AS pp ON pp.id = ph.person_id WHERE"
        " instr(dm_fold(pp.name), " +
        name + ") > 0 AND ph.platform ";
    const std::string on_platform = platform_column + " || ':' || ";
    return "(" + id_column + " IN (SELECT ph.handle" + handles + "= '') OR dm_fold(" + name_column +
           ") IN (SELECT ph.handle_fold" + handles + "= '') OR " + on_platform + id_column +
           " IN (SELECT ph.platform || ':' || ph.handle" + handles + "<> '') OR " + on_platform +
           "dm_fold(" + name_column + ") IN (SELECT ph.platform || ':' || ph.handle_fold" +
           handles + "<> ''))";
  }

  std::string filter_condition(const Node& node) {
    const std::string& key = node.key;
    if (key == "from") {
      const std::string name = text_param(catalog::fold_for_match(node.text));
      return "(instr(dm_fold(m.sender), " + name + ") > 0 OR " +
             linked_account("m.sender_id", "m.sender", "c.platform", name) + ")";
    }
    if (key == "with") {
      const std::string name = text_param(catalog::fold_for_match(node.text));
      return "(m.conversation_id IN (SELECT cp.conversation_id FROM conversation_participants"
             " AS cp JOIN participants AS p ON p.id = cp.participant_id WHERE"
             " instr(dm_fold(p.name), " +
             name + ") > 0 OR " + linked_account("p.platform_id", "p.name", "p.platform", name) +
             "))";
    }
    if (key == "in") {
      const std::string title = text_param(catalog::fold_for_match(node.text));
      const std::string id = text_param(node.text);
      return "(instr(dm_fold(c.title), " + title + ") > 0 OR CAST(c.id AS TEXT) = " + id + ")";
    }
    if (key == "platform") {
      return "(dm_fold(c.platform) = " + text_param(catalog::fold_for_match(node.text)) + ")";
    }
    if (key == "after") {
      return "(m.timestamp_ms >= " + int_param(to_ms(node.date, m_options.utc, false)) + ")";
    }
    if (key == "before") {
      return "(m.timestamp_ms < " + int_param(to_ms(node.date, m_options.utc, false)) + ")";
    }
    if (key == "on") {
      // Parameters are numbered as they are added: add them in order, before concatenating.
      const std::string start = int_param(to_ms(node.date, m_options.utc, false));
      const std::string end = int_param(to_ms(node.date, m_options.utc, true));
      return "(m.timestamp_ms >= " + start + " AND m.timestamp_ms < " + end + ")";
    }
    if (key == "is") return "(m.kind = " + text_param(node.text) + ")";
    // has:
    if (node.text == "attachment") {
      return "(EXISTS (SELECT 1 FROM attachments AS a WHERE a.message_id = m.id))";
    }
    if (node.text == "reaction") {
      return "(EXISTS (SELECT 1 FROM reactions AS r WHERE r.message_id = m.id))";
    }
    if (node.text == "link") {
      return "(coalesce(m.share_link, '') <> '' OR instr(m.text, 'http://') > 0 OR"
             " instr(m.text, 'https://') > 0)";
    }
    // photo, video, audio, file; Instagram's gifs and stickers are images too.
    if (node.text == "photo") {
      return "(EXISTS (SELECT 1 FROM attachments AS a WHERE a.message_id = m.id AND a.kind IN"
             " ('photo', 'gif', 'sticker')))";
    }
    return "(EXISTS (SELECT 1 FROM attachments AS a WHERE a.message_id = m.id AND a.kind = " +
           text_param(node.text) + "))";
  }

  catalog::SearchRequest& m_request;
  const TranslateOptions& m_options;
  const Node* m_driver;
  std::string m_driver_condition;
};

bool is_word_index_term(const Node& node) {
  return (node.kind == Node::Kind::word || node.kind == Node::Kind::phrase ||
          node.kind == Node::Kind::prefix) &&
         !needs_substring_search(node.text);
}

// The term every hit must match, if the query has one: the query itself, or the first word-index
// term of a top-level AND.
const Node* driving_term(const Node& query) {
  if (is_word_index_term(query)) return &query;
  if (query.kind != Node::Kind::all_of) return nullptr;
  for (const Node& child : query.children) {
    if (is_word_index_term(child)) return &child;
  }
  return nullptr;
}

}  // namespace

bool needs_substring_search(std::string_view text) { return catalog::has_unspaced_text(text); }

catalog::SearchRequest translate(const Node& query, const TranslateOptions& options) {
  catalog::SearchRequest request;
  Translator translator(request, options, driving_term(query));
  request.where = translator.condition(query, false);
  if (request.driver_param != 0) {
    // The driver's condition holds its own parameter number, so it occurs once.
    request.driven_where = request.where;
    const std::string& condition = translator.driver_condition();
    request.driven_where.replace(request.driven_where.find(condition), condition.size(), "(1)");
  }
  return request;
}

}  // namespace dmvault::query
