// The programme's roles on PostgreSQL (Store::grant_role): three group
// roles, made on first use, whose privileges are what the server lets each
// do. They are granted afresh on every call, so tables added by later
// migrations are covered once the owner runs it again.
#include "db/sql.hpp"
#include "db/store_access.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace {

// The tables of the trail: only the owner writes them, through
// audit_append(); auditors read them.
constexpr const char* kTrail = "audit, audit_head, audit_key";
// Everything else personal: read by every role but the auditor.
constexpr const char* kCohort =
    "family, person, match_bucket, match_person, name_freq, nomination, nomination_member, "
    "family_evidence, family_agency, family_consent, partner, family_status, retention, "
    "person_change, person_alias, match_weight, match_training, match_band, evidence_feed, "
    "evidence, candidate_nomination";
// The disclosure record: written only by the owner's functions of
// schema/pg/0013 (audit_append_disclosed, dispose_disclosures), which keep
// its keyed digest; read by every role. The REVOKE takes back what roles
// granted before that migration held.
constexpr const char* kDisclosure = "disclosure, disclosure_disposed";

std::vector<std::string> grants(const std::string& role) {
  std::vector<std::string> g = {
      "GRANT USAGE ON SCHEMA sfcohort TO " + role,
      "GRANT SELECT ON schema_version, meta TO " + role,
      "GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text) TO " + role,
      // What a command returned or disclosed is recorded with its entry.
      "GRANT EXECUTE ON FUNCTION audit_append_disclosed(text, text, text, text, text) TO " + role,
      std::string("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ") + kDisclosure + " FROM " + role,
      // The disclosure record is part of the trail: verify checks its rows.
      std::string("GRANT SELECT ON ") + kDisclosure + " TO " + role,
  };
  if (role == "sfcohort_auditor") {
    g.push_back(std::string("GRANT SELECT ON ") + kTrail + " TO " + role);
  } else if (role == "sfcohort_officer") {
    g.push_back(std::string("GRANT SELECT ON ") + kCohort + " TO " + role);
    g.push_back("GRANT INSERT, UPDATE ON nomination, nomination_member TO " + role);
  } else {
    // Retention's disposal of people's disclosure rows.
    g.push_back("GRANT EXECUTE ON FUNCTION dispose_disclosures(text) TO " + role);
    g.push_back(std::string("GRANT SELECT, INSERT, UPDATE, DELETE ON ") + kCohort + " TO " + role);
    g.push_back("GRANT INSERT, UPDATE ON meta TO " + role);
    // UPDATE: an import takes new people's keys in blocks (setval).
    g.push_back("GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA sfcohort TO " + role);
  }
  return g;
}

}  // namespace

Status Store::grant_role(const std::string& user, const std::string& role) {
  sql::Db& db = this->db();
  if (!db.postgres()) {
    return invalid_input(
        "roles are the database server's: this needs the team's PostgreSQL "
        "database, not an SQLite file");
  }
  if (role != "officer" && role != "manager" && role != "auditor") {
    return invalid_input("unknown role '" + role + "' (officer, manager or auditor)");
  }
  auto who = db.prepare("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = ?1");
  if (!who) return who.error();
  who->bind(1, user);
  auto r = who->step();
  if (!r) return r.error();
  if (who->int64(0) == 0) {
    return Error(Errc::kInvalidInput, "no database user '" + user + "' on this server",
                 {"create it first (CREATE ROLE ... LOGIN, as the server's administrator)"});
  }
  const std::string group = "sfcohort_" + role;
  auto tx = begin_transaction();
  if (!tx) return tx.error();
  auto exists = db.prepare("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = ?1");
  if (!exists) return exists.error();
  exists->bind(1, group);
  if (auto e = exists->step(); !e) return e.error();
  if (exists->int64(0) == 0) SF_TRY(db.exec("CREATE ROLE " + group + " NOLOGIN"));
  for (const auto& g : grants(group)) SF_TRY(db.exec(g));
  // The user's name is quoted by the server.
  auto q = db.prepare("SELECT format('GRANT %I TO %I', ?1::text, ?2::text)");
  if (!q) return q.error();
  q->bind(1, group).bind(2, user);
  if (auto s = q->step(); !s) return s.error();
  SF_TRY(db.exec(q->text(0)));
  SF_TRY(audit(user, {{"role", role}, {"database_role", group}}));
  return tx->commit();
}

}  // namespace sfcohort
