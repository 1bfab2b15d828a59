// What the catalog's own source files share beyond catalog.hpp: access to the connection of a
// Catalog::Impl (defined in catalog.cpp), its message loader, and the SQL functions of searches
// (catalog_search.cpp), for the files that run queries.
#pragma once

#include "catalog/catalog.hpp"
#include "catalog/sqlite_db.hpp"

namespace dmvault::catalog {

sql::Database& database_of(Catalog::Impl& impl);
// Whether the catalog's messages have the raw span columns (schema version 2).
bool has_raw_spans_of(const Catalog::Impl& impl);
// One message with its attachments and reactions, as show and search print it.
MessageView message_view_of(Catalog::Impl& impl, std::int64_t message_id);
// Registers the SQL functions a SearchRequest's condition may use, dm_fold(text) and
// dm_regexp(pattern, text), on the connection (catalog_search.cpp).
void register_search_functions(sql::Database& db);

}  // namespace dmvault::catalog
