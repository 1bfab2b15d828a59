#include "cli/hardening.hpp"

#include "dmvault/error.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

namespace dmvault::cli {

void harden_process() {
  const struct rlimit no_core = {0, 0};
  if (::setrlimit(RLIMIT_CORE, &no_core) != 0) {
    throw Error(ErrorCode::io, std::string("cannot disable core dumps: ") + std::strerror(errno));
  }
  if (::prctl(PR_SET_DUMPABLE, 0UL, 0UL, 0UL, 0UL) != 0) {
    throw Error(ErrorCode::io,
                std::string("cannot make the process non-dumpable: ") + std::strerror(errno));
  }
  ::umask(077);
}

}  // namespace dmvault::cli
