// RFC 4180 records read from a stream of pieces of any size (ExportFiles::read_stream), so that
// a messages.csv of any size is parsed with one record in memory at a time, each with its exact
// bytes (Message::raw). Field notes: formats/linkedin/FORMAT.md.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::linkedin {

struct CsvRecord {
  std::vector<std::string> fields;  // quotes removed, "" turned into "
  std::string raw;                  // the record's bytes, without its line break
  std::size_t line = 1;             // 1-based line it starts on
  std::size_t offset = 0;           // byte offset of its first byte in the file
};

// Fields are separated by ',', records by LF or CRLF; a quoted field may hold separators, line
// breaks and "" for a quote. A quote inside an unquoted field is kept as a character (lenient,
// like most readers). A UTF-8 BOM at the start is skipped.
class CsvStream {
 public:
  using Sink = std::function<void(CsvRecord&)>;
  // A record longer than this is refused: no message is that long, and an unclosed quote would
  // otherwise gather the rest of a huge file.
  static constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

  CsvStream(std::string path, Sink sink) : m_path(std::move(path)), m_sink(std::move(sink)) {}

  // Parses more bytes, handing every complete record to the sink. Error(bad_input,
  // "<path>: line N: ...") for a closing quote followed by something else than a separator or
  // a line break, or a record over kMaxRecordBytes.
  void feed(std::string_view bytes);
  // The end of the file: the last record when it has no line break. Error(bad_input) for a
  // quoted field that is never closed.
  void finish();

 private:
  enum class State { field_start, unquoted, quoted, quote_in_quoted, carriage_return };
  void end_field();
  void end_record();
  void take(char c);
  void step(char c);
  void fail(const std::string& problem, std::size_t line) const;

  std::string m_path;
  Sink m_sink;
  State m_state = State::field_start;
  CsvRecord m_record;
  std::string m_field;
  std::size_t m_offset = 0;  // bytes consumed so far
  std::size_t m_line = 1;
  std::size_t m_quote_line = 1;  // where the open quoted field started
  std::string m_head;            // the first bytes, until the BOM check is done
  bool m_started = false;        // the BOM check is done
  bool m_in_record = false;      // some byte of the current record was read
  State m_before_cr = State::field_start;
};

}  // namespace dmvault::formats::linkedin
