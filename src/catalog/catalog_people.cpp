// People: one person's accounts on several platforms, linked by the user so that `from:` and
// `with:` find all of them (the query side is in src/query/query_translate.cpp). A handle belongs
// to at most one person, so a search for one name never silently picks up someone else's account.
#include "catalog/catalog.hpp"
#include "catalog/catalog_internal.hpp"
#include "catalog/match_fold.hpp"
#include "catalog/sqlite_db.hpp"
#include "dmvault/error.hpp"

#include <optional>

namespace dmvault::catalog {

namespace {

std::string describe(const PersonHandle& handle) {
  return handle.platform.empty() ? handle.handle : handle.platform + ":" + handle.handle;
}

// The person whose name folds to the same text as `name`, if any.
std::optional<std::pair<std::int64_t, std::string>> find_person(sql::Database& db,
                                                                const std::string& name) {
  register_search_functions(db);
  auto q = db.query("SELECT id, name FROM people WHERE dm_fold(name) = ?1 ORDER BY id LIMIT 1");
  q->bind_text(1, fold_for_match(name));
  if (!q->step()) return std::nullopt;
  return std::make_pair(q->column_int(0), q->column_text(1));
}

void check_not_in_run(sql::Database& db) {
  if (db.in_transaction()) {
    throw Error(ErrorCode::usage, "people cannot be changed during an import run");
  }
}

// Runs `work` in one transaction: a failure leaves the people tables as they were.
template <typename Work>
auto in_transaction(sql::Database& db, Work&& work) {
  db.exec("BEGIN");
  try {
    auto result = work();
    db.exec("COMMIT");
    return result;
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace

void Catalog::link_person(const std::string& name, const std::vector<PersonHandle>& handles) {
  if (fold_for_match(name).empty()) {
    throw Error(ErrorCode::usage, "a person needs a name with letters or digits");
  }
  if (handles.empty()) throw Error(ErrorCode::usage, "name at least one handle to link");
  sql::Database& db = database_of(*m_impl);
  check_not_in_run(db);
  in_transaction(db, [&] {
    std::int64_t person_id = 0;
    if (const auto existing = find_person(db, name)) {
      person_id = existing->first;
    } else {
      auto insert = db.query("INSERT INTO people(name) VALUES (?1)");
      insert->bind_text(1, name);
      insert->run();
      person_id = db.last_insert_rowid();
    }
    for (const PersonHandle& handle : handles) {
      if (handle.handle.empty()) throw Error(ErrorCode::usage, "a handle cannot be empty");
      auto owner = db.query(
          "SELECT p.id, p.name FROM person_handles AS h JOIN people AS p ON p.id = h.person_id"
          " WHERE h.platform = ?1 AND h.handle = ?2");
      owner->bind_text(1, handle.platform);
      owner->bind_text(2, handle.handle);
      if (owner->step()) {
        if (owner->column_int(0) == person_id) continue;  // linked already: nothing to do
        throw Error(ErrorCode::usage,
                    "handle '" + describe(handle) + "' is linked to " + owner->column_text(1),
                    "unlink it from " + owner->column_text(1) + " first");
      }
      auto insert = db.query(
          "INSERT INTO person_handles(person_id, platform, handle, handle_fold)"
          " VALUES (?1, ?2, ?3, ?4)");
      insert->bind_int(1, person_id);
      insert->bind_text(2, handle.platform);
      insert->bind_text(3, handle.handle);
      insert->bind_text(4, fold_for_match(handle.handle));
      insert->run();
    }
    return 0;
  });
}

bool Catalog::unlink_person(const std::string& name, const std::vector<PersonHandle>& handles) {
  sql::Database& db = database_of(*m_impl);
  check_not_in_run(db);
  const auto person = find_person(db, name);
  if (!person) return false;
  return in_transaction(db, [&] {
    bool changed = false;
    if (handles.empty()) {
      auto q = db.query("DELETE FROM person_handles WHERE person_id = ?1");
      q->bind_int(1, person->first);
      q->run();
      changed = true;
    }
    for (const PersonHandle& handle : handles) {
      auto q = db.query(
          "DELETE FROM person_handles WHERE person_id = ?1 AND platform = ?2 AND handle = ?3");
      q->bind_int(1, person->first);
      q->bind_text(2, handle.platform);
      q->bind_text(3, handle.handle);
      q->run();
      if (db.changes() > 0) changed = true;
    }
    auto orphan = db.query(
        "DELETE FROM people WHERE id = ?1 AND NOT EXISTS"
        " (SELECT 1 FROM person_handles WHERE person_id = ?1)");
    orphan->bind_int(1, person->first);
    orphan->run();
    return changed;
  });
}

std::vector<Person> Catalog::people() {
  sql::Database& db = database_of(*m_impl);
  std::vector<Person> result;
  auto q = db.query(
      "SELECT p.id, p.name, h.platform, h.handle FROM people AS p"
      " JOIN person_handles AS h ON h.person_id = p.id ORDER BY p.name, p.id, h.platform, "
      "h.handle");
  while (q->step()) {
    const std::int64_t id = q->column_int(0);
    if (result.empty() || result.back().id != id) {
      result.push_back(Person{id, q->column_text(1), {}});
    }
    result.back().handles.push_back(PersonHandle{q->column_text(2), q->column_text(3)});
  }
  return result;
}

std::vector<SenderAccount> Catalog::sender_accounts(const std::string& platform) {
  sql::Database& db = database_of(*m_impl);
  register_search_functions(db);
  // The person: a handle on any platform or on this one, equal to the id or to the folded name
  // (the same rule as the search's, src/query/query_translate.cpp).
  auto q = db.query(
      "SELECT a.platform, a.sender_id, a.sender, a.n, coalesce((SELECT pp.name FROM person_handles"
      " AS ph JOIN people AS pp ON pp.id = ph.person_id WHERE ph.platform IN ('', a.platform)"
      " AND (ph.handle = a.sender_id OR ph.handle_fold = dm_fold(a.sender)) LIMIT 1), '')"
      " FROM (SELECT c.platform AS platform, m.sender_id AS sender_id, m.sender AS sender,"
      " count(*) AS n FROM messages AS m JOIN conversations AS c ON c.id = m.conversation_id"
      " WHERE m.sender <> '' AND (?1 = '' OR c.platform = ?1)"
      " GROUP BY c.platform, m.sender_id, m.sender) AS a ORDER BY a.n DESC, a.platform, a.sender");
  q->bind_text(1, platform);
  std::vector<SenderAccount> result;
  while (q->step()) {
    result.push_back(SenderAccount{q->column_text(0), q->column_text(1), q->column_text(2),
                                   static_cast<std::uint64_t>(q->column_int(3)),
                                   q->column_text(4)});
  }
  return result;
}

}  // namespace dmvault::catalog
