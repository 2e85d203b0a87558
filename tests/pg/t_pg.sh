#!/usr/bin/env bash
# sfcohort on PostgreSQL: init makes the schema sfcohort; commands work
# through the server; roles (officer, manager, auditor) are enforced by the
# server (exit 5, nothing written); the audit trail is appended on the
# server (actor: the database user; one order under concurrent clients, 16
# officers looking up while a manager imports; append-only even for the
# owner) and verifies; the disclosure record is written and digested by the
# server alone; a manager disposes at the end of retention (an officer may
# not) and the trail still verifies; a wrong URI, a server that is down, a wrong password
# and a missing schema are one-line errors, exit 3, nothing written. Run by
# ctest against tests/pg/cluster.sh's cluster.
source "$SRC/tests/cli/lib.sh"
[ -n "$PG_MODE" ] || { echo "t_pg.sh: needs SFCOHORT_TEST_PG (a cluster)" >&2; exit 1; }
psql_q() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$PG_DB" "$@"; }

cat >people.csv <<'CSV'
family_id,person_id,given_name,surname,dob,postcode,house
F000123,P0004812,Jonathan,Smith,2009-03-14,HD1 2AB,12
F000123,P0004814,Sarah,O'Brien,1985-04-02,HD1 2AB,12
F000124,P0004815,Katarzyna,Nowak,1990-11-03,LS11 6AD,"Flat 3, 12"
CSV

# A database without the schema: a clear error, nothing created.
expect_rc 3 "no schema yet" sf lookup --given Jon --surname Smith --dob 2009-03-14
one_line_error "no schema yet"
has "sfcohort init" err "no schema yet: hint"
same "$(psql_q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'sfcohort'")" 0 "nothing made"

expect_rc 0 "init" sf init
has "created postgresql://" out "init"
hasnt "audit key" out "init: the trail's key is the server's"
[ ! -e "$SFCOHORT_KEYS/audit.key" ] && ok || fail "init on PostgreSQL wrote an audit key file"
same "$(psql_q -c 'SELECT version FROM sfcohort.schema_version')" 16 "schema version kept in the database"
expect_rc 0 "init again" sf init
has "is up to date" out "init again"
constraints() {
  psql_q -c "SELECT string_agg(conname || ':' || pg_get_constraintdef(oid), ' ' ORDER BY conname)
    FROM pg_constraint WHERE conrelid IN ('sfcohort.person'::regclass, 'sfcohort.match_person'::regclass)"
  psql_q -c "SELECT string_agg(indexdef, ' ' ORDER BY indexname) FROM pg_indexes
    WHERE schemaname = 'sfcohort' AND tablename IN ('person', 'family', 'match_person')"
}
before_import=$(constraints)
case $before_import in
  *"person_family_id_fkey:FOREIGN KEY (family_id) REFERENCES sfcohort.family(id)"*"person_postcode"*) ok ;;
  *) fail "the constraints to check are not read: $before_import" ;;
esac
expect_rc 0 "import" sf -q import people.csv
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" 3 "people on the server"
# The first load, by the tables' owner, built the indexes and checked the
# foreign keys at its commit: every one is back, the same.
same "$(constraints)" "$before_import" "indexes and foreign keys as before the first load"
expect_rc 0 "lookup" sf lookup --given Jon --surname smith --dob 14/3/2009 --postcode hd12ab --house 12
has "P0004812" out "lookup finds the person"
expect_rc 0 "apostrophe is data" sf lookup --given Sarah --surname "O'Brien" --dob 1985-04-02
has "P0004814" out "O'Brien found"
expect_rc 1 "not in the cohort" sf lookup --given Bob --surname Smith --dob 1999-01-01

# The audit: the server's, with the database user as the actor.
expect_rc 0 "verify" sf audit verify
has "intact" out "verify"
# The chain's HMAC made with the built-in sha256() (migration 12) is
# pgcrypto's, byte for byte, for keys shorter than, as long as and longer
# than a block.
same "$(psql_q -c "SELECT bool_and(sfcohort.hmac_sha256(convert_to(m, 'UTF8'), k) =
  sfcohort.hmac(convert_to(m, 'UTF8'), k, 'sha256')) FROM (VALUES ('', ''::bytea),
  ('Zoë', sfcohort.gen_random_bytes(32)), (repeat('x', 999), sfcohort.gen_random_bytes(64)),
  ('y', sfcohort.gen_random_bytes(100))) v(m, k)")" t "the audit HMAC is RFC 2104's"
