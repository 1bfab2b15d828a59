#include "cli/vault_access.hpp"

#include "dmvault/error.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace dmvault::cli {

void require_vault_file(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      throw Error(ErrorCode::not_a_vault, path + ": no such file",
                  "create a vault with 'dmvault init " + path + "'");
    }
    throw Error(ErrorCode::io, path + ": " + std::strerror(error));
  }
  if (S_ISDIR(status.st_mode)) {
    throw Error(ErrorCode::not_a_vault, path + ": is a directory, not a vault file");
  }
}

Vault open_vault(const std::string& path, const UnlockOptions& unlock, Vault::Mode mode,
                 Context& context) {
  require_vault_file(path);
  const Credential credential = read_credential(unlock, path, context);
  Vault::OpenOptions options;
  options.mode = mode;
  options.allow_expensive_kdf = unlock.allow_expensive_kdf;
  Output& output = context.output;
  // The core's warnings already name the file.
  options.on_warning = [&output](const std::string& warning) { output.warning(warning); };
  return Vault::open(path, credential, options);
}

}  // namespace dmvault::cli
