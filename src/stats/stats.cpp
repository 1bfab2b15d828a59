#include "stats/stats.hpp"

#include "dmvault/error.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <unordered_map>

namespace dmvault::stats {

namespace {

struct LocalTime {
  int year = 0;
  int month = 0;    // 1..12
  int hour = 0;     // 0..23
  int weekday = 0;  // 0 = Monday
};

LocalTime local_time_of(std::int64_t unix_ms) {
  // Floor division: a time before 1970 belongs to the second that starts before it.
  std::int64_t seconds = unix_ms / 1000;
  if (unix_ms % 1000 < 0) --seconds;
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) {
    throw Error(ErrorCode::usage, "a message time (" + std::to_string(unix_ms) +
                                      " ms) is out of the calendar's range");
  }
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_hour, (tm.tm_wday + 6) % 7};
}

std::string month_key(int year, int month) {
  std::array<char, 16> buffer{};
  const int n = std::snprintf(buffer.data(), buffer.size(), "%04d-%02d", year, month);
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

bool is_message(const catalog::Catalog::MessageFacts& facts) {
  return !facts.sender.empty() && facts.kind != "system";
}

void sort_series(std::vector<Series>& series) {
  std::stable_sort(series.begin(), series.end(), [](const Series& a, const Series& b) {
    if (a.messages != b.messages) return a.messages > b.messages;
    return a.name < b.name;
  });
}

}  // namespace

Stats compute(catalog::Catalog& catalog, std::optional<std::int64_t> conversation_id,
              std::size_t top_words) {
  Stats stats;
  std::unordered_map<std::int64_t, std::size_t> conversation_index;
  for (catalog::ConversationSummary& summary : catalog.conversations()) {
    if (conversation_id && summary.id != *conversation_id) continue;
    conversation_index.emplace(summary.id, stats.per_conversation.size());
    stats.per_conversation.push_back(
        {summary.id, std::move(summary.title), std::move(summary.platform), 0, {}});
  }
  if (conversation_id && stats.per_conversation.empty()) {
    throw Error(ErrorCode::usage, "no conversation " + std::to_string(*conversation_id),
                "see 'dmvault list' for the ids");
  }
  stats.conversations = stats.per_conversation.size();

  std::unordered_map<std::string, std::size_t> person_index;
  std::unordered_map<std::string, std::uint64_t> words;
  std::optional<std::pair<int, int>> first_month;
  std::optional<std::pair<int, int>> last_month;
  catalog.for_each_fact(conversation_id, [&](const catalog::Catalog::MessageFacts& facts) {
    if (!is_message(facts)) {
      ++stats.system_messages;
      return;
    }
    ++stats.messages;
    const LocalTime local = local_time_of(facts.timestamp_ms);
    const std::string month = month_key(local.year, local.month);
    const std::pair<int, int> ym{local.year, local.month};
    if (!first_month || ym < *first_month) first_month = ym;
    if (!last_month || ym > *last_month) last_month = ym;
    if (!stats.first_ms || facts.timestamp_ms < *stats.first_ms) {
      stats.first_ms = facts.timestamp_ms;
    }
    if (!stats.last_ms || facts.timestamp_ms > *stats.last_ms) stats.last_ms = facts.timestamp_ms;
    ++stats.hours[static_cast<std::size_t>(local.hour)];
    ++stats.weekdays[static_cast<std::size_t>(local.weekday)];

    const auto conversation = conversation_index.find(facts.conversation_id);
    if (conversation != conversation_index.end()) {
      Series& series = stats.per_conversation[conversation->second];
      ++series.messages;
      ++series.by_month[month];
    }
    const auto [person, fresh] = person_index.try_emplace(facts.sender, stats.per_person.size());
    if (fresh) stats.per_person.push_back({0, facts.sender, "", 0, {}});
    Series& series = stats.per_person[person->second];
    ++series.messages;
    ++series.by_month[month];

    for (std::string& word : countable_words(facts.text)) ++words[std::move(word)];
  });

  if (first_month && last_month) {
    for (std::pair<int, int> ym = *first_month; ym <= *last_month;) {
      stats.months.push_back(month_key(ym.first, ym.second));
      ym = ym.second == 12 ? std::pair<int, int>{ym.first + 1, 1}
                           : std::pair<int, int>{ym.first, ym.second + 1};
    }
  }
  sort_series(stats.per_conversation);
  sort_series(stats.per_person);

  stats.media = catalog.attachment_kinds(conversation_id);
  for (const auto& [kind, count] : stats.media) stats.attachments += count;

  stats.top_words.assign(words.begin(), words.end());
  const auto by_count = [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return a.first < b.first;
  };
  const std::size_t keep = std::min(top_words, stats.top_words.size());
  std::partial_sort(stats.top_words.begin(),
                    stats.top_words.begin() + static_cast<std::ptrdiff_t>(keep),
                    stats.top_words.end(), by_count);
  stats.top_words.resize(keep);
  return stats;
}

namespace {

void write_series(util::JsonWriter& json, const Series& series, bool is_conversation) {
  json.begin_object();
  if (is_conversation) {
    json.field("id", series.conversation_id);
    json.field("title", series.name);
    json.field("platform", series.platform);
  } else {
    json.field("name", series.name);
  }
  json.field("messages", series.messages);
  json.key("by_month").begin_object();
  for (const auto& [month, count] : series.by_month) json.field(month, count);
  json.end_object();
  json.end_object();
}

}  // namespace

void write_json(std::ostream& out, const Stats& stats) {
  util::JsonWriter json(out);
  json.begin_object();
  json.key("totals").begin_object();
  json.field("conversations", stats.conversations);
  json.field("messages", stats.messages);
  json.field("system_messages", stats.system_messages);
  json.field("attachments", stats.attachments);
  json.field("people", static_cast<std::uint64_t>(stats.per_person.size()));
  json.key("first_ms");
  stats.first_ms ? json.value(*stats.first_ms) : json.null();
  json.key("last_ms");
  stats.last_ms ? json.value(*stats.last_ms) : json.null();
  json.end_object();
  json.key("months").begin_array();
  for (const std::string& month : stats.months) json.value(month);
  json.end_array();
  json.key("per_conversation").begin_array();
  for (const Series& series : stats.per_conversation) write_series(json, series, true);
  json.end_array();
  json.key("per_person").begin_array();
  for (const Series& series : stats.per_person) write_series(json, series, false);
  json.end_array();
  json.key("hours").begin_array();
  for (const std::uint64_t n : stats.hours) json.value(n);
  json.end_array();
  json.key("weekdays").begin_array();
  for (const std::uint64_t n : stats.weekdays) json.value(n);
  json.end_array();
  json.key("media").begin_object();
  for (const auto& [kind, count] : stats.media) json.field(kind, count);
  json.end_object();
  json.key("top_words").begin_array();
  for (const auto& [word, count] : stats.top_words) {
    json.begin_object();
    json.field("word", word);
    json.field("count", count);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  out << '\n';
}

}  // namespace dmvault::stats