same "$(psql_q -c 'SELECT DISTINCT actor FROM sfcohort.audit')" postgres "actor is the database user"
same "$(psql_q -c "SELECT count(*) FROM sfcohort.audit WHERE os_user <> 'postgres'")" 0 "os_user too"
run psql_q -c "UPDATE sfcohort.audit SET subject = 'x' WHERE seq = 1"
[ "$RC" -ne 0 ] && ok || fail "the owner updated the trail"
has "append-only" err "update refused"
run psql_q -c "DELETE FROM sfcohort.audit"
[ "$RC" -ne 0 ] && ok || fail "the owner deleted the trail"

# Concurrent clients: one total order, no gap, no fork.
before=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
pids=""
for i in 1 2 3 4 5 6 7 8; do
  sf lookup --given Jon --surname smith --dob 2009-03-14 >/dev/null 2>"$T/c$i.err" &
  pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
same "$bad" 0 "8 concurrent lookups answered"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" $((before + 8)) "an entry each"
same "$(psql_q -c 'SELECT max(seq) = count(*) FROM sfcohort.audit')" t "no gap"
expect_rc 0 "verify after concurrency" sf audit verify
has "intact" out "verify after concurrency"

# Roles: the server refuses what a role may not do (exit 5), nothing written.
# (Roles are the cluster's, not the database's: named for this run.)
OFF=off_$$ MAN=man_$$ AUD=aud_$$
psql_q -c "CREATE ROLE $OFF LOGIN; CREATE ROLE $MAN LOGIN; CREATE ROLE $AUD LOGIN" >/dev/null
expect_rc 0 "grant officer" sf admin grant $OFF --role officer
has "granted officer to $OFF" out "grant officer"
expect_rc 0 "grant manager" sf admin grant $MAN --role manager
expect_rc 0 "grant auditor" sf admin grant $AUD --role auditor
expect_rc 0 "grant again" sf admin grant $OFF --role officer
same "$(cat "$T/err")" "" "no server notices printed"
expect_rc 2 "grant to an unknown user" sf admin grant nobody_here --role officer
one_line_error "grant to an unknown user"
as_user() { local u=$1; shift; SFCOHORT_DB="postgresql://$u@/$PG_DB?host=$PGHOST" "$SFCOHORT" "$@"; }
cat >more.csv <<'CSV'
family_id,person_id,given_name,surname,dob,postcode,house
F000200,P0009001,Amir,Khan,2010-05-05,HD2 1AA,3
CSV
people=$(psql_q -c 'SELECT count(*) FROM sfcohort.person')
entries=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
expect_rc 5 "an officer may not run init" as_user $OFF init
has "'sfcohort init' (making or upgrading the schema) is the database owner's" err "init is the owner's"
expect_rc 5 "an officer may not import" as_user $OFF -q import more.csv
one_line_error "officer import"
has "permission denied" err "officer import refused by the server"
has "admin grant" err "officer import hint"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" "$people" "officer import wrote nothing"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$entries" "nor an audit entry"
expect_rc 0 "an officer looks up" as_user $OFF lookup --given Jon --surname smith --dob 2009-03-14
# A cohort indexed under older match keys (no version row): an officer's
# lookup is answered from them and writes nothing; a manager's indexes the
# cohort again.
psql_q -c "DELETE FROM sfcohort.meta WHERE key = 'match_keys'" >/dev/null
expect_rc 0 "an officer looks up over older keys" as_user $OFF lookup --given Jon --surname smith --dob 2009-03-14
has "Jonathan SMITH" out "answered from the older keys"
same "$(psql_q -c "SELECT count(*) FROM sfcohort.meta WHERE key = 'match_keys'")" 0 "an officer leaves the index as it is"
expect_rc 0 "a manager looks up over older keys" as_user $MAN lookup --given Jon --surname smith --dob 2009-03-14
has "Jonathan SMITH" out "answered after indexing again"
same "$(psql_q -c "SELECT value FROM sfcohort.meta WHERE key = 'match_keys'")" 2 "a manager's lookup indexed the cohort again"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.match_person')" "$people" "everyone indexed once"
expect_rc 5 "an officer may not verify the trail" as_user $OFF audit verify
expect_rc 5 "an officer may not grant" as_user $OFF admin grant $OFF --role manager
expect_rc 0 "a manager imports" as_user $MAN -q import more.csv
same "$(psql_q -c "SELECT actor FROM sfcohort.audit ORDER BY seq DESC LIMIT 1")" $MAN "the manager's entry"
expect_rc 5 "an auditor may not look up" as_user $AUD lookup --given Jon --surname smith --dob 2009-03-14
expect_rc 0 "an auditor verifies" as_user $AUD audit verify
has "intact" out "auditor verify"
expect_rc 2 "roles need a server" env SFCOHORT_DB="$T/file.db" "$SFCOHORT" admin grant $OFF --role officer
one_line_error "roles need a server"
# The group roles are this database's own: granted here, held nowhere else.
same "$(psql_q -c "SELECT name FROM sfcohort.programme_role_name WHERE role = 'officer'")" "sfcohort_officer_$PG_DB" \
  "the officers' group is named for the database"
