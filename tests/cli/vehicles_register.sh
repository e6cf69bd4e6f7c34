#!/bin/sh
# The fleet register end to end (issue 16): a small fleet imported (all or
# nothing, refusals naming line and column), each vehicle judged at its own
# site; site vehicle rules set and the site's vehicles judged again; every
# verdict and its explanation (policy explain VIN, the same JSON as vehicles
# check --vehicle); a module removed, a vehicle moved and one retired, with
# their history and audit entries; the report's vehicles section. Runs on
# SQLite and, under ctest label postgres, on a private PostgreSQL cluster.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
export SIGHTLINE_NOW=2026-11-28T12:00:00Z

cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
LSJW74U64PS201876,MG,MG4,2023,Pool,Northgate House,AB23 CDE,tcu,hardware,Quectel Wireless Solutions Co. Ltd.,AG35-E,
LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,
YV1XZK8VXM1555001,Volvo,XC40,2027,Exec,Northgate House,,cellular,software,Volvo Car Corporation,,
WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Teltonika,FMB962,352093081047291
WV1ZZZSYXNH000125,Volkswagen,Transporter,2024,Vans,Northgate House,BX24 FGH,tcu,hardware,Acme Telematics,T1,
YV1XZK8VXM1555002,Volvo,XC60,2025,Exec,Hangar 3,,wifi-bt,hardware,u-blox AG,NINA-W102,
WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
CSV

# --help of every new command
expect_rc 0 $S vehicles --help && has "$T/out" "set-status"
for c in import add list show set-status; do
    expect_rc 0 $S vehicles $c --help && has "$T/out" "Usage: sightline vehicles $c"
done
expect_rc 0 $S sites set-vehicle-rule --help && has "$T/out" "park-away:METRES"
expect_rc 0 $S policy explain --help && has "$T/out" "DEVICE|VIN"

# All or nothing: a site not in the register, a bad VIN, a bad IMEI name
# their line and column, and nothing is imported.
expect_rc 0 $S sites add "Northgate House" --department "Dept for Tests" --tier sensitive
expect_rc 0 $S sites add "Hangar 3" --department "Dept for Tests" --tier official
expect 2 "import refused: a site not in the register" $S vehicles import "$T/fleet.csv"
has "$T/err" "fleet.csv: line 5, column 6 (site): 'Depot 2': no such site in the register"
has "$T/err" "nothing imported (1 problem)"
check "nothing imported" 0 "$(sql 'SELECT count(*) FROM vehicles')"
expect_rc 0 $S sites add "Depot 2" --department "Dept for Tests" --tier public
sed 's/^YV1XZK8VXM1555002/YV1XZK8VXM155500/; s/352093081047291/352093081047292/' "$T/fleet.csv" >"$T/bad.csv"
expect 2 "import refused: a bad VIN and IMEI" $S vehicles import "$T/bad.csv"
has "$T/err" "bad.csv: line 5, column 12 (imei): '352093081047292': check digit"
has "$T/err" "bad.csv: line 7, column 1 (vin): 'YV1XZK8VXM155500'"
check "still nothing imported" 0 "$(sql 'SELECT count(*) FROM vehicles')"

# The import: each vehicle judged at its own site.
expect 0 "import" $S vehicles import "$T/fleet.csv"
has "$T/out" "imported 6 vehicles with 7 parts"
has "$T/out" "vehicles: prohibited 1, replace-by 2, restricted 0, needs-review 1, allowed 2"
check "one audit entry per vehicle" 6 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.add'")"
expect 0 "the same file again: a re-import, nothing changed" $S vehicles import "$T/fleet.csv"
has "$T/out" "re-imported: 0 vehicles changed, 6 unchanged"
check "no vehicle twice" 6 "$(sql 'SELECT count(*) FROM vehicles')"
check "nothing audited again" 6 "$(sql "SELECT count(*) FROM audit_log WHERE action LIKE 'vehicle.%'")"

