#!/bin/sh
# serve_bulk.sh - bulk actions on the dashboard (curl, in a network namespace of
# its own; SQLite, and PostgreSQL under the postgres label): the preview of a
# filtered set says what would move and what is refused and why (site grants,
# lifecycle rules), the apply moves exactly the previewed devices, audited with
# the signed-in account as actor; CSRF, roles and URL tampering refused.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl python3

serve_setup
serve_start main --listen 127.0.0.1:8443

for u in viewer auditor editA editB both admin; do
    check "$u signs in" 303 "$(login "$u")"
done
q() { printf '%s' "$1" | sed 's/ /+/g'; }
SA=$(q "$SITE_A")
SB=$(q "$SITE_B")
confirmed_a=$(sql "SELECT count(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = '$SITE_A' AND d.status = 'confirmed'")
confirmed_b=$(sql "SELECT count(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = '$SITE_B' AND d.status = 'confirmed'")
[ "$confirmed_a" -gt 1 ] && [ "$confirmed_b" -gt 0 ] || die "the demo register has no confirmed devices at both sites"

# --- who may: a viewer and an auditor are refused outright ---
for u in viewer auditor; do
    check "$u: bulk preview is 403" 403 "$(c "$u" -o /dev/null -w '%{http_code}' "$B/bulk?action=confirm")"
    check "$u: bulk apply is 403" 403 "$(c "$u" -o /dev/null -w '%{http_code}' \
        -d "csrf=$(csrf "$u")&action=confirm&ids=1" "$B/bulk")"
done
check "an unknown action: 400" 400 "$(c editA -o /dev/null -w '%{http_code}' "$B/bulk?action=explode")"
check "schedule without a date: 400" 400 "$(c editA -o /dev/null -w '%{http_code}' "$B/bulk?action=schedule&status=confirmed")"

# --- preview: 'both' (site-editor everywhere) schedules every confirmed device of
# site A; editA the confirmed devices of both sites: site B's refused for its grants ---
c editA "$B/api/v1/bulk?action=schedule&date=2030-02-01&status=confirmed" >"$T/pv.json"
python3 - "$T/pv.json" "$confirmed_a" "$confirmed_b" "$SITE_B" <<'PY' && ok "preview (API): editA's set is site A's confirmed devices, all of which move" || { bad "API preview"; cat "$T/pv.json"; }
import json, sys
p = json.load(open(sys.argv[1])); na, nb, site_b = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
# editA reads only site A: site B's devices are not even in its set.
ok = len(p["will_move"]) == na and p["matched"] == na and not p["refused"]
sys.exit(0 if ok else 1)
PY
tboth=$(csrf both)
c both "$B/api/v1/bulk?action=remove&replaced_by=none&site=$SA" >"$T/pv2.json"
python3 - "$T/pv2.json" <<'PY' && ok "preview (API): lifecycle refusals carry the lifecycle's reason" || { bad "lifecycle refusals"; cat "$T/pv2.json"; }
import json, sys
p = json.load(open(sys.argv[1]))
r = p["refused"]
sys.exit(0 if p["will_move"] and r and all(x["reason"] for x in r) and p["matched"] == len(p["will_move"]) + len(r) else 1)
PY
# A site-scoped approver+editor: 'mixed' edits site A only but reads both.
add_user mixed --grant "site-editor:site:$SITE_A" --grant "viewer:site:$SITE_B"
check "mixed signs in" 303 "$(login mixed)"
c mixed -o "$T/pv3.html" "$B/bulk?action=schedule&date=2030-02-01&status=confirmed"
has "$T/pv3.html" "<b id=\"bulk-moves\">$confirmed_a</b>" "preview page: site A's confirmed devices will move"
has "$T/pv3.html" "<b id=\"bulk-refused\">$confirmed_b</b>" "preview page: site B's are refused"
has "$T/pv3.html" "Your grants do not allow changes at site $SITE_B." "preview page: the refusal says why"
check "the preview moved nothing" 0 "$(sql "SELECT count(*) FROM devices WHERE scheduled_for = '2030-02-01'")"

