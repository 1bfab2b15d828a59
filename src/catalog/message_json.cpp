#include "catalog/message_json.hpp"

#include "util/hex.hpp"
#include "util/utc_time.hpp"

namespace dmvault::catalog {

void write_message_json(util::JsonWriter& json, const MessageView& m,
                        const MessageJsonOptions& options) {
  json.begin_object();
  json.field("message_id", m.message_id);
  json.field("conversation_id", m.conversation_id);
  json.field("conversation", m.conversation);
  json.field("platform", m.platform);
  json.field("sender", m.sender);
  if (!m.sender_id.empty()) json.field("sender_id", m.sender_id);
  json.field("timestamp", util::format_utc_timestamp(m.timestamp_ms));
  json.field("timestamp_ms", m.timestamp_ms);
  json.field("kind", m.kind);
  json.field("text", m.text);
  json.key("attachments").begin_array();
  for (const auto& a : m.attachments) {
    json.begin_object();
    json.field("kind", a.kind);
    json.field("name", a.name);
    json.field("size", a.size);
    if (options.media_ids) {
      json.key("media");
      if (a.content) {
        json.value(util::hex_encode(*a.content));
      } else {
        json.null();
      }
    }
    json.end_object();
  }
  json.end_array();
  json.key("reactions").begin_array();
  for (const auto& r : m.reactions) {
    json.begin_object();
    json.field("actor", r.actor);
    json.field("reaction", r.reaction);
    json.end_object();
  }
  json.end_array();
  if (!m.reply_to.empty()) json.field("reply_to", m.reply_to);
  if (m.share) {
    json.key("share").begin_object();
    json.field("link", m.share->link);
    json.field("text", m.share->text);
    json.field("owner", m.share->owner);
    json.end_object();
  }
  if (options.snippet != nullptr) json.field("snippet", *options.snippet);
  json.end_object();
}

}  // namespace dmvault::catalog
