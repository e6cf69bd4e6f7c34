#!/bin/sh
# A fleet re-imported (issue 16): a registered VIN is merged, not refused. One
# part changed, one added, one no longer listed (marked removed, never
# deleted), one vehicle unchanged; each change a vehicle event, one audit
# entry per changed vehicle, the vehicle judged again; --dry-run writes
# nothing; a different part at a removed part's position is refused, all or
# nothing. Runs on SQLite and, under ctest label postgres, on PostgreSQL.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
export SIGHTLINE_NOW=2026-11-28T12:00:00Z

cat >"$T/fleet.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
LSJW74U64PS201876,MG,MG4,2023,Pool,Northgate House,AB23 CDE,tcu,hardware,Acme Telematics,T1,
LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,
LSJW74U64PS201876,,,,,,,gnss,hardware,u-blox AG,NEO-M8,
WV1ZZZSYXNH000125,Volkswagen,Transporter,2024,Vans,Northgate House,BX24 FGH,tcu,hardware,Acme Telematics,T1,
CSV
# The MG: its TCU now a Quectel module, its GNSS part no longer listed, its
# fleet Exec; the Transporter unchanged; the ID.Buzz new.
cat >"$T/again.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
LSJW74U64PS201876,MG,MG4,2023,Exec,Northgate House,AB23 CDE,tcu,hardware,Quectel Wireless Solutions Co. Ltd.,AG35-E,
LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,
WV1ZZZSYXNH000125,Volkswagen,Transporter,2024,Vans,Northgate House,BX24 FGH,tcu,hardware,Acme Telematics,T1,
WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool,Northgate House,,cellular,hardware,Acme Telematics,T2,
CSV
# The Transporter gains a part (added at position 2).
cat >"$T/third.csv" <<'CSV'
vin,make,model,model_year,fleet,site,registration,part_kind,part_layer,supplier,part_model,imei
WV1ZZZSYXNH000125,Volkswagen,Transporter,2024,Vans,Northgate House,BX24 FGH,tcu,hardware,Acme Telematics,T1,
WV1ZZZSYXNH000125,,,,,,,wifi-bt,hardware,u-blox AG,NINA-W102,
CSV

expect_rc 0 $S vehicles import --help && has "$T/out" "--dry-run"
expect_rc 0 $S sites add "Northgate House" --department "Dept for Tests" --tier sensitive
expect 0 "import" $S vehicles import "$T/fleet.csv"
has "$T/out" "imported 2 vehicles with 4 parts"
check "audit: one vehicle.add each" 2 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.add'")"
events0=$(sql 'SELECT count(*) FROM vehicle_events')
audit0=$(sql 'SELECT count(*) FROM audit_log')

# The same file again: every vehicle unchanged, nothing written.
expect 0 "the same file again" $S vehicles import "$T/fleet.csv"
has "$T/out" "imported 0 vehicles with 0 parts"
has "$T/out" "re-imported: 0 vehicles changed, 2 unchanged; parts 0 added, 0 changed, 0 removed"
check "unchanged: no event" "$events0" "$(sql 'SELECT count(*) FROM vehicle_events')"
check "unchanged: no audit entry" "$audit0" "$(sql 'SELECT count(*) FROM audit_log')"

# The dry run says what would change and writes nothing.
before=$(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM vehicle_parts) || ' ' || (SELECT count(*) FROM vehicle_events) || ' ' || (SELECT count(*) FROM audit_log) FROM vehicles")
expect 0 "dry run" $S vehicles import --dry-run "$T/again.csv"
has "$T/out" "dry run: would import 1 vehicle with 1 part"
has "$T/out" "would re-import: 1 vehicle changed, 1 unchanged; parts 0 added, 1 changed, 1 removed"
has "$T/out" "dry run: nothing written"
check "dry run wrote nothing" "$before" "$(sql "SELECT count(*) || ' ' || (SELECT count(*) FROM vehicle_parts) || ' ' || (SELECT count(*) FROM vehicle_events) || ' ' || (SELECT count(*) FROM audit_log) FROM vehicles")"
check "dry run: the MG still has its Acme TCU" "Acme Telematics fitted" "$(sql "SELECT p.supplier || ' ' || p.status FROM vehicle_parts p JOIN vehicles v ON v.id = p.vehicle_id WHERE v.vin = 'LSJW74U64PS201876' AND p.position = 1")"

# The re-import.
expect 0 "re-import" $S vehicles import "$T/again.csv"
has "$T/out" "imported 1 vehicle with 1 part"
has "$T/out" "re-imported: 1 vehicle changed, 1 unchanged; parts 0 added, 1 changed, 1 removed"
mg="(SELECT id FROM vehicles WHERE vin = 'LSJW74U64PS201876')"
check "the MG's fleet updated" "Exec" "$(sql "SELECT fleet FROM vehicles WHERE vin = 'LSJW74U64PS201876'")"
check "its TCU changed in place" "Quectel Wireless Solutions Co. Ltd. AG35-E fitted" \
    "$(sql "SELECT supplier || ' ' || model || ' ' || status FROM vehicle_parts WHERE vehicle_id = $mg AND position = 1")"
