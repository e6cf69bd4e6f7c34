#!/bin/sh
# sightline vehicles check|decode, and the vehicle rules and policies in
# rules list|test|explain and policy list: options, exit codes, refusals that
# name their line and column, verdicts with their chains, JSON.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
export SIGHTLINE_NOW=2026-11-28T12:00:00Z

cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
LSJW74U64PS201876,MG,MG4,2023,Pool,Northgate House,AB23 CDE,tcu,hardware,Quectel Wireless Solutions Co. Ltd.,AG35-E,
LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,
WV1ZZZSYXNH000123,Volkswagen,Crafter,2022,Vans,Depot 2,,tcu,hardware,Teltonika,FMB962,352093081047291
YV1XZK8VXM1555001,Volvo,XC40,2027,Exec,Northgate House,,cellular,software,Volvo Car Corporation,,
CSV

# --help everywhere
expect_rc 0 $S vehicles --help && expect_in "$T/out" "check"
expect_rc 0 $S vehicles check --help && expect_in "$T/out" "park-away:METRES"
expect_rc 0 $S vehicles decode --help && expect_in "$T/out" "Luhn"
expect_rc 2 $S vehicles check && expect_in "$T/err" "at least one FILE"
expect_rc 2 $S vehicles check "$T/fleet.csv" --tier secret && expect_in "$T/err" "--tier must be"
expect_rc 2 $S vehicles check "$T/fleet.csv" --site-rule park-away && expect_in "$T/err" "needs the metres"
expect_rc 2 $S vehicles check "$T/missing.csv"

# decode
expect_rc 0 $S vehicles decode LSJW74U64PS201876 && expect_in "$T/out" "SAIC Motor (CN)"
expect_in "$T/out" "region Asia, country China"
expect_rc 0 $S vehicles decode 5YJ3E1EA4RF412345 && expect_in "$T/out" "model year  2024"
expect_rc 2 $S vehicles decode LSJW74U65PS201876 && expect_in "$T/err" "check digit: position 9 is '5'"
expect_rc 2 $S vehicles decode 1G4AH59HO5G118341 && expect_in "$T/err" "I, O and Q are never used"
expect_rc 0 $S vehicles decode 352093081047291 && expect_in "$T/out" "Teltonika (LT)"
expect_rc 0 $S vehicles decode 35-209900-176148-1 && expect_in "$T/out" "unknown: this TAC is in no cited list"
expect_rc 2 $S vehicles decode 352093081047292 && expect_in "$T/err" "Luhn"
expect_rc 0 $S vehicles decode --json LSJW74U64PS201876 352093081047291 && expect_in "$T/out" '"rule": "wmi.LSJ"'

# check: the table, the counts, the chains
expect_rc 0 $S vehicles check "$T/fleet.csv" && expect_in "$T/out" "judged as of 2026-11-28"
expect_in "$T/out" "replace-by 2027-06-30 (US-DoD-1260H)"
expect_in "$T/out" "prohibited (US-BIS-connected-vehicles)"
expect_in "$T/out" "vehicles: prohibited 1, replace-by 1, restricted 0, needs-review 0, allowed 1"
expect_rc 0 $S vehicles check "$T/fleet.csv" --vehicle YV1XZK8VXM1555001
expect_in "$T/out" "parent   Geely Holding (CN) of Volvo Cars: owner since 2010"
expect_in "$T/out" "vendor   Volvo Cars (SE) <- vin \"YV1\" [wmi.YV1]"
expect_rc 0 $S vehicles check "$T/fleet.csv" --explain --site-rule park-away:3219:nexus --tier official
expect_in "$T/out" "site rule  restricted (SITE-vehicle-rule)"
expect_in "$T/out" "law      Quectel named in US DoD section 1260H list of Chinese military companies since 2025-01-06"
expect_rc 2 $S vehicles check "$T/fleet.csv" --vehicle LSJW74U64PS201877 && expect_in "$T/err" "no vehicle"
expect_rc 1 $S vehicles check "$T/fleet.csv" --fail-on prohibited
expect_rc 0 $S vehicles check "$T/fleet.csv" --fail-on prohibited --tier public
expect_rc 0 $S vehicles check "$T/fleet.csv" --date 2027-07-01 && expect_in "$T/out" "prohibited (US-DoD-1260H)"

