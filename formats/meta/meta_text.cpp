#include "meta/meta_text.hpp"

#include "common/format_text.hpp"

namespace dmvault::formats::meta {

std::optional<std::string> undo_byte_escaping(std::string_view decoded) {
  std::string bytes;
  bool any_high = false;
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    const auto c = static_cast<unsigned char>(decoded[i]);
    if (c < 0x80) {
      if (any_high) bytes.push_back(static_cast<char>(c));
      continue;
    }
    // U+0080..U+00FF is encoded as C2 80..BF or C3 80..BF; any other lead byte is a code point
    // above U+00FF, which the exporter never writes, so the text is not mojibake.
    if ((c != 0xC2 && c != 0xC3) || i + 1 >= decoded.size()) return std::nullopt;
    const auto next = static_cast<unsigned char>(decoded[i + 1]);
    if (next < 0x80 || next > 0xBF) return std::nullopt;
    if (!any_high) {
      bytes.reserve(decoded.size());
      bytes.assign(decoded.substr(0, i));
      any_high = true;
    }
    bytes.push_back(static_cast<char>(c == 0xC2 ? next : next + 0x40));
    ++i;
  }
  if (!any_high || !is_valid_utf8(bytes)) return std::nullopt;
  return bytes;
}

std::string repair_text(std::string_view decoded) {
  if (auto repaired = undo_byte_escaping(decoded)) return to_nfc(*repaired);
  return to_nfc(decoded);
}

}  // namespace dmvault::formats::meta
