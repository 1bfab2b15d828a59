// Reader of Google Chat in a Takeout: Groups/<conversation>/{messages.json, group_info.json,
// attached files} and Users/User <id>/user_info.json (the account owner).
#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "google_chat/google_chat_internal.hpp"

#include <map>
#include <utility>

namespace dmvault::formats::google_chat {

namespace {

struct Person {
  std::string name;
  std::string email;
};

Person read_person(object obj) { return {string_of(obj, "name"), string_of(obj, "email")}; }

struct Owner {
  Person person;
  std::map<std::string, std::string> membership;  // group folder name -> membership_state
};

struct Parsed {
  Message message;
  std::vector<std::string> problems;
  std::size_t offset = 0;
  bool has_time = false;
};

// The URL a link annotation carries, and the text that describes it.
struct Link {
  std::string url;
  std::string text;
};

std::optional<Link> annotation_link(object annotation) {
  if (const auto u = object_of(annotation, "url_metadata")) {
    Link link;
    if (const auto url = object_of(*u, "url")) {
      link.url = string_of(*url, "private_do_not_access_or_else_safe_url_wrapped_value");
    }
    link.text = string_of(*u, "title");
    const std::string snippet = string_of(*u, "snippet");
    if (!snippet.empty()) link.text += (link.text.empty() ? "" : "\n") + snippet;
    return link;
  }
  if (const auto d = object_of(annotation, "drive_metadata")) {
    const std::string id = string_of(*d, "id");
    return Link{id.empty() ? std::string() : "https://drive.google.com/open?id=" + id,
                string_of(*d, "title")};
  }
  if (const auto y = object_of(annotation, "youtube_metadata")) {
    const std::string id = string_of(*y, "id");
    return Link{id.empty() ? std::string() : "https://www.youtube.com/watch?v=" + id, ""};
  }
  if (const auto v = object_of(annotation, "video_call_metadata")) {
    if (const auto space = object_of(*v, "meeting_space")) {
      return Link{string_of(*space, "meeting_url"), ""};
    }
  }
  return std::nullopt;
}

class GroupReader {
 public:
  GroupReader(ImportContext& context, const ChatGroup& group, const Owner& owner)
      : m_context(context), m_group(group), m_owner(owner) {}

  void run() {
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = m_group.name;
    c.source_path = m_group.messages_file;
    read_info(c);
    if (const auto it = m_owner.membership.find(m_group.name); it != m_owner.membership.end()) {
      c.still_participant = it->second == "MEMBER_JOINED";
    }

    const PlainBytes bytes = m_context.files.read(m_group.messages_file, kMaxGroupFile);
    const meta::JsonFile file(m_group.messages_file, text_of(bytes));
    const auto root = as_object(file.root());
    const auto list = root ? array_of(*root, "messages") : std::nullopt;
    if (!list) {
      throw Error(ErrorCode::bad_input,
                  m_group.messages_file + ": no \"messages\" list in this file",
                  "give the Google Chat folder of a Takeout archive, unchanged");
    }
    static constexpr std::string_view kPath[] = {"messages"};
    const auto spans = element_spans(file.text(), m_group.messages_file, *root, kPath);
    std::vector<Parsed> parsed;
    std::size_t i = 0;
    for (const element item : *list) {
      Parsed p;
      const auto [begin, end] = spans.at(i++);
      p.offset = file.file_offset(begin);
      p.message.raw = std::string(file.text().substr(begin, end - begin));
      p.message.raw_offset = p.offset;
      p.message.source_path = m_group.messages_file;
      read_message(item, p);
      add_participant(c, p.message.sender, p.message.sender_id);
      parsed.push_back(std::move(p));
    }
    if (c.title.empty()) c.title = title_from_members(c);
    emit_conversation(m_context, c, m_group.messages_file, parsed);
    if (m_missing_files > 0) {
      m_context.sink.warning(
          m_group.messages_file,
          std::to_string(m_missing_files) + " attached file(s) named here are not in the export");
    }
  }

 private:
  bool is_self(const std::string& name, const std::string& email) const {
    const std::string& self = m_context.options.self_name;
    if (!self.empty() && (self == name || (!email.empty() && self == email))) return true;
    return !m_owner.person.email.empty() && email == m_owner.person.email;
  }

  void add_participant(Conversation& c, const std::string& name, const std::string& email) {
    if (name.empty() && email.empty()) return;
    for (const Participant& p : c.participants) {
      if (email.empty() ? p.name == name : p.platform_id == email) return;
    }
    c.participants.push_back(Participant{name, email, is_self(name, email)});
  }

