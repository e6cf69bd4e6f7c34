#!/bin/sh
# openapi.sh - docs/openapi.json against the API's real routes, both ways: the
# route table read from the router's source (tests/cli/openapi_routes.py) must
# be exactly the documented (method, path) pairs, and a running server answers
# every documented route through its router (never its "no such endpoint").
# The checker itself is shown to catch a route missing from the document and
# a documented route that does not exist.
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_serve.sh"
need_tool curl python3

R="$SL_SOURCE_DIR/tests/cli/openapi_routes.py"
if python3 "$R" "$SL_SOURCE_DIR" "$T/routes" >"$T/cmp"; then ok "$(cat "$T/cmp")"; else bad "docs/openapi.json and the routes differ"; cat "$T/cmp"; fi

# The checker catches both kinds of difference (a mirror of the source with a changed document).
mirror() { # PYTHON-EXPR-ON-doc
    rm -rf "$T/m" && mkdir -p "$T/m/src/web" "$T/m/docs"
    cp "$SL_SOURCE_DIR"/src/web/api.c "$SL_SOURCE_DIR"/src/web/actions.c "$SL_SOURCE_DIR"/src/web/admin.c \
        "$SL_SOURCE_DIR"/src/web/vehicle_actions.c "$T/m/src/web/"
    python3 -c "import json,sys; doc=json.load(open(sys.argv[1])); $1; json.dump(doc, open(sys.argv[2], 'w'))" \
        "$SL_SOURCE_DIR/docs/openapi.json" "$T/m/docs/openapi.json"
}
mirror 'del doc["paths"]["/alerts"]'
python3 "$R" "$T/m" >"$T/cmp2" && bad "a route missing from the document went unnoticed" || has "$T/cmp2" "GET /alerts is routed but not in docs/openapi.json"
mirror 'doc["paths"]["/devices/{id}/explode"] = doc["paths"]["/devices/{id}/confirm"]'
python3 "$R" "$T/m" >"$T/cmp3" && bad "a documented route that does not exist went unnoticed" || has "$T/cmp3" "POST /devices/{id}/explode is documented but not routed"

# Every documented route is answered by the running server's router.
serve_setup
serve_start main --listen 127.0.0.1:8443
check "admin signs in" 303 "$(login admin)"
tok=$(csrf admin)
dev=$(dev_at "$SITE_A" confirmed)
check "an undocumented path is the router's 404" 404 "$(c admin -o "$T/a" -w '%{http_code}' "$B/api/v1/nonesuch")"
has "$T/a" "no such endpoint"
grep -v '/logout$' "$T/routes" >"$T/probe"
grep '/logout$' "$T/routes" >>"$T/probe" # last: it ends the session
while read -r method path; do
    url="$B/api/v1$(printf '%s' "$path" | sed "s/{id}/$dev/")"
    if [ "$method" = GET ]; then
        st=$(c admin -o "$T/a" -w '%{http_code}' "$url")
    else
        st=$(c admin -o "$T/a" -w '%{http_code}' -H "X-CSRF-Token: $tok" -H 'Content-Type: application/json' -d '{}' "$url")
    fi
    if [ "$st" = 405 ] || { [ "$st" = 404 ] && grep -qiE 'no such (endpoint|action|page)' "$T/a"; }; then
        bad "$method $path: not routed ($st $(cat "$T/a"))"
    else
        ok "$method $path: routed ($st)"
    fi
done <"$T/probe"
finish
