// What the catalog's own source files share beyond catalog.hpp: access to the connection of a
// Catalog::Impl (defined in catalog.cpp) for the search code in catalog_search.cpp.
#pragma once

#include "catalog/catalog.hpp"
#include "catalog/sqlite_db.hpp"

namespace dmvault::catalog {

sql::Database& database_of(Catalog::Impl& impl);

}  // namespace dmvault::catalog