  void read_info(Conversation& c) {
    c.is_group = m_group.name.rfind("DM ", 0) != 0;
    if (m_group.info_file.empty()) return;
    const PlainBytes bytes = m_context.files.read(m_group.info_file, kMaxGroupFile);
    const meta::JsonFile file(m_group.info_file, text_of(bytes));
    const auto root = as_object(file.root());
    if (!root) {
      m_context.sink.warning(m_group.info_file, "ignored: not a JSON object");
      return;
    }
    c.title = string_of(*root, "name");
    if (const auto members = array_of(*root, "members")) {
      for (const element e : *members) {
        const auto m = as_object(e);
        if (!m) continue;
        const Person person = read_person(*m);
        if (!person.email.empty()) m_names[person.email] = person.name;
        add_participant(c, person.name, person.email);
      }
    }
    if (c.participants.size() > 2) c.is_group = true;
  }

  std::string title_from_members(const Conversation& c) const {
    std::string title;
    for (const Participant& p : c.participants) {
      if (p.is_self || p.name.empty()) continue;
      title += (title.empty() ? "" : ", ") + p.name;
    }
    return title.empty() ? m_group.name : title;
  }

  // The first date among the fields a record may carry: an edited message keeps its creation
  // time only in previous_message_versions, a deleted one may have only deleted_date.
  void read_time(object obj, Parsed& p) {
    std::string when = string_of(obj, "created_date");
    if (when.empty()) {
      if (const auto versions = array_of(obj, "previous_message_versions")) {
        for (const element v : *versions) {
          if (const auto version = as_object(v)) when = string_of(*version, "created_date");
          if (!when.empty()) break;
        }
      }
    }
    for (const char* key : {"updated_date", "deleted_date"}) {
      if (when.empty()) when = string_of(obj, key);
    }
    if (when.empty()) {
      p.problems.push_back("the message has no date");
      return;
    }
    const auto date = parse_chat_date(when);
    if (!date) {
      p.problems.push_back("its date is not in the expected form");
      return;
    }
    p.has_time = true;
    if (date->offset) {
      p.message.timestamp_ms = (date->local_seconds - *date->offset) * 1000;
      return;
    }
    // A zone abbreviation: the wall clock is read in the user's zone, and kept as written.
    p.message.timestamp_ms = m_context.zone().to_utc(date->local_seconds) * 1000;
    p.message.local_time = when;
  }

  std::string resolve_file(const std::string& export_name) {
    // The JSON writes "File-123?account_id=3.jpg"; the file on disk is "File-123_account_id=3.jpg".
    std::string on_disk = export_name;
    for (char& ch : on_disk) {
      if (ch == '?') ch = '_';
    }
    for (const std::string& name : {export_name, on_disk}) {
      if (m_context.files.exists(m_group.dir + name)) return m_group.dir + name;
    }
    ++m_missing_files;
    return m_group.dir + on_disk;
  }

  void read_message(element value, Parsed& p) {
    Message& m = p.message;
    const auto obj = as_object(value);
    if (!obj) {
      p.problems.push_back("the record is not a JSON object");
      m.kind = MessageKind::system;
      return;
    }
    m.platform_message_id = string_of(*obj, "message_id");
    if (m.platform_message_id.empty()) p.problems.push_back("the message has no message_id");
    if (const auto creator = object_of(*obj, "creator")) {
      const Person person = read_person(*creator);
      m.sender = person.name;
      m.sender_id = person.email;
      if (m.sender.empty() && !person.email.empty()) {
        const auto it = m_names.find(person.email);
        m.sender = it != m_names.end() ? it->second : person.email;
      }
    }
    read_time(*obj, p);
    m.text = string_of(*obj, "text");
    const auto versions = array_of(*obj, "previous_message_versions");
    m.edited = !string_of(*obj, "updated_date").empty() || (versions && versions->size() > 0);
    if (const auto quoted = object_of(*obj, "quoted_message_metadata")) {
      m.reply_to = string_of(*quoted, "message_id");
      if (m.reply_to.empty()) m.reply_to = string_of(*quoted, "text");
    }
    if (const auto files = array_of(*obj, "attached_files")) {
      for (const element e : *files) {
        const auto f = as_object(e);
        if (!f) continue;
        Attachment a;
        const std::string export_name = string_of(*f, "export_name");
        a.name = string_of(*f, "original_name");
        if (a.name.empty()) a.name = export_name;
        if (!export_name.empty()) a.uri = resolve_file(export_name);
        // By the name on disk: the JSON's names may hold a '?' that base_name() would cut.
        a.kind = kind_from_name(a.uri.empty() ? a.name : a.uri);
        m.attachments.push_back(std::move(a));
      }
    }
    read_annotations(*obj, p);
    read_reactions(*obj, m);

    const bool deleted =
        string_of(*obj, "message_state") == "DELETED" || !string_of(*obj, "deleted_date").empty();
    if (deleted) {
      m.kind = MessageKind::unsent;
    } else if (!m.attachments.empty()) {
      m.kind = MessageKind::media;
    } else if (m.text.empty() && m.share) {
      m.kind = MessageKind::share;
    } else {
      m.kind = MessageKind::text;
    }
  }

