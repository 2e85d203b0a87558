// Evidence feeds as stored (schema/0009_evidence.sql); see db/evidence.hpp.
#include "db/evidence.hpp"

#include <cstdio>

#include "db/sql.hpp"
#include "db/store_access.hpp"

namespace sfcohort::db {
namespace {

constexpr const char* kFeedCols =
    "id, sha256, indicator, source, file, criteria_set, imported_at, imported_by, rows_read, "
    "attached, review, outside, rejected";

FeedRecord read_feed(const sql::Stmt& st) {
  FeedRecord f;
  f.id = st.text(0);
  f.sha256 = st.text(1);
  f.indicator = st.text(2);
  f.source = st.text(3);
  f.file = st.text(4);
  f.criteria_set = st.text(5);
  f.imported_at = st.text(6);
  f.imported_by = st.text(7);
  f.rows = st.int64(8);
  f.attached = st.int64(9);
  f.review = st.int64(10);
  f.outside = st.int64(11);
  f.rejected = st.int64(12);
  return f;
}

// The columns read_row() reads, from `evidence e LEFT JOIN person p`.
constexpr const char* kRowCols =
    "e.pk, e.feed_id, e.row_no, e.fingerprint, e.indicator, e.date, e.value, e.source, e.state, "
    "e.person_id, e.band, e.score, e.why, e.given_name, e.surname, e.dob, e.sex, e.postcode, "
    "e.house, e.address, e.address_family, e.decided_at, e.decided_by, e.decision, e.reason, "
    "COALESCE(p.family_id, ''), COALESCE(p.postcode, ''), COALESCE(p.house, '')";

EvidenceRecord read_row(const sql::Stmt& st) {
  EvidenceRecord e;
  e.pk = st.int64(0);
  e.feed_id = st.text(1);
  e.row = st.int64(2);
  e.fingerprint = st.text(3);
  e.indicator = st.text(4);
  e.date = st.text(5);
  if (!st.is_null(6)) e.value = st.real(6);
  e.source = st.text(7);
  e.state = st.text(8);
  e.person_id = st.text_or_null(9);
  e.band = st.text(10);
  e.score = st.real(11);
  e.why = st.text(12);
  e.given_name = st.text(13);
  e.surname = st.text(14);
  e.dob = st.text(15);
  e.sex = st.text(16);
  e.postcode = st.text(17);
  e.house = st.text(18);
  e.address = st.text(19);
  e.address_family = st.text(20);
  e.decided_at = st.text_or_null(21);
  e.decided_by = st.text_or_null(22);
  e.decision = st.text_or_null(23);
  e.reason = st.text_or_null(24);
  e.family_id = st.text(25);
  e.person_postcode = st.text(26);
  e.person_house = st.text(27);
  return e;
}

Result<std::vector<EvidenceRecord>> read_rows(sql::Stmt& st) {
  std::vector<EvidenceRecord> out;
  for (;;) {
    auto r = st.step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_row(st));
  }
  return out;
}

}  // namespace

Result<std::string> next_feed_id(Store& store) {
  auto n = connection(store).scalar_int(
      "SELECT COALESCE(MAX(CAST(SUBSTR(id, 2) AS INTEGER)), 0) FROM evidence_feed");
  if (!n) return n.error();
  char buf[32];
  std::snprintf(buf, sizeof buf, "E%06lld", static_cast<long long>(*n + 1));
  return std::string(buf);
}

Result<std::optional<FeedRecord>> feed_by_digest(Store& store, const std::string& sha256,
                                                 const std::string& indicator) {
  auto st = cached(store, std::string("SELECT ") + kFeedCols +
                              " FROM evidence_feed WHERE sha256 = ?1 AND indicator = ?2");
  if (!st) return st.error();
  (*st)->bind(1, sha256).bind(2, indicator);
  auto r = (*st)->step();
  if (!r) return r.error();
  std::optional<FeedRecord> out;
  if (*r) out = read_feed(**st);
  (*st)->reset();
  return out;
}

Result<std::vector<FeedRecord>> feeds(Store& store) {
  auto st = connection(store).prepare(std::string("SELECT ") + kFeedCols +
                                      " FROM evidence_feed ORDER BY id");
  if (!st) return st.error();
  std::vector<FeedRecord> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_feed(*st));
  }
  return out;
}

Status insert_feed(Store& store, const FeedRecord& f) {
  auto st = connection(store).prepare(std::string("INSERT INTO evidence_feed(") + kFeedCols +
                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                      "?12, ?13)");
  if (!st) return st.error();
  st->bind(1, f.id).bind(2, f.sha256).bind(3, f.indicator).bind(4, f.source).bind(5, f.file);
  st->bind(6, f.criteria_set).bind(7, f.imported_at).bind(8, f.imported_by).bind(9, f.rows);
  st->bind(10, f.attached).bind(11, f.review).bind(12, f.outside).bind(13, f.rejected);
  return st->run();
}

Status update_feed_counts(Store& store, const std::string& id, int64_t rows, int64_t attached,
                          int64_t review, int64_t outside, int64_t rejected) {
  auto st = connection(store).prepare(
      "UPDATE evidence_feed SET rows_read = ?2, attached = ?3, review = ?4, outside = ?5, "
      "rejected = ?6 WHERE id = ?1");
  if (!st) return st.error();
  st->bind(1, id).bind(2, rows).bind(3, attached).bind(4, review).bind(5, outside);
  st->bind(6, rejected);
  return st->run();
}