expect_rc 0 "grant names its group" sf admin grant $OFF --role officer
has "(database role sfcohort_officer_$PG_DB)" out "grant names its group"
# A role is granted to a login, never to a group (whose members would all
# hold it): not even to one of sfcohort's own.
expect_rc 5 "a group is not granted a role" sf admin grant "sfcohort_officer_$PG_DB" --role manager
one_line_error "a group granted a role"
has "does not log in" err "said why"
same "$(psql_q -c "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
  JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'sfcohort_officer_$PG_DB'")" 0 "no group holds a role"
expect_rc 2 "revoking from nobody" sf admin revoke nosuch_user_$$
has "no database user 'nosuch_user_$$'" err "revoke names the missing user"
has "lists the server's users" err "and how to find the name"
# A second cohort on the server, owned by a user who is no superuser: the
# groups need CREATEROLE, said plainly; given it, the owner grants.
OTHER="${PG_DB}_other" OWN=own_$$
psql_q -c "CREATE ROLE $OWN LOGIN" >/dev/null
"$PG_BIN/createdb" -O "$OWN" "$OTHER"
as_own() { SFCOHORT_DB="postgresql://$OWN@/$OTHER?host=$PGHOST" "$SFCOHORT" "$@"; }
expect_rc 0 "a second cohort on the server" as_own init
has "warning: 'sfcohort admin grant' will be refused" err "init warns an owner without CREATEROLE"
has "ALTER ROLE $OWN CREATEROLE" err "and says what to run"
expect_rc 5 "its owner may not make groups without CREATEROLE" as_own admin grant $AUD --role officer
one_line_error "no CREATEROLE"
has "ALTER ROLE $OWN CREATEROLE" err "what the administrator runs"
psql_q -c "ALTER ROLE $OWN CREATEROLE" >/dev/null
expect_rc 0 "its own officer" as_own admin grant $AUD --role officer
has "(database role sfcohort_officer_$OTHER)" out "the other cohort's group"
expect_rc 5 "an officer of this cohort is refused in the other" \
  env SFCOHORT_DB="postgresql://$OFF@/$OTHER?host=$PGHOST" "$SFCOHORT" lookup --given Jon --surname smith --dob 2009-03-14
expect_rc 0 "its own auditor" as_own admin grant $MAN --role auditor
expect_rc 5 "an auditor here is not one there" \
  env SFCOHORT_DB="postgresql://$AUD@/$OTHER?host=$PGHOST" "$SFCOHORT" audit verify
# A superuser opening a schema to upgrade applies the migrations as the
# schema's owner: what they make is the owner's, and works for the team.
# (Migration 16 taken back by hand first, by the owner.)
psql_other() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$OTHER" "$@"; }
psql_other -U "$OWN" -c "DROP FUNCTION sfcohort.record_actor() CASCADE; ALTER TABLE sfcohort.evidence DROP CONSTRAINT evidence_decided_by; UPDATE sfcohort.schema_version SET version = 15"
expect_rc 0 "a superuser upgrades the other cohort" \
  env SFCOHORT_DB="postgresql:///$OTHER?host=$PGHOST" "$SFCOHORT" init
