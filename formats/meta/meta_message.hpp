// From Meta records to the platform-neutral Message: the kind (by structure first, then by the
// exporter's notice lines), attachments with their paths resolved, shares, reactions, calls.
#pragma once

#include "dmvault/model.hpp"
#include "meta/meta_json.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::meta {

// The kind of a line the exporter writes as ordinary text ("Liked a message", "X reacted ❤ to
// your message ", "The video chat ended.", "You sent an attachment."...), or nullopt for
// anything else. These lines are localised in the account's language, and only the English ones
// and a few seen translations are known, so this is the last resort after the structural fields.
std::optional<MessageKind> notice_kind(std::string_view text);

// Maps a URI as written in the export to the export path of the file (or returns it unchanged
// when no file matches, e.g. an expired CDN URL).
using UriResolver = std::function<std::string(const std::string& uri)>;

// Builds the message. `problems` receives what is missing or malformed in the record (never the
// record's text), for the caller to report as one warning.
Message to_message(MetaMessage&& record, const std::string& source_path, const UriResolver& resolve,
                   std::vector<std::string>& problems);

// Whether the exporter marked the text as edited: since 2025 it appends " (edited)" to the
// content (seen in a real Instagram export; English only known). The text is kept as written.
bool marked_edited(std::string_view text);

// The display name of a file from its uri.
std::string attachment_name(std::string_view uri);

}  // namespace dmvault::formats::meta
