#!/bin/sh
# The configuration file (sightline.conf(5)) from the command line's side:
# config show says what is in force and where it came from; the file gives
# defaults that the environment and the command line override; a bad file
# names file, line and key and stops commands (but not help, --version,
# config); --config and $SIGHTLINE_CONFIG choose the file.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
unset SIGHTLINE_DB
c="$T/s.conf"
printf '# test\n[register]\nlocation = %s\n\n[scan]\nrate = 700\nexclude = %s\n[monitor]\njsonl = %s\n' \
    "$T/from-file.db" "$T/keep-out.txt" "$T/file-alerts.jsonl" >"$c"
echo 127.0.0.2 >"$T/keep-out.txt"

expect_rc 0 "$S" --config "$c" config show
grep -q "^register.location  *$T/from-file.db  *$c:3$" "$T/out" && ok "location from $c:3" ||
    { bad "config show: location"; cat "$T/out"; }
grep -q "^scan.rate  *700  *$c:6$" "$T/out" && ok "scan.rate from $c:6" || bad "config show: rate"
grep -q "^scan.profile  *cameras  *built in$" "$T/out" && ok "unset keys are built in" ||
    bad "config show: profile"
expect_rc 0 env SIGHTLINE_DB="$T/env.db" SIGHTLINE_CONFIG="$c" "$S" config show --data-dir "$T"
grep -q "^register.location  *$T/env.db  *environment (\$SIGHTLINE_DB)$" "$T/out" &&
    ok "the environment beats the file" || bad "config show: env"
grep -q "^data.dir  *$T  *command line (--data-dir)$" "$T/out" && ok "--data-dir after the command" ||
    bad "config show: --data-dir"
expect_rc 0 env SIGHTLINE_CONFIG="$c" "$S" config show --json
python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
s = {(x['section'], x['key']): x for x in j['settings']}
assert j['file'] == sys.argv[2] and j['file_present'], j
assert s[('scan', 'rate')]['value'] == '700' and s[('scan', 'rate')]['origin'] == 'file'
" "$T/out" "$c" && ok "config show --json" || bad "config show --json"

# The register location from the file, and the command line's --db over it.
expect_rc 0 "$S" --config "$c" sites add A --department D --tier public
[ -f "$T/from-file.db" ] && ok "sites add wrote the file's register" || bad "no $T/from-file.db"
expect_rc 0 "$S" sites list --names --config "$c" && has "$T/out" "A"
expect_rc 0 "$S" --config "$c" sites list --names --db "$T/other.db"
[ -s "$T/out" ] && bad "--db did not override the file" || ok "--db overrides the file"

# A scan default (exclusions) from the file; loopback only, in a namespace of its own.
if unshare --net true 2>/dev/null; then
    unshare --net "$S" --config "$c" scan 127.0.0.2-127.0.0.3 --ports 9 --quiet --db "$T/s.db" \
        >"$T/scan.out" 2>&1
    has "$T/scan.out" "scanning 2 addresses (1 excluded)"
    has "$T/scan.out" "rate 700/s"
    unshare --net "$S" --config "$c" scan 127.0.0.2-127.0.0.3 --ports 9 --quiet --db "$T/s.db" \
        --rate 50 --exclude /dev/null >"$T/scan.out" 2>&1
    has "$T/scan.out" "scanning 2 addresses (0 excluded): 2 probes"
    has "$T/scan.out" "rate 50/s"
fi

# A monitor default (where alerts go) and the command line over it.
pcap="$SL_SOURCE_DIR/tests/monitor/cloud.pcap"
expect_rc 0 "$S" --config "$c" monitor --read "$pcap"
grep -q '"event_type":"alert"' "$T/file-alerts.jsonl" && ok "[monitor] jsonl from the file" ||
    bad "alerts not in the file's jsonl"
rm -f "$T/file-alerts.jsonl"
expect_rc 0 "$S" --config "$c" monitor --read "$pcap" --jsonl -
grep -q '"event_type":"alert"' "$T/out" && ! [ -e "$T/file-alerts.jsonl" ] &&
    ok "--jsonl - on the command line wins" || bad "--jsonl did not override the file"

# Errors name file, line and key; they stop commands but not help or config.
printf '[scan]\nrate = 1\n\n[monitor]\nspeed = 3\n' >"$T/bad.conf"
expect_rc 2 "$S" --config "$T/bad.conf" sites list &&
    has "$T/err" "$T/bad.conf:5: unknown key 'speed' in section [monitor]"
expect_rc 2 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" sites list
expect_rc 0 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" --version
expect_rc 0 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" help scan
expect_rc 2 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" config show &&
    has "$T/out" "(not used: it is invalid)" && has "$T/err" "bad.conf:5"
expect_rc 2 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" config check && has "$T/err" "bad.conf:5"
expect_rc 0 env SIGHTLINE_CONFIG="$T/bad.conf" "$S" config check "$c" && has "$T/out" "valid"
expect_rc 2 "$S" --config "$T/missing.conf" sites list && has "$T/err" "missing.conf"
expect_rc 2 "$S" sites list --config && has "$T/err" "--config needs a value"
finish
