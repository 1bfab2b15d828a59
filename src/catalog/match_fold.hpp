// Folding names for matching: case- and accent-insensitive comparison of conversation titles
// and participant names ("Café Société" matches "cafe societe").
#pragma once

#include <string>
#include <string_view>

namespace dmvault::catalog {

// Compatibility decomposition, case folding, marks and default-ignorable characters removed,
// punctuation lookalikes lumped (utf8proc's LUMP), runs of white space made one space and trimmed.
// Invalid UTF-8 is folded byte by byte (ASCII lowercase), so every input has a folding.
std::string fold_for_match(std::string_view text);

}  // namespace dmvault::catalog