Result<bool> insert_evidence(Store& store, const EvidenceRecord& e) {
  auto st = cached(
      store,
      "INSERT INTO evidence(feed_id, row_no, fingerprint, indicator, date, value, source, state, "
      "person_id, band, score, why, given_name, surname, dob, sex, postcode, house, address, "
      "address_family) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
      "?15, ?16, ?17, ?18, ?19, ?20) ON CONFLICT (fingerprint) DO NOTHING");
  if (!st) return st.error();
  sql::Stmt& s = **st;
  s.bind(1, e.feed_id).bind(2, e.row).bind(3, e.fingerprint).bind(4, e.indicator);
  s.bind(5, e.date);
  if (e.value) {
    s.bind(6, *e.value);
  } else {
    s.bind_null(6);
  }
  s.bind(7, e.source).bind(8, e.state).bind(9, e.person_id).bind(10, e.band).bind(11, e.score);
  s.bind(12, e.why).bind(13, e.given_name).bind(14, e.surname).bind(15, e.dob).bind(16, e.sex);
  s.bind(17, e.postcode).bind(18, e.house).bind(19, e.address).bind(20, e.address_family);
  SF_TRY(s.run());
  return connection(store).changes() == 1;
}

Result<std::vector<EvidenceRecord>> evidence_in_state(Store& store, const std::string& state) {
  auto st = connection(store).prepare(
      std::string("SELECT ") + kRowCols +
      " FROM evidence e LEFT JOIN person p ON p.id = e.person_id WHERE e.state = ?1 ORDER BY "
      "e.pk");
  if (!st) return st.error();
  st->bind(1, state);
  return read_rows(*st);
}

Result<std::vector<EvidenceRecord>> family_feed_evidence(Store& store,
                                                         const std::string& family_id) {
  // The family's people first, then their rows through (state, person_id):
  // the form both backends answer from the indexes (without statistics,
  // SQLite would otherwise walk every attached row for each family).
  auto st = cached(store, std::string("SELECT ") + kRowCols +
                              " FROM evidence e LEFT JOIN person p ON p.id = e.person_id WHERE "
                              "e.state = 'attached' AND e.person_id IN (SELECT id FROM person "
                              "WHERE family_id = ?1) ORDER BY e.date, e.pk");
  if (!st) return st.error();
  (*st)->bind(1, family_id);
  auto rows = read_rows(**st);
  (*st)->reset();
  return rows;
}

Result<std::vector<EvidenceRecord>> person_feed_evidence(Store& store,
                                                         const std::string& person_id) {
  // Through evidence_person; outside rows have no person.
  auto st = cached(store, std::string("SELECT ") + kRowCols +
                              " FROM evidence e LEFT JOIN person p ON p.id = e.person_id WHERE "
                              "e.person_id = ?1 AND e.state IN ('attached', 'review') "
                              "ORDER BY e.date, e.pk");
  if (!st) return st.error();
  (*st)->bind(1, person_id);
  auto rows = read_rows(**st);
  (*st)->reset();
  return rows;
}

Result<std::optional<EvidenceRecord>> evidence_row(Store& store, int64_t pk) {
  auto st = connection(store).prepare(std::string("SELECT ") + kRowCols +
                                      " FROM evidence e LEFT JOIN person p ON p.id = e.person_id "
                                      "WHERE e.pk = ?1");
  if (!st) return st.error();
  st->bind(1, pk);
  auto rows = read_rows(*st);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<EvidenceRecord>();
  return std::optional<EvidenceRecord>(std::move(rows->front()));
}

Result<bool> decide_evidence(Store& store, int64_t pk, bool accept, const std::string& at,
                             const std::string& by, const std::string& reason) {
  auto st = connection(store).prepare(
      accept ? "UPDATE evidence SET state = 'attached', decision = 'accepted', decided_at = ?2, "
               "decided_by = ?3, reason = ?4 WHERE pk = ?1 AND state = 'review'"
             : "UPDATE evidence SET state = 'outside', person_id = NULL, decision = 'rejected', "
               "decided_at = ?2, decided_by = ?3, reason = ?4 WHERE pk = ?1 AND state = 'review'");
  if (!st) return st.error();
  st->bind(1, pk).bind(2, at).bind(3, by).bind(4, reason);
  SF_TRY(st->run());
  return connection(store).changes() == 1;
}

Result<std::map<std::string, std::pair<std::string, std::string>>> candidate_nominations(
    Store& store) {
  auto st = connection(store).prepare(
      "SELECT c.household, c.nomination_id, n.status FROM candidate_nomination c JOIN "
      "nomination n ON n.id = c.nomination_id");
  if (!st) return st.error();
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out[st->text(0)] = {st->text(1), st->text(2)};
  }
  return out;
}

Status insert_candidate_nomination(Store& store, const std::string& household,
                                   const std::string& nomination_id, const std::string& at) {
  auto st = connection(store).prepare(
      "INSERT INTO candidate_nomination(household, nomination_id, created_at) VALUES (?1, ?2, "
      "?3)");
  if (!st) return st.error();
  st->bind(1, household).bind(2, nomination_id).bind(3, at);
  return st->run();
}

Result<std::vector<std::string>> families_with_evidence(Store& store) {
  return column_texts(
      cached(store,
             "SELECT p.family_id FROM evidence e JOIN person p ON p.id = e.person_id WHERE "
             "e.state = 'attached' UNION SELECT family_id FROM family_evidence ORDER BY 1"));
}

}  // namespace sfcohort::db
