#!/usr/bin/env bash
# The audit trail: who, what, why is recorded, and any edit, insertion,
# deletion or cut-off tail is detected by `audit verify`. On PostgreSQL the
# actor and system user are the database user, the key and head are the
# server's (edited here as the owner), and the threat rows about the
# database file and key folder are SQLite's (tests/pg/t_pg.sh has the
# server's roles).
source "$SRC/tests/cli/lib.sh"
if on_sqlite; then
  actor="A Officer" me=$(id -un)
else
  actor=$PGUSER me=$PGUSER
fi

printf 'family_id,given_name,surname,dob\nF1,Amy,Khan,2010-05-05\nF1,Sam,Khan,1980-01-02\n' > p.csv
expect_rc 0 "init" sf init
expect_rc 0 "import with --as and --purpose after the command" sf import p.csv --as "A Officer" --purpose "monthly refresh"
SFCOHORT_PURPOSE="school roll" expect_rc 0 "import with \$SFCOHORT_PURPOSE" sf import p.csv
expect_rc 0 "audit lists entries" sf audit
has "$actor" out "actor recorded"
has "purpose: monthly refresh" out "purpose recorded"
has "purpose: school roll" out "purpose from the environment"
has "import" out "command recorded"
expect_output audit-list
expect_rc 0 "audit json" sf audit --format json
has '"sha256": "' out "input digest recorded"
has '"imported": 2' out "counts recorded"
expect_rc 0 "since a future date" sf audit --since 2199-01-01 --format json
same "$OUT" "[]" "no entries after a future date"
expect_rc 2 "bad --since" sf audit --since 31/02/2020
expect_rc 0 "an untouched trail verifies" sf audit verify
has "intact: 3 entries" out "verify count"
expect_output audit-verify

