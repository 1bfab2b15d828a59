// FTS5's own check of a catalog's search indexes, on a copy of its image: the word index is
// compared with its external content (the message_search view) row by row, the contentless
// substring index with itself.
#pragma once

#include "catalog/catalog.hpp"
#include "catalog/sqlite_db.hpp"

#include <gtest/gtest.h>

namespace dmvault::catalog::testing {

inline void expect_search_indexes_consistent(Catalog& catalog) {
  const PlainBytes image = catalog.serialize();
  sql::Database db = sql::Database::open(image.span());
  EXPECT_NO_THROW(
      db.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"));
  EXPECT_NO_THROW(db.exec(
      "INSERT INTO messages_trigram(messages_trigram, rank) VALUES ('integrity-check', 1)"));
}

}  // namespace dmvault::catalog::testing
