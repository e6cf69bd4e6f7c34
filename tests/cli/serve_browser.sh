#!/bin/sh
# serve_browser.sh - the dashboard in real headless Chromium (tests/cli/
# browser.py drives it through the DevTools protocol), with the server, in an
# empty network namespace of the test's own: sign in, the overview's figures
# against the JSON report, schedule a device, request an exemption and approve
# it as another person, one's own approval refused, the audit log, a hostile
# device model inert, a bulk action previewed then applied, sign out; the
# vehicles: the overview's section against the JSON report, the list filtered,
# another site's vehicle not found, a part scheduled by its site's editor.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl openssl python3 chromium

serve_setup
SIGHTLINE_NOW=2026-10-01T09:00:00Z "$SL" vehicles import "$SL_SOURCE_DIR/data/demo/fleet.csv" >/dev/null ||
    die "vehicles import"
chown -R "$SERVE_USER" "$T"
serve_start main --listen 127.0.0.1:8443
# The browser trusts exactly this certificate: its public key's SHA-256.
spki=$(openssl x509 -in "$T/dashboard-cert.pem" -noout -pubkey | openssl pkey -pubin -outform der |
       openssl dgst -sha256 -binary | base64)
"$SL" report --format json >"$T/report.json"
python3 - "$T/report.json" "$T/scenario.json" <<PY
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
figs = {"totals.affected": str(t["affected"]), "totals.replaced": str(t["replaced"]),
        "totals.replaced_pct": "%.1f" % t["replaced_pct"], "totals.outstanding": str(t["outstanding"]),
        "milestones.0.status": r["milestones"][0]["status"]}
json.dump({"password": """$PW""", "figures": figs,
           "schedule": $(dev_at "$SITE_A" confirmed), "exempt": $(sql "SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = '$SITE_A' AND d.status = 'confirmed' ORDER BY d.id LIMIT 1 OFFSET 1"),
           "own": $(dev_at "$SITE_B" confirmed), "hostile": $HOSTILE_ID,
           "hostile_model": sys.stdin.read() if False else None}, open(sys.argv[2], "w"))
PY
# The hostile model as the page must show it (text, not markup).
python3 - "$T/scenario.json" "$HOSTILE" "$SITE_A" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["hostile_model"] = sys.argv[2]; s["site_a"] = sys.argv[3]
json.dump(s, open(sys.argv[1], "w"))
PY
# The vehicles: a Northgate House vehicle with a Quectel part, and the report's vehicle figures.
VID=$(sql "SELECT v.id FROM vehicles v JOIN sites s ON s.id = v.site_id WHERE s.name = 'Northgate House'
           AND EXISTS (SELECT 1 FROM vehicle_parts p WHERE p.vehicle_id = v.id AND p.position = 1 AND p.vendor = 'Quectel')
           ORDER BY v.id LIMIT 1")
[ -n "$VID" ] || die "no Northgate House vehicle with a Quectel part"
python3 - "$T/scenario.json" "$T/report.json" "$VID" "$(sql "SELECT vin FROM vehicles WHERE id = $VID")" \
    "$(sql "SELECT count(*) FROM vehicles WHERE decision = 'prohibited'")" <<'PY'
import json, sys
s, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["vehicles"]
s["vehicles"] = {"id": int(sys.argv[3]), "vin": sys.argv[4], "vendor": "Quectel", "prohibited": int(sys.argv[5]),
                 "figures": {"vehicles.vehicles.total": str(r["vehicles"]["total"]),
                             "vehicles.vehicles.affected": str(r["vehicles"]["affected"]),
                             "vehicles.by_fleet.0.total": str(r["by_fleet"][0]["total"]),
                             "vehicles.parts_by_vendor.0.affected": str(r["parts_by_vendor"][0]["affected"])}}
json.dump(s, open(sys.argv[1], "w"))
PY
mkdir -p "$T/chrome"
if python3 "$SL_SOURCE_DIR/tests/cli/browser.py" https://127.0.0.1:8443 "$spki" "$T" "$T/scenario.json" >"$T/browser.out"; then
    cat "$T/browser.out"
    ok "the browser scenario passed"
else
    cat "$T/browser.out"
    tail -20 "$T/chrome.log"
    bad "the browser scenario failed"
fi
finish