decision() { # VIN -> the stored decision and policy
    sql "SELECT decision || ' ' || coalesce(policy, '') FROM vehicles WHERE vin = '$1'"
}
check "MG at a sensitive site: replace the Quectel module" "replace-by US-DoD-1260H" "$(decision LSJW74U64PS201876)"
check "XC40 (MY2027, Geely): BIS prohibits" "prohibited US-BIS-connected-vehicles" "$(decision YV1XZK8VXM1555001)"
check "Crafter at a public depot: allowed" "allowed US-BIS-connected-vehicles" "$(decision WV1ZZZSYXNH000123)"
check "unknown supplier: needs review" "needs-review US-BIS-connected-vehicles" "$(decision WV1ZZZSYXNH000125)"
check "XC60 (MY2025) at an official site: allowed" "allowed US-BIS-connected-vehicles" "$(decision YV1XZK8VXM1555002)"
check "ID.Buzz with a Quectel modem" "replace-by US-DoD-1260H" "$(decision WV1ZZZSYXNH000126)"

# list: filters and formats
expect_rc 0 $S vehicles list && has "$T/out" "replace-by 2027-06-30"
expect_rc 0 $S vehicles list --site "Northgate House" --csv
check "list --site" 4 "$(grep -c 'Northgate House' "$T/out")"
expect_rc 0 $S vehicles list --vendor quectel --json
check "list --vendor (any case; a part's vendor)" 2 "$(grep -c '"vin"' "$T/out")"
expect_rc 0 $S vehicles list --decision needs-review && has "$T/out" "WV1ZZZSYXNH000125"
expect_rc 0 $S vehicles list --fleet Exec --limit 1 && lacks "$T/out" "YV1XZK8VXM1555002"
expect_rc 2 $S vehicles list --decision maybe && has "$T/err" "restricted"

# A site's own rule: its vehicles are judged again, and the change is audited.
expect 0 "park-away at the official hangar" $S sites set-vehicle-rule "Hangar 3" park-away:3219:NEXUS
has "$T/out" "vehicle rule park-away:3219:nexus"
has "$T/out" "1 vehicle judged again, 1 changed"
check "XC60: restricted by the site rule" "restricted SITE-vehicle-rule" "$(decision YV1XZK8VXM1555002)"
expect_rc 0 $S policy explain YV1XZK8VXM1555002
has "$T/out" "vendor   Volvo Cars (SE) <- vin \"YV1\" [wmi.YV1]"
has "$T/out" "parent   Geely Holding (CN) of Volvo Cars"
has "$T/out" "site rule park-away:3219:nexus: vehicles with a part (or maker) with a nexus to a country of concern must park at least 3219 m from buildings; here the vehicle's maker Geely Holding (CN)"
has "$T/out" "VERDICT  restricted (SITE-vehicle-rule)"
# The register's explanation is the file's, judged at the same tier and rule.
expect_rc 0 $S policy explain YV1XZK8VXM1555002 --json && cp "$T/out" "$T/explain.json"
expect_rc 0 $S vehicles check "$T/fleet.csv" --vehicle YV1XZK8VXM1555002 --tier official \
    --site-rule park-away:3219:nexus --json && cp "$T/out" "$T/check.json"
if cmp -s "$T/explain.json" "$T/check.json"; then ok "policy explain VIN --json = vehicles check --vehicle --json"
else bad "policy explain VIN differs from vehicles check --vehicle"; diff "$T/check.json" "$T/explain.json" | head -20; fi
expect_rc 2 $S sites set-vehicle-rule "Hangar 3" park-away && has "$T/err" "RULE:"
expect_rc 2 $S sites set-vehicle-rule "Nowhere" none && has "$T/err" "no site named 'Nowhere'"

expect 0 "not admitted at the sensitive site" $S sites set-vehicle-rule "Northgate House" not-admitted:nexus
has "$T/out" "4 vehicles judged again, 2 changed: prohibited 3, replace-by 0, restricted 0, needs-review 1, allowed 0"
check "MG: not admitted (its maker)" "prohibited SITE-vehicle-rule" "$(decision LSJW74U64PS201876)"
check "ID.Buzz: not admitted (its modem)" "prohibited SITE-vehicle-rule" "$(decision WV1ZZZSYXNH000126)"
check "XC40: still the BIS rule" "prohibited US-BIS-connected-vehicles" "$(decision YV1XZK8VXM1555001)"
check "Transporter: still needs review" "needs-review US-BIS-connected-vehicles" "$(decision WV1ZZZSYXNH000125)"
expect_rc 0 $S policy explain LSJW74U64PS201876
has "$T/out" "here the vehicle's maker SAIC Motor (CN)"
has "$T/out" "law      Quectel named in US DoD section 1260H list of Chinese military companies since 2025-01-06"
expect_rc 0 $S policy explain wv1zzzsyxnh000126 && has "$T/out" "here the cellular 'EG25-G' of Quectel (CN)"
expect_rc 0 $S policy explain WV1ZZZSYXNH000125 && has "$T/out" "vendor   not identified"
expect_rc 2 $S policy explain WV1ZZZSYXNH000126 --site-tier public && has "$T/err" "its site's tier"
check "rule changes audited" 2 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'site.vehicle_rule'")"
check "verdict changes audited" 3 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.verdict'")"