# JSON and JSON lines agree with the table
expect_rc 0 $S vehicles check "$T/fleet.csv" --json && expect_in "$T/out" '"type": "vehicle_check"'
expect_in "$T/out" '"prohibited": 1'
expect_rc 0 $S vehicles check "$T/fleet.csv" --jsonl
if [ "$(grep -c '"type":"vehicle"' "$T/out")" -eq 3 ]; then pass "jsonl: 3 vehicles"; else fail "jsonl vehicles"; fi
expect_in "$T/out" '"type":"summary"'

# a bad file: every problem named, nothing checked
cat >"$T/bad.csv" <<'CSV'
vin,make,part_kind,imei
LSJW74U65PS201876,MG,tcu,
1G4AH59H45G118341,Ford,modem,357805023984941
CSV
expect_rc 2 $S vehicles check "$T/bad.csv"
expect_in "$T/err" "bad.csv: line 2, column 1 (vin): 'LSJW74U65PS201876': check digit"
expect_in "$T/err" "bad.csv: line 3, column 4 (imei): '357805023984941': check digit"
expect_in "$T/err" "nothing checked (2 problems)"

# CycloneDX: a vehicle BOM, and the refusals
cat >"$T/bom.json" <<'JSON'
{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "metadata": {"component": {"type": "device", "name": "ORA 03",
   "properties": [{"name": "sightline:vehicle:vin", "value": "LGWEF4A55RA104729"},
                  {"name": "sightline:vehicle:model_year", "value": "2027"}]}},
 "components": [{"type": "device", "name": "EC25-E", "cpe": "cpe:2.3:h:quectel:ec25-e:-:*:*:*:*:*:*:*",
                 "properties": [{"name": "sightline:part:kind", "value": "cellular"}]}]}
JSON
expect_rc 0 $S vehicles check "$T/bom.json" --explain && expect_in "$T/out" "vendor   Great Wall Motor (CN) <- vin \"LGW\" [wmi.LGW]"
expect_in "$T/out" "VERDICT  prohibited (US-BIS-connected-vehicles)"
printf '{"bomFormat":"CycloneDX","specVersion":"2.0","components":[]}' >"$T/v2.json"
expect_rc 2 $S vehicles check "$T/v2.json" && expect_in "$T/err" "specVersion '2.0' is not supported (1.4, 1.5, 1.6)"
printf '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"firmware","name":"EG25-G"}]}' >"$T/parts.json"
expect_rc 0 $S vehicles check "$T/parts.json" --bom-vin 1G4AH59H45G118341 --model-year 2028
expect_in "$T/out" "1G4AH59H45G118341"
expect_rc 2 $S vehicles check "$T/parts.json" "$T/bom.json" --bom-vin 1G4AH59H45G118341 && expect_in "$T/err" "give one FILE"

# the rules and policies show the vehicle ones
expect_rc 0 $S rules list && expect_in "$T/out" "wmi.LSJ"
expect_in "$T/out" "supplier.quectel"
expect_rc 0 $S rules list --proto vehicle --json && expect_in "$T/out" '"kind": "tac"'
expect_rc 0 $S rules test supplier.quectel wmi.LRW tac.35209308 imei.syntax vin.syntax site.syntax
expect_in "$T/out" "6 rules"
expect_rc 0 $S rules explain tac.35209308 && expect_in "$T/out" "FMB962"
expect_rc 0 $S policy list && expect_in "$T/out" "US-BIS-connected-vehicles"
expect_in "$T/out" "SITE-vehicle-rule"
expect_rc 0 $S policy list --json && expect_in "$T/out" '"vehicles": "default"'
finish
