#include "db/nominations.hpp"
#include "db/store_access.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "db/sqlite.hpp"

namespace sfcohort::db {
namespace {

using nlohmann::json;

constexpr const char* kRecordCols =
    "id, status, submitted_at, submitted_by, criteria_set, as_of, eligible, criteria_met, "
    "family_id, decided_at, decided_by, reason, document, result";

// criteria_met is stored as a JSON array of ids; anything else reads as none.
std::vector<int> met_ids(const std::string& text) {
  std::vector<int> out;
  json met = json::parse(text, nullptr, false);
  if (met.is_array()) {
    for (const auto& v : met) {
      if (v.is_number_integer()) out.push_back(v.get<int>());
    }
  }
  return out;
}

NominationRecord read_record(const sql::Stmt& st) {
  NominationRecord r;
  r.id = st.text(0);
  r.status = st.text(1);
  r.submitted_at = st.text(2);
  r.submitted_by = st.text(3);
  r.criteria_set = st.text(4);
  r.as_of = st.text(5);
  r.eligible = st.int64(6) != 0;
  r.criteria_met = met_ids(st.text(7));
  r.family_id = st.text_or_null(8);
  r.decided_at = st.text_or_null(9);
  r.decided_by = st.text_or_null(10);
  r.reason = st.text_or_null(11);
  r.document = st.text(12);
  r.result_json = st.text(13);
  return r;
}

Result<std::vector<MemberMatch>> stored_matches(Store& store, const std::string& id) {
  auto st = db::cached(
      store,
      "SELECT member_id, matched_band, matched_person, matched_family FROM nomination_member "
      "WHERE nomination_id = ?1 AND matched_person IS NOT NULL ORDER BY member_id");
  if (!st) return st.error();
  (*st)->bind(1, id);
  return rows_of(st, [](sql::Stmt& s) -> MemberMatch {
    return {s.text(0), s.text(1), s.text(2), s.text(3)};
  });
}

}  // namespace

Result<std::string> next_nomination_id(Store& store) {
  auto n = db::connection(store).scalar_int(
      "SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM nomination");
  if (!n) return n.error();
  char buf[32];
  std::snprintf(buf, sizeof buf, "N%06lld", static_cast<long long>(*n));
  return std::string(buf);
}

Status insert_nomination(Store& store, const NominationRecord& n,
                         const std::vector<NominatedMember>& members) {
  auto st = db::connection(store).prepare(
      "INSERT INTO nomination(id, status, submitted_at, submitted_by, nominator_name, "
      "nominator_agency, nominator_email, criteria_set, as_of, eligible, criteria_met, result, "
      "document, family_id) VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
      "?13)");
  if (!st) return st.error();
  st->bind(1, n.id).bind(2, n.submitted_at).bind(3, n.submitted_by);
  st->bind(4, n.nominator_name).bind(5, n.nominator_agency).bind(6, n.nominator_email);
  st->bind(7, n.criteria_set).bind(8, n.as_of).bind(9, n.eligible ? 1 : 0);
  st->bind(10, json(n.criteria_met).dump()).bind(11, n.result_json).bind(12, n.document);
  st->bind(13, n.family_id);
  SF_TRY(st->run());
  auto mst = db::connection(store).prepare(
      "INSERT INTO nomination_member(nomination_id, member_id, resident, relationship, "
      "matched_person, matched_family, matched_band) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!mst) return mst.error();
  for (const auto& m : members) {
    mst->reset();
    mst->bind(1, n.id).bind(2, m.member_id).bind(3, m.resident ? 1 : 0).bind(4, m.relationship);
    if (m.match) {
      mst->bind(5, m.match->person_id).bind(6, m.match->family_id).bind(7, m.match->band);
    } else {
      mst->bind_null(5).bind_null(6).bind_null(7);
    }
    SF_TRY(mst->run());
  }
  return Ok{};
}

Result<std::optional<NominationRecord>> find_nomination(Store& store, const std::string& id) {
  auto st =
      db::cached(store, std::string("SELECT ") + kRecordCols + " FROM nomination WHERE id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto r = (*st)->step();
  if (!r) return r.error();
  if (!*r) return std::optional<NominationRecord>();
  NominationRecord rec = read_record(**st);
  (*st)->reset();
  auto m = stored_matches(store, id);
  if (!m) return m.error();
  rec.matches = std::move(*m);
  return std::optional<NominationRecord>(std::move(rec));
}

Result<std::vector<NominationRecord>> nominations_with_status(Store& store,
                                                              const std::string& status) {
  auto st = db::connection(store).prepare(
      std::string("SELECT ") + kRecordCols +
      " FROM nomination WHERE ?1 = '' OR status = ?1 ORDER BY id DESC");
  if (!st) return st.error();
  st->bind(1, status);
  std::vector<NominationRecord> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_record(*st));
  }
  return out;
}

Status set_member_person(Store& store, const std::string& nomination_id,
                         const std::string& member_id, const std::string& person_id) {
  auto up = db::cached(
      store,
      "UPDATE nomination_member SET person_id = ?3 WHERE nomination_id = ?1 AND member_id = ?2");
  if (!up) return up.error();
  (*up)->bind(1, nomination_id).bind(2, member_id).bind(3, person_id);
  return (*up)->run();
}

Result<bool> record_decision(Store& store, const Decided& d) {
  auto up = db::connection(store).prepare(
      "UPDATE nomination SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5, "
      "family_id = ?6 WHERE id = ?1 AND status = 'pending'");
  if (!up) return up.error();
  up->bind(1, d.id).bind(2, d.status).bind(3, d.decided_at).bind(4, d.decided_by);
  up->bind(5, d.reason).bind(6, d.family_id);
  SF_TRY(up->run());
  return db::connection(store).changes() == 1;
}

Status add_family_records(Store& store, const std::string& family_id,
                          const std::string& nomination_id,
                          const std::vector<FamilyEvidence>& evidence,
                          const std::vector<FamilyAgency>& agencies, const FamilyConsent& consent) {
  auto ev = db::connection(store).prepare(
      "INSERT INTO family_evidence(family_id, nomination_id, indicator, person_id, member_id, "
      "date, value, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!ev) return ev.error();
  for (const auto& e : evidence) {
    ev->reset();
    ev->bind(1, family_id).bind(2, nomination_id).bind(3, e.indicator).bind(4, e.person_id);
    ev->bind(5, e.member_id).bind(6, e.date);
    if (e.value) {
      ev->bind(7, *e.value);
    } else {
      ev->bind_null(7);
    }
    ev->bind(8, e.source);
    SF_TRY(ev->run());
  }
  auto ag = db::connection(store).prepare(
      "INSERT INTO family_agency(family_id, nomination_id, name, role, contact, lead) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!ag) return ag.error();
  for (const auto& a : agencies) {
    ag->reset();
    ag->bind(1, family_id).bind(2, nomination_id).bind(3, a.name).bind(4, a.role);
    ag->bind(5, a.contact).bind(6, a.lead ? 1 : 0);
    SF_TRY(ag->run());
  }
  auto co = db::connection(store).prepare(
      "INSERT INTO family_consent(nomination_id, family_id, given, given_on, given_by, "
      "legal_basis, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!co) return co.error();
  co->bind(1, nomination_id).bind(2, family_id).bind(3, consent.given ? 1 : 0);
  co->bind(4, consent.given_on).bind(5, consent.given_by).bind(6, consent.legal_basis);
  co->bind(7, consent.recorded_at);
  return co->run();
}

Result<std::optional<AcceptedCheck>> latest_accepted_check(Store& store,
                                                           const std::string& family_id) {
  auto st = db::cached(
      store,
      "SELECT criteria_set, criteria_met FROM nomination WHERE family_id = ?1 AND status = "
      "'accepted' ORDER BY decided_at DESC, id DESC LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<AcceptedCheck> out;
  if (*r) out = AcceptedCheck{(*st)->text(0), met_ids((*st)->text(1))};
  (*st)->reset();
  return out;
}

Result<std::vector<FamilyEvidence>> family_evidence(Store& store, const std::string& family_id) {
  auto st = db::cached(store,
                       "SELECT indicator, person_id, member_id, date, value, source, nomination_id "
                       "FROM family_evidence WHERE family_id = ?1 ORDER BY date, pk");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  std::vector<FamilyEvidence> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    FamilyEvidence e;
    e.indicator = (*st)->text(0);
    e.person_id = (*st)->text_or_null(1);
    e.member_id = (*st)->text(2);
    e.date = (*st)->text(3);
    if (!(*st)->is_null(4)) e.value = (*st)->real(4);
    e.source = (*st)->text(5);
    e.nomination_id = (*st)->text(6);
    out.push_back(std::move(e));
  }
  (*st)->reset();
  return out;
}

Result<std::vector<FamilyAgency>> family_agencies(Store& store, const std::string& family_id) {
  auto st = db::cached(
      store,
      "SELECT name, role, contact, lead FROM family_agency WHERE family_id = ?1 ORDER BY pk DESC");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  std::vector<FamilyAgency> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({(*st)->text(0), (*st)->text(1), (*st)->text(2), (*st)->int64(3) != 0});
  }
  (*st)->reset();
  return out;
}

Result<std::optional<FamilyConsent>> latest_consent(Store& store, const std::string& family_id) {
  auto st = db::cached(
      store,
      "SELECT given, given_on, given_by, legal_basis, nomination_id, recorded_at "
      "FROM family_consent WHERE family_id = ?1 ORDER BY recorded_at DESC, nomination_id DESC "
      "LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<FamilyConsent> out;
  if (*r) {
    out = FamilyConsent{(*st)->int64(0) != 0, (*st)->text_or_null(1), (*st)->text(2),
                        (*st)->text(3),       (*st)->text(4),         (*st)->text(5)};
  }
  (*st)->reset();
  return out;
}

Result<std::optional<Membership>> latest_membership(Store& store, const std::string& person_id) {
  auto st = db::cached(store,
                       "SELECT resident, relationship FROM nomination_member WHERE person_id = ?1 "
                       "ORDER BY nomination_id DESC LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, person_id);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<Membership> out;
  if (*r) out = Membership{(*st)->int64(0) != 0, (*st)->text(1)};
  (*st)->reset();
  return out;
}

}  // namespace sfcohort::db
