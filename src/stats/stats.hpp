// Statistics of a vault's messages, as `dmvault stats` prints them and the viewer charts them
// (/api/stats): messages per month per conversation and per person, busiest hours and weekdays,
// attachments per type, top words. Times are bucketed in the process's local zone (the
// commands' --tz/--utc set it). "Messages" has the meaning of `dmvault info`: records with a
// sender that are not system notices; notices are only counted in the totals.
#pragma once

#include "catalog/catalog.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::stats {

// Messages of one conversation or one person, per month ("2024-09" -> count).
struct Series {
  std::int64_t conversation_id = 0;  // 0 for a person
  std::string name;                  // conversation title or sender name
  std::string platform;
  std::uint64_t messages = 0;
  std::map<std::string, std::uint64_t> by_month;
};

struct Stats {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;
  std::uint64_t system_messages = 0;
  std::uint64_t attachments = 0;
  std::optional<std::int64_t> first_ms;  // of the messages counted
  std::optional<std::int64_t> last_ms;
  std::vector<std::string> months;          // every month from the first to the last, in order
  std::vector<Series> per_conversation;     // most messages first
  std::vector<Series> per_person;           // most messages first
  std::array<std::uint64_t, 24> hours{};    // by local hour of the day
  std::array<std::uint64_t, 7> weekdays{};  // Monday first
  std::vector<std::pair<std::string, std::uint64_t>> media;      // attachments per kind
  std::vector<std::pair<std::string, std::uint64_t>> top_words;  // most frequent first
};

inline constexpr std::size_t kTopWords = 50;

// Counts over the whole catalog, or over one conversation. Error(usage) for an unknown id.
Stats compute(catalog::Catalog& catalog, std::optional<std::int64_t> conversation_id,
              std::size_t top_words = kTopWords);

// The statistics as one JSON document (documented in dmvault-stats(1)), with a newline.
void write_json(std::ostream& out, const Stats& stats);

// The words of `text` that top-word counts keep, lower-cased: runs of letters, digits and
// marks of at least 3 characters, not only digits, not a common function word, links left out.
std::vector<std::string> countable_words(std::string_view text);

}  // namespace dmvault::stats
