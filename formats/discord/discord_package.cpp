// Reader of Discord's data package: messages/index.json (channel names), one folder per channel
// with channel.json and messages.csv (packages before about 2024-03) or messages.json (since),
// and account/user.json (the account, the author of every message in the package).
#include "common/date_parse.hpp"
#include "common/format_text.hpp"
#include "discord/discord_internal.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"

#include <map>
#include <utility>

namespace dmvault::formats::discord {

namespace {

// Ids are strings in newer packages and numbers in older ones.
std::optional<std::string> scalar_text(element value) {
  if (const auto s = as_string(value)) return std::string(*s);
  std::uint64_t u = 0;
  if (value.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  std::int64_t i = 0;
  if (value.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  return std::nullopt;
}

std::string string_of(object obj, std::string_view key) {
  const auto v = member(obj, key);
  if (!v) return {};
  const auto s = as_string(*v);
  return s ? to_nfc(*s) : std::string();
}

struct Account {
  std::string id;
  std::string name;  // global (display) name, else the username
  bool known = false;
};

Account read_account(ImportContext& context, const Package& package) {
  for (const std::string& path : package.user_candidates) {
    try {
      const PlainBytes bytes = context.files.read(path, kMaxSmallFile);
      const meta::JsonFile file(path, text_of(bytes));
      const auto root = as_object(file.root());
      if (!root) continue;
      const auto id = member(*root, "id");
      const auto username = member(*root, "username");
      if (!id || !username) continue;  // another app's user.json, not the account's
      Account account;
      account.id = scalar_text(*id).value_or("");
      account.name = string_of(*root, "global_name");
      if (account.name.empty()) account.name = string_of(*root, "username");
      account.known = !account.id.empty();
      if (account.known) return account;
    } catch (const Error& e) {
      context.sink.warning(path, std::string("ignored: ") + e.what());
    }
  }
  return {};
}

// index.json: channel id -> "Direct Message with name#0", "<channel> in <server>", or null.
std::map<std::string, std::string> read_index(ImportContext& context, const Package& package) {
  std::map<std::string, std::string> names;
  if (package.index_file.empty()) return names;
  const PlainBytes bytes = context.files.read(package.index_file, kMaxSmallFile);
  const meta::JsonFile file(package.index_file, text_of(bytes));
  const auto root = as_object(file.root());
  if (!root) {
    context.sink.warning(package.index_file, "ignored: not a JSON object of channel names");
    return names;
  }
  for (const auto field : *root) {
    if (const auto s = as_string(field.value)) names[std::string(field.key)] = to_nfc(*s);
  }
  return names;
}

// The other person's name in a DM's index entry, "Direct Message with ana#0" -> "ana" (the #0
// is the discriminator every account shows since the 2023 username change).
std::string dm_name(const std::string& entry) {
  constexpr std::string_view kPrefix = "Direct Message with ";
  std::string name = entry.rfind(kPrefix, 0) == 0 ? entry.substr(kPrefix.size()) : entry;
  if (name.size() > 2 && name.compare(name.size() - 2, 2, "#0") == 0) name.resize(name.size() - 2);
  return name;
}

struct ChannelInfo {
  std::string type;  // normalised to the newer string names ("DM", "GROUP_DM", "GUILD_TEXT"...)
  std::string name;
  std::string guild_name;
  std::vector<std::string> recipients;
};

std::string type_name(element value) {
  if (const auto s = as_string(value)) return std::string(*s);
  std::int64_t n = -1;
  if (value.get_int64().get(n) != simdjson::SUCCESS) return {};
  switch (n) {
    case 0:
      return "GUILD_TEXT";
    case 1:
      return "DM";
    case 2:
      return "GUILD_VOICE";
    case 3:
      return "GROUP_DM";
    case 5:
      return "GUILD_ANNOUNCEMENT";
    case 10:
      return "ANNOUNCEMENT_THREAD";
    case 11:
      return "PUBLIC_THREAD";
    case 12:
      return "PRIVATE_THREAD";
    case 13:
      return "GUILD_STAGE_VOICE";
    case 15:
      return "GUILD_FORUM";
    default:
      return std::to_string(n);
  }
}

ChannelInfo read_channel(ImportContext& context, const PackageChannel& channel) {
  ChannelInfo info;
  if (channel.channel_file.empty()) {
    context.sink.warning(channel.dir, "no channel.json: the channel's type and name are unknown");
    return info;
  }
  const PlainBytes bytes = context.files.read(channel.channel_file, kMaxSmallFile);
  const meta::JsonFile file(channel.channel_file, text_of(bytes));
  const auto root = as_object(file.root());
  if (!root) {
    context.sink.warning(channel.channel_file, "ignored: not a JSON object");
    return info;
  }
  if (const auto t = member(*root, "type")) info.type = type_name(*t);
  info.name = string_of(*root, "name");
  if (const auto g = member(*root, "guild")) {
    if (const auto guild = as_object(*g)) info.guild_name = string_of(*guild, "name");
  }
  if (const auto r = member(*root, "recipients")) {
    if (const auto list = as_array(*r)) {
      for (const element e : *list) {
        if (const auto id = scalar_text(e)) info.recipients.push_back(*id);
      }
    }
  }
  return info;
}

class ChannelReader {
 public:
  ChannelReader(ImportContext& context, const PackageChannel& channel, const Account& account)
      : m_context(context), m_channel(channel), m_account(account) {}

  void run(const Conversation& conversation) {
    // The whole file: ExportFiles has no streaming read. Each record is emitted as soon as it is
    // parsed; a channel's file holds one account's messages in one channel.
    const PlainBytes bytes = m_context.files.read(m_channel.messages_file);
    if (m_channel.csv) {
      read_csv(text_of(bytes), conversation.thread_id);
    } else {
      read_json(text_of(bytes), conversation.thread_id);
    }
  }

 private:
  Message base(std::string raw) const {
    Message m;
    m.raw = std::move(raw);
    m.source_path = m_channel.messages_file;
    m.sender_id = m_account.id;
    m.sender = m_account.known ? m_account.name : m_context.options.self_name;
    if (m.sender.empty()) m.sender = "Me";
    return m;
  }

  // Fills id, time, text and attachments; returns what could not be read.
  std::vector<std::string> fill(Message& m, std::string id, std::string_view timestamp,
                                std::string_view contents,
                                const std::vector<std::string>& urls) const {
    std::vector<std::string> problems;
    m.platform_message_id = std::move(id);
    if (m.platform_message_id.empty()) problems.push_back("the record has no ID");
    m.local_time = std::string(timestamp);
    // Zoneless times (messages.json) are UTC: Discord's servers write them (FORMAT.md).
    if (const auto t = parse_iso8601(timestamp)) {
      m.timestamp_ms = t->utc_ms;
    } else if (const auto created = snowflake_ms(m.platform_message_id)) {
      m.timestamp_ms = *created;
      problems.push_back("Timestamp is not a date and time (the time is the one the ID holds)");
    } else {
      // Next to its neighbour: the time of the record before it.
      m.timestamp_ms = m_last_time;
      problems.push_back("Timestamp is not a date and time");
    }
    m_last_time = m.timestamp_ms;
    if (!is_valid_utf8(contents)) {
      problems.push_back("Contents is not valid UTF-8 (kept as the raw record only)");
    } else {
      m.text = to_nfc(contents);
    }
    for (const std::string& url : urls) {
      if (!is_valid_utf8(url)) continue;
      Attachment a;
      a.kind = kind_from_name(url);
      a.uri = url;  // a CDN link: kept, never fetched
      a.name = std::string(base_name(url));
      m.attachments.push_back(std::move(a));
    }
    m.kind = m.attachments.empty() ? MessageKind::text : MessageKind::media;
    return problems;
  }

  static std::vector<std::string> split_urls(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
      std::size_t j = i;
      while (j < s.size() && s[j] != ' ' && s[j] != '\n' && s[j] != '\r' && s[j] != '\t') ++j;
      if (j > i) out.emplace_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }

  void emit(const std::string& thread_id, Message m, const std::vector<std::string>& problems,
            const std::string& where) const {
    if (!problems.empty()) {
      std::string what = where + " kept with what could be read: ";
      for (std::size_t i = 0; i < problems.size(); ++i) what += (i ? "; " : "") + problems[i];
      m_context.sink.warning(m_channel.messages_file, what);
    }
    m_context.sink.message(thread_id, std::move(m));
  }

  void read_csv(std::string_view text, const std::string& thread_id) const {
    std::size_t bom = 0;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") bom = 3;
    CsvReader reader(text.substr(bom), m_channel.messages_file);
    CsvRecord record;
    if (!reader.next(record)) return;  // an empty file: a channel without messages
    int id_col = -1, time_col = -1, contents_col = -1, attachments_col = -1;
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      const std::string& h = record.fields[i];
      const int col = static_cast<int>(i);
      if (h == "ID") id_col = col;
      if (h == "Timestamp") time_col = col;
      if (h == "Contents") contents_col = col;
      if (h == "Attachments") attachments_col = col;
    }
    if (id_col < 0 || time_col < 0 || contents_col < 0) {
      throw Error(ErrorCode::bad_input,
                  m_channel.messages_file +
                      ": line 1: not Discord's header (ID,Timestamp,Contents,Attachments)",
                  "give the data package as Discord sent it (package.zip)");
    }
    const std::size_t header_size = record.fields.size();
    const auto field = [&](int col) -> std::string_view {
      return col >= 0 && static_cast<std::size_t>(col) < record.fields.size()
                 ? std::string_view(record.fields[static_cast<std::size_t>(col)])
                 : std::string_view();
    };
    while (reader.next(record)) {
      if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
      Message m = base(std::string(text.substr(bom + record.begin, record.end - record.begin)));
      std::vector<std::string> problems =
          fill(m, std::string(field(id_col)), field(time_col), field(contents_col),
               split_urls(field(attachments_col)));
      if (record.fields.size() != header_size) {
        problems.push_back("the record has " + std::to_string(record.fields.size()) +
                           " fields, the header " + std::to_string(header_size));
      }
      emit(thread_id, std::move(m), problems, "the record on line " + std::to_string(record.line));
    }
  }

  void read_json(std::string_view text, const std::string& thread_id) const {
    const meta::JsonFile file(m_channel.messages_file, text);
    const auto list = as_array(file.root());
    if (!list) {
      throw Error(
          ErrorCode::bad_input,
          m_channel.messages_file + ": not a list of messages (the document is not an array)",
          "give the data package as Discord sent it (package.zip)");
    }
    meta::SpanScanner scan(file.text(), m_channel.messages_file);
    scan.enter();
    std::size_t index = 0;
    for (const element item : *list) {
      scan.next_element();
      const auto [begin, end] = scan.skip();
      Message m = base(std::string(file.text().substr(begin, end - begin)));
      const std::string where = "message " + std::to_string(++index) + " (byte " +
                                std::to_string(file.file_offset(begin)) + ")";
      const auto obj = as_object(item);
      if (!obj) {
        m.kind = MessageKind::system;
        m.timestamp_ms = m_last_time;
        emit(thread_id, std::move(m), {"the record is not a JSON object"}, where);
        continue;
      }
      std::string id;
      if (const auto v = member(*obj, "ID")) id = scalar_text(*v).value_or("");
      std::string timestamp;
      if (const auto v = member(*obj, "Timestamp"))
        timestamp = std::string(as_string(*v).value_or(""));
      std::string contents;
      if (const auto v = member(*obj, "Contents"))
        contents = std::string(as_string(*v).value_or(""));
      std::vector<std::string> urls;
      if (const auto v = member(*obj, "Attachments")) {
        if (const auto s = as_string(*v)) {
          urls = split_urls(*s);
        } else if (const auto a = as_array(*v)) {
          for (const element e : *a) {
            if (const auto url = as_string(e)) urls.emplace_back(*url);
          }
        }
      }
      const std::vector<std::string> problems = fill(m, std::move(id), timestamp, contents, urls);
      emit(thread_id, std::move(m), problems, where);
    }
  }

  ImportContext& m_context;
  const PackageChannel& m_channel;
  const Account& m_account;
  mutable std::int64_t m_last_time = 0;
};

}  // namespace

void import_package(ImportContext& context, const Package& package) {
  const Account account = read_account(context, package);
  if (!account.known && !package.user_candidates.empty()) {
    context.sink.warning(package.user_candidates.front(),
                         "no account id in the package's user.json: messages are attributed to "
                         "the exporting user without an id");
  }
  const std::map<std::string, std::string> index = read_index(context, package);
  for (const PackageChannel& channel : package.channels) {
    const ChannelInfo info = read_channel(context, channel);
    Conversation c;
    c.platform = std::string(kPlatform);
    c.thread_id = channel.id;
    c.source_path = channel.channel_file.empty() ? channel.messages_file : channel.channel_file;
    const auto entry = index.find(channel.id);
    const std::string indexed = entry != index.end() ? entry->second : std::string();
    const bool dm = info.type == "DM" || (info.type.empty() && info.recipients.size() == 2);
    if (dm) {
      c.title = dm_name(indexed);
    } else if (!info.name.empty()) {
      c.title = info.guild_name.empty() ? info.name : info.name + " in " + info.guild_name;
    } else {
      c.title = indexed;
    }
    if (c.title.empty()) c.title = "Discord channel " + channel.id;
    c.is_group = !dm;
    Participant self;
    self.name = account.known ? account.name : context.options.self_name;
    if (self.name.empty()) self.name = "Me";
    self.platform_id = account.id;
    self.is_self = true;
    c.participants.push_back(self);
    for (const std::string& id : info.recipients) {
      if (account.known && id == account.id) continue;
      Participant other;
      other.platform_id = id;
      // Only a DM's index entry names the other side; group members are ids only. Without the
      // account's id the two recipients cannot be told apart, so neither is named.
      if (dm && account.known) other.name = c.title;
      c.participants.push_back(std::move(other));
    }
    context.announce(c);
    ChannelReader(context, channel, account).run(c);
  }
}

}  // namespace dmvault::formats::discord
