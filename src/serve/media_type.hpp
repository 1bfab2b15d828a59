// The media type of an attachment, read from its first bytes: the vault stores contents by id,
// not names, and with X-Content-Type-Options: nosniff the browser renders only what it is told.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace dmvault::serve {

struct MediaType {
  std::string_view name;     // "image/jpeg" ...
  bool inline_safe = false;  // an image, video or audio type the page may show in place
};

MediaType media_type_of(std::span<const std::uint8_t> bytes);

}  // namespace dmvault::serve