has "from schema version 15 to 16" out "init says it upgraded"
same "$(psql_other -c "SELECT version FROM sfcohort.schema_version")" 16 "the other cohort upgraded"
same "$(psql_other -c "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'record_actor'")" \
  "$OWN" "the migration's function is the owner's"
same "$(psql_other -c "SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ' ')
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%\_actor'")" \
  "$OWN" "its triggers are on the owner's tables"
expect_rc 1 "an officer looks up after the superuser's upgrade" \
  env SFCOHORT_DB="postgresql://$AUD@/$OTHER?host=$PGHOST" "$SFCOHORT" lookup --given Jon --surname smith --dob 2009-03-14
has "no person matched" out "the officer's lookup answered"
expect_rc 0 "the owner verifies after the superuser's upgrade" as_own audit verify
has "intact" out "the owner's trail after the upgrade"
# A new database of an owner whose name needs quoting: another user may
# not make its schema; a superuser makes it the owner's (and upgrades it as
# the owner), who then grants.
THIRD="${PG_DB}_third" QOWN="Cohort.Owner_$$"
psql_q -c "CREATE ROLE \"$QOWN\" LOGIN CREATEROLE" >/dev/null
"$PG_BIN/createdb" -O "$QOWN" "$THIRD"
psql_third() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$THIRD" "$@"; }
expect_rc 5 "an officer may not make a schema" \
  env SFCOHORT_DB="postgresql://$OFF@/$THIRD?host=$PGHOST" "$SFCOHORT" init
one_line_error "an officer making a schema"
has "made by the database's owner ($QOWN)" err "whose the schema is"
has "run 'sfcohort init' as $QOWN" err "who runs init"
expect_rc 0 "a superuser makes the schema for the owner" \
  env SFCOHORT_DB="postgresql:///$THIRD?host=$PGHOST" "$SFCOHORT" -q init
same "$(psql_third -c "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'sfcohort'")" \
  "$QOWN" "the schema is the owner's"
psql_third -U "$QOWN" -c "DROP FUNCTION sfcohort.record_actor() CASCADE; ALTER TABLE sfcohort.evidence DROP CONSTRAINT evidence_decided_by; UPDATE sfcohort.schema_version SET version = 15"
expect_rc 0 "a superuser upgrades it as the owner" \
  env SFCOHORT_DB="postgresql:///$THIRD?host=$PGHOST" "$SFCOHORT" init
has "from schema version 15 to 16" out "upgraded as the owner"
same "$(psql_third -c "SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'record_actor'")" \
  "$QOWN" "the upgrade's function is the owner's"
expect_rc 0 "whose owner grants" \
  env SFCOHORT_DB="postgresql://$QOWN@/$THIRD?host=$PGHOST" "$SFCOHORT" admin grant $AUD --role officer
expect_rc 0 "whose owner lists" env SFCOHORT_DB="postgresql://$QOWN@/$THIRD?host=$PGHOST" "$SFCOHORT" admin list
same "$(cat "$T/out")" "$AUD  officer" "the one holder listed"
"$PG_BIN/dropdb" --force "$THIRD"
psql_q -c "DROP OWNED BY \"$QOWN\"; DROP ROLE \"$QOWN\"" >/dev/null
"$PG_BIN/dropdb" --force "$OTHER"
psql_q -c "DROP OWNED BY $OWN; DROP ROLE $OWN" >/dev/null

