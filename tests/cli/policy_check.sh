#!/bin/sh
# sightline policy check: the real maker behind a make and model a buyer is
# offered (registry: own brands, OEM labels; model-number rules), each tier's
# verdict and the source; purchase lists and asset register exports as CSV.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
check() { # NAME EXPECTED_RC ACTUAL_RC
    if [ "$2" -eq "$3" ]; then ok "$1"; else bad "$1: exit $3, expected $2"; fi
}
has() { # NAME FILE PATTERN
    if grep -q -- "$3" "$2"; then ok "$1"; else bad "$1: no '$3' in:"; head -20 "$2"; fi
}
json_is() { # NAME FILE PYTHON-EXPRESSION-ON-d
    if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($3) else 1)" "$2"; then
        ok "$1"; else bad "$1: $3"; head -c 2000 "$2"; fi
}
D="--date 2026-06-01"

"$S" policy check --help >"$T/out"; check "help" 0 $?
has "help names --csv" "$T/out" "--csv FILE"
"$S" policy check 2>"$T/err"; check "nothing to check" 2 $?
"$S" policy check "Annke C800" --date yesterday 2>"$T/err"; check "bad date" 2 $?

# an OEM label names the maker behind it, with the registry's source
"$S" policy check "Annke C800" $D --json >"$T/a.json"; check "Annke C800" 0 $?
json_is "Annke is Hikvision" "$T/a.json" 'd[0]["maker"] == "Hikvision" and d[0]["brand"] == "Annke" and d[0]["relation"] == "OEM label"'
json_is "prohibited at a sensitive site" "$T/a.json" 'd[0]["verdicts"]["sensitive"]["decision"] == "prohibited"'
json_is "replace-by at an official site" "$T/a.json" 'd[0]["verdicts"]["official"]["decision"] == "replace-by"'
json_is "the source is the registry's" "$T/a.json" '"Annke" in d[0]["source"]'
# own brands, model numbers (they beat the label), open OEM labels, unknowns
"$S" policy check "EZVIZ C6N" "Honeywell DS-2CD2043G2-I" "Swann NVR-8580" "Verkada CD62" \
    "Hanwha Vision XNV-6080R" "TP-Link VIGI C340" $D --json >"$T/b.json"; check "several" 0 $?
json_is "EZVIZ is Hikvision's own brand" "$T/b.json" 'd[0]["maker"] == "Hikvision" and d[0]["relation"] == "own brand"'
json_is "a Hikvision model under another label" "$T/b.json" 'd[1]["maker"] == "Hikvision" and d[1]["relation"] == "model number" and d[1]["brand"] == "Honeywell"'
json_is "Swann: maker open, review" "$T/b.json" 'd[2]["maker"] is None and d[2]["verdicts"]["sensitive"]["decision"] == "needs-review"'
json_is "unknown: review" "$T/b.json" 'd[3]["relation"] == "unknown" and d[3]["verdicts"]["public"]["decision"] == "needs-review"'
json_is "a two-word make" "$T/b.json" 'd[4]["make"] == "Hanwha Vision" and d[4]["model"] == "XNV-6080R" and d[4]["verdicts"]["sensitive"]["decision"] == "allowed"'
json_is "VIGI is TP-Link's" "$T/b.json" 'd[5]["maker"] == "TP-Link"'

# a purchase list, header names as asset registers write them, quoted fields
printf 'Asset ID,Manufacturer,Model Number,Location\r\n1,Annke,C800,HQ\r\n2,"Lorex","LNB8005, outdoor",Depot\r\n3,Axis,M3045-V,Depot\r\n,,,\r\n' >"$T/list.csv"
"$S" policy check --csv "$T/list.csv" $D >"$T/t.out"; check "csv table" 0 $?
has "table has Lorex -> Dahua" "$T/t.out" "Lorex .*Dahua"
has "sources listed" "$T/t.out" "^\[1\] "
"$S" policy check --csv - --json $D <"$T/list.csv" >"$T/c.json"; check "csv on stdin" 0 $?
json_is "three rows" "$T/c.json" 'len(d) == 3 and d[2]["maker"] == "Axis" and d[2]["verdicts"]["sensitive"]["decision"] == "allowed"'
printf 'a,b\n1,2\n' >"$T/bad.csv"
"$S" policy check --csv "$T/bad.csv" 2>"$T/err"; check "no make or model column" 2 $?
has "says which columns" "$T/err" "make column"
printf 'make,model\n"unterminated,x\n' >"$T/bad2.csv"
"$S" policy check --csv "$T/bad2.csv" 2>"$T/err"; check "malformed csv" 2 $?
has "names the line" "$T/err" "line"
"$S" policy check --csv "$T/nope.csv" 2>"$T/err"; check "missing file" 2 $?
"$S" policy check "Hikvision DS-2CD2143G0-I" --policy US-NDAA-889 $D --json >"$T/d.json"; check "--policy" 0 $?
json_is "NDAA prohibits everywhere" "$T/d.json" 'd[0]["verdicts"]["public"]["decision"] == "prohibited"'
"$S" policy check "Dahua X" --policy nope 2>"$T/err"; check "unknown policy" 2 $?

finish
