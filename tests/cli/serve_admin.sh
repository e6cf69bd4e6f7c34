#!/bin/sh
# serve_admin.sh - the dashboard's administration (milestones add/edit/remove,
# sites, accounts: programme-admin of all sites only, CSRF, audited as the
# signed-in account), the monitor alerts page (newest first, per site, only
# the sites one may read) and the report exports (CSV, JSON, HTML, the same
# figures as `sightline report`). curl in a network namespace of its own;
# SQLite, and PostgreSQL under the postgres label.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl python3

serve_setup
add_user siteadmin --grant "programme-admin:site:$SITE_A"
chown -R "$SERVE_USER" "$T"
serve_start main --listen 127.0.0.1:8443
for u in admin viewer editA siteadmin; do
    check "$u signs in" 303 "$(login "$u")"
done
ta=$(csrf admin)
code() { c "$@" -o "$T/answer" -w '%{http_code}'; }

# --- who may ---
for u in viewer editA siteadmin; do
    check "$u: /admin is 403" 403 "$(code "$u" "$B/admin")"
    check "$u: adding a milestone is 403" 403 "$(code "$u" -d "csrf=$(csrf "$u")&name=x&due=2030-01-01&percent=50" "$B/admin/milestones/add")"
    check "$u: adding an account is 403" 403 "$(code "$u" -d "csrf=$(csrf "$u")&name=x&password=$PW" "$B/admin/users/add")"
done
check "admin: /admin is 200" 200 "$(code admin "$B/admin")"
check "a change without the CSRF token: 403" 403 "$(code admin -d "name=m1&due=2030-01-01&percent=50" "$B/admin/milestones/add")"

# --- milestones: add, edit, remove ---
check "admin adds a milestone" 303 "$(code admin -d "csrf=$ta&name=Half+gone&due=2030-06-30&percent=50&scope=all" "$B/admin/milestones/add")"
check "it is in the register" "Half gone|2030-06-30|percent|50.0" \
    "$(sql "SELECT name || '|' || due || '|' || target_kind || '|' || printf('%.1f', target) FROM milestones WHERE name = 'Half gone'" 2>/dev/null ||
       sql "SELECT name || '|' || due || '|' || target_kind || '|' || to_char(target, 'FM990.0') FROM milestones WHERE name = 'Half gone'")"
check "the same name again: 409" 409 "$(code admin -d "csrf=$ta&name=Half+gone&due=2030-06-30&percent=50" "$B/admin/milestones/add")"
check "a bad percentage: 400" 400 "$(code admin -d "csrf=$ta&name=Bad&due=2030-06-30&percent=150" "$B/admin/milestones/add")"
has "$T/answer" "the percentage takes a number above 0, up to 100"
check "admin edits it (a count, another date)" 303 \
    "$(code admin -d "csrf=$ta&name=Half+gone&due=2030-09-30&count=40&scope=site:$(printf '%s' "$SITE_A" | sed 's/ /+/g')" "$B/admin/milestones/edit")"
check "the edit is in the register" "2030-09-30|count|site|$SITE_A" \
    "$(sql "SELECT due || '|' || target_kind || '|' || scope_kind || '|' || scope_value FROM milestones WHERE name = 'Half gone'")"
c admin "$B/api/v1/overview" >"$T/ov.json"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["scopes"][0]["milestones"]; sys.exit(0 if any(x["name"] == "Half gone" and x["due"] == "2030-09-30" for x in m) else 1)' "$T/ov.json" \
    && ok "the overview shows the edited milestone at once" || bad "the overview's milestones are stale"
check "editing one that does not exist: 404" 404 "$(code admin -d "csrf=$ta&name=Nope&due=2030-09-30&count=4" "$B/admin/milestones/edit")"
check "admin removes it" 303 "$(code admin -d "csrf=$ta&name=Half+gone" "$B/admin/milestones/remove")"
check "it is gone" 0 "$(sql "SELECT count(*) FROM milestones WHERE name = 'Half gone'")"
check "audited as admin" "milestone.add milestone.remove milestone.add milestone.remove" \
    "$(sql "SELECT action FROM audit_log WHERE actor = 'admin' AND action LIKE 'milestone.%' ORDER BY seq" | tr '\n' ' ' | sed 's/ $//')"

