#include "import/catalog_store.hpp"

namespace dmvault::import {

catalog::Catalog load_catalog(const Vault& vault) {
  const auto root = vault.root(kCatalogRoot);
  if (!root) return catalog::Catalog::create();
  return catalog::Catalog::load_read_only(vault.read(*root));
}

catalog::Catalog load_catalog_for_update(const Vault& vault) {
  const auto root = vault.root(kCatalogRoot);
  if (!root) return catalog::Catalog::create();
  const PlainBytes image = vault.read(*root);
  return catalog::Catalog::load(image.span());
}

void store_catalog(Vault& vault, catalog::Catalog& catalog) {
  const PlainBytes image = catalog.serialize();
  const ObjectId id = vault.put(image.span());
  vault.set_root(kCatalogRoot, id);
}

}  // namespace dmvault::import
