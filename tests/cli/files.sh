#!/bin/sh
# Files and the register (issue 11): every file is written through a mkstemp
# temporary renamed into place (a planted link at the old predictable name is
# never followed), the register and reports are 0600 (0640 with
# [files] group_readable), read-only commands never create or migrate a
# register, a database of something else is refused, and a full disk is named.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE dir=$T
need_tool sqlite3
mode() { stat -c %a "$1"; }

# --- modes (item 16) ---
expect 0 "a new register" "$SL" sites add Modes --department D --tier public --network 198.18.90.0/24
check "the register is 0600" 600 "$(mode "$SIGHTLINE_DB")"
expect 0 "a report" "$SL" report --format md -o "$dir/r.md"
check "a report is 0600" 600 "$(mode "$dir/r.md")"
SIGHTLINE_GROUP_READABLE=yes expect 0 "a register with group reading" \
    "$SL" sites add G --department D --tier public --network 198.18.91.0/24 --db "$dir/g.db"
check "group_readable: the register is 0640" 640 "$(mode "$dir/g.db")"
SIGHTLINE_GROUP_READABLE=yes expect 0 "a report with group reading" "$SL" report -o "$dir/g.md"
check "group_readable: a report is 0640" 640 "$(mode "$dir/g.md")"

# --- no predictable temporary name (item 15) ---
# The old writer used OUT.tmp.PID through fopen: a link planted there made the
# report overwrite whatever it pointed at. exec keeps the shell's PID.
echo "precious" > "$dir/victim"
sh -c 'ln -s "$1/victim" "$1/out.md.tmp.$$" && exec "$2" report --format md -o "$1/out.md"' \
    sh "$dir" "$SL" > "$dir/out" 2> "$dir/err" || bad "report beside a planted link"
check "the planted link's target is untouched" precious "$(cat "$dir/victim")"
has "$dir/out.md" "# Removal programme" "the report is where it was asked for"
ln -s "$dir/victim" "$dir/link.jsonl"
expect 2 "a stream file that is a link is refused (before any probe)" "$SL" scan 127.0.0.1 \
    --ports 9 --timeout 100 --jsonl "$dir/link.jsonl"
check "the link's target is untouched" precious "$(cat "$dir/victim")"

# --- read-only commands never create or migrate; foreign databases refused (item 17) ---
expect 2 "devices list on a mistyped path" "$SL" devices list --db "$dir/typo.db"
[ -e "$dir/typo.db" ] && bad "a read-only command created $dir/typo.db" || ok "no register created"
has "$dir/err" "no register at" "the error says there is none"
sqlite3 "$dir/foreign.sqlite" "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)"
expect 2 "devices list on someone else's database" "$SL" devices list --db "$dir/foreign.sqlite"
has "$dir/err" "not a sightline register" "the refusal says why"
expect 2 "a write command on it too" "$SL" sites add X --department D --tier public \
    --network 198.18.92.0/24 --db "$dir/foreign.sqlite"
check "its tables are its own" orders "$(sqlite3 "$dir/foreign.sqlite" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'")"

# --- a full disk names the path and the reason (item 19) ---
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    "$SL" demo seed --db "$dir/demo.db" > /dev/null || bad "demo seed"
    mkdir "$dir/small"
    unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs "$1/small" &&
        "$2" report --format html --db "$1/demo.db" -o "$1/small/r.html"; echo $? > "$1/full.rc"' \
        sh "$dir" "$SL" > /dev/null 2> "$dir/full.err"
    check "a full disk is a runtime failure" 3 "$(cat "$dir/full.rc")"
    has "$dir/full.err" "cannot write $dir/small/r.html: No space left on device" "path and errno named"
else
    echo "skip: the full-disk check needs root and a mount namespace"
fi
finish