  void read_annotations(object obj, Parsed& p) {
    const auto list = array_of(obj, "annotations");
    if (!list) return;
    Message& m = p.message;
    for (const element e : *list) {
      const auto a = as_object(e);
      if (!a) continue;
      if (const auto g = object_of(*a, "gsuite_integration_metadata")) {
        read_integration(*g, m);
        continue;
      }
      const auto link = annotation_link(*a);
      if (!link || (link->url.empty() && link->text.empty())) continue;
      if (!m.share) {
        m.share = Share{link->url, link->text, ""};
        continue;
      }
      for (const std::string* part : {&link->url, &link->text}) {
        if (!part->empty()) m.share->text += (m.share->text.empty() ? "" : "\n") + *part;
      }
    }
  }

  // Tasks, calendar events and calls that Google Workspace posts into a conversation: their
  // title becomes the text when the message has none.
  static void read_integration(object g, Message& m) {
    if (!m.text.empty()) return;
    if (const auto tasks = object_of(g, "tasks_data")) {
      if (const auto props = object_of(*tasks, "task_properties")) {
        m.text = "Task: " + string_of(*props, "title");
      }
    } else if (const auto cal = object_of(g, "calendar_event_data")) {
      if (const auto event = object_of(*cal, "calendar_event")) {
        m.text = "Calendar event: " + string_of(*event, "title");
      }
    } else if (const auto call = object_of(g, "call_data")) {
      m.text = "Call: " + string_of(*call, "call_status");
    }
  }

  void read_reactions(object obj, Message& m) const {
    const auto list = array_of(obj, "reactions");
    if (!list) return;
    for (const element e : *list) {
      const auto r = as_object(e);
      if (!r) continue;
      std::string what;
      if (const auto emoji = object_of(*r, "emoji")) {
        what = string_of(*emoji, "unicode");
        if (what.empty()) {
          if (const auto custom = object_of(*emoji, "custom_emoji")) {
            what = ":" + string_of(*custom, "uid") + ":";
          }
        }
      }
      if (what.empty()) what = "reaction";
      if (const auto reactors = array_of(*r, "reactor_emails")) {
        for (const element x : *reactors) {
          const auto email = as_string(x);
          if (!email) continue;
          const auto it = m_names.find(std::string(*email));
          m.reactions.push_back(
              Reaction{it != m_names.end() && !it->second.empty() ? it->second : to_nfc(*email),
                       what, std::nullopt});
        }
      }
    }
  }

  ImportContext& m_context;
  const ChatGroup& m_group;
  const Owner& m_owner;
  std::map<std::string, std::string> m_names;  // email -> name, from group_info.json
  std::size_t m_missing_files = 0;
};

Owner read_owner(ImportContext& context, const ChatTree& tree) {
  Owner owner;
  if (tree.user_files.size() != 1) {
    if (tree.user_files.size() > 1) {
      context.sink.warning(tree.user_files.front(),
                           "several user_info.json files: the account owner is not marked");
    }
    return owner;
  }
  const std::string& path = tree.user_files.front();
  try {
    const PlainBytes bytes = context.files.read(path, kMaxGroupFile);
    const meta::JsonFile file(path, text_of(bytes));
    const auto root = as_object(file.root());
    if (!root) throw Error(ErrorCode::bad_input, path + ": not a JSON object");
    if (const auto user = object_of(*root, "user")) owner.person = read_person(*user);
    if (const auto list = array_of(*root, "membership_info")) {
      for (const element e : *list) {
        const auto m = as_object(e);
        if (!m) continue;
        owner.membership[string_of(*m, "group_id")] = string_of(*m, "membership_state");
      }
    }
  } catch (const Error&) {
    context.sink.warning(path, "unreadable: the account owner is not marked");
    owner = Owner{};
  }
  return owner;
}

}  // namespace

void import_chat_tree(ImportContext& context, const ChatTree& tree) {
  const Owner owner = read_owner(context, tree);
  for (const ChatGroup& group : tree.groups) GroupReader(context, group, owner).run();
}

}  // namespace dmvault::formats::google_chat
