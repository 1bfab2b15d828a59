// One message as JSON, in the DESIGN §1 shape that `show --json`, `search --json`, `shell` and
// the viewer's API all print: message_id, conversation_id, conversation, platform, sender,
// sender_id, timestamp, timestamp_ms, kind, text, attachments, reactions, reply_to, share, and
// for search hits a snippet.
#pragma once

#include "catalog/catalog.hpp"
#include "util/json_writer.hpp"

#include <string>

namespace dmvault::catalog {

struct MessageJsonOptions {
  const std::string* snippet = nullptr;  // added as "snippet" when given (search hits)
  // Each attachment's "media": its content id in hex (null when the export did not hold the
  // file), for the viewer's /api/media/ links.
  bool media_ids = false;
};

void write_message_json(util::JsonWriter& json, const MessageView& message,
                        const MessageJsonOptions& options = {});

}  // namespace dmvault::catalog
