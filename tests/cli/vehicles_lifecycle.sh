#!/bin/sh
# The lifecycle of a vehicle's parts and of the vehicle (issue 16): a part
# scheduled for removal (and rescheduled), exempt (reason, approver, last day;
# renewed), back to fitted, removed with what replaced it; every move checked
# by the devices' lifecycle rules (the refusals and their reasons), recorded
# in the history with what it carried, audited, and the vehicle judged again;
# a vehicle moved and retired; the report's vehicles section as of earlier
# dates replays the statuses that held then. Runs on SQLite and, under ctest
# label postgres, on a private PostgreSQL cluster.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
export SIGHTLINE_NOW=2026-11-28T12:00:00Z

cat >"$T/sites.csv" <<'CSV'
name,department,tier,networks
Northgate House,Estates,sensitive,
Depot 2,Fleet,public,
CSV
cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
WV1ZZZSYXNH000126,,,,,,,gnss,hardware,u-blox AG,NEO-M9N,
WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Northgate House,,tcu,hardware,Teltonika,FMB962,352093081047291
CSV
expect 0 "sites" env SIGHTLINE_NOW=2026-10-01T09:00:00Z $S sites import "$T/sites.csv"
expect 0 "fleet" env SIGHTLINE_NOW=2026-10-01T09:00:00Z $S vehicles import "$T/fleet.csv"

expect_rc 0 $S vehicles set-status --help
for o in --date --until --approver --reason --replaced-by scheduled exempt; do has "$T/out" "$o"; done

V=WV1ZZZSYXNH000126
# Refused, with the devices' reasons and nothing written.
expect_rc 2 $S vehicles set-status $V/1 removed && has "$T/err" "a removal needs --replaced-by"
expect_rc 2 $S vehicles set-status $V/1 scheduled && has "$T/err" "scheduling needs a removal date"
expect_rc 2 $S vehicles set-status $V/1 exempt --reason "no alternative" &&
    has "$T/err" "an exemption needs a reason, an approver and an expiry date"
expect_rc 2 $S vehicles set-status $V/1 exempt --reason r --approver CISO --until 2026-01-01 &&
    has "$T/err" "would expire (2026-01-01) before it starts"
expect_rc 2 $S vehicles set-status $V/1 fitted && has "$T/err" "fitted -> fitted refused: the part already has that status"
expect_rc 2 $S vehicles set-status $V/1 scheduled --date 2027-03-31 --at 2026-12-25 && has "$T/err" "in the future"
expect_rc 2 $S vehicles set-status $V/1 verified_absent && has "$T/err" "a part's STATUS is fitted, scheduled, removed or exempt"
expect_rc 2 $S vehicles set-status $V retired --date 2027-01-01 && has "$T/err" "are for a part"
check "nothing written by refusals" 0 "$(sql "SELECT count(*) FROM vehicle_events WHERE part_id IS NOT NULL")"

# Scheduled, rescheduled, exempt, renewed, fitted again, then removed.
expect 0 "scheduled" $S vehicles set-status $V/1 scheduled --date 2027-03-31 --at 2026-11-01
has "$T/out" "part 1 (cellular \"EG25-G\") of $V: fitted -> scheduled"
expect 0 "rescheduled" $S vehicles set-status $V/1 scheduled --date 2027-06-30 --at 2026-11-02
check "its date" 2027-06-30 "$(sql "SELECT scheduled_for FROM vehicle_parts WHERE position = 1 AND model = 'EG25-G'")"
expect_rc 2 $S vehicles set-status $V/1 fitted --at 2026-10-15 && has "$T/err" "history is append-only"
expect 0 "exempt" $S vehicles set-status $V/1 exempt --reason "no approved module yet" --approver "J. Smith (CISO)" --until 2027-01-31 --at 2026-11-10
expect 0 "renewed" $S vehicles set-status $V/1 exempt --reason "supplier delay" --approver "J. Smith (CISO)" --until 2027-02-28 --at 2026-11-11
check "exemption" "2027-02-28|J. Smith (CISO)|supplier delay" \
    "$(sql "SELECT exempt_until || '|' || exempt_approver || '|' || exempt_reason FROM vehicle_parts WHERE model = 'EG25-G'")"
expect_rc 0 $S vehicles show $V
has "$T/out" "exempt since 2026-11-11T00:00:00Z, exempt until 2027-02-28 (approved by J. Smith (CISO))"
has "$T/out" "VERDICT  replace-by 2027-06-30" "an exempt part is still judged"
expect 0 "fitted again" $S vehicles set-status $V/1 fitted --at 2026-11-12
expect 0 "removed" $S vehicles set-status $V/1 removed --replaced-by "Telit LE910C4" --at 2026-11-20
has "$T/out" "fitted -> removed; the vehicle's verdict was replace-by, now allowed"
expect_rc 2 $S vehicles set-status $V/1 fitted && has "$T/err" "removed -> fitted refused: a removed part stays removed"
expect_rc 0 $S vehicles show $V --json
has "$T/out" '"scheduled_for": "2027-06-30"'
has "$T/out" '"exempt_approver": "J. Smith (CISO)"'
check "part events" "fitted>scheduled|scheduled>scheduled|scheduled>exempt|exempt>exempt|exempt>fitted|fitted>removed|" \
    "$(sql "SELECT from_status || '>' || to_status FROM vehicle_events WHERE part_id IS NOT NULL ORDER BY id" | tr '\n' '|')"
check "audited" 6 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.part_status'")"

# The vehicle: moved to the public depot, then retired; retired twice is refused.
W=WV1ZZZSYXNH000123
expect_rc 2 $S vehicles set-status $W active && has "$T/err" "the vehicle is already active (--site moves it)"
expect 0 "moved" $S vehicles set-status $W active --site "Depot 2"
expect 0 "retired" $S vehicles set-status $W retired
expect_rc 2 $S vehicles set-status $W retired && has "$T/err" "the vehicle is already retired"
expect_rc 2 $S vehicles set-status $W retired --site "Depot 2" && has "$T/err" "moved (--site) while it is active"
# The report's vehicles section as of a date replays the statuses that held
# then (vehicle_events): before the removal, the move and the retirement,
# both vehicles active at Northgate House with all three parts fitted.
fig() { # AS-OF
    expect_rc 0 $S report --format json --as-of "$1" -o "$T/r-$1.json"
    python3 - "$T/r-$1.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vehicles"]
site = {r["name"]: r["total"] for r in v["by_site"]}
vendor = {r["name"]: r["total"] for r in v["parts_by_vendor"]}
print(v["vehicles"]["total"], v["retired"], v["parts"]["total"], site.get("Northgate House", 0),
      site.get("Depot 2", 0), vendor.get("Quectel", 0))
PY
}
check "as of 2026-11-15" "2 0 3 2 0 1" "$(fig 2026-11-15)"
check "as of 2026-11-25 (the module removed)" "2 0 2 2 0 0" "$(fig 2026-11-25)"
check "as of 2026-11-28 (moved, then retired)" "1 1 1 1 0 0" "$(fig 2026-11-28)"
expect_rc 0 $S db verify
finish
