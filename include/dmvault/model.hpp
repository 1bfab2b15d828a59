// The platform-neutral data model (DESIGN §4): what every importer produces and the catalog
// stores. Texts are valid UTF-8 in NFC; times are UTC milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dmvault {

enum class MessageKind { text, media, share, call, system, unsent, sticker };
const char* to_string(MessageKind kind);

enum class AttachmentKind { photo, video, audio, file, gif, sticker };
const char* to_string(AttachmentKind kind);

struct Participant {
  std::string name;         // display name as the export shows it (repaired)
  std::string platform_id;  // username or numeric id when the export has one
  bool is_self = false;     // the person who made the export, when known
};

struct Conversation {
  std::string platform;   // "instagram", "messenger", "whatsapp", ...
  std::string thread_id;  // stable across exports of the same account (e.g. the inbox folder)
  std::string title;
  bool is_group = false;
  bool still_participant = true;
  std::vector<Participant> participants;
  std::string source_path;  // export-relative path of the file that described it
};

struct Attachment {
  AttachmentKind kind = AttachmentKind::file;
  // Export-relative path as the message references it (Instagram's "uri"); the import pipeline
  // links it to the stored file. A URL when the export only has a link (kept, never fetched).
  std::string uri;
  std::string name;  // display name (the file name, or the title the export gives)
  std::optional<std::int64_t> created_ms;
};

struct Reaction {
  std::string actor;
  std::string reaction;  // an emoji or a word ("like")
  std::optional<std::int64_t> timestamp_ms;
};

struct Share {
  std::string link;
  std::string text;
  std::string owner;  // the account whose post was shared
};

struct Message {
  std::string sender;     // display name; "" for system messages without a sender
  std::string sender_id;  // when the export has one
  std::int64_t timestamp_ms = 0;
  // The time as the export wrote it when it has no zone (WhatsApp, HTML exports): kept so that
  // nothing is lost when the zone was guessed.
  std::string local_time;
  MessageKind kind = MessageKind::text;
  std::string text;
  std::string platform_message_id;  // when the platform gives messages ids
  std::string reply_to;             // platform id or quoted text of the message replied to
  bool edited = false;
  std::optional<Share> share;
  std::optional<std::int64_t> call_duration_s;
  std::vector<Attachment> attachments;
  std::vector<Reaction> reactions;
  std::string raw;          // the source record exactly as parsed (a JSON object, an HTML block)
  std::string source_path;  // export-relative file it came from
  // Set when `raw` is the bytes of source_path, as stored, from this offset on: the catalog then
  // keeps where the record is in that file instead of a second copy of it (the copy was two
  // thirds of a message's row).
  std::optional<std::uint64_t> raw_offset;
};

}  // namespace dmvault
