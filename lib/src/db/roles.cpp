// The programme's roles on PostgreSQL (Store::grant_role): three group
// roles of the database's own (schema/pg/0015: programme_role()), made on
// first use, whose privileges are what the server lets each do. They are
// granted afresh on every call, so tables added by later migrations are
// covered once the owner runs it again.
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

// ROLE: officer, manager or auditor; GROUP: its database role, quoted.
std::vector<std::string> grants(const std::string& role, const std::string& group) {
  std::vector<std::string> g = {
      "GRANT USAGE ON SCHEMA sfcohort TO " + group,
      "GRANT SELECT ON schema_version, meta TO " + group,
      "GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text) TO " + group,
      // What a command returned or disclosed is recorded with its entry.
      "GRANT EXECUTE ON FUNCTION audit_append_disclosed(text, text, text, text, text) TO " + group,
      std::string("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ") + kDisclosure + " FROM " + group,
      // The disclosure record is part of the trail: verify checks its rows.
      std::string("GRANT SELECT ON ") + kDisclosure + " TO " + group,
  };
  if (role == "auditor") {
    g.push_back(std::string("GRANT SELECT ON ") + kTrail + " TO " + group);
  } else if (role == "officer") {
    g.push_back(std::string("GRANT SELECT ON ") + kCohort + " TO " + group);
    // Nominating, by hand or from identify; deciding (an UPDATE) is a
    // manager's.
    g.push_back("REVOKE UPDATE ON nomination, nomination_member FROM " + group);
    g.push_back("GRANT INSERT ON nomination, nomination_member, candidate_nomination TO " + group);
  } else {
    // Retention's disposal of people's disclosure rows.
    g.push_back("GRANT EXECUTE ON FUNCTION dispose_disclosures(text) TO " + group);
    g.push_back(std::string("GRANT SELECT, INSERT, UPDATE, DELETE ON ") + kCohort + " TO " + group);
    g.push_back("GRANT INSERT, UPDATE ON meta TO " + group);
    // UPDATE: an import takes new people's keys in blocks (setval).
    g.push_back("GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA sfcohort TO " + group);
    // A subject access request reports the entries about the person (the
    // key and head stay the owner's and the auditors').
    g.push_back("GRANT SELECT ON audit TO " + group);
  }
  return g;
}

Status need_server(const sql::Db& db) {
  if (db.postgres()) return Ok{};
  return invalid_input(
      "roles are the database server's: this needs the team's PostgreSQL database, not an "
      "SQLite file");
}

// Roles are given, taken and listed by the schema's owner (or a
// superuser), who needs CREATEROLE for the groups: said plainly, not as the
// first GRANT the server refuses.
Status check_owner(sql::Db& db, bool to_grant = true) {
  SF_TRY(need_server(db));
  auto owner = db.prepare(
      "SELECT pg_has_role(session_user, n.nspowner, 'USAGE')::int, n.nspowner::regrole::text, "
      "(r.rolsuper OR r.rolcreaterole)::int FROM pg_catalog.pg_namespace n, pg_catalog.pg_roles r "
      "WHERE n.nspname = 'sfcohort' AND r.rolname = session_user");
  if (!owner) return owner.error();
  if (auto o = owner->step(); !o) return o.error();
  if (owner->int64(0) == 0) {
    return Error(Errc::kPolicy,
                 "only the database's owner (" + owner->text(1) + ") gives, takes and lists roles",
                 {"run it as the user that ran 'sfcohort init'"});
  }
  if (to_grant && owner->int64(2) == 0) {
    return Error(
        Errc::kPolicy,
        "the groups of roles are made by a user with PostgreSQL's CREATEROLE, which " +
            owner->text(1) + " lacks",
        {"ask the server's administrator to run: ALTER ROLE " + owner->text(1) + " CREATEROLE"});
  }
  return Ok{};
}

// What grant and revoke need first: a server, a known role (or "" for every
// role, where REVOKING), an existing database user, who logs in where
// GRANTING (a role given to a group would pass to all its members,
// sfcohort's own groups among them).
Status check_user_and_role(sql::Db& db, const std::string& user, const std::string& role,
                           bool revoking) {
  const bool any_role = revoking;
  SF_TRY(need_server(db));
  if (!(any_role && role.empty()) && role != "officer" && role != "manager" && role != "auditor") {
    return invalid_input("unknown role '" + role + "' (officer, manager or auditor)");
  }
  auto who = db.prepare("SELECT rolcanlogin::int FROM pg_catalog.pg_roles WHERE rolname = ?1");
  if (!who) return who.error();
  who->bind(1, user);
  auto r = who->step();
  if (!r) return r.error();
  if (!*r) {
    return Error(Errc::kInvalidInput, "no database user '" + user + "' on this server",
                 {revoking ? "check the name: psql's \\du lists the server's users"
                           : "create it first (CREATE ROLE ... LOGIN, as the server's "
                             "administrator)"});
  }
  if (!revoking && who->int64(0) == 0) {
    return Error(Errc::kPolicy,
                 "'" + user +
                     "' does not log in: a role is granted to each person's own login, "
                     "never to a group, whose members would all hold it",
                 {"grant each member: sfcohort admin grant LOGIN --role " + role});
  }
  return check_owner(db);
}

}  // namespace

