// Where the catalog lives in a vault: the object named by the root "catalog".
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"

namespace dmvault::import {

inline constexpr const char* kCatalogRoot = "catalog";

// The vault's catalog, or a new empty one when nothing was imported yet, to read (the image is
// read in place, not copied).
catalog::Catalog load_catalog(const Vault& vault);
// The same, for a command that changes the catalog and stores it back (import, people link).
catalog::Catalog load_catalog_for_update(const Vault& vault);
// Seals the catalog into the vault and points the root at it (the caller commits).
void store_catalog(Vault& vault, catalog::Catalog& catalog);

}  // namespace dmvault::import
