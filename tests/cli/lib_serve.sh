# lib_serve.sh - what the dashboard's tests share (sourced after lib.sh, in a
# network namespace of the test's own): a demo register with a hostile device
# model, one account per role, a server, and curl as each account.
#
#   serve_setup            the register and the accounts (password $PW)
#   serve_start NAME ARGS  starts `sightline serve ARGS` (stdout $T/NAME.out),
#                          waits for its URL line, stops it at exit
#   c USER CURL-ARGS...    curl as USER (cookie jar $T/USER.jar, the server's
#                          certificate trusted), the base URL in $B
#   login USER [PASSWORD]  signs USER in through the form; prints the status
#   csrf USER              the session's CSRF token (from /api/v1/me)
#   dev_at SITE STATUS     the id of a device of SITE in STATUS
#   agents_lab NAMES...    the agents tests' opening: the lab and tools they
#                          need, $LAB, a lab state dir, the labs NAMES taken
#                          down at exit, count TABLE
#   agents_sites NET_A NET_B  "Site A" (sensitive) and "Site B" (official)
# On PostgreSQL (SIGHTLINE_PG_DIR, ctest label postgres) the server runs as the
# cluster's user, the only one that may reach its socket, connecting with the
# role of the user running the test ($SERVE_USER says which).
SL=${SIGHTLINE:?}
SERVE_USER=nobody
[ -n "${SIGHTLINE_PG_DIR:-}" ] && SERVE_USER=postgres
PW='correct horse battery staple'
SITE_A="Elm Park Laboratory"
SITE_B="Northgate House"
HOSTILE='<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">'

serve_setup() {
    chmod 755 "$T"
    "$SL" demo seed --seed 7 >/dev/null || die "demo seed"
    HOSTILE_ID=$(dev_at "$SITE_A" confirmed)
    # A device whose model came from a hostile answer (the claim's model).
    q=$(printf '%s' "$HOSTILE" | sed "s/'/''/g")
    if [ -n "${SIGHTLINE_PG_DIR:-}" ]; then
        sql "UPDATE devices SET model = '$q', claim = jsonb_set(claim, '{model}', to_jsonb('$q'::text))
             WHERE id = $HOSTILE_ID" >/dev/null || die "hostile model"
    else
        sql "UPDATE devices SET model = '$q', claim = json_set(claim, '\$.model', '$q')
             WHERE id = $HOSTILE_ID" || die "hostile model"
    fi
    add_user admin --grant programme-admin
    add_user viewer --grant viewer
    add_user auditor --grant auditor
    add_user editA --grant "site-editor:site:$SITE_A"
    add_user editB --grant "site-editor:site:$SITE_B"
    add_user approver --grant approver
    add_user lockme --grant viewer
    add_user both --grant site-editor --grant approver
    # The server runs as $SERVE_USER: the register and its directory must be its.
    chown -R "$SERVE_USER" "$T"
}

add_user() { # NAME USERS-ADD-ARGS...
    _n=$1
    shift
    printf '%s\n' "$PW" | "$SL" users add "$_n" "$@" >/dev/null || die "users add $_n"
}

serve_start() { # NAME ARGS...
    _name=$1
    shift
    : >"$T/$_name.out" # before the start: wait_for must not find it missing
    _db=$SIGHTLINE_DB
    [ -n "${SIGHTLINE_PG_DIR:-}" ] && _db="$SIGHTLINE_DB user=$(id -un)"
    SIGHTLINE_DB=$_db "$SL" serve --user "$SERVE_USER" --tls-dir "$T" "$@" >"$T/$_name.out" 2>"$T/$_name.err" &
    _pid=$!
    on_exit "kill $_pid 2>/dev/null"
    wait_for "$T/$_name.out" "dashboard at" || { cat "$T/$_name.err"; die "serve $_name did not start"; }
    eval "PID_$_name=$_pid"
}

B=https://127.0.0.1:8443
c() { # USER CURL-ARGS...
    _u=$1
    shift
    curl -s --cacert "$T/dashboard-cert.pem" -b "$T/$_u.jar" -c "$T/$_u.jar" "$@"
}

login() { # USER [PASSWORD]
    c "$1" -o "$T/login.html" "$B/login"
    _tok=$(grep -o 'name="csrf" value="[0-9a-f]*' "$T/login.html" | cut -d'"' -f4)
    c "$1" -o "$T/login-answer.html" -w '%{http_code}' --data-urlencode "csrf=$_tok" \
        --data-urlencode "name=$1" --data-urlencode "password=${2:-$PW}" "$B/login"
}

csrf() { # USER
    c "$1" "$B/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])'
}

dev_at() { # SITE STATUS
    sql "SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id
         WHERE s.name = '$1' AND d.status = '$2' ORDER BY d.id LIMIT 1"
}

agents_lab() {
    need_lab
    need_tool curl openssl python3
    LAB=$SIGHTLINE_LAB
    export SIGHTLINE_LAB_STATE="$T/labstate"
    mkdir -p "$SIGHTLINE_LAB_STATE"
    for _lab in "$@"; do
        on_exit "\"\$LAB\" down --name $_lab >/dev/null 2>&1"
    done
}

agents_sites() {
    "$SL" sites add "Site A" --department D --tier sensitive --network "$1" >/dev/null || die "site A"
    "$SL" sites add "Site B" --department D --tier official --network "$2" >/dev/null || die "site B"
}

count() { sql "SELECT count(*) FROM $1"; }

resign() { # IN KEY UID OUT: the header's agent set to UID, signed with KEY
    python3 - "$1" "$3" >"$4.body" <<'PY'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-2]
h = json.loads(lines[0]); h["agent"] = sys.argv[2]
import uuid; h["batch"] = str(uuid.uuid4())
sys.stdout.write(json.dumps(h, separators=(",", ":"), sort_keys=True) + "\n")
sys.stdout.flush()
sys.stdout.buffer.write(b"\n".join(lines[1:]) + b"\n")
PY
    sig=$(openssl dgst -sha256 -sign "$2" "$4.body" | base64 -w0)
    { cat "$4.body"; printf '{"alg":"ecdsa-p256-sha256","sig":"%s","type":"signature"}\n' "$sig"; } >"$4"
}
