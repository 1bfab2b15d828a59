// Vault::create with a seam over the new file's storage, so tests can fail or kill the process
// at any write of `init` and prove that the final path then never holds a partial vault.
#pragma once

#include "dmvault/storage.hpp"
#include "dmvault/vault.hpp"

#include <filesystem>
#include <functional>
#include <memory>

namespace dmvault::vault {

using StorageWrapper = std::function<std::unique_ptr<Storage>(Storage& file)>;

// Builds the vault in a new file beside `path` through wrap(file storage), then publishes it
// (fsync, rename without replacing, fsync of the directory).
SecretBytes create_vault_file(const std::filesystem::path& path, const Credential& passphrase,
                              const CreateOptions& options, const StorageWrapper& wrap);

}  // namespace dmvault::vault
