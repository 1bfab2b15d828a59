// Where the catalog lives in a vault: the object named by the root "catalog".
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"

#include <filesystem>

namespace dmvault::import {

inline constexpr const char* kCatalogRoot = "catalog";

// How much of the catalog a command will read: parts of it (a query, a conversation), or all of
// it (verify's check of the whole database), which is then kept in huge pages where it can be.
enum class CatalogReading { in_parts, whole };
// The vault's catalog, or a new empty one when nothing was imported yet, to read: paged, so
// only the parts of the catalog that queries need are ever decrypted. `vault` must outlive the
// catalog (and stay where it is: the catalog reads from it).
catalog::Catalog load_catalog(const Vault& vault,
                              CatalogReading reading = CatalogReading::in_parts);
// The same, for a command that changes the catalog and stores it back (import, people link):
// in an encrypted scratch file (import/scratch_file.hpp) made in `scratch_directory`, so that
// memory holds only a bounded page cache however large the catalog. Such a catalog cannot roll
// back: once a change failed or a run was aborted, it is only good to throw away. A second
// scratch file there holds the search indexes a first import builds on another thread.
catalog::Catalog load_catalog_for_update(const Vault& vault,
                                         const std::filesystem::path& scratch_directory);
// Seals the catalog into the vault and points the root at it (the caller commits).
void store_catalog(Vault& vault, catalog::Catalog& catalog);

}  // namespace dmvault::import
