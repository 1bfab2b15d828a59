// The Signal importer. Signal has no plaintext export of its own: this reads what the tools
// people use write, detecting the tool file by file: signal-export's chat.md ("[2019-05-29,
// 15:04] Name: text"), data.json and index.html, and sigtop's export-messages JSON and text.
// The SMS Backup & Restore XML that signalbackup-tools --exportxml writes for Signal Android is
// read by the "sms" importer. formats/signal/FORMAT.md has the formats, the mapping, and what a
// native .backup importer would need.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>
#include <optional>
#include <string_view>

namespace dmvault::formats {

std::unique_ptr<Importer> make_signal_importer();

namespace signal {

// "[2019-05-29, 15:04] " (seconds and the comma optional): the wall-clock fields and the
// length of the header, or nullopt when `line` does not start with one.
struct LineHeader {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view stamp;  // between the brackets, as written
  std::size_t length = 0;  // up to the text after "] "
};
std::optional<LineHeader> parse_line_header(std::string_view line);

}  // namespace signal

}  // namespace dmvault::formats
