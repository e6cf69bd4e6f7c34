# lib.sh - helpers for the script tests (sourced, not run).
# Every test gets a fresh directory and a register of its own.
set -u
: "${SIGHTLINE:?SIGHTLINE must name the sightline binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
export SIGHTLINE_DB="$T/reg.db" SIGHTLINE_ACTOR=tester
# Under ctest label postgres (scripts/pg-cluster run) the register is a fresh
# database of the private cluster instead of a file.
if [ -n "${SIGHTLINE_PG_DIR:-}" ]; then
    SIGHTLINE_DB=$(sh "${SL_SOURCE_DIR:?}/scripts/pg-cluster" createdb "$SIGHTLINE_PG_DIR" "t$$") || exit 3
    export SIGHTLINE_DB
fi
# sql QUERY: raw SQL on the register, whichever backend it is on.
sql() {
    if [ -n "${SIGHTLINE_PG_DIR:-}" ]; then psql -XAtq -d "$SIGHTLINE_DB" -c "$1"
    else sqlite3 "$SIGHTLINE_DB" "$1"; fi
}
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# expect_rc WANT CMD... : runs CMD, keeps stdout in $T/out and stderr in $T/err.
expect_rc() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, wanted $want: $*"
        sed 's/^/  stdout: /' "$T/out" | head -5
        sed 's/^/  stderr: /' "$T/err" | head -5
        return 1
    fi
    return 0
}

# expect_in FILE TEXT : FILE contains TEXT (fixed string).
expect_in() {
    if grep -qF -- "$2" "$1"; then pass "$(basename "$1") has '$2'"; else
        fail "$(basename "$1") lacks '$2'"; sed 's/^/  | /' "$1" | head -10; fi
}

finish() {
    if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
    echo "all passed"; exit 0
}
