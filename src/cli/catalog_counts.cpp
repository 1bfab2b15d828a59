#include "cli/catalog_counts.hpp"

#include "import/catalog_store.hpp"

namespace dmvault::cli {

CatalogCounts catalog_counts(const Vault& vault, const std::string& /*vault_name*/) {
  if (!vault.root(import::kCatalogRoot).has_value())
    return CatalogCounts{};  // nothing imported yet
  catalog::Catalog catalog = import::load_catalog(vault);
  const catalog::Counts c = catalog.counts();
  return CatalogCounts{c.conversations, c.messages,    c.system_messages, c.attachments,
                       c.media_files,   c.media_bytes, catalog.sources()};
}

}  // namespace dmvault::cli