if on_sqlite; then
  pristine="$T/pristine.db"
  cp "$SFCOHORT_DB" "$pristine"
  head_file=$(ls "$SFCOHORT_KEYS"/audit-*.head)
  cp "$head_file" "$T/head.bak"
  restore() { cp "$pristine" "$SFCOHORT_DB"; rm -f "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"; cp "$T/head.bak" "$head_file"; }
  unlock="DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"

  run sqlite3 "$SFCOHORT_DB" "UPDATE audit SET actor = 'x' WHERE seq = 2"
  [ "$RC" -ne 0 ] && ok || fail "the trail refuses plain edits: sqlite3 succeeded"
  has "append-only" err "the trail refuses plain edits"

  sqlite3 "$SFCOHORT_DB" "$unlock UPDATE audit SET purpose = 'nothing to see' WHERE seq = 2"
  expect_rc 1 "an edited entry" sf audit verify
  has "entry 2 has been altered" err "edited entry named"
  expect_output audit-verify-edited
  restore
  sqlite3 "$SFCOHORT_DB" "$unlock DELETE FROM audit WHERE seq = 2"
  expect_rc 1 "a deleted entry" sf audit verify
  has "entry 2 is missing" err "deleted entry named"
  expect_output audit-verify-deleted
  restore
  sqlite3 "$SFCOHORT_DB" "$unlock INSERT INTO audit SELECT 4, at, 'intruder', command, purpose, subject, detail, prev_mac, mac, os_user FROM audit WHERE seq = 3;"
  expect_rc 1 "an inserted entry" sf audit verify
  has "has been altered or inserted" err "inserted entry named"
  expect_output audit-verify-inserted
  restore
  sqlite3 "$SFCOHORT_DB" "$unlock DELETE FROM audit WHERE seq = 3"
  expect_rc 1 "a cut-off tail" sf audit verify
  has "entries 3 to 3 have been removed from the end" err "cut-off tail named"
  expect_output audit-verify-cut-off
  restore
  rm "$head_file"
  expect_rc 1 "a missing head file" sf audit verify
  has "head file" err "missing head named"
  expect_output audit-verify-no-head
  restore
  expect_rc 0 "restored trail verifies" sf audit verify
  # The head file is rewritten in place once it holds a fixed-width record; a
  # head file written by an older version (no padding) is read, then replaced.
  awk '{ printf "%d %s\n", $1, $2 }' "$head_file" > "$T/old.head" && cp "$T/old.head" "$head_file"
  expect_rc 0 "an unpadded head file verifies" sf audit verify
  expect_rc 0 "a command after it" sf import p.csv
  grep -Eq '^[0-9]{20} [0-9a-f]{64}$' "$head_file" && ok || fail "head file rewritten fixed-width: $(cat "$head_file")"
  ino=$(stat -c %i "$head_file")
  expect_rc 0 "another command" sf import p.csv
  same "$(stat -c %i "$head_file")" "$ino" "head file updated in place"
  same "$(cut -d' ' -f1 "$head_file" | sed 's/^0*//')" "$(sqlite3 "$SFCOHORT_DB" 'SELECT max(seq) FROM audit')" "head file names the newest entry"
  expect_rc 0 "still intact" sf audit verify
  mv "$SFCOHORT_KEYS/audit.key" "$T/key.bak"
  expect_rc 4 "no audit key" sf audit verify
  has "no audit key" err "missing key message"
  expect_output audit-verify-no-key
  expect_rc 4 "writing without the audit key" sf import p.csv
  mv "$T/key.bak" "$SFCOHORT_KEYS/audit.key"
  # Another key: a fixed one, never the key that made the trail.
  other_key=$(printf '%064d' 0)
  grep -qi "$other_key" "$SFCOHORT_KEYS/audit.key" && other_key=$(printf '%064d' 1 | tr 0 1)
  cp "$SFCOHORT_KEYS/audit.key" "$T/key.orig"
  printf '%s' "$other_key" >"$SFCOHORT_KEYS/audit.key"
  cmp -s "$T/key.orig" "$SFCOHORT_KEYS/audit.key" && fail "the audit key was not replaced" || ok
  expect_rc 1 "a different key" sf audit verify
  has "entry 1 has been altered" err "wrong key detected at the first entry"
  expect_output audit-verify-other-key
  cp "$T/key.orig" "$SFCOHORT_KEYS/audit.key"
  expect_rc 0 "the right key again" sf audit verify
else
  # The owner, triggers off, edits the server's trail, head and key.
  unlock="ALTER TABLE audit DISABLE TRIGGER USER;" lock="ALTER TABLE audit ENABLE TRIGGER USER;"
  db_query "CREATE TABLE public.audit_saved AS SELECT * FROM audit;
    CREATE TABLE public.head_saved AS SELECT * FROM audit_head;
    CREATE TABLE public.key_saved AS SELECT * FROM audit_key" >/dev/null
  restore() {
    db_query "$unlock DELETE FROM audit; INSERT INTO audit SELECT * FROM public.audit_saved;
      DELETE FROM audit_head; INSERT INTO audit_head SELECT * FROM public.head_saved;
      DELETE FROM audit_key; INSERT INTO audit_key (key) SELECT key FROM public.key_saved; $lock" >/dev/null
  }
  run db_query "UPDATE audit SET actor = 'x' WHERE seq = 2"
  [ "$RC" -ne 0 ] && ok || fail "the trail refuses plain edits: the update succeeded"
  has "append-only" err "the trail refuses plain edits"
  db_query "$unlock UPDATE audit SET purpose = 'nothing to see' WHERE seq = 2; $lock" >/dev/null
  expect_rc 1 "an edited entry" sf audit verify
  has "entry 2 has been altered" err "edited entry named"
  expect_output audit-verify-edited
  restore
  db_query "$unlock DELETE FROM audit WHERE seq = 2; $lock" >/dev/null
  expect_rc 1 "a deleted entry" sf audit verify
  has "entry 2 is missing" err "deleted entry named"
  expect_output audit-verify-deleted
  restore
  db_query "$unlock INSERT INTO audit SELECT 4, at, 'intruder', command, purpose, subject, detail,
    prev_mac, mac, os_user FROM audit WHERE seq = 3; $lock" >/dev/null
  expect_rc 1 "an inserted entry" sf audit verify
  has "has been altered or inserted" err "inserted entry named"
  expect_output audit-verify-inserted
  restore
  db_query "$unlock DELETE FROM audit WHERE seq = 3; $lock" >/dev/null
  expect_rc 1 "a cut-off tail" sf audit verify
  has "entries 3 to 3 have been removed from the end" err "cut-off tail named"
  expect_output audit-verify-cut-off
  restore
  db_query "DELETE FROM audit_head" >/dev/null
  expect_rc 1 "a missing head" sf audit verify
  has "the server's audit head row is missing" err "missing head named"
  restore
  db_query "UPDATE audit_key SET key = '\\x$(printf '%064d' 1)'" >/dev/null
  expect_rc 1 "a different key" sf audit verify
  has "entry 1 has been altered" err "wrong key detected at the first entry"
  restore
  expect_rc 0 "restored trail verifies" sf audit verify
  db_query "DROP TABLE public.audit_saved, public.head_saved, public.key_saved" >/dev/null
  # Two more commands, as on SQLite, for the checkpoint below.
  expect_rc 0 "a command after it" sf import p.csv
  expect_rc 0 "another command" sf import p.csv
