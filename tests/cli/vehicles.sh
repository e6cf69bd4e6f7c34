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
expect_rc 0 $S vehicles --help && has "$T/out" "check"
expect_rc 0 $S vehicles check --help && has "$T/out" "park-away:METRES"
expect_rc 0 $S vehicles decode --help && has "$T/out" "Luhn"
expect_rc 2 $S vehicles check && has "$T/err" "at least one FILE"
expect_rc 2 $S vehicles check "$T/fleet.csv" --tier secret && has "$T/err" "--tier must be"
expect_rc 2 $S vehicles check "$T/fleet.csv" --site-rule park-away && has "$T/err" "needs the metres"
expect_rc 2 $S vehicles check "$T/missing.csv"

# decode
expect_rc 0 $S vehicles decode LSJW74U64PS201876 && has "$T/out" "SAIC Motor (CN)"
has "$T/out" "region Asia, country China"
expect_rc 0 $S vehicles decode 5YJ3E1EA4RF412345 && has "$T/out" "model year  2024"
expect_rc 2 $S vehicles decode LSJW74U65PS201876 && has "$T/err" "check digit: position 9 is '5'"
expect_rc 2 $S vehicles decode 1G4AH59HO5G118341 && has "$T/err" "I, O and Q are never used"
expect_rc 0 $S vehicles decode 352093081047291 && has "$T/out" "Teltonika (LT)"
expect_rc 0 $S vehicles decode 35-209900-176148-1 && has "$T/out" "unknown: this TAC is in no cited list"
expect_rc 2 $S vehicles decode 352093081047292 && has "$T/err" "Luhn"
expect_rc 0 $S vehicles decode --json LSJW74U64PS201876 352093081047291 && has "$T/out" '"rule": "wmi.LSJ"'

# check: the table, the counts, the chains
expect_rc 0 $S vehicles check "$T/fleet.csv" && has "$T/out" "judged as of 2026-11-28"
has "$T/out" "replace-by 2027-06-30 (US-DoD-1260H)"
has "$T/out" "prohibited (US-BIS-connected-vehicles)"
has "$T/out" "vehicles: prohibited 1, replace-by 1, restricted 0, needs-review 0, allowed 1"
expect_rc 0 $S vehicles check "$T/fleet.csv" --vehicle YV1XZK8VXM1555001
has "$T/out" "parent   Geely Holding (CN) of Volvo Cars: owner since 2010"
has "$T/out" "vendor   Volvo Cars (SE) <- vin \"YV1\" [wmi.YV1]"
expect_rc 0 $S vehicles check "$T/fleet.csv" --explain --site-rule park-away:3219:nexus --tier official
has "$T/out" "site rule  restricted (SITE-vehicle-rule)"
has "$T/out" "law      Quectel named in US DoD section 1260H list of Chinese military companies since 2025-01-06"
expect_rc 2 $S vehicles check "$T/fleet.csv" --vehicle LSJW74U64PS201877 && has "$T/err" "no vehicle"
expect_rc 1 $S vehicles check "$T/fleet.csv" --fail-on prohibited
expect_rc 0 $S vehicles check "$T/fleet.csv" --fail-on prohibited --tier public
expect_rc 0 $S vehicles check "$T/fleet.csv" --date 2027-07-01 && has "$T/out" "prohibited (US-DoD-1260H)"

# JSON and JSON lines agree with the table
expect_rc 0 $S vehicles check "$T/fleet.csv" --json && has "$T/out" '"type": "vehicle_check"'
has "$T/out" '"prohibited": 1'
expect_rc 0 $S vehicles check "$T/fleet.csv" --jsonl
if [ "$(grep -c '"type":"vehicle"' "$T/out")" -eq 3 ]; then ok "jsonl: 3 vehicles"; else bad "jsonl vehicles"; fi
has "$T/out" '"type":"summary"'

# a bad file: every problem named, nothing checked
cat >"$T/bad.csv" <<'CSV'
vin,make,part_kind,imei
LSJW74U65PS201876,MG,tcu,
1G4AH59H45G118341,Ford,modem,357805023984941
CSV
expect_rc 2 $S vehicles check "$T/bad.csv"
has "$T/err" "bad.csv: line 2, column 1 (vin): 'LSJW74U65PS201876': check digit"
has "$T/err" "bad.csv: line 3, column 4 (imei): '357805023984941': check digit"
has "$T/err" "nothing checked (2 problems)"

# CycloneDX: a vehicle BOM, and the refusals
cat >"$T/bom.json" <<'JSON'
{"bomFormat": "CycloneDX", "specVersion": "1.6",
 "metadata": {"component": {"type": "device", "name": "ORA 03",
   "properties": [{"name": "sightline:vehicle:vin", "value": "LGWEF4A55RA104729"},
                  {"name": "sightline:vehicle:model_year", "value": "2027"}]}},
 "components": [{"type": "device", "name": "EC25-E", "cpe": "cpe:2.3:h:quectel:ec25-e:-:*:*:*:*:*:*:*",
                 "properties": [{"name": "sightline:part:kind", "value": "cellular"}]}]}
JSON
expect_rc 0 $S vehicles check "$T/bom.json" --explain && has "$T/out" "vendor   Great Wall Motor (CN) <- vin \"LGW\" [wmi.LGW]"
has "$T/out" "VERDICT  prohibited (US-BIS-connected-vehicles)"
printf '{"bomFormat":"CycloneDX","specVersion":"2.0","components":[]}' >"$T/v2.json"
expect_rc 2 $S vehicles check "$T/v2.json" && has "$T/err" "specVersion '2.0' is not supported (1.4, 1.5, 1.6)"
printf '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"firmware","name":"EG25-G"}]}' >"$T/parts.json"
expect_rc 0 $S vehicles check "$T/parts.json" --bom-vin 1G4AH59H45G118341 --model-year 2028
has "$T/out" "1G4AH59H45G118341"
expect_rc 2 $S vehicles check "$T/parts.json" "$T/bom.json" --bom-vin 1G4AH59H45G118341 && has "$T/err" "give one FILE"

# the rules and policies show the vehicle ones
expect_rc 0 $S rules list && has "$T/out" "wmi.LSJ"
has "$T/out" "supplier.quectel"
expect_rc 0 $S rules list --proto vehicle --json && has "$T/out" '"kind": "tac"'
expect_rc 0 $S rules test supplier.quectel wmi.LRW tac.35209308 imei.syntax vin.syntax site.syntax
has "$T/out" "6 rules"
expect_rc 0 $S rules explain tac.35209308 && has "$T/out" "FMB962"
expect_rc 0 $S policy list && has "$T/out" "US-BIS-connected-vehicles"
has "$T/out" "SITE-vehicle-rule"
expect_rc 0 $S policy list --json && has "$T/out" '"vehicles": "default"'
finish