# Lifecycle: the Quectel modem swapped out, a vehicle moved to the public
# depot, one retired; each judged again and kept in the history.
expect 0 "a module removed" $S vehicles set-status WV1ZZZSYXNH000126/1 removed --replaced-by "Telit LE910C4" --note "swapped at service"
has "$T/out" "part 1 (cellular \"EG25-G\") of WV1ZZZSYXNH000126: fitted -> removed; the vehicle's verdict was prohibited, now needs-review"
expect 0 "a vehicle moved" $S vehicles set-status YV1XZK8VXM1555001 active --site "Depot 2"
has "$T/out" "active -> active at Depot 2; the vehicle's verdict was prohibited, now allowed"
expect 0 "a vehicle retired" $S vehicles set-status ab23cde retired --at 2026-11-28T12:00:00Z
check "retired" "retired" "$(sql "SELECT status FROM vehicles WHERE vin = 'LSJW74U64PS201876'")"
expect_rc 2 $S vehicles set-status LSJW74U64PS201876 active --at 2026-01-01 && has "$T/err" "history is append-only"
expect_rc 2 $S vehicles set-status LSJW74U64PS201876 removed && has "$T/err" "active or retired"
expect_rc 2 $S vehicles set-status LSJW74U64PS201876/9 removed && has "$T/err" "has no part 9"
expect_rc 2 $S vehicles set-status WXYZ123 retired && has "$T/err" "no vehicle 'WXYZ123'"
expect_rc 0 $S vehicles show WV1ZZZSYXNH000126
has "$T/out" "part 1  cellular \"EG25-G\" removed since 2026-11-28T12:00:00Z, replaced by Telit LE910C4"
has "$T/out" "part 1: fitted -> removed; swapped at service"
has "$T/out" "no connected parts are recorded for this vehicle"
expect_rc 0 $S vehicles show BX24FGH --json && has "$T/out" '"vehicle_rule": "not-admitted:nexus"'
has "$T/out" '"history"'
expect_rc 0 $S vehicles list --status retired && has "$T/out" "LSJW74U64PS201876"

# vehicles add: one vehicle from the command line, judged at its site.
expect 0 "add" $S vehicles add 1G4AH59H45G118341 --make Buick --fleet Pool --site "Hangar 3" \
    --part tcu:Quectel:EC25-E:hardware
has "$T/out" "added vehicle 1G4AH59H45G118341 with 1 part: restricted"
expect_rc 2 $S vehicles add 1G4AH59H45G118342 && has "$T/err" "check digit"
expect_rc 2 $S vehicles add YV1XZK8VXM1555009 --part modem && has "$T/err" "KIND:SUPPLIER:MODEL"
expect_rc 2 $S vehicles add YV1XZK8VXM1555009 --part tcu:X:Y:hardware:352093081047291 &&
    has "$T/err" "an IMEI of a part of vehicle YV1XZK8VXM1555009 is already in the register"
expect_rc 2 $S vehicles add YV1XZK8VXM1555009 --site Nowhere && has "$T/err" "site 'Nowhere' is not in the register"

# The report's vehicles section, and the chain still verifies.
expect_rc 0 $S report --format json -o "$T/report.json"
python3 - "$T/report.json" >"$T/fig" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vehicles"]
site = {r["name"]: r for r in v["by_site"]}
print(v["vehicles"]["total"], v["retired"], v["vehicles"]["affected"],
      site["Northgate House"]["prohibited"], site["Hangar 3"]["restricted"],
      site["Northgate House"]["vehicle_rule"])
PY
check "report: vehicles section" "6 1 2 0 2 not-admitted:nexus" "$(cat "$T/fig")"
expect_rc 0 $S report --format md && has "$T/out" "### Connected parts by vendor"
expect_rc 0 $S report --format html -o "$T/report.html" && has "$T/report.html" 'data-figure="vehicles.by_site.0.name"'
expect 0 "db verify" $S db verify
finish
