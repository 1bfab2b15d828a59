#include "serve/media_type.hpp"

#include <algorithm>
#include <string_view>

namespace dmvault::serve {

namespace {

bool has_at(std::span<const std::uint8_t> bytes, std::size_t at, std::string_view magic) {
  if (bytes.size() < at + magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                    [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; });
}

}  // namespace

MediaType media_type_of(std::span<const std::uint8_t> b) {
  using namespace std::string_view_literals;
  if (has_at(b, 0, "\xFF\xD8\xFF"sv)) return {"image/jpeg", true};
  if (has_at(b, 0, "\x89PNG\r\n\x1A\n"sv)) return {"image/png", true};
  if (has_at(b, 0, "GIF87a"sv) || has_at(b, 0, "GIF89a"sv)) return {"image/gif", true};
  if (has_at(b, 0, "RIFF"sv) && has_at(b, 8, "WEBP"sv)) return {"image/webp", true};
  if (has_at(b, 0, "RIFF"sv) && has_at(b, 8, "WAVE"sv)) return {"audio/wav", true};
  if (has_at(b, 4, "ftyp"sv)) {
    // M4A (audio only) brands; everything else ISO-BMFF is played as MP4 video.
    if (has_at(b, 8, "M4A "sv) || has_at(b, 8, "M4B "sv)) return {"audio/mp4", true};
    if (has_at(b, 8, "heic"sv) || has_at(b, 8, "heix"sv) || has_at(b, 8, "mif1"sv)) {
      return {"image/heic", false};
    }
    return {"video/mp4", true};
  }
  if (has_at(b, 0, "\x1A\x45\xDF\xA3"sv)) return {"video/webm", true};
  if (has_at(b, 0, "OggS"sv)) return {"audio/ogg", true};
  if (has_at(b, 0, "ID3"sv)) return {"audio/mpeg", true};
  if (b.size() >= 2 && b[0] == 0xFF && (b[1] & 0xF6) == 0xF0) return {"audio/aac", true};
  if (b.size() >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0) return {"audio/mpeg", true};
  if (has_at(b, 0, "%PDF-"sv)) return {"application/pdf", false};
  return {"application/octet-stream", false};
}

}  // namespace dmvault::serve