fi

# Filters.
expect_rc 0 "--actor" sf audit --actor "$(echo "$actor" | tr 'A-Z' 'a-z')" --format json
same "$(python3 -c 'import json,sys;print(sorted({e["actor"] for e in json.load(open(sys.argv[1]))}))' "$T/out")" "['$actor']" "only the actor's entries"
expect_rc 0 "--action" sf audit --action init --format json
same "$(python3 -c 'import json,sys;print([e["command"] for e in json.load(open(sys.argv[1]))])' "$T/out")" "['init']" "only init"
expect_rc 0 "--until a past date" sf audit --until 2000-01-01 --format json
same "$OUT" "[]" "nothing before 2000"
expect_rc 0 "--since and --until today" sf audit --since "$(date -u +%F)" --until "$(date -u +%F)" --format json
same "$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1])))>=3)' "$T/out")" "True" "today's entries"
expect_rc 2 "bad --until" sf audit --until 2020-02-30
# Each entry records the operating-system user beside the typed actor.
expect_rc 0 "os user" sf audit --action import --format json
same "$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[0]["os_user"])' "$T/out")" "$me" "the system user is recorded"
expect_rc 0 "--actor matches the system user" sf audit --actor "$me" --action import --format json
same "$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1])))>0)' "$T/out")" "True" "entries found by system user"

