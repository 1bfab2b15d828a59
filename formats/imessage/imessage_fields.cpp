// The column values of chat.db that need decoding: Apple-epoch times, the typedstream of
// attributedBody, tapback GUIDs and kinds, attachment paths.
#include "common/format_text.hpp"
#include "imessage/imessage_importer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace dmvault::formats::imessage {

namespace {

// 2001-01-01T00:00:00Z in Unix milliseconds.
constexpr std::int64_t kAppleEpochMs = 978307200000;
// Nanosecond values since 2001 are above 1e17 for any date after 2004; second values stay below
// 1e10 until the year 2317. Anything under 1e11 is therefore seconds (formats-other.md §6.2).
constexpr std::int64_t kSecondsBelow = 100000000000;

constexpr std::string_view kStreamHeader = "\x04\x0bstreamtyped";

std::size_t find_bytes(std::span<const std::uint8_t> hay, std::string_view needle,
                       std::size_t from) {
  if (needle.empty() || from > hay.size()) return hay.size();
  const auto it = std::search(
      hay.begin() + static_cast<std::ptrdiff_t>(from), hay.end(), needle.begin(), needle.end(),
      [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
  return static_cast<std::size_t>(it - hay.begin());
}

}  // namespace

std::optional<std::int64_t> apple_time_ms(std::int64_t value) {
  if (value == 0) return std::nullopt;
  if (value > -kSecondsBelow && value < kSecondsBelow) return kAppleEpochMs + value * 1000;
  return kAppleEpochMs + value / 1000000;
}

std::string repaired_utf8(std::string_view text, bool& repaired) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t bad = first_invalid_utf8(text);
    out.append(text.substr(0, bad));
    if (bad == text.size()) break;
    out.append("\xEF\xBF\xBD");
    repaired = true;
    text.remove_prefix(bad + 1);
  }
  return out;
}

// The typedstream written by NSArchiver for an NSAttributedString starts with
// "\x04\x0bstreamtyped", names its classes (NSMutableAttributedString, NSAttributedString,
// NSObject), then the string object: its class name "NSString" (or "NSMutableString") with a
// class version, the type encoding "+" (0x01 0x2B: one byte, '+', bytes with a length), the
// length (one byte below 0x80; 0x81 and 2 bytes little-endian; 0x82 and 4 bytes) and the UTF-8
// bytes. The attributes follow and are not needed for the text. Every read is bounded: a damaged
// blob yields nullopt or a repaired text, never a read past its end.
std::optional<BodyText> attributed_body_text(std::span<const std::uint8_t> blob) {
  if (find_bytes(blob, kStreamHeader, 0) != 0) return std::nullopt;
  std::size_t at = blob.size();
  for (const std::string_view cls :
       {std::string_view("\x08NSString"), std::string_view("\x0fNSMutableString")}) {
    const std::size_t found = find_bytes(blob, cls, kStreamHeader.size());
    if (found < at) at = found + cls.size();
  }
  if (at >= blob.size()) return std::nullopt;
  // The type encoding follows within a few bytes (the class version and reference tags).
  constexpr std::size_t kTypeWindow = 16;
  const std::size_t window_end = std::min(blob.size(), at + kTypeWindow);
  const std::size_t type = find_bytes(blob.first(window_end), "\x01+", at);
  if (type >= window_end) return std::nullopt;
  at = type + 2;
  if (at >= blob.size()) return std::nullopt;
  std::uint64_t length = 0;
  const std::uint8_t tag = blob[at];
  if (tag < 0x80) {
    length = tag;
    at += 1;
  } else if (tag == 0x81 && blob.size() - at > 2) {
    length = std::uint64_t{blob[at + 1]} | std::uint64_t{blob[at + 2]} << 8;
    at += 3;
  } else if (tag == 0x82 && blob.size() - at > 4) {
    for (std::size_t i = 4; i >= 1; --i) length = length << 8 | blob[at + i];
    at += 5;
  } else {
    return std::nullopt;
  }
  BodyText body;
  std::size_t end = at + static_cast<std::size_t>(std::min<std::uint64_t>(length, blob.size()));
  if (length > blob.size() - at) {
    // A length running past the blob (seen in real databases): the text ends where the string
    // object does (0x86, then the attributes' 0x84), or at the blob's end.
    end = std::min(find_bytes(blob, "\x86\x84", at), blob.size());
    body.repaired = true;
  }
  const std::string_view bytes(reinterpret_cast<const char*>(blob.data() + at), end - at);
  body.text = repaired_utf8(bytes, body.repaired);
  return body;
}

std::optional<TapbackTarget> parse_tapback_target(std::string_view associated_guid) {
  TapbackTarget target;
  if (associated_guid.substr(0, 3) == "bp:") {
    associated_guid.remove_prefix(3);
  } else if (associated_guid.substr(0, 2) == "p:") {
    const std::size_t slash = associated_guid.find('/');
    if (slash == std::string_view::npos || slash == 2 || slash > 8) return std::nullopt;
    for (std::size_t i = 2; i < slash; ++i) {
      const char c = associated_guid[i];
      if (c < '0' || c > '9') return std::nullopt;
      target.part = target.part * 10 + (c - '0');
    }
    associated_guid.remove_prefix(slash + 1);
  }
  if (associated_guid.empty()) return std::nullopt;
  target.guid = std::string(associated_guid);
  return target;
}

std::string tapback_reaction(std::int64_t type, std::string_view custom_emoji) {
  const std::int64_t kind = type >= 3000 ? type - 3000 : type - 2000;
  if ((type < 2000 || type > 2007) && (type < 3000 || type > 3007)) return "";
  static constexpr std::array<std::string_view, 6> kClassic = {
      "\xE2\x9D\xA4\xEF\xB8\x8F",  // ❤️ loved
      "\xF0\x9F\x91\x8D",          // 👍 liked
      "\xF0\x9F\x91\x8E",          // 👎 disliked
      "\xF0\x9F\x98\x82",          // 😂 laughed
      "\xE2\x80\xBC\xEF\xB8\x8F",  // ‼️ emphasised
      "\xE2\x9D\x93",              // ❓ questioned
  };
  if (kind < 6) return std::string(kClassic[static_cast<std::size_t>(kind)]);
  if (kind == 6) return custom_emoji.empty() ? "emoji" : to_nfc(custom_emoji);
  return "sticker";
}

std::string attachments_key(std::string_view path) {
  constexpr std::string_view kFolder = "Attachments/";
  // The first "Attachments/" that starts a path component ("MyAttachments/" is not one).
  std::size_t at = path.find(kFolder);
  while (at != std::string_view::npos && at != 0 && path[at - 1] != '/') {
    at = path.find(kFolder, at + 1);
  }
  if (at == std::string_view::npos || at + kFolder.size() >= path.size()) return "";
  return std::string(path.substr(at));
}

}  // namespace dmvault::formats::imessage