Status Store::grant_role(const std::string& user, const std::string& role,
                         std::string* granted_as) {
  sql::Db& db = this->db();
  SF_TRY(check_user_and_role(db, user, role, false));
  auto tx = begin_transaction();
  if (!tx) return tx.error();
  // The database's own name for the group, fixed (programme_role_name) when
  // first made.
  auto name = db.prepare("SELECT programme_role(?1), format('%I', programme_role(?1))");
  if (!name) return name.error();
  name->bind(1, role);
  if (auto s = name->step(); !s) return s.error();
  const std::string group = name->text(0), quoted = name->text(1);
  // Made here when there is none; one of that name made by someone else (a
  // login, a superuser, one of the server's predefined roles) is never made
  // a group of ours.
  auto kind = db.prepare(
      "SELECT (rolcanlogin OR rolsuper OR rolreplication OR rolbypassrls OR "
      "starts_with(rolname, 'pg_'))::int FROM pg_catalog.pg_roles WHERE rolname = ?1");
  if (!kind) return kind.error();
  kind->bind(1, group);
  auto found = kind->step();
  if (!found) return found.error();
  if (!*found) {
    SF_TRY(db.exec("CREATE ROLE " + quoted + " NOLOGIN"));
  } else if (kind->int64(0) != 0) {
    return Error(
        Errc::kPolicy,
        "the role " + group + " exists and is not a group sfcohort made (it logs in or has powers)",
        {"ask the server's administrator to rename or drop it, then grant again"});
  }
  auto fix = db.prepare(
      "INSERT INTO programme_role_name(role, name) VALUES (?1, ?2) ON CONFLICT (role) DO NOTHING");
  if (!fix) return fix.error();
  fix->bind(1, role).bind(2, group);
  SF_TRY(fix->run());
  for (const auto& g : grants(role, quoted)) SF_TRY(db.exec(g));
  // The user's name is quoted by the server.
  auto q = db.prepare("SELECT format('GRANT %I TO %I', ?1::text, ?2::text)");
  if (!q) return q.error();
  q->bind(1, group).bind(2, user);
  if (auto s = q->step(); !s) return s.error();
  SF_TRY(db.exec(q->text(0)));
  SF_TRY(audit(user, {{"role", role}, {"database_role", group}}));
  if (granted_as) *granted_as = group;
  return tx->commit();
}

Result<std::vector<std::string>> Store::revoke_role(const std::string& user,
                                                    const std::string& role) {
  sql::Db& db = this->db();
  SF_TRY(check_user_and_role(db, user, role, true));
  auto tx = begin_transaction();
  if (!tx) return tx.error();
  // This database's groups USER is a member of (all three, or ROLE's).
  auto held = db.prepare(
      "SELECT r.role, format('REVOKE %I FROM %I', programme_role(r.role), ?1::text) "
      "FROM unnest(ARRAY['officer', 'manager', 'auditor']) AS r(role) "
      "JOIN pg_catalog.pg_roles g ON g.rolname = programme_role(r.role) "
      "JOIN pg_catalog.pg_auth_members m ON m.roleid = g.oid "
      "JOIN pg_catalog.pg_roles u ON u.oid = m.member AND u.rolname = ?1 "
      "WHERE ?2 = '' OR r.role = ?2 ORDER BY r.role");
  if (!held) return held.error();
  held->bind(1, user).bind(2, role);
  std::vector<std::pair<std::string, std::string>> revokes;
  for (;;) {
    auto r = held->step();
    if (!r) return r.error();
    if (!*r) break;
    revokes.emplace_back(held->text(0), held->text(1));
  }
  std::vector<std::string> roles;
  for (const auto& [r, sql] : revokes) {
    SF_TRY(db.exec(sql));
    roles.push_back(r);
  }
  if (roles.empty()) return roles;
  // A membership granted by someone else (PostgreSQL 16 takes back only the
  // revoker's own grants, with a warning) is still there: said, not hidden.
  held->reset();
  held->bind(1, user).bind(2, role);
  auto still = held->step();
  if (!still) return still.error();
  if (*still) {
    return Error(Errc::kPolicy,
                 user + " still holds the " + held->text(0) +
                     " role: it was granted by another user, who alone may take it back",
                 {"ask the server's administrator to revoke it (REVOKE ... FROM " + user +
                  " GRANTED BY ...)"});
  }
  SF_TRY(audit(user, {{"revoked", roles}}));
  SF_TRY(tx->commit());
  return roles;
}

Status Store::check_may_grant() { return check_owner(db()); }

Result<std::vector<std::pair<std::string, std::string>>> Store::role_holders() {
  sql::Db& db = this->db();
  SF_TRY(check_owner(db, false));
  // Every login that holds a group, directly or through another role it
  // belongs to (superusers, who hold every role, are not listed).
  auto held = db.prepare(
      "SELECT u.rolname::text, r.role FROM unnest(ARRAY['officer', 'manager', 'auditor']) "
      "WITH ORDINALITY AS r(role, n) "
      "JOIN pg_catalog.pg_roles g ON g.rolname = programme_role(r.role) "
      "JOIN pg_catalog.pg_roles u ON u.rolcanlogin AND NOT u.rolsuper "
      "AND pg_has_role(u.oid, g.oid, 'MEMBER') ORDER BY lower(u.rolname), u.rolname, r.n");
  if (!held) return held.error();
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    auto r = held->step();
    if (!r) return r.error();
    if (!*r) break;
    out.emplace_back(held->text(0), held->text(1));
  }
  return out;
}

}  // namespace sfcohort
