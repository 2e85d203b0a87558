#!/usr/bin/env bash
# The audit trail: who, what, why is recorded, and any edit, insertion,
# deletion or cut-off tail is detected by `audit verify`.
source "$SRC/tests/cli/lib.sh"

printf 'family_id,given_name,surname,dob\nF1,Amy,Khan,2010-05-05\nF1,Sam,Khan,1980-01-02\n' > p.csv
expect_rc 0 "init" sf init
expect_rc 0 "import with --as and --purpose after the command" sf import p.csv --as "A Officer" --purpose "monthly refresh"
SFCOHORT_PURPOSE="school roll" expect_rc 0 "import with \$SFCOHORT_PURPOSE" sf import p.csv
expect_rc 0 "audit lists entries" sf audit
has "A Officer" out "actor recorded"
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
sqlite3 "$SFCOHORT_DB" "$unlock INSERT INTO audit SELECT 4, at, 'intruder', command, purpose, subject, detail, prev_mac, mac FROM audit WHERE seq = 3;"
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
finish
