#include "sms/sms_importer.hpp"

#include "common/format_text.hpp"
#include "dmvault/error.hpp"
#include "sms/sms_xml.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace dmvault::formats {

namespace {

using sms::XmlElement;

constexpr std::size_t kDetectHead = 4096;
constexpr std::size_t kMaxDetectProbes = 32;
constexpr std::size_t kMaxParts = 1024;
constexpr std::size_t kMaxAddrs = 1024;

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         ascii_lower(text.substr(text.size() - suffix.size())) == suffix;
}

bool is_xml(const std::string& path) { return ends_with_ci(path, ".xml"); }

// The exporter writes the string "null" for a missing value.
std::string attr(const XmlElement& e, std::string_view name) {
  const std::string* v = e.find(name);
  if (v == nullptr || *v == "null") return {};
  return *v;
}

std::optional<std::int64_t> attr_int(const XmlElement& e, std::string_view name) {
  const std::string v(trim(attr(e, name)));
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

// Phone numbers are kept as the user would dial them: punctuation dropped, a leading '+' kept.
// Without a home region "+1555..." and "555..." stay apart (FORMAT.md). Alphanumeric senders,
// short codes and RCS group ids are kept as written.
std::string normalize_address(std::string_view address) {
  const std::string_view t = trim(address);
  std::string digits;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty()) {
      digits += c;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
      continue;
    } else {
      return std::string(t);
    }
  }
  return digits;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    const std::string_view piece = trim(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (!piece.empty()) out.emplace_back(piece);
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

// "(Unknown)" is what the app writes for a number without a contact.
std::string contact_name(const XmlElement& e) {
  std::string name(trim(attr(e, "contact_name")));
  if (name == "(Unknown)") return {};
  return to_nfc(name);
}

std::string hex64(std::uint64_t v) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[v & 0xF];
    v >>= 4;
  }
  return out;
}

// FNV-1a over length-prefixed fields: a stable digest for the synthetic message id.
std::uint64_t digest(const std::vector<std::string_view>& fields) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&](std::string_view bytes) {
    for (const char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
  };
  for (const std::string_view f : fields) {
    mix(std::to_string(f.size()));
    mix(":");
    mix(f);
  }
  return h;
}

AttachmentKind kind_of(std::string_view content_type) {
  const std::string ct = ascii_lower(content_type);
  if (ct == "image/gif") return AttachmentKind::gif;
  if (ct.rfind("image/", 0) == 0) return AttachmentKind::photo;
  if (ct.rfind("video/", 0) == 0) return AttachmentKind::video;
  if (ct.rfind("audio/", 0) == 0) return AttachmentKind::audio;
  return AttachmentKind::file;
}

// Content types go into warnings: short printable ASCII only.
std::string printable_type(std::string_view ct) {
  std::string out;
  for (const char c : ct.substr(0, 64)) {
    const auto b = static_cast<unsigned char>(c);
    out += (b > 0x20 && b < 0x7f) ? c : '?';
  }
  return out;
}

struct Part {
  XmlElement element;
};

class SmsFileReader final : public sms::XmlHandler {
 public:
  SmsFileReader(const std::string& path, ImportSink& sink, const ImportOptions& options,
                std::set<std::string>& announced)
      : m_path(path),
        m_sink(sink),
        m_self(options.self_name.empty() ? std::string("Me") : to_nfc(options.self_name)),
        m_announced(announced),
        m_xml(path, *this) {}

  // False once the file turned out not to be an SMS backup (the rest is not read).
  bool feed(std::span<const std::uint8_t> bytes) {
    m_xml.feed(bytes);
    return !m_stop;
  }
  // Whether the file was an SMS backup.
  bool finish() {
    if (m_stop) return false;
    m_xml.finish();
    for (const std::string& w : m_warnings) m_sink.warning(m_path, w);
    m_warnings.clear();
    if (m_count && *m_count != static_cast<std::int64_t>(m_records)) {
      m_sink.warning(m_path, "the count attribute says " + std::to_string(*m_count) +
                                 " records but the file holds " + std::to_string(m_records));
    }
    return true;
  }

