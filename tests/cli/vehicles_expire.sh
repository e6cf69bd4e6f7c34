#!/bin/sh
# An expired part exemption falls back by itself (issue 16), as a device's
# does: with the clock pinned past the exemption's last day, `vehicles show`
# shows the part as what it was before the exemption (fitted, or scheduled
# with its date), before anything is written; `vehicles expire` writes it
# down (an event dated the day after the last day, an audit entry, the
# vehicle judged again) once; the report's vehicles section counts the part
# as fitted throughout. Runs on SQLite and, under ctest label postgres, on a
# private PostgreSQL cluster.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE

cat >"$T/sites.csv" <<'CSV'
name,department,tier,networks
Northgate House,Estates,sensitive,
CSV
cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
WV1ZZZSYXNH000126,,,,,,,gnss,hardware,u-blox AG,NEO-M9N,
CSV
export SIGHTLINE_NOW=2026-10-01T09:00:00Z
expect 0 "sites" $S sites import "$T/sites.csv"
expect 0 "fleet" $S vehicles import "$T/fleet.csv"
V=WV1ZZZSYXNH000126
export SIGHTLINE_NOW=2026-11-20T12:00:00Z
# Part 1 exempt from fitted; part 2 scheduled, then exempt: each falls back to its own.
expect 0 "exempt" $S vehicles set-status $V/1 exempt --reason "no approved module yet" \
    --approver "J. Smith (CISO)" --until 2026-11-30 --at 2026-11-10
expect 0 "scheduled" $S vehicles set-status $V/2 scheduled --date 2027-03-31 --at 2026-11-11
expect 0 "exempt too" $S vehicles set-status $V/2 exempt --reason "supplier delay" \
    --approver "J. Smith (CISO)" --until 2026-11-29 --at 2026-11-12
expect 0 "renewed" $S vehicles set-status $V/2 exempt --reason "supplier delay" \
    --approver "J. Smith (CISO)" --until 2026-11-30 --at 2026-11-13

part_status() { # POSITION: the status `vehicles show --json` gives, and the expiry it names
    $S vehicles show $V --json | python3 -c '
import json, sys
r = json.load(sys.stdin)["register"]
p = [x for x in r["parts"] if x["position"] == int(sys.argv[1])][0]
print(p["status"], p.get("exemption_expired", "-"))' "$1"
}
# On the last exempt day it holds.
export SIGHTLINE_NOW=2026-11-30T23:00:00Z
check "part 1 on its last exempt day" "exempt -" "$(part_status 1)"
expect 0 "show" $S vehicles show $V
has "$T/out" "exempt until 2026-11-30 (approved by J. Smith (CISO))"
lacks "$T/out" "the exemption expired"

# The day after, it has fallen back by itself: nothing written yet.
export SIGHTLINE_NOW=2026-12-01T08:00:00Z
check "part 1 the day after: fitted again" "fitted 2026-11-30" "$(part_status 1)"
check "part 2 the day after: scheduled again (before its exemption)" "scheduled 2026-11-30" "$(part_status 2)"
expect 0 "show" $S vehicles show $V
has "$T/out" "; the exemption expired on 2026-11-30"
check "nothing written by reading" 4 "$(sql "SELECT count(*) FROM vehicle_events WHERE part_id IS NOT NULL")"
check "the register row still says exempt" "exempt|exempt" \
    "$(sql "SELECT status FROM vehicle_parts ORDER BY position" | paste -sd'|')"

# The report counts the part as fitted before, on and after the expiry.
parts_fig() { # AS-OF
    expect_rc 0 $S report --format json --as-of "$1" -o "$T/r.json"
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))["vehicles"]; print(v["parts"]["total"], v["vehicles"]["total"])' "$T/r.json"
}
check "report as of 2026-11-25" "2 1" "$(parts_fig 2026-11-25)"
check "report as of today" "2 1" "$(parts_fig 2026-12-01)"

# Written down once, by `vehicles expire`.
expect_rc 0 $S vehicles expire --help
has "$T/out" "expired part exemptions"
expect 0 "expire" $S vehicles expire --actor cron
has "$T/out" "2 expired part exemptions written down"
check "events: back to what each was" \
    "exempt>fitted cron exemption expired on 2026-11-30|exempt>scheduled cron exemption expired on 2026-11-30|" \
    "$(sql "SELECT from_status || '>' || to_status || ' ' || actor || ' ' || note FROM vehicle_events
            WHERE note LIKE 'exemption expired%' ORDER BY part_id" | tr '\n' '|')"
check "dated the first second after the last exempt day" "2026-12-01T00:00:00Z 2026-12-01T00:00:00Z" \
    "$($S vehicles show $V --json | python3 -c '
import json, sys
h = json.load(sys.stdin)["register"]["history"]
print(*[e["at"] for e in h if e.get("note", "").startswith("exemption expired")])')"
check "rows" "fitted|scheduled 2027-03-31" \
    "$(sql "SELECT status || CASE WHEN scheduled_for IS NULL THEN '' ELSE ' ' || scheduled_for END FROM vehicle_parts ORDER BY position" | paste -sd'|')"
check "audited" 2 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.part_status' AND actor = 'cron'
                          AND detail LIKE '%exemption expired%'")"
check "shown as it is now, with no expiry left to tell" "fitted -" "$(part_status 1)"
expect 0 "expire again" $S vehicles expire
has "$T/out" "0 expired part exemptions written down"
check "report as of today, after" "2 1" "$(parts_fig 2026-12-01)"
expect_rc 0 $S db verify
finish