# --- apply: exactly the previewed ids, with the session's CSRF token ---
ids=$(grep -o 'name="ids" value="[0-9,]*' "$T/pv3.html" | cut -d'"' -f4)
tm=$(csrf mixed)
tA=$(csrf editA)
check "apply without a CSRF token: 403" 403 "$(c mixed -o /dev/null -w '%{http_code}' \
    -d "action=schedule&date=2030-02-01&ids=$ids" "$B/bulk")"
check "apply with another session's token: 403" 403 "$(c mixed -o /dev/null -w '%{http_code}' \
    -d "csrf=$tA&action=schedule&date=2030-02-01&ids=$ids" "$B/bulk")"
check "nothing moved without a token" 0 "$(sql "SELECT count(*) FROM devices WHERE scheduled_for = '2030-02-01'")"
check "mixed applies the preview" 200 "$(c mixed -o "$T/applied.html" -w '%{http_code}' \
    -d "csrf=$tm&action=schedule&date=2030-02-01&ids=$ids" "$B/bulk")"
has "$T/applied.html" "<b id=\"bulk-moved\">$confirmed_a</b> moved"
check "site A's confirmed devices are scheduled" "$confirmed_a" \
    "$(sql "SELECT count(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = '$SITE_A' AND d.status = 'scheduled' AND d.scheduled_for = '2030-02-01'")"
check "site B's are untouched" "$confirmed_b" \
    "$(sql "SELECT count(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = '$SITE_B' AND d.status = 'confirmed'")"
check "each move audited with mixed as actor" "$confirmed_a" \
    "$(sql "SELECT count(*) FROM lifecycle_events WHERE actor = 'mixed' AND to_status = 'scheduled'")"
check "the audit log names mixed" "$confirmed_a" \
    "$(sql "SELECT count(*) FROM audit_log WHERE actor = 'mixed' AND object LIKE 'device:%'")"
check "a removal dated in the future: every device refused by the lifecycle, none moved" "0 $confirmed_a" \
    "$(c mixed -H "X-CSRF-Token: $tm" -H 'Content-Type: application/json' \
        -d "{\"action\":\"remove\",\"replaced_by\":\"none\",\"date\":\"2099-01-01\",\"ids\":[${ids}]}" "$B/api/v1/bulk" |
        python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a["moved"]), len([r for r in a["refused"] if r["reason"]]))')"
check "they are still scheduled" "$confirmed_a" \
    "$(sql "SELECT count(*) FROM devices WHERE status = 'scheduled' AND scheduled_for = '2030-02-01'")"

# --- URL tampering: ids of another site's devices are refused one by one ---
DB1=$(dev_at "$SITE_B" confirmed)
check "editA: site B's id in an apply is refused" "0 1" \
    "$(c editA -H "X-CSRF-Token: $tA" -H 'Content-Type: application/json' \
        -d "{\"action\":\"confirm\",\"ids\":[$DB1]}" "$B/api/v1/bulk" |
        python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a["moved"]), len(a["refused"]))')"
check "site B's device is untouched" confirmed "$(sql "SELECT status FROM devices WHERE id = $DB1")"
check "ids that are not numbers: 400" 400 "$(c editA -o /dev/null -w '%{http_code}' \
    -d "csrf=$tA&action=confirm&ids=1,x" "$B/bulk")"
check "no ids: 400" 400 "$(c editA -o /dev/null -w '%{http_code}' -d "csrf=$tA&action=confirm" "$B/bulk")"

# --- a set too large to take at once is refused with the way out ---
sql "INSERT INTO devices (site_id, serial, status, status_since, first_seen, last_seen)
     SELECT (SELECT id FROM sites WHERE name = '$SITE_B'), 'bulk-' || n, 'discovered',
            '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
     FROM (WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 1001)
           SELECT n FROM k) AS seq" >/dev/null || die "the extra devices"
check "more than 1000 devices: 413" 413 "$(c both -o "$T/413.html" -w '%{http_code}' \
    "$B/bulk?action=confirm&site=$SB&status=discovered")"
has "$T/413.html" "narrow the filter"
finish