# The threat model (README "Security", sfcohort-audit(1)), one block per row.
sf audit verify >/dev/null 2>&1 || fail "trail not intact before the threat rows"
expect_rc 0 "auditor keygen" sf audit keygen --output ig.key --name "IG-Lead"
same "$(stat -c %a ig.key)" "600" "the auditor's key is owner-only"
expect_rc 2 "keygen refuses to overwrite" sf audit keygen --output ig.key
expect_rc 0 "checkpoint" sf audit checkpoint --key ig.key --output cp1.txt
has "checkpoint of 5 entries" out "checkpoint size"
sed -n 2p cp1.txt | grep -qx 5 && ok || fail "the checkpoint's size line"
has "— IG-Lead " cp1.txt "signed note signature line"
expect_rc 0 "a command after the checkpoint" sf import p.csv --as "B Officer"
expect_rc 0 "the trail extends the checkpoint" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
has "checkpoint cp1.txt: entries 1 to 5 unchanged" out "checkpoint verified"
has "and every checkpoint extended" out "verify says so"
expect_rc 2 "--checkpoint without --auditor-key" sf audit verify --checkpoint cp1.txt
# A checkpoint signed by anyone else is refused (exit 4): operators cannot forge one.
sf audit keygen --output other.key >/dev/null 2>&1
sf audit checkpoint --key other.key --output forged.txt >/dev/null 2>&1
expect_rc 4 "a checkpoint by another key" sf audit verify --checkpoint forged.txt --auditor-key ig.key.pub
has "not signed by 'IG-Lead'" err "forged checkpoint named"
sed 's/^5$/4/' cp1.txt >edited.txt
expect_rc 4 "an edited checkpoint" sf audit verify --checkpoint edited.txt --auditor-key ig.key.pub
has "does not verify" err "edited checkpoint refused"
# Rows 1 to 3 with the database file and the key folder (SQLite).
if on_sqlite; then
  cp "$SFCOHORT_DB" "$T/good.db"; cp "$head_file" "$T/good.head"; cp "$SFCOHORT_KEYS/audit-databases" "$T/good.reg"
  back() { cp "$T/good.db" "$SFCOHORT_DB"; rm -f "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"; rm -f "$SFCOHORT_KEYS"/audit-*.head; cp "$T/good.head" "$head_file"; cp "$T/good.reg" "$SFCOHORT_KEYS/audit-databases"; }

  # Row 1, an outsider with the database file (no keys): erasing the trail
  # and changing the database id (the review's HIGH 1) is detected.
  sqlite3 "$SFCOHORT_DB" "$unlock DELETE FROM audit; UPDATE meta SET value = '00000000000000000000000000000001' WHERE key = 'database_id'"
  expect_rc 1 "an erased trail with a new id" sf audit verify
  has "does not start with its init entry" err "erased trail detected"
  back
  sqlite3 "$SFCOHORT_DB" "$unlock DELETE FROM audit"
  expect_rc 1 "an erased trail" sf audit verify
  has "the trail is empty" err "empty trail detected"
  back
  sqlite3 "$SFCOHORT_DB" "$unlock DELETE FROM audit WHERE seq = 1"
  expect_rc 1 "the init entry removed" sf audit verify
  back
  new_id=00000000000000000000000000000002
  sqlite3 "$SFCOHORT_DB" "UPDATE meta SET value = '$new_id' WHERE key = 'database_id'"
  cp "$head_file" "$SFCOHORT_KEYS/audit-$new_id.head"
  expect_rc 1 "a replaced id, with a head file for it" sf audit verify
  has "entry 1 has been altered" err "replaced id detected by the chain"
  back
  # ...and another sfcohort database put in its place (its own keys).
  SFCOHORT_DB="$T/stranger.db" SFCOHORT_KEYS="$T/stranger-keys" sf init >/dev/null 2>&1
  cp "$T/stranger.db" "$SFCOHORT_DB"; rm -f "$SFCOHORT_DB-wal" "$SFCOHORT_DB-shm"
  expect_rc 1 "another database in its place" sf audit verify
  back
  expect_rc 0 "restored" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub

  # Row 2, an operator (holds audit.key): rewriting entries and recomputing the
  # chain and head passes the keyed check, but not a checkpoint; entries after
  # the newest checkpoint can be rewritten undetected until the next one.
  rewrite() { # SQL to run on the unlocked trail, then every MAC and the head recomputed with the key
    sqlite3 "$SFCOHORT_DB" "$unlock $1"
    python3 - "$SFCOHORT_DB" "$SFCOHORT_KEYS" <<'PY'
import hmac, hashlib, json, sqlite3, sys, glob
db, keys = sys.argv[1], sys.argv[2]
key = bytes.fromhex(open(keys + "/audit.key").read().strip())
c = sqlite3.connect(db)
db_id = c.execute("select value from meta where key='database_id'").fetchone()[0]
prev = hmac.new(key, ("sfcohort audit genesis " + db_id).encode(), hashlib.sha256).hexdigest()
rows = c.execute("select seq, at, actor, command, purpose, subject, detail, os_user from audit order by seq").fetchall()
c.execute("drop trigger if exists audit_no_update"); c.execute("drop trigger if exists audit_no_delete")
c.execute("create temp table re(seq, mac, prev)")
for i, r in enumerate(rows, 1):
    arr = [i] + list(r[1:7]) + ([r[7]] if r[7] else [])
    text = json.dumps(arr, separators=(",", ":"), ensure_ascii=False)
    mac = hmac.new(key, (prev + "\n" + text).encode(), hashlib.sha256).hexdigest()
    c.execute("update audit set seq = ?, prev_mac = ?, mac = ? where seq = ?", (-i, prev, mac, r[0]))
    prev = mac
c.execute("update audit set seq = -seq")
c.commit()
open(glob.glob(keys + "/audit-" + db_id + ".head")[0], "w").write("%020d %s\n" % (len(rows), prev))
PY
  }
  rewrite "UPDATE audit SET actor = 'Someone Else' WHERE seq = 3"
  expect_rc 0 "an operator's rewrite passes the keyed check" sf audit verify
  expect_rc 1 "but not the checkpoint" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
  has "checkpoint cp1.txt: BROKEN at entry 3" out "the first changed entry named"
  has "entry 3 is not the entry the checkpoint holds" err "the error names entry 3"
  back
  rewrite "DELETE FROM audit WHERE seq = 5"
  expect_rc 1 "an operator's deletion" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
  has "BROKEN at entry 5" out "deleted entry named"
  back
  rewrite "DELETE FROM audit WHERE seq >= 4"
  expect_rc 1 "an operator's cut below the checkpoint" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
  has "BROKEN at entry 4: entries 4 to 5 of the checkpoint are gone" out "cut named"
  back
  rewrite "UPDATE audit SET purpose = 'rewritten' WHERE seq = 7"
  same "$(sqlite3 "$SFCOHORT_DB" "select purpose from audit where seq = 7")" "rewritten" "entry 7 rewritten"
  expect_rc 0 "an operator's rewrite after the newest checkpoint is not detected" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
  back
  # --as names anyone, but the system user is recorded beside it.
  expect_rc 0 "--as someone else" sf import p.csv --as "The Director"
  same "$(sqlite3 "$SFCOHORT_DB" "select os_user from audit where actor = 'The Director'")" "$(id -un)" "the system user beside a typed actor"
  cp "$SFCOHORT_DB" "$T/good.db"; cp "$head_file" "$T/good.head"

  # Row 3, the auditor (holds the auditor key, not audit.key): editing an
  # entry without the audit key is detected by the keyed chain; a false
  # checkpoint can only make a genuine trail look broken, never hide a change.
  sqlite3 "$SFCOHORT_DB" "$unlock UPDATE audit SET subject = 'nothing' WHERE seq = 2"
  expect_rc 1 "the auditor's edit" sf audit verify --checkpoint cp1.txt --auditor-key ig.key.pub
  has "entry 2 has been altered" err "keyed chain catches the auditor"
  back
  sqlite3 "$SFCOHORT_DB" "$unlock UPDATE audit SET subject = 'x' WHERE seq = 2"
  expect_rc 4 "no checkpoint of an altered trail" sf audit checkpoint --key ig.key --output cp3.txt
  [ ! -e cp3.txt ] && ok || fail "a checkpoint of an altered trail was written"
  back
fi
expect_rc 0 "audit checkpoint refuses nothing when intact" sf audit checkpoint --key ig.key --output cp2.txt
chmod 644 ig.key
expect_rc 3 "a readable auditor key is refused" sf audit checkpoint --key ig.key
chmod 600 ig.key
expect_rc 0 "both checkpoints" sf audit verify --checkpoint cp1.txt --checkpoint cp2.txt --auditor-key "$(cat ig.key.pub)"
finish
