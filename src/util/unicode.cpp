#include "util/unicode.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

namespace dmvault::util {

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto remaining = static_cast<utf8proc_ssize_t>(text.size());
  while (remaining > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, remaining, &cp);
    if (n <= 0) return false;
    p += n;
    remaining -= n;
  }
  return true;
}

namespace {
// utf8proc allocates the result with malloc; we wipe it before freeing so a normalised secret
// does not linger on the heap.
utf8proc_uint8_t* nfc_raw(std::span<const std::uint8_t> text, std::size_t& length) {
  if (!is_valid_utf8({reinterpret_cast<const char*>(text.data()), text.size()})) return nullptr;
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(text.data(), static_cast<utf8proc_ssize_t>(text.size()), &out,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) {
    std::free(out);
    return nullptr;
  }
  length = static_cast<std::size_t>(n);
  return out;
}
}  // namespace

std::optional<std::string> normalize_nfc(std::string_view text) {
  std::size_t length = 0;
  utf8proc_uint8_t* out =
      nfc_raw({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, length);
  if (out == nullptr) return std::nullopt;
  std::string result(reinterpret_cast<const char*>(out), length);
  std::free(out);
  return result;
}

bool normalize_nfc_secret(std::span<const std::uint8_t> text,
                          void (*sink)(std::span<const std::uint8_t>, void*), void* context) {
  std::size_t length = 0;
  utf8proc_uint8_t* out = nfc_raw(text, length);
  if (out == nullptr) return false;
  sink({out, length}, context);
  // A volatile loop so the compiler cannot drop the wipe of memory about to be freed.
  volatile utf8proc_uint8_t* p = out;
  for (std::size_t i = 0; i < length; ++i) p[i] = 0;
  std::free(out);
  return true;
}

}  // namespace dmvault::util
