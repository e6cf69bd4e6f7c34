#!/bin/sh
# verify against the lab, end to end, in a network namespace of its own:
# devices scanned from an "old" lab that has since been taken away, and from a
# current lab that is still up. Removed devices that are gone become
# verified_absent; removed devices still answering become reappeared; an
# outstanding device that is gone is listed as missing.
[ -n "${SIGHTLINE_LAB:-}" ] || { echo "skip: the lab is not built"; exit 77; }
# Everything that sends a packet runs inside a namespace of its own: only its own lo.
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE LAB=$SIGHTLINE_LAB dir=$T
export SIGHTLINE_DB="$dir/r.db" SIGHTLINE_LAB_STATE="$dir/labstate"
mkdir -p "$SIGHTLINE_LAB_STATE"
on_exit '"$LAB" down --name oldlab >/dev/null 2>&1; "$LAB" down --name curlab >/dev/null 2>&1'
mix=hikvision-ipc-v5=3,dahua-ipc=3,axis-camera=2
"$SL" sites add "Lab House" --department "Dept of Tests" --tier sensitive \
    --network "127.18.3.0/24 127.18.5.0/24" >/dev/null || bad "site"
# The old estate: scanned once, then taken away.
"$LAB" up --devices 10 --seed 4 --mix "$mix" --range 127.18.4.0/23 --name oldlab \
    --truth "$dir/old.jsonl" >/dev/null || bad "old lab up"
"$SL" scan 127.18.5.0/24 --timeout 2500 --quiet >/dev/null 2>"$dir/scan1.err" || { bad "scan old"; cat "$dir/scan1.err"; }
"$LAB" down --name oldlab >/dev/null
# The current estate: still there.
"$LAB" up --devices 10 --seed 3 --mix "$mix" --range 127.18.2.0/23 --name curlab \
    --truth "$dir/cur.jsonl" >/dev/null || bad "current lab up"
"$SL" scan 127.18.3.0/24 --timeout 2500 --quiet >/dev/null 2>"$dir/scan2.err" || { bad "scan current"; cat "$dir/scan2.err"; }

"$SL" devices list --decision prohibited --csv > "$dir/prohibited.csv"
old=$(grep -c ',127\.18\.5\.' "$dir/prohibited.csv")
cur=$(grep -c ',127\.18\.3\.' "$dir/prohibited.csv")
[ "$old" -ge 3 ] && [ "$cur" -ge 2 ] && ok "scans registered prohibited devices ($old old, $cur current)" \
    || bad "prohibited devices: $old old, $cur current"
# Removed: all old prohibited devices but one (that one stays confirmed), and two current ones.
old_ids=$(grep ',127\.18\.5\.' "$dir/prohibited.csv" | cut -d, -f1)
keep=$(echo "$old_ids" | head -n 1)
gone=$(echo "$old_ids" | tail -n +2 | tr '\n' ' ')
back=$(grep ',127\.18\.3\.' "$dir/prohibited.csv" | cut -d, -f1 | head -n 2 | tr '\n' ' ')
"$SL" devices set-status confirmed $keep >/dev/null || bad "confirm kept"
# shellcheck disable=SC2086
"$SL" devices set-status removed $gone $back --replaced-by "Axis P3265-LVE" --note "swapped" >/dev/null \
    || bad "record removals"
n_gone=$(echo $gone | wc -w)

"$SL" verify --site "Lab House" --timeout 2500 --json >"$dir/verify.json" 2>"$dir/verify.err"
rc=$?
[ $rc -eq 0 ] && ok "verify ran" || { bad "verify exit $rc"; cat "$dir/verify.err"; }
grep -q 'scanning 512 addresses' "$dir/verify.err" && ok "says what it scans first" || bad "no target count"
num() { sed -n "s/.*\"$1\": \\([0-9]*\\).*/\\1/p" "$dir/verify.json" | head -n 1; }
[ "$(num verified_absent)" = "$n_gone" ] && ok "removed and gone: verified absent ($n_gone)" \
    || bad "verified_absent $(num verified_absent), wanted $n_gone"
[ "$(num reappeared)" = "2" ] && ok "removed but still there: reappeared (2)" || bad "reappeared $(num reappeared)"
[ "$(num missing)" -ge 1 ] && ok "outstanding and gone: missing" || bad "missing $(num missing)"
[ "$(num added)" = "0" ] && ok "nothing new to register" || bad "added $(num added)"
grep -q "REAPPEARED after removal" "$dir/verify.err" && ok "reappearances are loud" || bad "not loud"
for id in $gone; do
    "$SL" devices show "$id" | grep -q "verified_absent since" || bad "device $id not verified_absent"
done
for id in $back; do
    "$SL" devices show "$id" --json | grep -q '"status": "reappeared"' || bad "device $id not reappeared"
done
"$SL" devices show "$keep" --json | grep -q '"status": "confirmed"' && ok "the missing device keeps its status" \
    || bad "kept device changed"
# The verification's evidence is attached to the devices it saw.
id1=$(echo $back | cut -d' ' -f1)
"$SL" devices show "$id1" --json | grep -c '"scan":' >"$dir/nev"
[ "$(cat "$dir/nev")" -ge 2 ] && ok "evidence from both scans on a reappeared device" || bad "evidence not attached"
# --fail-on reappeared: exit 1 while they are there
"$SL" verify --site "Lab House" --timeout 2500 --fail-on reappeared >/dev/null 2>&1
[ $? -eq 1 ] && ok "--fail-on reappeared exits 1" || bad "--fail-on reappeared"
"$SL" report --format json --devices 0 -o "$dir/report.json" 2>/dev/null || bad "report"
grep -q '"reappeared": 2' "$dir/report.json" && ok "the report counts the reappearances" || bad "report reappeared"
"$SL" db verify >/dev/null && ok "audit chain intact" || bad "audit chain"
"$LAB" down --name curlab >/dev/null
finish
