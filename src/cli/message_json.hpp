// How one message is printed: the DESIGN §1 JSON shape (show, search, shell) and the transcript
// line.
#pragma once

#include "catalog/catalog.hpp"
#include "cli/output.hpp"

#include <ostream>
#include <string>

namespace dmvault::cli {

// One JSON line. `snippet` is added when not null (search).
void write_message_json(std::ostream& out, const catalog::MessageView& message,
                        const std::string* snippet);
// "2024-09-05 11:13  Ana: text" plus attachment, share and reaction lines, in local time.
void write_message_text(std::ostream& out, const Output& output,
                        const catalog::MessageView& message);

}  // namespace dmvault::cli
