// RFC 4180 records, read one at a time from the bytes of messages.csv so that each record can be
// emitted (with its exact bytes as raw) before the next is parsed.
#include "discord/discord_internal.hpp"
#include "dmvault/error.hpp"

#include <utility>

namespace dmvault::formats::discord {

CsvReader::CsvReader(std::string_view text, std::string path)
    : m_text(text), m_path(std::move(path)) {}

bool CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  if (m_pos >= m_text.size()) return false;
  record.begin = m_pos;
  record.line = m_line;
  std::string field;
  while (true) {
    if (m_pos < m_text.size() && m_text[m_pos] == '"') {
      const std::size_t open_line = m_line;
      ++m_pos;
      while (true) {
        if (m_pos >= m_text.size()) {
          throw Error(ErrorCode::bad_input,
                      m_path + ": line " + std::to_string(open_line) +
                          ": a quoted field is never closed (the file is cut short?)",
                      "export the data package again from Discord's Privacy settings");
        }
        const char c = m_text[m_pos++];
        if (c == '"') {
          if (m_pos < m_text.size() && m_text[m_pos] == '"') {
            field += '"';
            ++m_pos;
            continue;
          }
          break;
        }
        if (c == '\n') ++m_line;
        field += c;
      }
      if (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '\n' &&
          !(m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n') &&
          !(m_text[m_pos] == '\r' && m_pos + 1 == m_text.size())) {
        throw Error(ErrorCode::bad_input,
                    m_path + ": line " + std::to_string(m_line) +
                        ": a closing quote is followed by something else than a comma or a line "
                        "break",
                    "this is not the CSV Discord writes; give the data package as downloaded");
      }
    } else {
      while (
          m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '\n' &&
          !(m_text[m_pos] == '\r' && (m_pos + 1 == m_text.size() || m_text[m_pos + 1] == '\n'))) {
        field += m_text[m_pos++];
      }
    }
    record.fields.push_back(std::move(field));
    field.clear();
    if (m_pos < m_text.size() && m_text[m_pos] == ',') {
      ++m_pos;
      continue;
    }
    record.end = m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '\r') ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '\n') {
      ++m_pos;
      ++m_line;
    }
    return true;
  }
}

}  // namespace dmvault::formats::discord
