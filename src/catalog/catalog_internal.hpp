// What the catalog's own source files share beyond catalog.hpp: access to the connection of a
// Catalog::Impl (defined in catalog.cpp) and its message loader, for catalog_search.cpp.
#pragma once

#include "catalog/catalog.hpp"
#include "catalog/sqlite_db.hpp"

namespace dmvault::catalog {

sql::Database& database_of(Catalog::Impl& impl);
// One message with its attachments and reactions, as show and search print it.
MessageView message_view_of(Catalog::Impl& impl, std::int64_t message_id);

}  // namespace dmvault::catalog
