#include "db/partners.hpp"
#include "db/store_access.hpp"

#include "db/sqlite.hpp"

namespace sfcohort::db {
namespace {

constexpr const char* kColumns =
    "name, recipient, sign_key, isa, dsp, mou, expires, legal_basis, allow, added_at, added_by, "
    "updated_at, history";

PartnerRecord from_row(const sql::Stmt& st) {
  PartnerRecord p;
  p.name = st.text(0);
  p.recipient = st.text(1);
  p.sign_key = st.text(2);
  p.isa = st.text_or_null(3);
  p.dsp = st.text_or_null(4);
  p.mou = st.text_or_null(5);
  p.expires = st.text_or_null(6);
  p.legal_basis = st.text(7);
  p.allow = st.text(8);
  p.added_at = st.text(9);
  p.added_by = st.text(10);
  p.updated_at = st.text(11);
  p.history = st.int64(12) != 0;
  return p;
}

}  // namespace

Result<std::optional<PartnerRecord>> find_partner(Store& store, const std::string& name) {
  auto st = db::connection(store).prepare(std::string("SELECT ") + kColumns +
                                          " FROM partner WHERE name = ?1");
  if (!st) return st.error();
  st->bind(1, name);
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return std::optional<PartnerRecord>();
  return std::optional<PartnerRecord>(from_row(*st));
}

Result<std::vector<PartnerRecord>> all_partners(Store& store) {
  auto st = db::connection(store).prepare(std::string("SELECT ") + kColumns +
                                          " FROM partner ORDER BY name COLLATE NOCASE");
  if (!st) return st.error();
  std::vector<PartnerRecord> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(from_row(*st));
  }
  return out;
}

Status put_partner(Store& store, const PartnerRecord& p, const std::string& now) {
  auto st = db::connection(store).prepare(
      "INSERT INTO partner(name, recipient, sign_key, isa, dsp, mou, expires, legal_basis, allow, "
      "added_at, added_by, updated_at, history) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
      "?11, "
      "?10, ?12) "
      "ON CONFLICT(name) DO UPDATE SET recipient = excluded.recipient, sign_key = "
      "excluded.sign_key, isa = excluded.isa, dsp = excluded.dsp, mou = excluded.mou, expires = "
      "excluded.expires, legal_basis = excluded.legal_basis, allow = excluded.allow, updated_at = "
      "excluded.updated_at, history = excluded.history");
  if (!st) return st.error();
  st->bind(1, p.name).bind(2, p.recipient).bind(3, p.sign_key).bind(4, p.isa).bind(5, p.dsp);
  st->bind(6, p.mou).bind(7, p.expires).bind(8, p.legal_basis).bind(9, p.allow).bind(10, now);
  st->bind(11, p.added_by).bind(12, static_cast<int64_t>(p.history ? 1 : 0));
  return st->run();
}

Status delete_partner(Store& store, const std::string& name) {
  auto st = db::connection(store).prepare("DELETE FROM partner WHERE name = ?1");
  if (!st) return st.error();
  st->bind(1, name);
  return st->run();
}

}  // namespace sfcohort::db
