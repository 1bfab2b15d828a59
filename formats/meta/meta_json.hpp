// Reader of Meta's message_N.json files (Instagram 2020+, Facebook Messenger 2018+: one exporter,
// one schema). It keeps every field the model can hold, with strings repaired (meta_text.hpp),
// and each message's exact JSON bytes; turning records into dmvault::Message is
// meta_message.hpp's job. Field-by-field notes: formats/instagram/FORMAT.md.
#pragma once

#include "dmvault/model.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::meta {

struct MetaMedia {
  AttachmentKind kind = AttachmentKind::file;
  std::string uri;  // as written in the file (resolved against the export later)
  std::optional<std::int64_t> created_ms;
};

struct MetaMessage {
  std::size_t offset = 0;  // byte offset of the record in its file
  std::string raw;         // the record's JSON bytes, exactly as in the file
  std::optional<std::string> sender_name;
  std::optional<std::int64_t> timestamp_ms;  // "timestamp_ms", or "timestamp" (s) x 1000
  std::optional<std::string> content;
  std::string type;  // "Generic", "Share", "Call", "Subscribe", "Unsubscribe", ... or ""
  bool is_unsent = false;
  bool is_unsent_by_kid_parent = false;  // is_unsent_image_by_messenger_kid_parent
  std::vector<MetaMedia> media;  // photos, videos, audio_files, files, gifs, sticker, in order
  bool has_sticker = false;
  std::optional<Share> share;
  std::vector<Reaction> reactions;
  std::optional<std::int64_t> call_duration_s;
  std::vector<std::string> users;  // people added or removed (Subscribe / Unsubscribe)
  // Fields present with an unexpected type ("timestamp_ms is not a number"): the record is kept
  // with what could be read and the caller warns.
  std::vector<std::string> problems;
};

struct MetaThread {
  bool has_messages = false;  // false: the file is JSON but not a message file
  std::vector<std::string> participants;
  std::optional<std::string> title;
  std::optional<bool> is_still_participant;
  std::string thread_type;            // "Regular", "RegularGroup" (up to 2022), or ""
  std::string thread_path;            // "inbox/<folder>"
  bool has_joinable_mode = false;     // group chats (2022+)
  bool is_pending = false;            // message requests
  std::vector<MetaMessage> messages;  // in file order (newest first in real exports)
  std::vector<std::string> problems;
};

// Parses one message_N.json. Error(bad_input, "<path>: invalid JSON at byte N: <reason>", hint)
// when the bytes are not JSON (a truncated file, say); a JSON document that is not a thread
// object comes back with has_messages == false.
MetaThread parse_thread_file(const std::string& path, std::string_view bytes);

}  // namespace dmvault::formats::meta
