#include "io/storage_errors.hpp"

#include <cerrno>
#include <cstring>

namespace dmvault::io {
namespace {

// strerror_r comes in a GNU flavour (returns the text, maybe not in `buffer`) and an XSI flavour
// (returns 0 and fills `buffer`); overloads on the return type pick the right one at compile time.
[[maybe_unused]] const char* strerror_result(char* result, const char* /*buffer*/) {
  return result;
}
[[maybe_unused]] const char* strerror_result(int status, const char* buffer) {
  return status == 0 ? buffer : "unknown error";
}

std::string with_hint_for_space(int error_number) {
  if (error_number == ENOSPC || error_number == EDQUOT) {
    return "free some disk space, then run the command again";
  }
  return {};
}

}  // namespace

std::string errno_text(int error_number) {
  char buffer[256] = {};
  return strerror_result(strerror_r(error_number, buffer, sizeof buffer), buffer);
}

Error end_of_file_error(const std::string& where, std::uint64_t offset) {
  return Error(ErrorCode::io,
               where + ": unexpected end of file at offset " + std::to_string(offset));
}

Error read_error(const std::string& where, int error_number) {
  return Error(ErrorCode::io, where + ": read failed: " + errno_text(error_number));
}

Error write_error(const std::string& where, int error_number) {
  return Error(ErrorCode::io, where + ": write failed: " + errno_text(error_number),
               with_hint_for_space(error_number));
}

Error truncate_error(const std::string& where, int error_number) {
  return Error(ErrorCode::io, where + ": truncate failed: " + errno_text(error_number),
               with_hint_for_space(error_number));
}

Error sync_error(const std::string& where, int error_number) {
  return Error(ErrorCode::io,
               where + ": fsync failed: " + errno_text(error_number) +
                   "; nothing after the last commit was saved",
               "check the disk and its free space, then run the command again");
}

}  // namespace dmvault::io
