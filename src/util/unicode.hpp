// Unicode helpers over utf8proc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dmvault::util {

bool is_valid_utf8(std::string_view text);
// NFC normal form; nullopt when `text` is not valid UTF-8. The result is a std::string, so
// callers that normalise secrets must copy it into secret memory and wipe it (see
// normalize_nfc_into).
std::optional<std::string> normalize_nfc(std::string_view text);
// NFC into a caller-provided callback that receives the normalised bytes, then wipes every
// intermediate buffer. Returns false when `text` is not valid UTF-8.
bool normalize_nfc_secret(std::span<const std::uint8_t> text,
                          void (*sink)(std::span<const std::uint8_t>, void*), void* context);

}  // namespace dmvault::util
