// The LinkedIn importer: messages.csv of LinkedIn's "Get a copy of your data" export (also
// guide_messages.csv and learning_coach_messages.csv, which share its columns), streamed one
// record at a time. The layout, every column, the quirks and the evidence are in
// formats/linkedin/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats {

std::unique_ptr<Importer> make_linkedin_importer();

namespace linkedin {

// Where the columns are, by their header names (compared without case and surrounding spaces).
struct Columns {
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t conversation_id = kNone, conversation_title = kNone, from = kNone, sender_url = kNone,
              to = kNone, recipient_urls = kNone, date = kNone, subject = kNone, content = kNone,
              folder = kNone, attachments = kNone;
  std::size_t count = 0;  // fields in the header
};
// nullopt when the header lacks CONVERSATION ID, FROM, DATE or CONTENT.
std::optional<Columns> map_header(const std::vector<std::string>& header);

// Whether CONTENT is HTML (it holds a tag LinkedIn's HTML messages use: <p>, <br>, <a ...>, ...)
// rather than text that merely has a '<' in it.
bool looks_like_html(std::string_view content);
// The text a browser would show for an HTML message: tags dropped, entities decoded, white space
// collapsed, a line break for <br> and around block elements. `path` names the file in errors.
std::string html_to_text(std::string_view html, const std::string& path);

// "Ana Pérez,Sam K" / "Ana, Sam": the comma-separated names or addresses of TO and RECIPIENT
// PROFILE URLS, trimmed, empty pieces dropped.
std::vector<std::string> split_list(std::string_view field);

}  // namespace linkedin

}  // namespace dmvault::formats