check "the GNSS part removed, not deleted" "removed none" \
    "$(sql "SELECT status || ' ' || replaced_by FROM vehicle_parts WHERE vehicle_id = $mg AND position = 3")"
check "still 3 part rows" 3 "$(sql "SELECT count(*) FROM vehicle_parts WHERE vehicle_id = $mg")"
check "judged again: the Quectel TCU at a sensitive site" "replace-by" \
    "$(sql "SELECT decision FROM vehicles WHERE vin = 'LSJW74U64PS201876'")"
check "events: the vehicle's fields, the changed part, the removed part" 3 \
    "$(sql "SELECT count(*) FROM vehicle_events WHERE vehicle_id = $mg AND (note LIKE 're-import:%' OR note = 'not in the re-import')")"
check "the vehicle's event names the field" 1 \
    "$(sql "SELECT count(*) FROM vehicle_events WHERE vehicle_id = $mg AND part_id IS NULL AND note = 're-import: fleet Pool -> Exec'")"
check "the part's event names what changed" 1 \
    "$(sql "SELECT count(*) FROM vehicle_events WHERE vehicle_id = $mg AND note LIKE 're-import: supplier Acme Telematics -> Quectel%model T1 -> AG35-E'")"
check "the removal's event" 1 \
    "$(sql "SELECT count(*) FROM vehicle_events WHERE vehicle_id = $mg AND from_status = 'fitted' AND to_status = 'removed' AND note = 'not in the re-import'")"
check "one vehicle.reimport audit entry (the changed vehicle)" 1 \
    "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.reimport'")"
check "no separate part-status entry" 0 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.part_status'")"
check "the unchanged Transporter: only its creation event" 1 \
    "$(sql "SELECT count(*) FROM vehicle_events WHERE vehicle_id = (SELECT id FROM vehicles WHERE vin = 'WV1ZZZSYXNH000125')")"
expect_rc 0 $S vehicles show LSJW74U64PS201876 && has "$T/out" "not in the re-import"

# A part added.
expect 0 "a part added" $S vehicles import "$T/third.csv"
has "$T/out" "re-imported: 1 vehicle changed, 0 unchanged; parts 1 added, 0 changed, 0 removed"
check "the added part's event" 1 \
    "$(sql "SELECT count(*) FROM vehicle_events e JOIN vehicle_parts p ON p.id = e.part_id WHERE p.model = 'NINA-W102' AND e.to_status = 'fitted' AND e.from_status IS NULL")"
check "two vehicle.reimport entries now" 2 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'vehicle.reimport'")"

# A different part where a removed one is: refused, all or nothing.
events1=$(sql 'SELECT count(*) FROM vehicle_events')
sed 's/^LSJW74U64PS201876,,,,,,,wifi-bt.*/&\nLSJW74U64PS201876,,,,,,,gnss,hardware,u-blox AG,NEO-M9,/; s/^WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Pool/WV1ZZZSYXNH000126,Volkswagen,ID.Buzz,2026,Vans/' \
    "$T/again.csv" >"$T/bad.csv"
expect 2 "a new part at a removed part's position" $S vehicles import "$T/bad.csv"
has "$T/err" "bad.csv: line 4: vehicle LSJW74U64PS201876: part 3 is removed"
has "$T/err" "nothing imported"
check "refused: nothing written" "$events1" "$(sql 'SELECT count(*) FROM vehicle_events')"
check "refused: the ID.Buzz not moved" "Pool" "$(sql "SELECT fleet FROM vehicles WHERE vin = 'WV1ZZZSYXNH000126'")"

# An IMEI already on another vehicle's part: refused, named with its line.
sed 's/^WV1ZZZSYXNH000125,,,,,,,wifi-bt,hardware,u-blox AG,NINA-W102,$/&352093081047291/' "$T/third.csv" >"$T/imei1.csv"
expect 0 "an IMEI given to the Transporter's wifi part" $S vehicles import "$T/imei1.csv"
has "$T/out" "parts 0 added, 1 changed, 0 removed"
sed 's/^LSJW74U64PS201876,,,,,,,wifi-bt,hardware,u-blox AG,LISA-U201,$/&352093081047291/' "$T/again.csv" >"$T/imei2.csv"
expect 2 "the same IMEI on the MG's part" $S vehicles import "$T/imei2.csv"
has "$T/err" "line 3: vehicle LSJW74U64PS201876: part 2: its IMEI is already on another part in the register"
check "refused: the MG's part has no IMEI" "" "$(sql "SELECT coalesce(imei, '') FROM vehicle_parts WHERE vehicle_id = $mg AND position = 2")"

# vehicles add is no re-import: a registered VIN is still refused.
expect 2 "add of a registered VIN" $S vehicles add LSJW74U64PS201876 --part tcu:Acme:T9
has "$T/err" "vehicle LSJW74U64PS201876 is already in the register"

# Invalid input is still refused with its line and column.
sed 's/^WV1ZZZSYXNH000126/WV1ZZZSYXNH00012/' "$T/again.csv" >"$T/badvin.csv"
expect 2 "a bad VIN" $S vehicles import "$T/badvin.csv"
has "$T/err" "badvin.csv: line 5, column 1 (vin)"

expect 0 "db verify" $S db verify
finish