  void start(const XmlElement& e) override {
    const std::size_t depth = m_depth++;
    if (depth == 0) {
      if (e.name == "smses") {
        m_count = attr_int(e, "count");
        if (!m_count && e.find("count") != nullptr) {
          m_sink.warning(m_path, "the count attribute is not a number: ignored");
        }
      } else {
        m_stop = true;
        m_sink.warning(m_path, e.name == "calls"
                                   ? std::string("a call log: calls are not imported")
                                   : "not an SMS Backup & Restore file (its root element is not "
                                     "<smses>): ignored");
      }
      return;
    }
    if (m_stop || m_ignore_below != 0) return;
    if (depth == 1) {
      if (e.name == "sms" || e.name == "mms") {
        m_record = e;
        m_parts.clear();
        m_addrs.clear();
        m_xml.begin_capture();
      } else {
        m_sink.warning(m_path, "offset " + std::to_string(e.offset) + ": an unknown element <" +
                                   printable_type(e.name) + "> ignored");
        m_ignore_below = m_depth;
      }
      return;
    }
    if (m_record.name != "mms") return;
    if (e.name == "part") {
      if (m_parts.size() < kMaxParts) {
        m_parts.push_back(e);
      } else if (m_parts.size() == kMaxParts) {
        note(e.offset, "more than " + std::to_string(kMaxParts) + " parts: the rest ignored");
      }
    } else if (e.name == "addr") {
      if (m_addrs.size() < kMaxAddrs) m_addrs.push_back(e);
    }
  }

  void end(std::string_view name) override {
    const std::size_t depth = --m_depth;
    if (m_ignore_below != 0) {
      if (depth + 1 == m_ignore_below) m_ignore_below = 0;
      return;
    }
    if (m_stop || depth != 1 || (name != "sms" && name != "mms")) return;
    bool complete = true;
    std::string raw = m_xml.take_capture(complete);
    if (!complete) note(m_record.offset, "the record is too long to keep whole in raw");
    ++m_records;
    if (name == "sms") {
      emit_sms(std::move(raw));
    } else {
      emit_mms(std::move(raw));
    }
  }

  void warning(std::uint64_t offset, const std::string& what) override {
    if (m_depth >= 1 && m_ignore_below == 0) {
      note(offset, what);
    } else {
      m_sink.warning(m_path, "offset " + std::to_string(offset) + ": " + what);
    }
  }

 private:
  struct Party {
    std::string address;  // normalised
    std::string name;     // the contact's name, "" when unknown
  };

  void note(std::uint64_t offset, const std::string& what) {
    m_warnings.push_back("offset " + std::to_string(offset) + ": " + what);
  }

  const std::string& conversation_for(std::vector<Party> others) {
    std::sort(others.begin(), others.end(),
              [](const Party& a, const Party& b) { return a.address < b.address; });
    others.erase(std::unique(others.begin(), others.end(),
                             [](const Party& a, const Party& b) { return a.address == b.address; }),
                 others.end());
    std::string thread_id;
    for (const Party& p : others) thread_id += (thread_id.empty() ? "" : "~") + p.address;
    m_thread = thread_id;
    if (m_announced.insert(thread_id).second) {
      Conversation c;
      c.platform = "sms";
      c.thread_id = thread_id;
      c.is_group = others.size() > 1;
      c.source_path = m_path;
      for (const Party& p : others) {
        const std::string& shown = p.name.empty() ? p.address : p.name;
        c.title += (c.title.empty() ? "" : ", ") + shown;
        c.participants.push_back({shown, p.address, false});
      }
      c.participants.push_back({m_self, "", true});
      m_sink.conversation(c);
    }
    return m_thread;
  }

