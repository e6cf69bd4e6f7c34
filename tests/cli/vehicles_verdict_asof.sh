#!/bin/sh
# Vehicles' verdicts as of a date (issue 16, item 4): a fleet allowed when it
# was imported in March; a site vehicle rule set in June restricts it. Each
# change of a vehicle's verdict is recorded (vehicle_verdict_events) with its
# audit entry, so the report's vehicles section as of March still shows no
# affected vehicle and as of June shows them all; a part's verdict changed by
# a re-import in August likewise; db verify checks the changes
# against the audit log and finds a change written behind it. Runs on SQLite
# and, under ctest label postgres, on a private PostgreSQL cluster.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE

cat >"$T/sites.csv" <<'CSV'
name,department,tier,networks
Hangar 3,Dept for Tests,official,
Depot 2,Dept for Tests,public,
CSV
cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
YV1XZK8VXM1555002,Volvo,XC60,2025,Exec,Hangar 3,,wifi-bt,hardware,u-blox AG,NINA-W102,
YV1XZK8VXM1555003,Volvo,XC60,2025,Exec,Hangar 3,,wifi-bt,hardware,u-blox AG,NINA-W102,
YV1XZK8VXM1555004,Volvo,XC60,2025,Exec,Hangar 3,,gnss,hardware,u-blox AG,NEO-M9N,
WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Teltonika,FMB962,352093081047291
CSV
export SIGHTLINE_NOW=2026-03-02T09:00:00Z
expect 0 "sites" $S sites import "$T/sites.csv"
expect 0 "fleet" $S vehicles import "$T/fleet.csv"
has "$T/out" "allowed 4"
export SIGHTLINE_NOW=2026-06-10T09:00:00Z
expect 0 "a site vehicle rule in June" $S sites set-vehicle-rule "Hangar 3" park-away:3219:NEXUS
has "$T/out" "3 vehicles judged again, 3 changed"
export SIGHTLINE_NOW=2026-06-20T12:00:00Z

check "one change a vehicle, with when and why" \
    "allowed>restricted 2026-06-10 the site's vehicle rule is now park-away:3219:nexus|allowed>restricted 2026-06-10 the site's vehicle rule is now park-away:3219:nexus|allowed>restricted 2026-06-10 the site's vehicle rule is now park-away:3219:nexus|" \
    "$(sql "SELECT from_decision || '>' || to_decision || ' ' || substr(CAST(at AS TEXT), 1, 10) || ' ' || why FROM vehicle_verdict_events WHERE part_id IS NULL ORDER BY id" | tr '\n' '|')"
check "each audited" 3 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.verdict'")"
sql "DELETE FROM vehicle_verdict_events" >/dev/null 2>&1
check "the history is append-only" 3 "$(sql "SELECT count(*) FROM vehicle_verdict_events")"

fig() { # AS-OF: active vehicles, affected, restricted, Hangar 3's affected
    expect_rc 0 $S report --format json --as-of "$1" -o "$T/r-$1.json"
    python3 - "$T/r-$1.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vehicles"]
site = {r["name"]: r["affected"] for r in v["by_site"]}
print(v["vehicles"]["total"], v["vehicles"]["affected"], v["vehicles"]["restricted"],
      site.get("Hangar 3", 0))
PY
}
check "as of March: allowed, none affected" "4 0 0 0" "$(fig 2026-03-15)"
check "as of the day before the rule" "4 0 0 0" "$(fig 2026-06-09)"
check "as of June: restricted by the rule" "4 3 3 3" "$(fig 2026-06-15)"
check "today" "4 3 3 3" "$(fig 2026-06-20)"

# A part's verdict: a re-import in August swaps a vehicle's u-blox GNSS for a
# Quectel modem; the part is judged again and the change recorded.
export SIGHTLINE_NOW=2026-08-03T09:00:00Z
sed 's/gnss,hardware,u-blox AG,NEO-M9N/cellular,hardware,Quectel,EG25-G/' "$T/fleet.csv" >"$T/fleet2.csv"
expect 0 "the re-import" $S vehicles import "$T/fleet2.csv"
has "$T/out" "parts 0 added, 1 changed, 0 removed"
check "the part's change" "allowed>restricted" \
    "$(sql "SELECT from_decision || '>' || to_decision FROM vehicle_verdict_events WHERE part_id IS NOT NULL")"
parts() { # AS-OF: fitted parts, affected, restricted
    expect_rc 0 $S report --format json --as-of "$1" -o "$T/p-$1.json"
    python3 - "$T/p-$1.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["vehicles"]["parts"]
print(p["total"], p["affected"], p["restricted"])
PY
}
check "parts as of July" "4 0 0" "$(parts 2026-07-15)"
check "parts as of August" "4 1 1" "$(parts 2026-08-03)"
expect 0 "the audit log and the history agree" $S db verify

# A change written behind the audit log is found.
sql "INSERT INTO vehicle_verdict_events (vehicle_id, part_id, at, actor, from_decision, to_decision)
     SELECT id, NULL, '2026-06-11T00:00:00Z', 'mallory', 'restricted', 'allowed' FROM vehicles
     WHERE vin = 'YV1XZK8VXM1555004'" >/dev/null
expect 1 "db verify: a change behind the audit log" $S db verify
has "$T/err" "5 vehicle verdict changes in the register, 4 in the audit log"
finish
