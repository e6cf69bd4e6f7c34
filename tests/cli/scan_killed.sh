#!/bin/sh
# A scan killed with SIGKILL leaves its record 'running'; the next command
# that opens the register for writing, or db verify, marks it incomplete
# (issue 11, item 19). Scans only this test's own loopback.
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE dir=$T
[ -n "${SIGHTLINE_PG_DIR:-}" ] || need_tool sqlite3
killed_scan() { # a slow scan of this namespace's loopback, killed mid-way
    "$SL" scan 127.0.0.0/20 --ports 80 --rate 50 --timeout 200 --quiet > /dev/null 2>&1 &
    pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        [ "$(sql "SELECT count(*) FROM scans WHERE status = 'running'" 2>/dev/null)" = 1 ] && break
        sleep 0.25
    done
    sleep 0.5
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
}
killed_scan
check "the killed scan is left running" running "$(sql "SELECT status FROM scans ORDER BY id DESC LIMIT 1")"
expect 0 "db verify" "$SL" db verify
has "$dir/err" "1 scan left running by a process that is gone" "db verify says so"
check "db verify marked it incomplete" incomplete "$(sql "SELECT status FROM scans ORDER BY id DESC LIMIT 1")"
check "and audited it" 1 "$(sql "SELECT count(*) FROM audit_log WHERE action = 'scan.interrupted'")"
killed_scan
check "a second killed scan is left running" running "$(sql "SELECT status FROM scans ORDER BY id DESC LIMIT 1")"
expect 0 "the next write command" "$SL" sites add After --department D --tier public --network 198.18.93.0/24
check "marked it incomplete on opening" incomplete "$(sql "SELECT status FROM scans ORDER BY id DESC LIMIT 1")"
finish