  Message base_message(std::string raw) {
    Message m;
    if (const auto date = attr_int(m_record, "date")) {
      m.timestamp_ms = *date;
    } else {
      note(m_record.offset, "no valid date: time left at 0");
    }
    m.local_time = attr(m_record, "readable_date");
    m.raw = std::move(raw);
    m.source_path = m_path;
    return m;
  }

  void send(const std::string& thread, Message m) {
    m_sink.message(thread, std::move(m));
    for (const std::string& w : m_warnings) m_sink.warning(m_path, w);
    m_warnings.clear();
  }

  void emit_sms(std::string raw) {
    const XmlElement& e = m_record;
    Party other{normalize_address(attr(e, "address")), contact_name(e)};
    if (other.address.empty()) {
      note(e.offset, "no address: filed under \"unknown\"");
      other.address = "unknown";
    }
    const std::string thread = conversation_for({other});
    Message m = base_message(std::move(raw));
    const auto type = attr_int(e, "type");
    if (type == 1) {
      m.sender = other.name.empty() ? other.address : other.name;
      m.sender_id = other.address;
    } else if (type && *type >= 2 && *type <= 6) {
      m.sender = m_self;
    } else {
      note(e.offset, "an unknown type: the sender is not known");
    }
    m.text = to_nfc(attr(e, "body"));
    m.kind = MessageKind::text;
    m.platform_message_id = "sms:" + std::to_string(m.timestamp_ms) + ":" +
                            std::to_string(type.value_or(0)) + ":" +
                            hex64(digest({thread, m.sender_id, m.text}));
    send(thread, std::move(m));
  }

  void emit_mms(std::string raw) {
    const XmlElement& e = m_record;
    const auto box = attr_int(e, "msg_box");
    const auto m_type = attr_int(e, "m_type");
    std::optional<bool> outgoing;
    if (box == 1) {
      outgoing = false;
    } else if (box && *box >= 2 && *box <= 5) {
      outgoing = true;
    } else if (m_type == 128) {
      outgoing = true;
    } else if (m_type == 130 || m_type == 132) {
      outgoing = false;
    }

    // The other parties: the thread's recipients, as the `address` attribute lists them.
    std::vector<std::string> addresses;
    for (const std::string& a : split(attr(e, "address"), '~')) {
      addresses.push_back(normalize_address(a));
    }
    std::string from;
    for (const XmlElement& a : m_addrs) {
      const std::string address = normalize_address(attr(a, "address"));
      if (address.empty() || address == "insert-address-token") continue;
      if (attr_int(a, "type") == 137 && from.empty()) from = address;
    }
    if (addresses.empty()) {
      for (const XmlElement& a : m_addrs) {
        const std::string address = normalize_address(attr(a, "address"));
        if (address.empty() || address == "insert-address-token") continue;
        if (outgoing == true && attr_int(a, "type") == 137) continue;
        addresses.push_back(address);
      }
    }
    if (addresses.empty()) {
      note(e.offset, "no address: filed under \"unknown\"");
      addresses.push_back("unknown");
    }
    const std::vector<std::string> names = split(contact_name(e), ',');
    std::vector<Party> others;
    std::map<std::string, std::string> name_of;
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      std::string name;
      if (names.size() == addresses.size()) {
        name = names[i];
      } else if (addresses.size() == 1) {
        name = contact_name(e);
      }
      name_of[addresses[i]] = name;
      others.push_back({addresses[i], name});
    }
    const std::string thread = conversation_for(others);

    Message m = base_message(std::move(raw));
    if (outgoing == true) {
      m.sender = m_self;
    } else {
      if (!outgoing) note(e.offset, "an unknown msg_box: read as received");
      std::string sender = from.empty() && addresses.size() == 1 ? addresses[0] : from;
      if (sender.empty()) {
        note(e.offset, "no sender address");
      } else {
        const auto it = name_of.find(sender);
        m.sender = it != name_of.end() && !it->second.empty() ? it->second : sender;
        m.sender_id = sender;
      }
    }