# --- a milestone of the fleet's connected parts: added, edited (by a form
# that names what it counts, and by one that does not: it keeps counting parts) ---
check "admin adds a vehicle-parts milestone" 303 "$(code admin -d "csrf=$ta&name=Modules+out&due=2030-06-30&percent=100&scope=fleet:Blue&of=vehicle-parts" "$B/admin/milestones/add")"
check "it counts parts, scoped to the fleet" "vehicle-parts|fleet|Blue" \
    "$(sql "SELECT subject || '|' || scope_kind || '|' || scope_value FROM milestones WHERE name = 'Modules out'")"
c admin "$B/admin" >"$T/admin.html"
grep -q '<option selected>vehicle-parts</option>' "$T/admin.html" \
    && ok "its edit form says what it counts" || bad "the admin page does not show a milestone of parts as one"
check "edited with of=vehicle-parts" 303 "$(code admin -d "csrf=$ta&name=Modules+out&due=2030-09-30&percent=90&scope=fleet:Blue&of=vehicle-parts" "$B/admin/milestones/edit")"
check "edited without of" 303 "$(code admin -d "csrf=$ta&name=Modules+out&due=2030-10-31&percent=80&scope=fleet:Blue" "$B/admin/milestones/edit")"
check "still a milestone of parts" "vehicle-parts|2030-10-31|fleet" \
    "$(sql "SELECT subject || '|' || due || '|' || scope_kind FROM milestones WHERE name = 'Modules out'")"
check "a fleet scope on a device milestone: 400" 400 "$(code admin -d "csrf=$ta&name=Wrong&due=2030-06-30&percent=50&scope=fleet:Blue&of=devices" "$B/admin/milestones/add")"
check "admin removes it" 303 "$(code admin -d "csrf=$ta&name=Modules+out" "$B/admin/milestones/remove")"

# --- sites ---
check "admin adds a site" 303 "$(code admin -d "csrf=$ta&name=Quay+Street&department=Dept+X&tier=official&networks=198.18.77.0/24" "$B/admin/sites/add")"
check "the site is in the register" "Dept X|official" "$(sql "SELECT department || '|' || tier FROM sites WHERE name = 'Quay Street'")"
check "a bad network: 400" 400 "$(code admin -d "csrf=$ta&name=Bad+Site&department=D&tier=public&networks=300.1.1.1/8" "$B/admin/sites/add")"
check "a bad tier: 400" 400 "$(code admin -d "csrf=$ta&name=Bad+Site&department=D&tier=secret" "$B/admin/sites/add")"
check "the same name again: 409" 409 "$(code admin -d "csrf=$ta&name=Quay+Street&department=D&tier=public" "$B/admin/sites/add")"

# --- accounts ---
check "admin adds an account" 303 "$(code admin -d "csrf=$ta&name=newbie&password=$(printf '%s' "$PW" | sed 's/ /+/g')" "$B/admin/users/add")"
check "a short password: 400" 400 "$(code admin -d "csrf=$ta&name=shorty&password=short" "$B/admin/users/add")"
check "a bad name: 400" 400 "$(code admin -d "csrf=$ta&name=bad+name&password=$(printf '%s' "$PW" | sed 's/ /+/g')" "$B/admin/users/add")"
check "admin grants it viewer of site A" 303 "$(code admin -d "csrf=$ta&name=newbie&grant=viewer:site:$(printf '%s' "$SITE_A" | sed 's/ /+/g')" "$B/admin/users/grant")"
check "newbie signs in" 303 "$(login newbie)"
check "newbie reads site A's devices only" 404 "$(code newbie "$B/devices/$(dev_at "$SITE_B" confirmed)")"
check "a grant not held cannot be revoked: 404" 404 "$(code admin -d "csrf=$ta&name=newbie&grant=auditor" "$B/admin/users/revoke")"
check "admin disables it" 303 "$(code admin -d "csrf=$ta&name=newbie" "$B/admin/users/disable")"
check "its session ends" 303 "$(code newbie "$B/")"
check "admin cannot disable itself" 409 "$(code admin -d "csrf=$ta&name=admin" "$B/admin/users/disable")"
check "account changes audited as admin" "user.add user.grant user.disable" \
    "$(sql "SELECT action FROM audit_log WHERE actor = 'admin' AND object = 'user:newbie' ORDER BY seq" | tr '\n' ' ' | sed 's/ $//')"