# What no privilege tells from a lookup, the server refuses by the command
# named in its entry: an officer may not export, share or decide; nothing
# written, no entry.
entries=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
expect_rc 5 "an officer may not export" as_user $OFF export --plaintext --output "$T/off.csv"
one_line_error "officer export"
has 'permission denied for command "export"' err "officer export refused by the server"
[ ! -e "$T/off.csv" ] && ok || fail "the officer's refused export left a file"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$entries" "no entry for the refused export"
expect_rc 0 "a manager exports" as_user $MAN export --plaintext --output "$T/man.csv"
[ -s "$T/man.csv" ] && ok || fail "the manager's export wrote nothing"
as_off() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -d "postgresql://$OFF@/$PG_DB?host=$PGHOST" -c "$1"; }
run as_off "UPDATE sfcohort.nomination SET status = 'accepted'"
has "permission denied" err "an officer may not decide a nomination by hand"
cols="id, status, submitted_at, submitted_by, criteria_set, as_of, eligible, document"
run as_off "INSERT INTO sfcohort.nomination($cols, decided_by) VALUES
  ('N900001', 'rejected', '2026-01-01', '$MAN', 'x', '2026-01-01', 0, '{}', '$MAN')"
has "permission denied" err "an officer may not insert a decided nomination"
run as_off "INSERT INTO sfcohort.nomination($cols) VALUES
  ('N900002', 'pending', '2026-01-01', '$MAN', 'x', '2026-01-01', 0, '{}')"
same "$RC $(psql_q -c "SELECT submitted_by FROM sfcohort.nomination WHERE id = 'N900002'")" "0 $OFF" \
  "a nomination inserted by hand is the officer's own"
psql_q -c "DELETE FROM sfcohort.nomination WHERE id = 'N900002'" >/dev/null
# The groups' names are the owner's alone: a manager, who writes meta, may
# not point a role at another group.
run env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At \
  -d "postgresql://$MAN@/$PG_DB?host=$PGHOST" -c "UPDATE sfcohort.programme_role_name SET name = 'pg_monitor'"
has "permission denied" err "a manager may not rename the groups"
expect_rc 0 "a manager answers a subject access request" as_user $MAN sar P0004812
has "P0004812" out "the manager's subject access report"

# Records name the user the server authenticated, as the entry does, not --as.
expect_rc 0 "a manager closes as someone else" as_user $MAN --as "Someone Else" family close F000124 --reason "moved away" --on 2019-01-02
same "$(psql_q -c "SELECT recorded_by FROM sfcohort.family_status WHERE family_id = 'F000124' ORDER BY on_date DESC LIMIT 1")" \
  $MAN "the closure is recorded by the database user"
expect_rc 0 "reopened" as_user $MAN family reopen F000124 --reason "back"
# Whatever a user's own SQL client writes, a record names the user the
# server authenticated (migration 16); nothing of this is kept.
psql_as() { local u=$1; shift; PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U "$u" -d "$PG_DB" "$@"; }
same "$(psql_as $MAN -c "BEGIN; INSERT INTO sfcohort.family_status(family_id, status, on_date, reason, recorded_at, recorded_by)
  VALUES ('F000124', 'closed', '2019-01-03', 'x', '2019-01-03T00:00:00Z', 'Someone Else') RETURNING recorded_by; ROLLBACK")" \
  $MAN "a status row inserted by hand names its inserter"
same "$(psql_as $MAN -c "BEGIN; UPDATE sfcohort.family_status SET recorded_by = 'Someone Else', reason = reason || '.'
  WHERE family_id = 'F000124' RETURNING recorded_by; ROLLBACK" | sort -u)" $MAN "who recorded a status is kept"
same "$(psql_as $MAN -c "BEGIN; UPDATE sfcohort.retention SET duration = '7 years', updated_by = 'Someone Else'
  WHERE class = 'closed_family' RETURNING updated_by; ROLLBACK")" $MAN "a rule changed by hand names its changer"
same "$(psql_as $MAN -c "BEGIN; INSERT INTO sfcohort.partner(name, recipient, added_at, added_by, updated_at)
  VALUES ('Hand Police', 'age1x', '2026-01-01T00:00:00Z', 'Someone Else', '2026-01-01T00:00:00Z') RETURNING added_by; ROLLBACK")" \
  $MAN "a partner added by hand names its adder"
ev_row="INSERT INTO sfcohort.evidence_feed(id, sha256, source, file, criteria_set, imported_at, imported_by,
  rows_read, attached, review, outside, rejected) VALUES ('XF', 'x', 'school', 'f.csv', 'c', 't', 'Someone Else', 1, 0, 1, 0, 0)
  RETURNING imported_by; INSERT INTO sfcohort.evidence(feed_id, row_no, fingerprint, indicator, date, source, state, band)
  VALUES ('XF', 1, 'xfp', 'i', '2020-01-01', 'school', 'review', 'possible');"
