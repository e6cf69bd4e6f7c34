# lib.sh - the one helper library of the script tests (sourced, never run).
#
#   T                     a fresh directory of the test's own, removed at exit
#   SIGHTLINE_DB          a register of the test's own ($T/reg.db)
#   ok MSG / bad MSG      a check passed / failed (the test goes on)
#   check DESC WANT GOT   passes when WANT and GOT are the same text
#   expect WANT DESC CMD... runs CMD (stdout in $T/out, stderr in $T/err) and
#                         checks its exit status; shows both when it is wrong
#   expect_rc WANT CMD... the same, silent when right (for `&& has ...` chains)
#   has FILE TEXT [DESC]  FILE holds TEXT (a fixed string); lacks: it does not
#   wait_for FILE TEXT [COUNT]   waits up to 90 s (a loaded ASan build starts slowly) until FILE has COUNT lines
#                         (default 1) holding TEXT
#   on_exit CMD           runs CMD at exit, before $T goes (lab down, kill ...)
#   die MSG               a failure the test cannot go on from: clean up, exit 1
#   skip MSG              nothing can be tested here (no root, no lab): exit 77
#   skip_rest MSG         the rest cannot run here: exit 1 if a check so far
#                         failed, else 77 (a partial run is not a pass)
#   need_root, need_lab, need_netns, need_tool TOOL...   skip unless there
#   live_veth A B         (in a namespace of its own) a veth pair, up, no IPv6
#   inject PCAP IFACE     sends every frame of PCAP out of IFACE (AF_PACKET),
#                         prints how many; pcap_frames PCAP: how many it holds
#   nmap_camera FILE ADDR...  writes nmap -oX output with a Hikvision camera (port 80,
#                         App-webs) at each ADDR, for 'sightline import'
#   finish                exit 1 when any check failed, else 0
# Checks print "ok: ..." or "FAIL: ..."; ctest shows the output of a failure.
# A script that must run in a network namespace of its own (loopback only, up)
# sets SL_OWN_NETNS=1 before sourcing this: it is run again inside one, or
# skipped when none can be made (no root).
set -u
if [ "${SL_OWN_NETNS:-}" = 1 ] && [ -z "${SL_NETNS_INNER:-}" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "skip: needs root (a network namespace of its own)"; exit 77; }
    unshare --net true 2>/dev/null || { echo "skip: cannot make a network namespace here"; exit 77; }
    SL_NETNS_INNER=1 exec unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$@"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-test.XXXXXX")
_sl_on_exit=""
_sl_failures=0
trap 'eval "$_sl_on_exit"; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
export SIGHTLINE_DB="$T/reg.db" SIGHTLINE_ACTOR=tester
# Tests may pin the clock with SIGHTLINE_NOW (util/timeutil.h: tests and the demo only).
export SIGHTLINE_TEST_CLOCK=1
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

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; _sl_failures=$((_sl_failures + 1)); }
die() { echo "FAIL: $*"; exit 1; }
skip() { echo "skip: $*"; exit 77; }
skip_rest() {
    [ "$_sl_failures" -eq 0 ] || { echo "$_sl_failures check(s) failed before: $*"; exit 1; }
    skip "$@"
}
on_exit() { _sl_on_exit="$*; $_sl_on_exit"; }

check() { # DESC WANT GOT
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (expected $2, got $3)"; fi
}

expect_rc() { # WANT CMD...
    _want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    _got=$?
    [ "$_got" -eq "$_want" ] && return 0
    bad "exit $_got, wanted $_want: $*"
    sed 's/^/  stdout: /' "$T/out" | head -10
    sed 's/^/  stderr: /' "$T/err" | head -10
    return 1
}

expect() { # WANT DESC CMD...
    _want=$1 _desc=$2; shift 2
    expect_rc "$_want" "$@" && ok "$_desc"
}

has() { # FILE TEXT [DESC]
    if grep -qF -- "$2" "$1" 2>/dev/null; then ok "${3:-$(basename "$1") has '$2'}"; return 0; fi
    bad "${3:-$(basename "$1") has '$2'}: '$2' not in $1"
    sed 's/^/  | /' "$1" 2>/dev/null | head -20
    return 1
}

lacks() { # FILE TEXT [DESC]
    if grep -qF -- "$2" "$1" 2>/dev/null; then
        bad "${3:-$(basename "$1") lacks '$2'}: '$2' is in $1"
        return 1
    fi
    ok "${3:-$(basename "$1") lacks '$2'}"
}

wait_for() { # FILE TEXT [COUNT] (a file not made yet holds no TEXT: keep waiting)
    _i=0
    while _n=$(grep -cF -- "$2" "$1" 2>/dev/null); [ "${_n:-0}" -lt "${3:-1}" ]; do
        _i=$((_i + 1))
        [ "$_i" -gt 900 ] && return 1
        sleep 0.1
    done
    return 0
}

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }
need_lab() { [ -n "${SIGHTLINE_LAB:-}" ] && [ -x "$SIGHTLINE_LAB" ] || skip "sightline-lab is not built"; }
need_tool() { for _t in "$@"; do command -v "$_t" >/dev/null 2>&1 || skip "needs $_t"; done; }
need_netns() { # network namespaces can be made here
    need_root
    need_tool ip unshare
    _ns="sl-probe-$$"
    ip netns add "$_ns" 2>/dev/null || skip "cannot create network namespaces here"
    ip netns del "$_ns"
}

live_veth() { # A B
    ip link add "$1" type veth peer name "$2" || skip "no veth support"
    for _l in "$1" "$2"; do
        sysctl -qw "net.ipv6.conf.$_l.disable_ipv6=1" 2>/dev/null || true
        ip link set "$_l" up
    done
}

inject() { # PCAP IFACE
    python3 - "$1" "$2" <<'PY'
import socket, struct, sys, time
data = open(sys.argv[1], 'rb').read()
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[2], 0))
off, n = 24, 0
while off + 16 <= len(data):
    incl = struct.unpack('<IIII', data[off:off + 16])[2]
    s.send(data[off + 16:off + 16 + incl])
    off += 16 + incl
    n += 1
    time.sleep(0.002)
print(n)
PY
}

pcap_frames() { # PCAP
    python3 -c "
import struct, sys; d = open(sys.argv[1], 'rb').read(); o, n = 24, 0
while o + 16 <= len(d): o += 16 + struct.unpack('<IIII', d[o:o + 16])[2]; n += 1
print(n)" "$1"
}

nmap_camera() { # FILE ADDR...
    _f=$1; shift
    { echo '<?xml version="1.0"?>'; echo '<nmaprun scanner="nmap">'
      for _a in "$@"; do
          echo "<host><status state=\"up\"/><address addr=\"$_a\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\"/><service name=\"http\" product=\"Hikvision IP camera httpd\"/><script id=\"http-server-header\" output=\"App-webs/\"/></port></ports></host>"
      done
      echo '</nmaprun>'; } > "$_f"
}

finish() {
    if [ "$_sl_failures" -ne 0 ]; then echo "$_sl_failures check(s) failed"; exit 1; fi
    echo "all passed"
    exit 0
}
