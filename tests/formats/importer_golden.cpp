#include "formats/importer_golden.hpp"

#include "common/time_zone.hpp"
#include "util/json_writer.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace dmvault::test {

std::string utc_text(std::int64_t ms) {
  const std::int64_t seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  const std::int64_t millis = ms - seconds * 1000;
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const formats::CivilDate d = formats::civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(d.year), d.month, d.day, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60),
                static_cast<long long>(millis));
  return buf;
}

namespace {

template <typename T>
void optional_number(util::JsonWriter& w, std::string_view key, const std::optional<T>& v) {
  w.key(key);
  if (v) {
    w.value(*v);
  } else {
    w.null();
  }
}

void write_conversation(util::JsonWriter& w, const Conversation& c) {
  w.begin_object().key("conversation").begin_object();
  w.field("platform", c.platform).field("thread_id", c.thread_id).field("title", c.title);
  w.field("is_group", c.is_group).field("still_participant", c.still_participant);
  w.key("participants").begin_array();
  for (const Participant& p : c.participants) {
    w.begin_object().field("name", p.name).field("platform_id", p.platform_id);
    w.field("is_self", p.is_self).end_object();
  }
  w.end_array().field("source_path", c.source_path).end_object().end_object();
}

void write_message(util::JsonWriter& w, const MessageRecord& r) {
  const Message& m = r.message;
  w.begin_object().key("message").begin_object();
  w.field("thread_id", r.thread_id).field("kind", to_string(m.kind));
  w.field("sender", m.sender).field("sender_id", m.sender_id);
  w.field("timestamp_ms", m.timestamp_ms).field("utc", utc_text(m.timestamp_ms));
  w.field("local_time", m.local_time).field("text", m.text);
  w.field("platform_message_id", m.platform_message_id).field("reply_to", m.reply_to);
  w.field("edited", m.edited);
  w.key("share");
  if (m.share) {
    w.begin_object().field("link", m.share->link).field("text", m.share->text);
    w.field("owner", m.share->owner).end_object();
  } else {
    w.null();
  }
  optional_number(w, "call_duration_s", m.call_duration_s);
  w.key("attachments").begin_array();
  for (const Attachment& a : m.attachments) {
    w.begin_object().field("kind", to_string(a.kind)).field("uri", a.uri);
    w.field("name", a.name);
    optional_number(w, "created_ms", a.created_ms);
    w.end_object();
  }
  w.end_array().key("reactions").begin_array();
  for (const Reaction& x : m.reactions) {
    w.begin_object().field("actor", x.actor).field("reaction", x.reaction);
    optional_number(w, "timestamp_ms", x.timestamp_ms);
    w.end_object();
  }
  w.end_array().field("source_path", m.source_path).field("raw", m.raw);
  w.end_object().end_object();
}

}  // namespace

std::string to_jsonl(const RecordingSink& sink) {
  std::ostringstream out;
  for (const Record& record : sink.records()) {
    util::JsonWriter w(out);
    if (const auto* c = std::get_if<Conversation>(&record)) {
      write_conversation(w, *c);
    } else if (const auto* m = std::get_if<MessageRecord>(&record)) {
      write_message(w, *m);
    } else {
      const auto& warning = std::get<WarningRecord>(record);
      w.begin_object().key("warning").begin_object().field("path", warning.path);
      w.field("what", warning.what).end_object().end_object();
    }
    out << '\n';
  }
  return out.str();
}

std::string check_golden(const std::filesystem::path& expected_file, const std::string& actual) {
  const char* update = std::getenv("DMVAULT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(expected_file, std::ios::binary | std::ios::trunc);
    out << actual;
    return out ? std::string() : "cannot write " + expected_file.string();
  }
  std::ifstream in(expected_file, std::ios::binary);
  if (!in) {
    return "missing " + expected_file.string() +
           " (run with DMVAULT_UPDATE_GOLDEN=1 to create it, then review it)";
  }
  const std::string expected((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (expected == actual) return {};
  std::istringstream e(expected);
  std::istringstream a(actual);
  std::string el;
  std::string al;
  for (std::size_t line = 1;; ++line) {
    const bool has_e = static_cast<bool>(std::getline(e, el));
    const bool has_a = static_cast<bool>(std::getline(a, al));
    if (!has_e && !has_a) break;
    if (!has_e || !has_a || el != al) {
      return expected_file.string() + ": line " + std::to_string(line) +
             " differs\n  expected: " + (has_e ? el : "<end of file>") +
             "\n  actual:   " + (has_a ? al : "<end of file>");
    }
  }
  return expected_file.string() + ": differs (line endings?)";
}

}  // namespace dmvault::test