same "$(psql_as $MAN -c "BEGIN; $ev_row UPDATE sfcohort.evidence SET state = 'outside', decision = 'rejected',
  decided_at = 't', decided_by = 'Someone Else' WHERE fingerprint = 'xfp' RETURNING decided_by; ROLLBACK" | sort -u)" \
  $MAN "a feed and a decision made by hand name who made them"
run psql_as $MAN -c "BEGIN; $ev_row UPDATE sfcohort.evidence SET state = 'outside', decision = 'rejected'
  WHERE fingerprint = 'xfp'; ROLLBACK"
[ "$RC" -ne 0 ] && ok || fail "a decision with no decider was written"
has "evidence_decided_by" err "a decision names its decider"

# A schema to upgrade is upgraded as its owner: anyone else is told whose
# it is, and nothing changes.
latest=$(psql_q -c 'SELECT version FROM sfcohort.schema_version')
psql_q -c "UPDATE sfcohort.schema_version SET version = version - 1" >/dev/null
expect_rc 5 "an officer does not upgrade the schema" as_user $OFF lookup --given Jon --surname smith --dob 2009-03-14
one_line_error "an officer opening an older schema"
has "the schema needs upgrading, which its owner (postgres) does" err "whose it is"
has "run 'sfcohort init' as postgres" err "what to do"
same "$(psql_q -c 'SELECT version FROM sfcohort.schema_version')" $((latest - 1)) "nothing migrated"
psql_q -c "UPDATE sfcohort.schema_version SET version = version + 1" >/dev/null

# A role taken back is refused at once; a user holding none is told so.
expect_rc 0 "revoke" sf admin revoke $OFF --role officer
has "revoked officer from $OFF" out "revoke says what it took"
expect_rc 5 "a revoked officer is refused" as_user $OFF lookup --given Jon --surname smith --dob 2009-03-14
has "$OFF holds no sfcohort role in this database" err "the revoked officer is told they hold none"
has "sfcohort admin grant $OFF --role" err "and who grants one"
expect_rc 0 "revoke again" sf admin revoke $OFF
has "$OFF holds no sfcohort role in this database" out "nothing to revoke"
same "$(psql_q -c "SELECT command || ' ' || subject FROM sfcohort.audit WHERE command = 'admin revoke'")" \
  "admin revoke $OFF" "the revocation audited once"
expect_rc 0 "granted again" sf admin grant $OFF --role officer
# The owner sees who holds which role; no one else may list them.
expect_rc 0 "admin list" sf admin list
has "$OFF  officer" out "the officer listed"
has "$MAN  manager" out "the manager listed"
has "$AUD  auditor" out "the auditor listed"
hasnt "sfcohort_" out "no group is listed as a holder"
expect_rc 5 "an officer may not list roles" as_user $OFF admin list
has "only the database's owner" err "listing is the owner's"

# 16 officers looking up while a manager imports 3,000 people: every
# lookup answers, every command has its entry, the chain verifies.
{
  echo "family_id,person_id,given_name,surname,dob,postcode,house"
  for i in $(seq 1 3000); do
    printf 'F%06d,P%07d,Given%d,Surname%d,1990-01-%02d,HD1 2AB,%d\n' \
      $((300000 + i / 3)) $((5000000 + i)) "$i" $((i % 97)) $((i % 28 + 1)) "$i"
  done
} >bulk.csv
entries=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
as_user "$MAN" -q import bulk.csv >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
pids=""
for i in $(seq 1 16); do
  as_user "$OFF" lookup --given Jon --surname smith --dob 2009-03-14 >"$T/l$i.out" 2>"$T/l$i.err" &
  pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
wait "$imp"
same "$?" 0 "the import beside the lookups"
same "$bad" 0 "16 officers' lookups answered during the import"
same "$(cat "$T"/l*.err)" "" "no lookup error"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" $((entries + 17)) "an entry for each"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.person')" "$((people + 1 + 3000))" "every person imported"
expect_rc 0 "verify after the concurrent import" as_user "$AUD" audit verify
has "intact" out "verify after the concurrent import"

