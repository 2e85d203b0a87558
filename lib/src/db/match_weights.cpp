#include "db/match_weights.hpp"

#include "db/store_access.hpp"

namespace sfcohort::match_weights {

Status save(Store& store, const Training& t, const std::vector<Row>& rows) {
  auto del = db::cached(store, "DELETE FROM match_weight");
  if (!del) return del.error();
  if (auto r = (*del)->step(); !r) return r.error();
  auto ins =
      db::cached(store, "INSERT INTO match_weight(field, level, m, u) VALUES (?1, ?2, ?3, ?4)");
  if (!ins) return ins.error();
  for (const Row& row : rows) {
    (*ins)->reset();
    (*ins)->bind(1, row.field).bind(2, row.level).bind(3, row.m).bind(4, row.u);
    if (auto r = (*ins)->step(); !r) return r.error();
  }
  auto old = db::cached(store, "DELETE FROM match_training");
  if (!old) return old.error();
  if (auto r = (*old)->step(); !r) return r.error();
  auto tr = db::cached(store,
                       "INSERT INTO match_training(id, trained_at, source, people, random_pairs, "
                       "blocked_pairs, queries) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)");
  if (!tr) return tr.error();
  (*tr)->bind(1, t.trained_at).bind(2, t.source).bind(3, t.people).bind(4, t.random_pairs);
  (*tr)->bind(5, t.blocked_pairs).bind(6, t.queries);
  if (auto r = (*tr)->step(); !r) return r.error();
  return Ok{};
}

Result<std::optional<Training>> training(Store& store) {
  auto st = db::cached(store,
                       "SELECT trained_at, source, people, random_pairs, blocked_pairs, queries "
                       "FROM match_training WHERE id = 1");
  if (!st) return st.error();
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<Training> out;
  if (*r) {
    Training t;
    t.trained_at = (*st)->text(0);
    t.source = (*st)->text(1);
    t.people = (*st)->int64(2);
    t.random_pairs = (*st)->int64(3);
    t.blocked_pairs = (*st)->int64(4);
    t.queries = (*st)->int64(5);
    out = std::move(t);
  }
  (*st)->reset();
  return out;
}

Result<std::vector<Row>> rows(Store& store) {
  auto st = db::cached(store, "SELECT field, level, m, u FROM match_weight ORDER BY field, level");
  if (!st) return st.error();
  std::vector<Row> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({(*st)->text(0), (*st)->text(1), (*st)->real(2), (*st)->real(3)});
  }
  (*st)->reset();
  return out;
}

Status set_band(Store& store, std::string_view band, double threshold) {
  auto del = db::cached(store, "DELETE FROM match_band WHERE band = ?1");
  if (!del) return del.error();
  (*del)->bind(1, band);
  if (auto r = (*del)->step(); !r) return r.error();
  auto ins =
      db::cached(store, "INSERT INTO match_band(band, threshold, set_at) VALUES (?1, ?2, ?3)");
  if (!ins) return ins.error();
  (*ins)->bind(1, band).bind(2, threshold).bind(3, Store::now_utc());
  if (auto r = (*ins)->step(); !r) return r.error();
  return Ok{};
}

Result<std::vector<Band>> bands(Store& store) {
  auto st = db::cached(store, "SELECT band, threshold, set_at FROM match_band ORDER BY band");
  if (!st) return st.error();
  std::vector<Band> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({(*st)->text(0), (*st)->real(1), (*st)->text(2)});
  }
  (*st)->reset();
  return out;
}

}  // namespace sfcohort::match_weights
