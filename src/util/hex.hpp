// Lower-case hexadecimal, for ids in messages and JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::util {

std::string hex_encode(std::span<const std::uint8_t> bytes);
// Accepts upper or lower case; nullopt when `text` is not an even run of hex digits.
std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view text);

}  // namespace dmvault::util
