#!/usr/bin/env bash
# share partner update and show: a renewal changes only what it is told
# (issue 15 item 7), show prints everything held, and the history field.
source "$SRC/tests/cli/lib.sh"

sf init >/dev/null 2>&1
age-keygen -o p.key 2>/dev/null
P_AGE=$(age-keygen -y p.key)
age-keygen -o q.key 2>/dev/null
Q_AGE=$(age-keygen -y q.key)
minisign -G -W -p p.pub -s p.sec >/dev/null
P_SIGN=$(tail -n 1 p.pub)
WYP="West Yorkshire Police"
json() { python3 -c 'import json,sys;d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print("null" if d is None else (str(d).lower() if isinstance(d,bool) else d))' "$T/out" "$1"; }

expect_rc 0 "add an expired partner" sf share partner add "$WYP" --recipient "$P_AGE" --sign-key "$P_SIGN" \
  --agreement isa=2018-01-01 --agreement dsp=2018-02-01 --agreement mou=2018-03-01 --expires 2019-03-31 \
  --legal-basis "Crime and Disorder Act 1998 s115" --allow full
expect_rc 0 "show an expired partner" sf share partner show "$WYP"
has "expired on 2019-03-31: sharing refused until renewed" out "show says what expired means"
has "next step    record the renewed agreement with: sfcohort share partner update 'West Yorkshire Police' --agreement isa=DATE --expires DATE" out "show names the renewal"
hasnt "error" err "show of an expired partner is not an error"
expect_output share_partner-show-expired

# Adding again is refused: it would replace what is held.
expect_rc 2 "add again refused" sf share partner add "west yorkshire police" --recipient "$P_AGE"
one_line_error "add again"
has "already in the register" err "add again says why"
has "sfcohort share partner update 'West Yorkshire Police'" err "add again names update"

# A sealed file to the lapsed partner: the refusal's hint names update.
printf 'family_id,surname\nF1,Hirst\n' >list.csv
sf share keygen >/dev/null 2>&1
expect_rc 5 "seal to the expired partner" sf share seal list.csv --to "$WYP"
has "hint: record the renewed agreement with: sfcohort share partner update 'West Yorkshire Police' --agreement isa=DATE --expires DATE" err "renewal hint names update"

# A refused share is an audit entry: the lapsed partner, and an unknown one.
expect_rc 0 "refusals audited" sf audit --action "share seal" --format json
has '"refused": "partner '"'"'West Yorkshire Police'"'"': information sharing agreement expired on 2019-03-31"' out "the lapsed refusal is audited"
expect_rc 2 "seal to an unknown partner" sf share seal list.csv --to Nobody
expect_rc 0 "refusals audited" sf audit --action "share seal" --format json
has '"refused": "unknown partner '"'"'Nobody'"'"'"' out "the unknown-partner refusal is audited"
has '"subject": "share refused"' out "its subject"

# The renewal as the hint says: only the isa and the expiry change.
expect_rc 0 "renew" sf share partner update "$WYP" --agreement isa=2024-04-01 --expires 2099-03-31
has "updated partner 'West Yorkshire Police'" out "update says so"
expect_rc 0 "show json" sf share partner show "$WYP" --format json
same "$(json agreements.isa)" "2024-04-01" "isa renewed"
same "$(json expires)" "2099-03-31" "expiry renewed"
same "$(json agreements.dsp)" "2018-02-01" "dsp kept"
same "$(json agreements.mou)" "2018-03-01" "mou kept"
same "$(json sign_key)" "$P_SIGN" "signing key kept"
same "$(json legal_basis)" "Crime and Disorder Act 1998 s115" "legal basis kept"
same "$(json recipient)" "$P_AGE" "recipient kept"
same "$(json allow)" "full" "profile kept"
same "$(json history)" "false" "history off by default"
same "$(json status)" "ok" "sharing allowed"
expect_rc 0 "seal after the renewal" sf share seal list.csv --to "$WYP"

# Each field alone.
expect_rc 0 "new recipient" sf share partner update "$WYP" --recipient "$Q_AGE"
expect_rc 0 "history on" sf share partner update "$WYP" --history --legal-basis "Children Act 2004 s10"
expect_rc 0 "show" sf share partner show "$WYP" --format json
same "$(json recipient)" "$Q_AGE" "recipient changed"
same "$(json history)" "true" "history set"
same "$(json legal_basis)" "Children Act 2004 s10" "legal basis changed"
same "$(json sign_key)" "$P_SIGN" "signing key still kept"
expect_rc 0 "show text" sf share partner show "$WYP"
has "history      yes: may be told about closed families" out "show prints history"
has "updated      " out "show prints when it was updated"
expect_rc 0 "history off, no end date" sf share partner update "$WYP" --no-history --expires none --allow basic
expect_rc 0 "show" sf share partner show "$WYP" --format json
same "$(json history)" "false" "history cleared"
same "$(json expires)" "null" "end date removed"
same "$(json allow)" "basic" "profile changed"
expect_rc 0 "add with history" sf share partner add "School" --recipient "$P_AGE" --history
expect_rc 0 "list json" sf share partner list --format json
same "$(python3 -c 'import json,sys;print([p["history"] for p in json.load(open(sys.argv[1]))])' "$T/out")" "[True, False]" "history in the list"

# Each change is audited with what it was and what it is.
db_query "select detail from audit where command='share partner update' order by seq limit 1" >audit.txt
has '"isa":"2024-04-01"' audit.txt "the audit holds the new isa"
has '"was":' audit.txt "the audit holds what it was"
has '"expires":{"now":"2099-03-31","was":"2019-03-31"}' audit.txt "the audit holds the expiry change"

# Bad input: exit 2, nothing changed.
before=$(db_query "select * from partner")
expect_rc 2 "nothing to change" sf share partner update "$WYP"
one_line_error "nothing to change"
expect_output share_partner-update-nothing
expect_rc 2 "unknown partner" sf share partner update Nobody --history
has "unknown partner 'Nobody'" err "unknown partner named"
expect_rc 2 "bad agreement" sf share partner update "$WYP" --agreement nda=2020-01-01
has "--agreement 'nda=2020-01-01': unknown agreement 'nda'" err "bad agreement names the option"
expect_rc 2 "bad date" sf share partner update "$WYP" --expires 2020-02-30
has "--expires" err "bad expiry names the option"
expect_rc 2 "bad recipient" sf share partner update "$WYP" --recipient age1nope
has "--recipient" err "bad recipient names the option"
expect_rc 2 "bad sign key" sf share partner update "$WYP" --sign-key RWnope
has "--sign-key" err "bad key names the option"
expect_rc 2 "history both ways" sf share partner update "$WYP" --history --no-history
same "$(db_query "select * from partner")" "$before" "refused updates changed nothing"
expect_rc 0 "audit verify" sf audit verify

finish
