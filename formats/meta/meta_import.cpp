// message_N.json threads: Meta's shared schema, read by meta_json.cpp, turned into messages by
// meta_message.cpp.
#include "meta/meta_import.hpp"

#include "meta/meta_json.hpp"
#include "meta/meta_message.hpp"

#include <algorithm>
#include <utility>

namespace dmvault::formats::meta {

namespace {

Conversation make_conversation(const ImportContext& context, const ThreadGroup& thread,
                               const MetaThread& file, const std::string& path) {
  Conversation c;
  c.platform = context.platform;
  c.thread_id = thread.thread_id;
  c.source_path = path;
  for (const std::string& name : file.participants) {
    Participant p;
    p.name = name;
    p.is_self = context.is_self(name);
    c.participants.push_back(std::move(p));
  }
  c.title = file.title.value_or("");
  if (c.title.empty()) {
    // Hand-trimmed files lack the title; the other participants' names are what the app shows.
    for (const Participant& p : c.participants) {
      if (p.is_self) continue;
      if (!c.title.empty()) c.title += ", ";
      c.title += p.name;
    }
  }
  if (c.title.empty()) c.title = thread.thread_id;
  c.is_group =
      c.participants.size() > 2 || file.thread_type == "RegularGroup" || file.has_joinable_mode;
  c.still_participant = file.is_still_participant.value_or(true);
  return c;
}

}  // namespace

bool ImportContext::is_self(std::string_view name) const {
  return std::find(self_names.begin(), self_names.end(), name) != self_names.end();
}

void import_json_thread(ImportContext& context, const ThreadGroup& thread) {
  for (const ThreadFile& html : thread.html_files) {
    context.sink.warning(html.path,
                         "ignored: this thread also has JSON files, which were imported instead "
                         "(the file itself is stored)");
  }
  const UriResolver resolve = [&](const std::string& uri) {
    return resolve_media(context.files, thread, uri);
  };
  for (const ThreadFile& file : thread.json_files) {
    MetaThread parsed;
    {
      const PlainBytes bytes = context.files.read(file.path);
      parsed =
          parse_thread_file(file.path, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    }
    if (!parsed.has_messages) {
      context.sink.warning(file.path,
                           "ignored: JSON without a \"messages\" array is not a message file");
      continue;
    }
    for (const std::string& problem : parsed.problems) {
      context.sink.warning(file.path, "thread header: " + problem);
    }
    if (!context.announced(thread.thread_id)) {
      context.announce(make_conversation(context, thread, parsed, file.path));
    }
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < parsed.messages.size(); ++i) {
      const std::size_t offset = parsed.messages[i].offset;
      Message message = to_message(std::move(parsed.messages[i]), file.path, resolve, problems);
      message.raw_offset = offset;  // raw is file.path's bytes from there (parse_thread_file)
      if (!problems.empty()) {
        context.sink.warning(file.path, record_problem(i, offset, problems));
      }
      context.sink.message(thread.thread_id, std::move(message));
    }
  }
}

}  // namespace dmvault::formats::meta
