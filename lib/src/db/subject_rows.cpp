#include "db/subject_rows.hpp"

#include <algorithm>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"

namespace sfcohort::db {
namespace {

Result<std::vector<EntryRef>> read_refs(sql::Stmt& st) {
  std::vector<EntryRef> out;
  for (;;) {
    auto r = st.step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(
        {st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6)});
  }
  st.reset();
  return out;
}

}  // namespace

Result<std::optional<RecordTimes>> person_times(Store& store, const std::string& person_id) {
  auto st = cached(store, "SELECT created_at, updated_at FROM person WHERE id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, person_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<RecordTimes> out;
  if (*r) out = RecordTimes{(*st)->text(0), (*st)->text(1)};
  (*st)->reset();
  return out;
}

Result<std::vector<EntryRef>> entries_about(Store& store,
                                            const std::vector<std::string>& subjects) {
  std::vector<EntryRef> out;
  auto st = cached(store,
                   "SELECT seq, at, actor, command, purpose, subject, '' FROM audit "
                   "WHERE subject = ?1 ORDER BY seq");
  if (!st) return st.error();
  for (const auto& s : subjects) {
    (*st)->bind(1, s);
    auto rows = read_refs(**st);
    if (!rows) return rows.error();
    out.insert(out.end(), rows->begin(), rows->end());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return out;
}

Result<std::vector<EntryRef>> disclosures_of(Store& store, const std::string& person_id) {
  auto st = cached(store,
                   "SELECT a.seq, a.at, a.actor, a.command, a.purpose, a.subject, d.partner "
                   "FROM disclosure d JOIN audit a ON a.seq = d.audit_seq "
                   "WHERE d.person_id = ?1 ORDER BY d.audit_seq, d.partner");
  if (!st) return st.error();
  (*st)->bind(1, person_id);
  return read_refs(**st);
}

}  // namespace sfcohort::db