# The disclosure record is written only by the server's functions
# (schema/pg/0013), which keep its keyed digest: an officer's lookup
# recorded rows without INSERT on the table, and may neither add rows nor
# record a digest of its own.
disclosed=$(psql_q -c "SELECT count(*) FROM sfcohort.disclosure WHERE person_id = 'P0004812'")
[ "$disclosed" -gt 0 ] && ok || fail "the officers' lookups recorded what they returned"
same "$(psql_q -c "SELECT count(*) FROM sfcohort.audit WHERE detail LIKE '{\"disclosed\":{\"digest\":\"%'
  AND seq IN (SELECT audit_seq FROM sfcohort.disclosure)")" \
  "$(psql_q -c 'SELECT count(DISTINCT audit_seq) FROM sfcohort.disclosure')" "each records a keyed digest"
run as_off "INSERT INTO sfcohort.disclosure VALUES ('P0004815', 1, '', 'F000124')"
has "permission denied" err "an officer may not write disclosure rows"
run as_off "SELECT sfcohort.audit_append_disclosed('lookup', '', '', '{\"disclosed\":{\"people\":0}}', '[]')"
has 'without "disclosed"' err "an officer may not record a digest of its own"
run as_off "SELECT sfcohort.dispose_disclosures('[\"P0004812\"]')"
has "permission denied" err "an officer may not dispose of disclosure rows"
run as_off "SELECT sfcohort.audit_append('lookup', '', '', '{\"disclosed\":{\"people\":0}}')"
has 'without "disclosed"' err "nor claim one in a plain entry"
# The owner's functions do not use an officer's temporary tables or types
# (looked in first, unless named last in the functions' search_path): a
# temporary audit_key of the officer's does not key the entry, a temporary
# audit does not receive it, a temporary audit_detail does not let a digest
# of the officer's through.
n=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
run as_off "CREATE TEMP TABLE audit_key (key bytea, ipad bytea, opad bytea, disclosure bytea);
  INSERT INTO audit_key VALUES ('\\x00', '\\x00', '\\x00', '\\x00');
  CREATE TEMP TABLE audit (seq bigint, at text, actor text, command text, purpose text,
    subject text, detail text, prev_mac text, mac text, os_user text);
  SELECT sfcohort.audit_append('lookup', '', '', '{}');
  SELECT count(*) FROM audit"
same "$RC $(tail -n 1 "$T/out")" "0 0" "an officer's temporary audit table received nothing"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$((n + 1))" "the entry is in the trail"
run as_off "CREATE DOMAIN pg_temp.audit_detail AS text;
  SELECT sfcohort.audit_append_disclosed('lookup', '', '', '{\"disclosed\":{\"people\":0}}', '[]')"
has 'without "disclosed"' err "an officer's temporary type changes nothing"
expect_rc 0 "the trail verifies after the officer's attempts" as_user $AUD audit verify
has "intact" out "verified by the auditor"

# Disposal at the end of retention: an officer is refused by the server
# (exit 5, nothing deleted); a manager disposes in one transaction with its
# entry, the disclosure rows' digest kept, and the trail verifies; a
# disposed digest altered is found.
expect_rc 0 "a family closed" as_user $MAN family close F000123 --reason "moved away" --on 2019-01-02
disclosed=$(psql_q -c "SELECT count(*) FROM sfcohort.disclosure WHERE family_id = 'F000123'")
before=$(db_sum)
expect_rc 5 "an officer may not dispose" as_user $OFF retention --apply
one_line_error "officer retention --apply"
has "permission denied" err "officer disposal refused by the server"
same "$(db_sum)" "$before" "the officer's disposal deleted nothing"
expect_rc 0 "a manager disposes" as_user $MAN retention --apply
has "deleted 2 people in 1 family" out "the family disposed of"
has "until the tables are vacuumed" err "the manager is told VACUUM is the owner's"
same "$(psql_q -c "SELECT count(*) FROM sfcohort.person WHERE family_id = 'F000123'")" 0 "its people gone"
same "$(psql_q -c "SELECT count(*) FROM sfcohort.disclosure WHERE family_id = 'F000123'")" 0 "their disclosures gone"
same "$(psql_q -c 'SELECT sum(people) FROM sfcohort.disclosure_disposed')" "$disclosed" "their digest kept"
same "$(psql_q -c "SELECT actor FROM sfcohort.audit WHERE command = 'retention apply'")" $MAN "the disposal's entry"
expect_rc 0 "verify after the disposal" as_user $AUD audit verify
has "intact" out "verify after the disposal"
saved=$(psql_q -c 'SELECT digest FROM sfcohort.disclosure_disposed ORDER BY audit_seq LIMIT 1')
psql_q -c "UPDATE sfcohort.disclosure_disposed SET digest = md5(digest) || md5(digest)
  WHERE digest = '$saved'" >/dev/null
