#!/bin/sh
# serve_vehicles.sh - the dashboard's vehicles (curl, in a network namespace of
# its own; SQLite, and PostgreSQL under the postgres label): the list with its
# filters, order and pages, limited to the sites an account may read (another
# site's vehicle is 404, as a vehicle that does not exist); a vehicle's parts
# with vendor, parent and country and the chain `policy explain VIN --json`
# gives, byte for byte the same JSON; the overview's vehicles section equal
# to `report --format json`'s; a lifecycle move by a site editor (CSRF, the
# set-status checks, audited as the signed-in account, the vehicle judged
# again), refused to a viewer and to another site's editor; an expired part
# exemption shown fallen back and written down by the server by itself.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl python3

serve_setup
SITE_V="Castle Road Depot"
SIGHTLINE_NOW=2026-10-01T09:00:00Z "$SL" vehicles import "$SL_SOURCE_DIR/data/demo/fleet.csv" >/dev/null ||
    die "vehicles import"
"$SL" sites set-vehicle-rule "Northgate House" not-admitted:flagged >/dev/null || die "site rule"
vid() { sql "SELECT id FROM vehicles WHERE vin = '$1'"; }
vin_at() { # SITE: the first vehicle of SITE with a fitted part
    sql "SELECT v.vin FROM vehicles v JOIN sites s ON s.id = v.site_id WHERE s.name = '$1'
         AND EXISTS (SELECT 1 FROM vehicle_parts p WHERE p.vehicle_id = v.id) ORDER BY v.id LIMIT 1"
}
VN=$(vin_at "Northgate House")
VC=$(vin_at "$SITE_V")
[ -n "$VN" ] && [ -n "$VC" ] || die "the demo fleet has no vehicle at both sites"
# A part of a Northgate House vehicle exempt until a day already past: it has
# fallen back (fitted) when the dashboard shows it.
SIGHTLINE_NOW=2026-11-20T12:00:00Z "$SL" vehicles set-status "$VN/1" exempt --reason "no module yet" \
    --approver "J. Smith (CISO)" --until 2026-11-30 --at 2026-11-10 >/dev/null || die "exempt"
# A part whose model came from a hostile file: shown as text.
hq=$(printf '%s' "$HOSTILE" | sed "s/'/''/g")
sql "UPDATE vehicle_parts SET model = '$hq' WHERE position = 2
     AND vehicle_id = (SELECT id FROM vehicles WHERE vin = '$VN')" >/dev/null || die "hostile part"
add_user viewN --grant "viewer:site:Northgate House"
add_user editC --grant "site-editor:site:$SITE_V"
chown -R "$SERVE_USER" "$T"
serve_start main --listen 127.0.0.1:8443
for u in admin viewer viewN editB editC; do
    check "$u signs in" 303 "$(login "$u")"
done

# --- the server writes expired part exemptions down by itself (its warmer, at start) ---
i=0
until [ "$(sql "SELECT count(*) FROM vehicle_events WHERE actor = 'sightline serve'")" = 1 ] || [ $i -ge 100 ]; do
    i=$((i + 1))
    sleep 0.2
done
check "the expired exemption written down by the server" "exempt>fitted" \
    "$(sql "SELECT from_status || '>' || to_status FROM vehicle_events WHERE actor = 'sightline serve'")"

# --- the list: roles, filters, order, pages ---
count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["vehicles"]))'; }
all=$(sql "SELECT count(*) FROM vehicles")
check "admin lists every vehicle" "$all" "$(c admin "$B/api/v1/vehicles?limit=1000" | count)"
check "viewN lists Northgate House's only" "$(sql "SELECT count(*) FROM vehicles v JOIN sites s ON s.id = v.site_id WHERE s.name = 'Northgate House'")" \
    "$(c viewN "$B/api/v1/vehicles?limit=1000" | count)"
check "viewN filtering on another site: none" 0 "$(c viewN "$B/api/v1/vehicles?site=Castle+Road+Depot" | count)"
check "decision filter" "$(sql "SELECT count(*) FROM vehicles WHERE decision = 'prohibited'")" \
    "$(c admin "$B/api/v1/vehicles?decision=prohibited" | count)"
check "fleet filter" "$(sql "SELECT count(*) FROM vehicles WHERE fleet = 'Pool cars'")" \
    "$(c admin "$B/api/v1/vehicles?fleet=Pool+cars" | count)"
