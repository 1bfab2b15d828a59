// The JSON documents of the viewer's API. Messages have the DESIGN §1 shape of `show --json`
// and `search --json` (message_id, conversation_id, conversation, platform, sender, timestamp,
// timestamp_ms, kind, text, attachments, reactions, reply_to, share), with two additions the
// page needs: each attachment's "media" (its content id for /api/media/, null when the export
// did not hold the file) and, for search hits, "snippet" with the matches between U+0002 and
// U+0003.
#pragma once

#include "catalog/catalog.hpp"

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace dmvault::serve {

void write_error_json(std::ostream& out, std::string_view message);
void write_conversations_json(std::ostream& out,
                              const std::vector<catalog::ConversationSummary>& conversations);
void write_page_json(std::ostream& out, const std::vector<catalog::MessageView>& messages,
                     bool more_before, bool more_after);
void write_hits_json(std::ostream& out, const std::vector<catalog::SearchHit>& hits,
                     std::uint64_t total);

}  // namespace dmvault::serve
