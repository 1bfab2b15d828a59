#include "linkedin/linkedin_csv.hpp"

#include "dmvault/error.hpp"

#include <utility>

namespace dmvault::formats::linkedin {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr const char* kHint =
    "give messages.csv as LinkedIn wrote it (Settings > Data privacy > Get a copy of your data)";

}  // namespace

void CsvStream::fail(const std::string& problem, std::size_t line) const {
  throw Error(ErrorCode::bad_input, m_path + ": line " + std::to_string(line) + ": " + problem,
              kHint);
}

void CsvStream::feed(std::string_view bytes) {
  if (!m_started) {
    while (!bytes.empty() && m_head.size() < kBom.size()) {
      m_head += bytes.front();
      bytes.remove_prefix(1);
    }
    if (m_head.size() < kBom.size()) return;
    m_started = true;
    if (m_head == kBom) {
      m_offset = kBom.size();
    } else {
      for (const char c : m_head) step(c);
    }
    m_head.clear();
  }
  for (const char c : bytes) step(c);
}

void CsvStream::finish() {
  if (!m_started) {
    m_started = true;
    if (m_head != kBom) {
      for (const char c : m_head) step(c);
    }
    m_head.clear();
  }
  switch (m_state) {
    case State::quoted:
      fail("a quoted field is never closed (the file is cut short?)", m_quote_line);
      break;
    default:
      if (m_in_record) {
        end_field();
        end_record();
      }
  }
  m_state = State::field_start;
}

void CsvStream::take(char c) {
  m_record.raw += c;
  if (m_record.raw.size() > kMaxRecordBytes) {
    fail("a record is longer than " + std::to_string(kMaxRecordBytes >> 20) +
             " MiB (an unclosed quote?)",
         m_record.line);
  }
}

void CsvStream::end_field() {
  m_record.fields.push_back(std::move(m_field));
  m_field.clear();
}

void CsvStream::end_record() {
  m_sink(m_record);
  m_record.fields.clear();
  m_record.raw.clear();
  m_in_record = false;
  m_state = State::field_start;
}

void CsvStream::step(char c) {
  if (!m_in_record) {
    m_in_record = true;
    m_record.line = m_line;
    m_record.offset = m_offset;
  }
  ++m_offset;
  switch (m_state) {
    case State::field_start:
    case State::unquoted:
      if (c == '"' && m_state == State::field_start) {
        take(c);
        m_state = State::quoted;
        m_quote_line = m_line;
      } else if (c == ',') {
        take(c);
        end_field();
        m_state = State::field_start;
      } else if (c == '\n') {
        end_field();
        end_record();
        ++m_line;
      } else if (c == '\r') {
        m_before_cr = m_state;
        m_state = State::carriage_return;
      } else {
        take(c);
        m_field += c;
        m_state = State::unquoted;
      }
      break;
    case State::quoted:
      take(c);
      if (c == '"') {
        m_state = State::quote_in_quoted;
      } else {
        m_field += c;
        if (c == '\n') ++m_line;
      }
      break;
    case State::quote_in_quoted:
      if (c == '"') {
        take(c);
        m_field += '"';
        m_state = State::quoted;
      } else if (c == ',') {
        take(c);
        end_field();
        m_state = State::field_start;
      } else if (c == '\n') {
        end_field();
        end_record();
        ++m_line;
      } else if (c == '\r') {
        m_before_cr = m_state;
        m_state = State::carriage_return;
      } else {
        fail("a closing quote is followed by something else than a comma or a line break", m_line);
      }
      break;
    case State::carriage_return:
      if (c == '\n') {
        end_field();
        end_record();
        ++m_line;
        break;
      }
      // A lone CR is a character of an unquoted field.
      if (m_before_cr == State::quote_in_quoted) {
        fail("a closing quote is followed by something else than a comma or a line break", m_line);
      }
      take('\r');
      m_field += '\r';
      m_state = State::unquoted;
      --m_offset;
      step(c);
      break;
  }
}

}  // namespace dmvault::formats::linkedin