expect_rc 1 "a disposed digest altered" as_user $AUD audit verify
has "have been altered" out "the altered digest found"
psql_q -c "UPDATE sfcohort.disclosure_disposed SET digest = '$saved' WHERE digest = md5('$saved') || md5('$saved')" >/dev/null
expect_rc 0 "verify restored" as_user $AUD audit verify

# Tampering (as the owner, triggers off) is found.
psql_q -c "ALTER TABLE sfcohort.audit DISABLE TRIGGER USER;
  UPDATE sfcohort.audit SET subject = 'edited' WHERE seq = 2;
  ALTER TABLE sfcohort.audit ENABLE TRIGGER USER" >/dev/null
expect_rc 1 "tampered trail" sf audit verify
has "entry 2" out "tampered entry named"

# Bad input: each one line and exit 3, nothing written.
n=$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')
run env SFCOHORT_DB="postgresql://[nonsense" "$SFCOHORT" lookup --given A --surname B --dob 2000-01-01
same "$RC" 3 "wrong URI: exit"
one_line_error "wrong URI"
has "hint:" err "wrong URI hint"
run env SFCOHORT_DB="postgres:host=$T/nowhere dbname=x" "$SFCOHORT" lookup --given A --surname B --dob 2000-01-01
same "$RC" 3 "server down: exit"
one_line_error "server down"
has "server is running" err "server down hint"
psql_q -c "DROP ROLE IF EXISTS sf_password; CREATE ROLE sf_password LOGIN PASSWORD 'right-one'" >/dev/null
printf '*:*:*:sf_password:wrong-one\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
run env PGPASSFILE="$T/pgpass" SFCOHORT_DB="postgresql://sf_password@/$PG_DB?host=$PGHOST" \
  "$SFCOHORT" lookup --given A --surname B --dob 2000-01-01
same "$RC" 3 "wrong password: exit"
one_line_error "wrong password"
has "password authentication failed" err "wrong password named"
has ".pgpass" err "wrong password hint"
hasnt "wrong-one" err "the password is not shown"
# A password in the connection string is refused, never shown; a mistyped
# scheme is a connection string to report, not a file to make.
run env SFCOHORT_DB="postgresql://sf_password:right-one@/$PG_DB?host=$PGHOST" \
  "$SFCOHORT" lookup --given A --surname B --dob 2000-01-01
same "$RC" 3 "a password in the URI: exit"
one_line_error "a password in the URI"
has "holds a password" err "a password in the URI named"
has ".pgpass" err "a password in the URI: hint"
hasnt "right-one" err "the password in the URI is not shown"
run "$SFCOHORT" --db "postgres:host=$PGHOST dbname=$PG_DB password=right-one" init
same "$RC" 3 "a password in the keyword form: exit"
hasnt "right-one" err "the keyword form's password is not shown"
hasnt "right-one" out "nor printed"
run "$SFCOHORT" --db "postgresql:cohort" init
same "$RC" 3 "a mistyped scheme: exit"
has "not a PostgreSQL connection string" err "a mistyped scheme named"
[ ! -e "postgresql:cohort" ] && ok || fail "a mistyped scheme made an SQLite file"
same "$(psql_q -c 'SELECT count(*) FROM sfcohort.audit')" "$n" "nothing written by the failures"

finish
