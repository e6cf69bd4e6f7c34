#!/bin/sh
# Report at scale: a register of 1,000,000 devices and 5,000,000 lifecycle
# events, then `sightline report` in JSON and HTML (and the full device list).
# Prints seconds and peak RSS for each. Target: under 5 s per report.
#   bench/report_scale.sh [--postgres] [DEVICES] [EVENTS]
# The register is built once into $SL_BENCH_DIR (default /tmp/sl-bench-report)
# and reused; delete it to rebuild. --postgres: the same register is moved with
# `sightline db copy` (time printed, then `db verify` on the copy) into a private
# PostgreSQL cluster in $SL_BENCH_DIR/pg, and the reports read from there.
# Nothing here touches the network.
set -eu
cd "$(dirname "$0")/.."
postgres=0
if [ "${1:-}" = --postgres ]; then
    postgres=1
    shift
fi
devices=${1:-1000000}
events=${2:-5000000}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-report}
mkdir -p "$dir"
./scripts/build release >/dev/null
SL=./build/sightline
GEN=./build/bench/bench_report_scale_gen
db="$dir/scale-$devices-$events.db"
if [ ! -f "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    $GEN "$db" "$devices" "$events"
fi
# A register kept from an older build is brought to today's schema first
# (db copy refuses an older source; the report would migrate it itself).
$SL db migrate --db "$db" >/dev/null
echo "register: $db ($(du -h "$db" | cut -f1))"
export SIGHTLINE_NOW=2026-11-27 SIGHTLINE_TEST_CLOCK=1
if [ "$postgres" = 1 ]; then
    chmod 0755 "$dir"
    ./scripts/pg-cluster stop "$dir/pg" >/dev/null 2>&1 || true
    rm -rf "$dir/pg"
    SL_PG_CONF="shared_buffers = 2GB
max_wal_size = 8GB
work_mem = 64MB" ./scripts/pg-cluster start "$dir/pg" >/dev/null
    trap './scripts/pg-cluster stop "$dir/pg"' EXIT
    pg="host=$dir/pg dbname=sightline"
    echo "== db copy of the register into PostgreSQL ($pg)"
    /usr/bin/time -f "db copy: %e s, peak RSS %M KiB" $SL db copy --quiet --from "$db" --to "$pg"
    # The generated register has no audit log (rows written directly, as a
    # register of 2025 would be), so the replay reports every device as added
    # behind it; the chain itself (empty) and the database checks must pass.
    /usr/bin/time -f "db verify (copy): %e s, peak RSS %M KiB" $SL db verify --db "$pg" \
        2>&1 | grep -v "^sightline db verify: mismatch" || true
    # Fresh statistics and visibility map, as autovacuum would leave them.
    psql -XAtq -h "$dir/pg" -d sightline -c "VACUUM ANALYZE" >/dev/null
    psql -XAtq -h "$dir/pg" -d sightline \
        -c "SELECT 'database size: ' || pg_size_pretty(pg_database_size('sightline'))"
    db=$pg
fi
measure() { # measure LABEL COMMAND...
    label=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "$label: %e s (cpu %U user + %S sys), peak RSS %M KiB" "$@" >/dev/null 2>"$dir/time.txt" \
            || { cat "$dir/time.txt"; exit 3; }
        tail -n 1 "$dir/time.txt"
    else
        start=$(date +%s.%N)
        "$@" >/dev/null
        end=$(date +%s.%N)
        echo "$label: $(echo "$end - $start" | bc) s (peak RSS: install 'time' to measure)"
    fi
}
measure "report --format json" $SL report --db "$db" --format json -o "$dir/report.json"
measure "report --format html" $SL report --db "$db" --format html -o "$dir/report.html"
measure "report --format json --as-of 2026-03-31" $SL report --db "$db" --format json --as-of 2026-03-31 -o "$dir/report-past.json"
measure "report --format csv" $SL report --db "$db" --format csv -o "$dir/report.csv"
measure "report --format json --devices all" $SL report --db "$db" --format json --devices all -o "$dir/report-all.json"
if [ "$postgres" = 1 ]; then
    # The figures must be the SQLite register's: the same report read from the file.
    $SL report --db "$dir/scale-$devices-$events.db" --format json -o "$dir/report-sqlite.json"
    python3 - "$dir/report.json" "$dir/report-sqlite.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
same = all(a[k] == b[k] for k in ("totals", "by_site", "by_tier", "milestones", "weeks"))
print("PostgreSQL's figures equal SQLite's (totals, sites, tiers, milestones, weeks):",
      "yes" if same else "NO", "- affected", a["totals"]["affected"], "of", b["totals"]["affected"])
PY
fi
ls -l "$dir"/report*.json "$dir"/report.html "$dir"/report.csv | awk '{print "  " $5 " bytes  " $9}'
