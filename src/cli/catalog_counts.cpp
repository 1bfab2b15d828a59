#include "cli/catalog_counts.hpp"

#include "dmvault/error.hpp"

namespace dmvault::cli {

CatalogCounts catalog_counts(const Vault& vault, const std::string& vault_name) {
  // Vaults written by this version never hold a catalog: it arrives with `import`, and the
  // catalog module will supply these counts then. A vault that already has one was written by a
  // newer dmvault, and reporting zeros for it would be a lie.
  if (vault.root(kCatalogRoot).has_value()) {
    throw Error(ErrorCode::not_a_vault,
                vault_name + ": this vault holds a message catalog, which needs a newer dmvault",
                "upgrade dmvault");
  }
  return CatalogCounts{};
}

}  // namespace dmvault::cli