    std::string text;
    std::size_t index = 0;
    for (const XmlElement& p : m_parts) {
      ++index;
      const std::string ct = ascii_lower(attr(p, "ct"));
      if (ct == "application/smil") continue;
      if (ct.rfind("text/plain", 0) == 0) {
        if (const std::string* t = p.find("text"); t != nullptr) {
          if (!text.empty()) text += '\n';
          text += *t;
        } else if (p.data) {
          note(p.offset, "part " + std::to_string(index) +
                             ": a text part stored as base64 is kept in raw only");
        }
        continue;
      }
      Attachment a;
      a.kind = kind_of(ct);
      for (const char* key : {"name", "cl", "fn"}) {
        if (a.name.empty()) a.name = to_nfc(attr(p, key));
      }
      if (a.name.empty()) a.name = "part-" + std::to_string(index);
      if (!p.data) {
        note(p.offset,
             "part " + std::to_string(index) + " (" + printable_type(ct) + "): no inline data");
      } else if (!p.data->valid) {
        note(p.data->offset, "part " + std::to_string(index) + " (" + printable_type(ct) +
                                 "): data is not valid base64");
      }
      m.attachments.push_back(std::move(a));
    }
    m.text = to_nfc(text);
    m.kind = m.text.empty() && !m.attachments.empty() ? MessageKind::media : MessageKind::text;
    std::vector<std::string_view> fields = {thread, m.sender_id, m.text};
    for (const Attachment& a : m.attachments) fields.push_back(a.name);
    m.platform_message_id = "mms:" + std::to_string(m.timestamp_ms) + ":" +
                            std::to_string(box.value_or(0)) + ":" + hex64(digest(fields));
    send(thread, std::move(m));
  }

  std::string m_path;
  ImportSink& m_sink;
  std::string m_self;
  std::set<std::string>& m_announced;
  sms::XmlStream m_xml;
  std::size_t m_depth = 0;
  std::size_t m_ignore_below = 0;
  bool m_stop = false;
  std::optional<std::int64_t> m_count;
  std::size_t m_records = 0;
  XmlElement m_record;
  std::vector<XmlElement> m_parts;
  std::vector<XmlElement> m_addrs;
  std::vector<std::string> m_warnings;
  std::string m_thread;
};

class SmsImporter final : public Importer {
 public:
  std::string name() const override { return "sms"; }
  std::string description() const override {
    return "Android SMS/MMS (SMS Backup & Restore XML, also signalbackup-tools --exportxml)";
  }

  int detect(const ExportFiles& files) const override {
    std::size_t probes = 0;
    for (const ExportFile& f : files.files()) {
      if (!is_xml(f.path)) continue;
      if (probes++ >= kMaxDetectProbes) break;
      std::string head;
      try {
        files.read_stream(f.path, [&](std::span<const std::uint8_t> piece) {
          const std::size_t n = std::min(piece.size(), kDetectHead - head.size());
          head.append(reinterpret_cast<const char*>(piece.data()), n);
          return head.size() < kDetectHead;
        });
      } catch (const std::exception&) {
        continue;
      }
      if (head.find("<smses") != std::string::npos) return 100;
    }
    return 0;
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    std::set<std::string> announced;
    bool any = false;
    for (const ExportFile& f : files.files()) {
      if (!is_xml(f.path)) continue;
      SmsFileReader reader(f.path, sink, options, announced);
      files.read_stream(f.path,
                        [&](std::span<const std::uint8_t> piece) { return reader.feed(piece); });
      any = reader.finish() || any;
    }
    if (!any) {
      throw Error(ErrorCode::bad_input, "no SMS Backup & Restore XML file in the export",
                  "the export should hold sms-*.xml files whose root element is <smses>");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_sms_importer() { return std::make_unique<SmsImporter>(); }

}  // namespace dmvault::formats
