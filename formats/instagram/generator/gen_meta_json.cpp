#include "gen_meta_json.hpp"

#include <array>
#include <charconv>

namespace dmvault::formats::instagram::generator {
namespace {

constexpr char kHex[] = "0123456789abcdef";

struct Escape {
  std::array<char, 6> text{};
  std::uint8_t size = 0;
};

// One entry per byte value: its spelling inside a Meta JSON string.
constexpr std::array<Escape, 256> make_meta_table() {
  std::array<Escape, 256> table{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    Escape& e = table[byte];
    const auto c = static_cast<char>(byte);
    if (byte == '"' || byte == '\\') {
      e.text = {'\\', c};
      e.size = 2;
    } else if (byte == '\n') {
      e.text = {'\\', 'n'};
      e.size = 2;
    } else if (byte == '\r') {
      e.text = {'\\', 'r'};
      e.size = 2;
    } else if (byte == '\t') {
      e.text = {'\\', 't'};
      e.size = 2;
    } else if (byte < 0x20 || byte >= 0x80) {
      e.text = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xf]};
      e.size = 6;
    } else {
      e.text = {c};
      e.size = 1;
    }
  }
  return table;
}

constexpr std::array<Escape, 256> kMetaTable = make_meta_table();

}  // namespace

void append_meta_string(std::string& out, std::string_view utf8) {
  out.push_back('"');
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const Escape& e = kMetaTable[static_cast<unsigned char>(utf8[i])];
    if (e.size == 1) {
      continue;
    }
    out.append(utf8.data() + plain_from, i - plain_from);
    out.append(e.text.data(), e.size);
    plain_from = i + 1;
  }
  out.append(utf8.data() + plain_from, utf8.size() - plain_from);
  out.push_back('"');
}

void append_plain_json_string(std::string& out, std::string_view utf8) {
  out.push_back('"');
  for (const char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      out.push_back(c);
    } else {
      const Escape& e = kMetaTable[byte];
      out.append(e.text.data(), e.size);
    }
  }
  out.push_back('"');
}

void MetaJsonWriter::indent(std::size_t depth) { m_out.append(depth * 2, ' '); }

void MetaJsonWriter::open_item() {
  if (m_has_items.empty()) {
    return;  // the root value
  }
  if (m_has_items.back()) {
    m_out.push_back(',');
  }
  m_has_items.back() = true;
  m_out.push_back('\n');
  indent(m_has_items.size());
}

void MetaJsonWriter::write_key(std::string_view key) {
  open_item();
  m_out.push_back('"');
  m_out.append(key);
  m_out.append("\": ");
}

void MetaJsonWriter::begin_object() {
  open_item();
  m_out.push_back('{');
  m_has_items.push_back(false);
}

void MetaJsonWriter::begin_object(std::string_view key) {
  write_key(key);
  m_out.push_back('{');
  m_has_items.push_back(false);
}

void MetaJsonWriter::end_object() {
  const bool had_items = m_has_items.back();
  m_has_items.pop_back();
  if (had_items) {
    m_out.push_back('\n');
    indent(m_has_items.size());
  }
  m_out.push_back('}');
}

void MetaJsonWriter::begin_array() {
  open_item();
  m_out.push_back('[');
  m_has_items.push_back(false);
}

void MetaJsonWriter::begin_array(std::string_view key) {
  write_key(key);
  m_out.push_back('[');
  m_has_items.push_back(false);
}

void MetaJsonWriter::end_array() {
  const bool had_items = m_has_items.back();
  m_has_items.pop_back();
  m_out.push_back('\n');
  if (!had_items) {
    // Meta's printer opens the (empty) body before it knows there is nothing in it.
    indent(m_has_items.size() + 1);
    m_out.push_back('\n');
  }
  indent(m_has_items.size());
  m_out.push_back(']');
}

void MetaJsonWriter::field(std::string_view key, std::string_view utf8) {
  write_key(key);
  append_meta_string(m_out, utf8);
}

void MetaJsonWriter::field(std::string_view key, std::int64_t value) {
  write_key(key);
  std::array<char, 24> digits{};
  const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  m_out.append(digits.data(), result.ptr);
}

void MetaJsonWriter::field_bool(std::string_view key, bool value) {
  write_key(key);
  m_out.append(value ? "true" : "false");
}

}  // namespace dmvault::formats::instagram::generator