c admin "$B/api/v1/admin" >"$T/admin.json"
python3 -c 'import json,sys; u={x["name"]: x for x in json.load(open(sys.argv[1]))["users"]}; sys.exit(0 if u["newbie"]["disabled"] and u["newbie"]["grants"] else 1)' "$T/admin.json" \
    && ok "API: accounts with their grants and state" || bad "API admin"

# --- monitor alerts: newest first, per site, only readable sites ---
DA=$(dev_at "$SITE_A" confirmed)
DB=$(dev_at "$SITE_B" confirmed)
sql "INSERT INTO alerts (first_at, last_at, signature_id, signature, severity, device_id, src, dest)
     VALUES ('2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z', 9000001, 'SIGHTLINE prohibited device seen', 2, $DA, '198.18.1.2', '198.18.0.1'),
            ('2026-11-02T10:00:00Z', '2026-11-02T10:00:00Z', 9000002, 'SIGHTLINE removed device back', 1, $DB, '198.18.2.2', '198.18.0.1'),
            ('2026-11-03T10:00:00Z', '2026-11-03T10:00:00Z', 9000007, 'SIGHTLINE unregistered camera-like device', 3, NULL, '198.18.3.3', '198.18.0.1')" >/dev/null
check "viewer (all sites): every alert, newest first" "9000007 9000002 9000001" \
    "$(c viewer "$B/api/v1/alerts" | python3 -c 'import json,sys; print(" ".join(str(a["signature_id"]) for a in json.load(sys.stdin)["alerts"]))')"
check "editA: its site's alert only" "9000001" \
    "$(c editA "$B/api/v1/alerts" | python3 -c 'import json,sys; print(" ".join(str(a["signature_id"]) for a in json.load(sys.stdin)["alerts"]))')"
check "one site: ?site=" "9000002" \
    "$(c viewer "$B/api/v1/alerts?site=$(printf '%s' "$SITE_B" | sed 's/ /+/g')" | python3 -c 'import json,sys; print(" ".join(str(a["signature_id"]) for a in json.load(sys.stdin)["alerts"]))')"
check "the alerts page" 200 "$(code viewer "$B/alerts")"
has "$T/answer" "SIGHTLINE removed device back"

# --- exports: the report's own writers ---
"$SL" report --format json >"$T/report.json"
check "JSON export" 200 "$(c viewer -D "$T/h" -o "$T/export.json" -w '%{http_code}' "$B/export?format=json")"
has "$T/h" 'Content-Disposition: attachment; filename="sightline-report-'
python3 - "$T/export.json" "$T/report.json" <<'PY' && ok "the JSON export's figures equal report --format json" || bad "JSON export differs"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if a["totals"] == b["totals"] and a["by_site"] == b["by_site"] and a["milestones"] == b["milestones"] else 1)
PY
check "CSV export" 200 "$(c viewer -D "$T/h" -o "$T/export.csv" -w '%{http_code}' "$B/export?format=csv")"
has "$T/h" "Content-Type: text/csv"
check "HTML export" 200 "$(c viewer -o "$T/export.html" -w '%{http_code}' "$B/export?format=html")"
has "$T/export.html" 'data-figure="by_tier.0.name"'
check "editA's export is its site's" "site" "$(c editA "$B/export?format=json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["scope"]["kind"])')"
check "editA cannot export another scope: 403" 403 "$(code editA "$B/export?format=json&scope=all")"
check "a bad format: 400" 400 "$(code viewer "$B/export?format=pdf")"
finish
