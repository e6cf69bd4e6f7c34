#!/bin/sh
# `sightline milestones` of vehicles' connected parts (issue 16, item 4): add
# --of vehicle-parts (scope fleet:NAME too) and its refusals, list and show
# with the figures and forecast, the report's vehicles section in Markdown,
# and db verify checking what a milestone counts against its audit entry.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE

cat >"$T/sites.csv" <<'CSV'
name,department,tier,networks
Northgate House,Estates,sensitive,
CSV
cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
WV1ZZZSYXNH000127,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
WV1ZZZSYXNH000128,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
WV1ZZZSYXNH000129,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Quectel,EG25-G,
CSV
export SIGHTLINE_NOW=2026-09-01T09:00:00Z
expect 0 "sites" $S sites import "$T/sites.csv"
expect 0 "fleet" $S vehicles import "$T/fleet.csv"

expect_rc 0 $S milestones add --help && has "$T/out" "--of devices|vehicle-parts" && has "$T/out" "fleet:NAME"
expect_rc 0 $S milestones show --help && has "$T/out" "Usage: sightline milestones show NAME"
expect_rc 2 $S milestones add X --due 2026-12-31 --percent 100 --of cars && has "$T/err" "--of is devices or vehicle-parts"
expect_rc 2 $S milestones add X --due 2026-12-31 --percent 100 --scope fleet:Pool &&
    has "$T/err" "--scope fleet:NAME is for --of vehicle-parts"
expect_rc 2 $S milestones add X --due 2026-12-31 --percent 100 --of vehicle-parts --scope fleet: &&
    has "$T/err" "--scope fleet:NAME needs a fleet's name"
check "nothing added by refusals" 0 "$(sql 'SELECT count(*) FROM milestones')"

expect 0 "add" $S milestones add "Pool clean" --of vehicle-parts --scope fleet:Pool --percent 100 --due 2026-12-31
has "$T/out" "added milestone 'Pool clean': 100 of affected vehicle parts (fleet: Pool) out of the fleet by 2026-12-31"
expect 0 "a device milestone beside it" $S milestones add "Cameras" --percent 50 --due 2026-12-31
check "stored" "vehicle-parts fleet Pool|devices all |" \
    "$(sql "SELECT subject || ' ' || scope_kind || ' ' || coalesce(scope_value, '') FROM milestones ORDER BY name DESC" | tr '\n' '|')"

export SIGHTLINE_NOW=2026-10-01T09:00:00Z
expect 0 "removed" $S vehicles set-status WV1ZZZSYXNH000126/1 removed --replaced-by "Telit LE910C4" --at 2026-09-08
expect 0 "removed" $S vehicles set-status WV1ZZZSYXNH000127/1 removed --replaced-by "Telit LE910C4" --at 2026-09-20
expect 0 "list" $S milestones list
has "$T/out" "Pool clean  vehicle-parts  2026-12-31  100%    fleet:Pool  on_track"
has "$T/out" "Cameras     devices"
expect 0 "show" $S milestones show "Pool clean"
has "$T/out" "affected     4"
has "$T/out" "replaced     2"
has "$T/out" "achieved     50.0%"
has "$T/out" "outstanding  2"
has "$T/out" "forecast     all out by 2026-"
expect 0 "show as of a date" $S milestones show "Pool clean" --as-of 2026-09-10
has "$T/out" "replaced     1"
expect 0 "show --json" $S milestones show "Pool clean" --json
has "$T/out" '"of": "vehicle-parts"'
has "$T/out" '"outstanding": 2'
expect_rc 2 $S milestones show "Nothing" && has "$T/err" "no milestone named 'Nothing'"
expect 0 "list --json" $S milestones list --json
check "both in the list" 2 "$(grep -c '"of": ' "$T/out")"
expect 0 "report" $S report --format md -o "$T/r.md"
has "$T/r.md" "### Milestones of connected parts"
has "$T/r.md" "| Pool clean | 2026-12-31 | 100% | fleet: Pool | on track | 50.0% | 2 |"

expect 0 "db verify" $S db verify
sql "UPDATE milestones SET subject = 'devices' WHERE name = 'Pool clean'"
expect 1 "db verify: what it counts changed behind the audit log" $S db verify
has "$T/err" "milestone 'Pool clean' differs from its audit entry"
finish
