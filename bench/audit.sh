#!/usr/bin/env bash
# audit verify of a 1,000,000-entry trail against a checkpoint (target: at
# most 5 s), and the checkpoint itself.
# Usage: bench/audit.sh BUILD_DIR [ENTRIES]
# The trail is written directly (python3, sqlite3): entries 2..N chained
# with the audit key exactly as the library chains them, so verify does
# the same work as on a real trail of that size. Each command runs once
# untimed, then timed; prints wall time and peak memory.
. "$(dirname "$0")/common.sh" "$1"
entries=${2:-1000000}
cd "$SCRATCH"
"$SF" -q init >/dev/null
note "writing a trail of $entries entries"
python3 - "$SFCOHORT_DB" "$SFCOHORT_KEYS" "$entries" <<'PY'
import hmac, hashlib, json, sqlite3, sys
db, keys, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
key = bytes.fromhex(open(keys + "/audit.key").read().strip())
c = sqlite3.connect(db)
db_id = c.execute("select value from meta where key='database_id'").fetchone()[0]
seq, prev = c.execute("select seq, mac from audit order by seq desc limit 1").fetchone()
def rows():
    global prev
    for i in range(seq + 1, n + 1):
        at = "2026-12-04T12:00:00Z"
        detail = json.dumps({"band": "strong", "rows": i % 97}, separators=(",", ":"))
        arr = [i, at, "A Officer", "lookup", "benchmark", "person P%07d" % i, detail, "bench"]
        text = json.dumps(arr, separators=(",", ":"), ensure_ascii=False)
        mac = hmac.new(key, (prev + "\n" + text).encode(), hashlib.sha256).hexdigest()
        yield (i, at, "A Officer", "lookup", "benchmark", "person P%07d" % i, detail, prev, mac, "bench")
        prev = mac
c.executemany("insert into audit(seq, at, actor, command, purpose, subject, detail, prev_mac, mac, os_user) values (?,?,?,?,?,?,?,?,?,?)", rows())
c.commit()
open("%s/audit-%s.head" % (keys, db_id), "w").write("%020d %s\n" % (n, prev))
PY
"$SF" -q audit keygen --output "$SCRATCH/ig.key" >/dev/null
"$SF" -q audit verify >/dev/null
measure checkpoint "$SF" -q audit checkpoint --key "$SCRATCH/ig.key" --output "$SCRATCH/cp.txt"
cp_wall=$WALL cp_rss=$RSS_KB
"$SF" -q audit verify --checkpoint "$SCRATCH/cp.txt" --auditor-key "$SCRATCH/ig.key.pub" >/dev/null
measure verify "$SF" -q audit verify --checkpoint "$SCRATCH/cp.txt" --auditor-key "$SCRATCH/ig.key.pub"
[ "$RC" -eq 0 ] || { cat "$SCRATCH/verify.err" >&2; exit 1; }
# CPU time too: on a shared machine the wall time includes waiting for a core.
cpu=$(/usr/bin/time -f '%U %S' "$SF" -q audit verify --checkpoint "$SCRATCH/cp.txt" \
  --auditor-key "$SCRATCH/ig.key.pub" 2>&1 >/dev/null | awk 'END { printf "%.2f", $1 + $2 }')
machine_info
echo
echo "| $entries entries | wall | peak memory |"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "|---|---:|---:|"
echo "| audit checkpoint (verify, then sign) | ${cp_wall} s | $(mib "$cp_rss") |"
echo "| audit verify --checkpoint | ${WALL} s (CPU ${cpu} s) | $(mib "$RSS_KB") |"
echo
echo "checkpoint file: $(du -k "$SCRATCH/cp.txt" | cut -f1) KiB; $(head -n 1 "$SCRATCH/verify.out")"