check "a bad filter: 400" 400 "$(c admin -o /dev/null -w '%{http_code}' "$B/api/v1/vehicles?decision=maybe")"
check "a bad order: 400" 400 "$(c admin -o /dev/null -w '%{http_code}' "$B/api/v1/vehicles?order=random")"
# Pages of 5 by VIN walk every vehicle once, in VIN order.
python3 - "$B" "$T" "$all" "$(sql "SELECT vin FROM vehicles ORDER BY vin" | paste -sd,)" <<'PY' && ok "pages by VIN: every vehicle once, in order" || bad "pages by VIN"
import json, ssl, subprocess, sys
b, t, n, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
got, after = [], ""
for _ in range(100):
    url = b + "/api/v1/vehicles?order=vin&limit=5" + ("&after=" + after if after else "")
    out = subprocess.run(["curl", "-s", "--cacert", t + "/dashboard-cert.pem", "-b", t + "/admin.jar", url],
                         capture_output=True, text=True).stdout
    page = json.loads(out)
    got += [v["vin"] for v in page["vehicles"]]
    if page["next_after"] is None:
        break
    after = page["next_after"]
sys.exit(0 if got == want else 1)
PY
c admin -o "$T/list.html" "$B/vehicles?order=newest&limit=3"
has "$T/list.html" 'id="next"' "the page links to the next"
has "$T/list.html" "$(sql "SELECT vin FROM vehicles ORDER BY id DESC LIMIT 1")" "newest first"

# --- one vehicle: visibility, its parts, the explanation as `policy explain` gives it ---
check "viewN reads its site's vehicle" 200 "$(c viewN -o /dev/null -w '%{http_code}' "$B/vehicles/$(vid "$VN")")"
check "viewN: another site's vehicle is 404" 404 "$(c viewN -o /dev/null -w '%{http_code}' "$B/vehicles/$(vid "$VC")")"
check "viewN: its API too" 404 "$(c viewN -o /dev/null -w '%{http_code}' "$B/api/v1/vehicles/$(vid "$VC")")"
check "no such vehicle: 404" 404 "$(c admin -o /dev/null -w '%{http_code}' "$B/api/v1/vehicles/999999")"
c viewN "$B/api/v1/vehicles/$(vid "$VN")" >"$T/v.json"
"$SL" policy explain "$VN" --json >"$T/explain.json" || die "policy explain"
python3 - "$T/v.json" "$T/explain.json" <<'PY' && ok "the API's chain is policy explain's" || bad "the API's chain differs from policy explain's"
import json, sys
a, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if a["explain"]["vehicle"] == e["vehicles"][0] and a["explain"]["context"] == e["context"] else 1)
PY
python3 - "$T/v.json" <<'PY' && ok "the part shown as fallen back, with the expiry" || { bad "the expired exemption"; cat "$T/v.json"; }
import json, sys
p = [x for x in json.load(open(sys.argv[1]))["register"]["parts"] if x["position"] == 1][0]
sys.exit(0 if p["status"] == "fitted" else 1)
PY
c viewN -o "$T/v.html" "$B/vehicles/$(vid "$VN")"
has "$T/v.html" "<h1 class=\"vin\">$VN</h1>"
has "$T/v.html" 'id="parts"' "the parts table"
has "$T/v.html" 'class="chain"' "the chains"
has "$T/v.html" "exemption expired on 2026-11-30" "the history names the expiry"
has "$T/v.html" "Quectel" "a part's vendor"
lacks "$T/v.html" 'id="vehicle-change"' "no change form for a viewer"
lacks "$T/v.html" "<script>window.__pwned" "the hostile part model is not markup"
has "$T/v.html" "&lt;script&gt;window.__pwned=1&lt;/script&gt;" "the hostile part model is shown as text"

# --- the overview's vehicles section is the report's (a milestone of parts too) ---
"$SL" milestones add "Pool modules out" --due 2027-06-30 --percent 100 --of vehicle-parts \
    --scope "fleet:Pool cars" >/dev/null || die "vehicle milestone"
"$SL" report --format json >"$T/report.json" || die "report"
c admin "$B/api/v1/overview" >"$T/ov.json"
python3 - "$T/ov.json" "$T/report.json" <<'PY' && ok "overview vehicles = report vehicles" || bad "overview vehicles differ from the report's"
import json, sys
o, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if o["scopes"][0]["vehicles"] == r["vehicles"] else 1)
PY
c admin -o "$T/ov.html" "$B/"
python3 - "$T/ov.html" "$T/report.json" <<'PY' && ok "every vehicle figure on the overview page is the report's" || bad "an overview vehicle figure differs"
import json, re, sys
html, r = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))
figs = re.findall(r'data-figure="(vehicles\.[^"]+)">([^<]*)<', html)
def at(o, path):
    for k in path.split("."):
        o = o[int(k)] if isinstance(o, list) else o[k]
    return o
