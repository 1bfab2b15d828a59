#include "cli/message_json.hpp"

#include "catalog/message_json.hpp"
#include "cli/display.hpp"
#include "util/json_writer.hpp"

namespace dmvault::cli {

void write_message_json(std::ostream& out, const catalog::MessageView& m,
                        const std::string* snippet) {
  util::JsonWriter json(out);
  catalog::write_message_json(json, m, {.snippet = snippet});
  out << '\n';
}

void write_message_text(std::ostream& out, const Output& output, const catalog::MessageView& m) {
  out << output.paint(format_local_minute(m.timestamp_ms), Colour::dim) << "  ";
  if (!m.sender.empty()) out << output.paint(printable(m.sender), Colour::bold) << ": ";
  if (m.kind == "unsent") {
    out << output.paint("(unsent)", Colour::dim);
  } else if (m.kind == "system" && m.sender.empty()) {
    out << output.paint(printable(m.text), Colour::dim);
  } else {
    // Multi-line messages keep their lines, indented under the first.
    std::string_view text = m.text;
    for (bool first = true;; first = false) {
      const auto newline = text.find('\n');
      if (!first) out << "\n                   ";
      out << printable(text.substr(0, newline));
      if (newline == std::string_view::npos) break;
      text.remove_prefix(newline + 1);
    }
  }
  out << '\n';
  for (const auto& a : m.attachments) {
    out << "      [" << a.kind << "] " << printable(a.name.empty() ? a.uri : a.name);
    if (a.size > 0) out << " (" << format_bytes(a.size) << ")";
    if (!a.content) out << " (not in the export)";
    out << '\n';
  }
  if (m.share) {
    out << "      [share] " << printable(m.share->link);
    if (!m.share->text.empty()) out << " " << printable(m.share->text);
    out << '\n';
  }
  if (!m.reactions.empty()) {
    out << "      ";
    for (const auto& r : m.reactions)
      out << printable(r.reaction) << " " << printable(r.actor) << "  ";
    out << '\n';
  }
}

}  // namespace dmvault::cli
