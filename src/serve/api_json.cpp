#include "serve/api_json.hpp"

#include "catalog/message_json.hpp"
#include "util/json_writer.hpp"

#include <string>

namespace dmvault::serve {

namespace {

void write_message(util::JsonWriter& json, const catalog::MessageView& m,
                   const std::string* snippet) {
  catalog::write_message_json(json, m, {.snippet = snippet, .media_ids = true});
}

}  // namespace

void write_error_json(std::ostream& out, std::string_view message) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("error", message);
  json.end_object();
}

void write_conversations_json(std::ostream& out,
                              const std::vector<catalog::ConversationSummary>& conversations) {
  util::JsonWriter json(out);
  json.begin_object();
  json.key("conversations").begin_array();
  for (const auto& c : conversations) {
    json.begin_object();
    json.field("id", c.id);
    json.field("platform", c.platform);
    json.field("title", c.title);
    json.field("is_group", c.is_group);
    json.key("participants").begin_array();
    for (const std::string& p : c.participants) json.value(p);
    json.end_array();
    json.field("messages", c.messages);
    json.field("first_ms", c.first_ms);
    json.field("last_ms", c.last_ms);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_page_json(std::ostream& out, const std::vector<catalog::MessageView>& messages,
                     bool more_before, bool more_after) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("more_before", more_before);
  json.field("more_after", more_after);
  json.key("messages").begin_array();
  for (const auto& m : messages) write_message(json, m, nullptr);
  json.end_array();
  json.end_object();
}

void write_hits_json(std::ostream& out, const std::vector<catalog::SearchHit>& hits,
                     std::uint64_t total) {
  util::JsonWriter json(out);
  json.begin_object();
  json.field("total", total);
  json.key("hits").begin_array();
  for (const auto& hit : hits) write_message(json, hit.message, &hit.snippet);
  json.end_array();
  json.end_object();
}

}  // namespace dmvault::serve
