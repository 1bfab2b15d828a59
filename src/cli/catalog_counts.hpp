// What `info` reports about the messages in a vault. The counts live in the catalog (the sealed
// SQLite index that import writes), so they are read from there and not from the container.
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dmvault::cli {

struct CatalogCounts {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;         // records with a sender
  std::uint64_t system_messages = 0;  // platform notices, service records
  std::uint64_t attachments = 0;      // references from messages
  std::uint64_t media_files = 0;      // distinct stored files
  std::uint64_t media_bytes = 0;
  std::vector<catalog::SourceRecord> sources;  // the imports, oldest first
};

// Counts of the vault's catalog; all zero for a vault that has none (nothing imported yet).
CatalogCounts catalog_counts(const Vault& vault, const std::string& vault_name);

}  // namespace dmvault::cli
