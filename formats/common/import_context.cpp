#include "common/import_context.hpp"

#include <algorithm>

namespace dmvault::formats {

bool ImportContext::announce(const Conversation& conversation) {
  if (!m_announced.insert(conversation.thread_id).second) return false;
  sink.conversation(conversation);
  return true;
}

const TimeZone& ImportContext::zone() {
  if (!m_zone) m_zone = TimeZone::load(options.timezone);
  return *m_zone;
}

void add_anonymous_reactions(std::vector<Reaction>& reactions, const std::string& emoji,
                             std::int64_t count, std::int64_t named) {
  const std::int64_t anonymous = std::min(count - named, kMaxAnonymousReactions);
  for (std::int64_t i = 0; i < anonymous; ++i) {
    reactions.push_back(Reaction{"", emoji, std::nullopt});
  }
}

std::string record_problem(std::string_view unit, std::size_t index, std::size_t offset,
                           const std::vector<std::string>& problems) {
  std::string out = std::string(unit) + " " + std::to_string(index + 1) + " (byte " +
                    std::to_string(offset) + ") kept with what could be read: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i != 0) out += "; ";
    out += problems[i];
  }
  return out;
}

}  // namespace dmvault::formats
