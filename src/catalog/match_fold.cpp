#include "catalog/match_fold.hpp"

#include "util/unicode.hpp"

#include <utf8proc.h>

#include <cstdlib>

namespace dmvault::catalog {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string collapse_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string fold_for_match(std::string_view text) {
  if (!util::is_valid_utf8(text)) {
    std::string lowered(text);
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return collapse_spaces(lowered);
  }
  utf8proc_uint8_t* folded = nullptr;
  const auto options = static_cast<utf8proc_option_t>(
      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
      UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP);
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                   static_cast<utf8proc_ssize_t>(text.size()), &folded, options);
  if (n < 0) {
    std::free(folded);
    return collapse_spaces(text);
  }
  std::string result = collapse_spaces(
      std::string_view(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(n)));
  std::free(folded);
  return result;
}

}  // namespace dmvault::catalog
