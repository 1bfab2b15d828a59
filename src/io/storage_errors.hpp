// The io errors every Storage throws, built in one place so that the file storage and the fault
// simulators word them identically: tests that inject a fault see exactly what a user would see.
#pragma once

#include "dmvault/error.hpp"

#include <cstdint>
#include <string>

namespace dmvault::io {

// strerror without the thread-safety pitfalls of the static-buffer variants.
std::string errno_text(int error_number);

// "WHERE: unexpected end of file at offset N", N being where the short read started.
Error end_of_file_error(const std::string& where, std::uint64_t offset);
Error read_error(const std::string& where, int error_number);
Error write_error(const std::string& where, int error_number);
Error truncate_error(const std::string& where, int error_number);
// A failed fsync loses the dirty pages (the kernel marks them clean), so the message tells the
// user what survived rather than inviting a retry.
Error sync_error(const std::string& where, int error_number);

}  // namespace dmvault::io
