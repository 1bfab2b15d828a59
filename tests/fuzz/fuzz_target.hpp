// What every fuzz target shares: the libFuzzer entry point, and the one reaction to bad input
// that is not a bug. A target calls its code under expect_errors(); a dmvault::Error is the
// documented answer to hostile bytes and is swallowed, while any other exception escapes the
// entry point, so libFuzzer (or the replay driver) aborts and reports it as a crash.
#pragma once

#include "dmvault/error.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace dmvault::fuzz {

template <typename Fn>
void expect_errors(Fn&& fn) {
  try {
    fn();
  } catch (const Error&) {
    // The expected reaction to bad input.
  }
}

inline std::span<const std::uint8_t> bytes_of(const std::uint8_t* data, std::size_t size) {
  return {data, size};
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace dmvault::fuzz
