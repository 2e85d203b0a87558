#!/usr/bin/env bash
# Output for people and for programs: the byte-order mark (a file has one,
# a pipe not, --bom/--no-bom choose), JSON Lines records with input, result
# and schema, and the JSON Schemas in schemas/ checked against real output.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

expect_rc 0 "init" sf -q init
cat > people.csv <<'CSV'
family_id,person_id,given_name,surname,dob,postcode,house,sex,lead_agency
F1,P1,Siân,Bąk,2012-04-03,HD1 2AB,12,F,Early Help
F1,P2,Anna,Bąk,1985-01-02,HD1 2AB,12,F,Early Help
CSV
expect_rc 0 "import" sf -q import people.csv
printf 'ref,given_name,surname,dob,postcode\n1,Siân,Bąk,2012-04-03,HD1 2AB\n2,Anna,Bak,31/09/2015,HD1 2AB\n3,Nobody,Else,2001-01-01,\n' > q.csv

# Byte-order mark: a CSV file has one (Excel then shows Bąk and Siân), a pipe not.
expect_rc 0 "batch to a file" sf -q lookup --batch q.csv --output out.csv
same "$(head -c 3 out.csv | od -An -tx1 | tr -d ' ')" "efbbbf" "a file starts with a byte-order mark"
expect_rc 0 "batch to a pipe" sf -q lookup --batch q.csv
same "$(head -c 3 "$T/out")" "ref" "standard output has none"
expect_rc 0 "--bom on a pipe" sf -q lookup --batch q.csv --bom
same "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" "efbbbf" "--bom writes one to standard output"
expect_rc 0 "--no-bom in a file" sf -q lookup --batch q.csv --output plain.csv --no-bom
same "$(head -c 3 plain.csv)" "ref" "--no-bom writes none"
expect_rc 2 "--bom with jsonl" sf lookup --batch q.csv --format jsonl --bom
has "--bom is for CSV output" err "jsonl never has a byte-order mark"
expect_rc 2 "--bom and --no-bom" sf lookup --batch q.csv --bom --no-bom
# Our own reader reads our output with its mark (the mark is not in the header).
expect_rc 0 "our output read back" sf -q lookup --batch out.csv --output again.csv --no-bom
same "$(head -1 again.csv | cut -d, -f1)" "ref" "byte-order mark skipped on reading"

# An --output in a missing folder is named in a hint, for every command that
# writes one (they share the writer; export's own cases are in t_export.sh).
for cmd in "lookup --batch q.csv" "lookup --batch q.csv --format xlsx" "report --format csv" \
  "sar P1"; do
  expect_rc 3 "$cmd to a missing folder" sf $cmd --output no/such/file
  has "sfcohort: hint: the folder no/such does not exist: create it or choose another" err "$cmd: hint"
done

# JSON Lines: input under input, the answer under result, lists as arrays.
expect_rc 0 "jsonl" sf -q lookup --batch q.csv --format jsonl --output out.jsonl
same "$(head -c 1 out.jsonl)" "{" "JSON Lines has no byte-order mark"
same "$(jq -c '{schema,row,input}' < out.jsonl | head -1)" \
  '{"schema":"sfcohort.batch.v1","row":2,"input":{"ref":"1","given_name":"Siân","surname":"Bąk","dob":"2012-04-03","postcode":"HD1 2AB"}}' \
  "schema, row and the partner's row as given"
same "$(jq -c '.result | [.match, .family_id, .household]' < out.jsonl | head -1)" '["strong","F1",[]]' "result with household an array"
same "$(jq -r '.result.match' < out.jsonl | tr '\n' ' ')" "strong error none " "one record per row"
same "$(jq -c '.result.why.without' < out.jsonl | sed -n 2p)" '["dob"]' "an error record says what was left out"

# The schemas hold for real output (python3-jsonschema).
validate() {  # validate SCHEMA FILE MODE(lines|array)
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
text = open(sys.argv[2], encoding="utf-8").read()
records = [json.loads(l) for l in text.splitlines() if l] if sys.argv[3] == "lines" else json.loads(text)
assert records, "no records"
for r in records:
    v.validate(r)
print(len(records))
PY
}
run validate "$SRC/schemas/batch-record.schema.json" out.jsonl lines
same "$RC:$(cat "$T/out")" "0:3" "batch records match schemas/batch-record.schema.json"
expect_rc 0 "export as json" sf -q export --plaintext --format json --output export.json
run validate "$SRC/schemas/export-record.schema.json" export.json array
same "$RC:$(cat "$T/out")" "0:2" "export records match schemas/export-record.schema.json"
# A record that breaks the schema is caught (the check can fail).
jq -c '.result.household = "F1"' < out.jsonl > broken.jsonl
run validate "$SRC/schemas/batch-record.schema.json" broken.jsonl lines
same "$RC" "1" "a ;-joined household string is refused by the schema"
finish