bad = [(p, v) for p, v in figs if str(at(r, p) if at(r, p) is not None else "&ndash;") != v]
sys.exit(0 if len(figs) > 40 and not bad else 1)
PY
has "$T/ov.html" 'data-figure="vehicles.milestones.0.name">Pool modules out<' "the milestone of parts on the overview"
"$SL" report --format json --scope "site:Northgate House" >"$T/report-n.json" || die "report n"
c viewN "$B/api/v1/overview" >"$T/ov-n.json"
python3 - "$T/ov-n.json" "$T/report-n.json" <<'PY' && ok "a site viewer's overview vehicles = the site's report" || bad "site overview vehicles differ"
import json, sys
o, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if o["scopes"][0]["vehicles"] == r["vehicles"] else 1)
PY

# --- a lifecycle move: site editors of the vehicle's site only, with CSRF ---
ID=$(vid "$VN")
tB=$(csrf editB)
tC=$(csrf editC)
tV=$(csrf viewN)
check "viewN may not: 403" 403 "$(c viewN -o /dev/null -w '%{http_code}' -d "csrf=$tV&part=1&status=scheduled&date=2027-03-31" "$B/vehicles/$ID/status")"
check "editC (another site) gets 404" 404 "$(c editC -o /dev/null -w '%{http_code}' -d "csrf=$tC&part=1&status=scheduled&date=2027-03-31" "$B/vehicles/$ID/status")"
check "editB without a CSRF token: 403" 403 "$(c editB -o /dev/null -w '%{http_code}' -d "part=1&status=scheduled&date=2027-03-31" "$B/vehicles/$ID/status")"
check "editB with another session's token: 403" 403 "$(c editB -o /dev/null -w '%{http_code}' -d "csrf=$tC&part=1&status=scheduled&date=2027-03-31" "$B/vehicles/$ID/status")"
check "the set-status checks: a removal needs what replaced it (409)" 409 \
    "$(c editB -o "$T/409.html" -w '%{http_code}' -d "csrf=$tB&part=1&status=removed" "$B/vehicles/$ID/status")"
has "$T/409.html" "a removal needs --replaced-by"
check "a part that does not exist: 400" 400 "$(c editB -o /dev/null -w '%{http_code}' -d "csrf=$tB&part=99&status=scheduled&date=2027-03-31" "$B/vehicles/$ID/status")"
check "nothing written by refusals" 0 "$(sql "SELECT count(*) FROM vehicle_events WHERE actor IN ('editB', 'editC', 'viewN')")"
check "editB removes part 1 (form)" 303 "$(c editB -o /dev/null -w '%{http_code}' -d "csrf=$tB&part=1&status=removed&replaced_by=Telit+LE910C4" "$B/vehicles/$ID/status")"
check "the event, as editB" "fitted>removed Telit LE910C4" \
    "$(sql "SELECT from_status || '>' || to_status || ' ' || replaced_by FROM vehicle_events WHERE actor = 'editB'")"
check "audited as editB" 1 "$(sql "SELECT count(*) FROM audit_log WHERE actor = 'editB' AND action = 'vehicle.part_status'")"
check "the vehicle judged again" 1 "$(sql "SELECT count(*) FROM vehicles WHERE id = $ID AND judged_at >= (SELECT max(at) FROM vehicle_events WHERE actor = 'editB')")"
c editB -H "X-CSRF-Token: $tB" -H 'Content-Type: application/json' -d '{"status":"retired"}' "$B/api/v1/vehicles/$ID/status" >"$T/ret.json"
python3 - "$T/ret.json" <<'PY' && ok "editB retires it (API)" || { bad "retire by API"; cat "$T/ret.json"; }
import json, sys
a = json.load(open(sys.argv[1]))
sys.exit(0 if a["done"] == "status" and a["from"] == "active" and a["to"] == "retired" else 1)
PY
check "retired" retired "$(sql "SELECT status FROM vehicles WHERE id = $ID")"
check "the status filter finds it" "$VN" \
    "$(c admin "$B/api/v1/vehicles?status=retired" | python3 -c 'import json,sys; print(*[v["vin"] for v in json.load(sys.stdin)["vehicles"]])')"
check "status and verdict filters together, newest first, a site's viewer" "$(sql "SELECT count(*) FROM vehicles v JOIN sites s ON s.id = v.site_id
         WHERE s.name = 'Northgate House' AND v.status = 'active' AND v.decision = 'allowed'")" \
    "$(c viewN "$B/api/v1/vehicles?status=active&decision=allowed&order=newest" | count)"
check "editB may not move it to a site it does not edit: 403" 403 \
    "$(c editB -o /dev/null -w '%{http_code}' -d "csrf=$tB&status=active&site=Castle+Road+Depot" "$B/vehicles/$ID/status")"
expect_rc 0 "$SL" db verify
finish
