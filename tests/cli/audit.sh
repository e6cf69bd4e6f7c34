#!/bin/sh
# The register's own defences (issue 11): db verify replays the audit log
# against what reports are built from, keyed chaining under a key kept outside
# the register, the head in every report, the pinned clock kept out of
# audit times, demo history kept out of real registers. Runs on SQLite and,
# as cli/audit@postgres, on a private PostgreSQL cluster.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE dir=$T
export SIGHTLINE_NOW=2026-11-27

# --- db verify compares the audit log with the tables (item 3) ---
expect 0 "demo seed on an empty register" "$SL" demo seed --seed 3
expect 0 "db verify: a clean register" "$SL" db verify
has "$dir/out" "agree" "the replay agrees with every table"
has "$dir/out" "Deleting the newest entries" "db verify says what it cannot see"
head=$(sed -n 's/^head: entry \([0-9]*\) sha256 \([0-9a-f]*\)$/\1 \2/p' "$dir/out")
[ -n "$head" ] && ok "the head is printed ($head)" || bad "no head printed"
expect 0 "report" "$SL" report --format md
has "$dir/out" "Audit head: entry ${head%% *}, sha256 \`${head#* }\`" "the report prints the head"
expect 0 "report json" "$SL" report --format json
has "$dir/out" "\"sha256\": \"${head#* }\"" "the JSON report carries the head"
# Direct SQL: every prohibited device "removed", with made-up events. The chain
# itself stays intact; the replay must not.
sql "INSERT INTO lifecycle_events (device_id, at, recorded_at, actor, from_status, to_status, note)
     SELECT id, '2026-11-26T10:00:00Z', '2026-11-26T10:00:00Z', 'mallory', status, 'removed', 'x'
     FROM devices WHERE decision = 'prohibited' AND status NOT IN ('removed', 'verified_absent');
     UPDATE devices SET status = 'removed', status_since = '2026-11-26T10:00:00Z'
     WHERE decision = 'prohibited' AND status NOT IN ('removed', 'verified_absent')" \
    || bad "tampering SQL"
expect 1 "db verify finds the rewritten programme" "$SL" db verify
has "$dir/err" "mismatch: device" "each rewritten device is named"
has "$dir/err" "'removed' in the register" "the status disagreement is described"
expect 1 "db verify --json" "$SL" db verify --json
has "$dir/out" '"mismatches":' "the JSON names the mismatches"

# --- the demo stays out of real registers (item 4) ---
n_demo_events=$(sql "SELECT count(*) FROM lifecycle_events WHERE demo")
n_events=$(sql "SELECT count(*) FROM lifecycle_events WHERE actor <> 'mallory'")
check "every demo event is marked demo" "$n_events" "$n_demo_events"
"$SL" db log --json > "$dir/log.jsonl"
check "the demo register's first entry says so" 1 "$(head -1 "$dir/log.jsonl" | grep -c '"register.demo"')"
check "every demo audit entry is marked demo" "$(wc -l < "$dir/log.jsonl")" "$(grep -c '"demo":true' "$dir/log.jsonl")"
real="$dir/real.db"
[ -n "${SIGHTLINE_PG_DIR:-}" ] && real=$(sh "$SL_SOURCE_DIR/scripts/pg-cluster" createdb "$SIGHTLINE_PG_DIR" "r$$")
expect 0 "a real register with one site" "$SL" sites add Real --department D --tier sensitive \
    --network 198.18.66.0/24 --db "$real"
expect 2 "demo seed refuses a real register" "$SL" demo seed --db "$real"
has "$dir/err" "real register" "the refusal says why"
expect 2 "demo init refuses it too" "$SL" demo init --db "$real"
SIGHTLINE_DB=$real expect 0 "the real register holds one entry" "$SL" db log
check "nothing was written" 1 "$(wc -l < "$dir/out")"
demo2="$dir/demo2.db"
[ -n "${SIGHTLINE_PG_DIR:-}" ] && demo2=$(sh "$SL_SOURCE_DIR/scripts/pg-cluster" createdb "$SIGHTLINE_PG_DIR" "d$$")
expect 0 "demo init on an empty register" "$SL" demo init --db "$demo2"
expect 0 "then demo seed" "$SL" demo seed --db "$demo2"

# --- audit times are the real clock; a pinned clock is for tests only (item 5) ---
SIGHTLINE_NOW=garbage expect 2 "a bad SIGHTLINE_NOW is an error" "$SL" sites list
has "$dir/err" "SIGHTLINE_NOW='garbage' is not a date" "the error names the value"
SIGHTLINE_TEST_CLOCK= expect 2 "SIGHTLINE_NOW outside the tests is refused" "$SL" sites list
has "$dir/err" "tests and the demo only" "the refusal says why"
year=$(date -u +%Y)
SIGHTLINE_NOW=2099-06-01 expect 0 "a site added with the clock pinned to 2099" \
    "$SL" sites add Future --department D --tier public --network 198.18.88.0/24
"$SL" db log --json | tail -1 > "$dir/last.json"
has "$dir/last.json" "\"at\":\"$year-" "the audit time is the real clock"
has "$dir/last.json" '"pinned_clock":"2099-06-01T00:00:00Z"' "the pinned clock is recorded in the entry"
id=$(sql "SELECT id FROM devices WHERE status IN ('discovered', 'confirmed') ORDER BY id LIMIT 1")
SIGHTLINE_NOW=2099-06-01 expect 0 "a status change with the clock pinned" "$SL" devices schedule 2099-07-01 "$id"
check "recorded_at is the real clock" "$year" \
    "$(sql "SELECT recorded_at FROM lifecycle_events ORDER BY id DESC LIMIT 1" | cut -c1-4)"

# --- keyed chaining (item 3) ---
export SIGHTLINE_DB="$dir/keyed.db"
[ -n "${SIGHTLINE_PG_DIR:-}" ] && SIGHTLINE_DB=$(sh "$SL_SOURCE_DIR/scripts/pg-cluster" createdb "$SIGHTLINE_PG_DIR" "k$$")
printf '%s\n' 0123456789abcdef0123456789abcdef > "$dir/audit.key"
chmod 600 "$dir/audit.key"
SIGHTLINE_AUDIT_KEY="$dir/audit.key" expect 0 "a site added with the audit key" \
    "$SL" sites add Keyed --department D --tier public --network 198.18.77.0/24
expect 1 "without the key the keyed entry cannot be checked" "$SL" db verify
has "$dir/err" "is keyed" "db verify asks for the key"
expect 0 "db verify --audit-key" "$SL" db verify --audit-key "$dir/audit.key"
has "$dir/out" "1 keyed, checked with the audit key" "keyed entries counted"
printf '%s\n' ffffffffffffffffffffffffffffffff > "$dir/other.key"
chmod 600 "$dir/other.key"
expect 1 "another key does not verify" "$SL" db verify --audit-key "$dir/other.key"
chmod 644 "$dir/audit.key"
expect 2 "a key readable by others is refused" "$SL" db verify --audit-key "$dir/audit.key"
finish
