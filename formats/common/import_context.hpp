// What the readers of one import share, the same for every importer that splits its work over
// several files (Discord, Telegram, the Meta family): the export's files, the sink, the options,
// the conversations already announced, and the time zone for local times. Also the small pieces
// those readers repeat: bytes as text, times filled in for records without one, and the warning
// for a record kept with problems.
#pragma once

#include "common/time_zone.hpp"
#include "dmvault/importer.hpp"
#include "dmvault/model.hpp"
#include "dmvault/secret.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::formats {

class ImportContext {
 public:
  ImportContext(const ExportFiles& export_files, ImportSink& import_sink,
                const ImportOptions& import_options)
      : files(export_files), sink(import_sink), options(import_options) {}

  const ExportFiles& files;
  ImportSink& sink;
  const ImportOptions& options;

  // Announces a conversation unless one with its thread id already was (one conversation can
  // come from two files or two exports given together); true when it was announced now.
  bool announce(const Conversation& conversation);
  bool announced(const std::string& thread_id) const { return m_announced.count(thread_id) != 0; }
  // The zone local times are read in, loaded on first use (Error(usage) for a bad name).
  const TimeZone& zone();

 private:
  std::set<std::string> m_announced;
  std::optional<TimeZone> m_zone;
};

// The bytes of a file read from an export, as the text the parsers take.
inline std::string_view text_of(const PlainBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A popular message or channel post can carry thousands of reactions; beyond the named ones, at
// most this many anonymous ones are kept per emoji (the exact count stays in raw).
inline constexpr std::int64_t kMaxAnonymousReactions = 100;

// Adds to `reactions` the `count` - `named` reactions with `emoji` that the export counts but
// does not name (at most kMaxAnonymousReactions), after the `named` ones already added.
void add_anonymous_reactions(std::vector<Reaction>& reactions, const std::string& emoji,
                             std::int64_t count, std::int64_t named);

// A record without a time sits next to its neighbour: it takes the previous record's time (0
// before the first). `Parsed` has `bool has_time` and `Message message`.
template <typename Parsed>
void fill_missing_times(std::vector<Parsed>& parsed) {
  std::int64_t last_time = 0;
  for (Parsed& p : parsed) {
    if (p.has_time) {
      last_time = p.message.timestamp_ms;
    } else {
      p.message.timestamp_ms = last_time;
    }
  }
}

// The warning for the record at `index` (0-based; `unit` is what the format calls it, "message"
// or "record"), which starts at byte `offset` and was kept though parts of it could not be read.
// `problems` name fields, never their content.
std::string record_problem(std::string_view unit, std::size_t index, std::size_t offset,
                           const std::vector<std::string>& problems);

// Announces `conversation`, read from the file `path`, then emits its messages in order: `Parsed`
// is what fill_missing_times takes, with `std::size_t offset` and `std::vector<std::string>
// problems`; a message kept with problems comes with a warning naming it.
template <typename Parsed>
void emit_conversation(ImportContext& context, const Conversation& conversation,
                       const std::string& path, std::vector<Parsed>& parsed) {
  fill_missing_times(parsed);
  context.announce(conversation);
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    Parsed& p = parsed[i];
    if (!p.problems.empty()) {
      context.sink.warning(path, record_problem("message", i, p.offset, p.problems));
    }
    context.sink.message(conversation.thread_id, std::move(p.message));
  }
}

}  // namespace dmvault::formats
