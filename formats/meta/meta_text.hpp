// Meta's exporter (Instagram, Facebook Messenger) writes every UTF-8 byte of a string as its own
// \u00XX escape, so a JSON decoder yields one code point U+0080..U+00FF per byte ("cafÃ©" for
// "café"). See formats/instagram/FORMAT.md, "Mojibake".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dmvault::formats::meta {

// The bytes the exporter meant, when `decoded` (valid UTF-8, as a JSON decoder returns it) holds
// only code points up to U+00FF, at least one of them above U+007F, and those code points read
// as bytes form valid UTF-8. nullopt otherwise: the text is then already right (it has a code
// point above U+00FF, or its bytes would not be UTF-8) and must be kept as it is.
std::optional<std::string> undo_byte_escaping(std::string_view decoded);

// The text to store: repaired when undo_byte_escaping() applies, else unchanged; then NFC.
// Never loses text: whatever cannot be repaired is kept.
std::string repair_text(std::string_view decoded);

}  // namespace dmvault::formats::meta
