#!/bin/sh
# sightline-lab: determinism, usage errors, SIGTERM/SIGINT shutdown of a
# foreground lab, port collisions reported clearly, --isolate + exec.
set -u
[ -n "${SIGHTLINE_LAB:-}" ] || { echo "SIGHTLINE_LAB not set: lab not built"; exit 77; }
if [ -z "${SL_LAB_INNER:-}" ]; then
    unshare --net true 2>/dev/null || { echo "skip: cannot make a network namespace (needs root)"; exit 77; }
    SL_LAB_INNER=1 exec unshare --net sh -c 'ip link set lo up && exec sh "$0"' "$0"
fi
L=$SIGHTLINE_LAB
T=$(mktemp -d "${TMPDIR:-/tmp}/lab_life.XXXXXX")
export SIGHTLINE_LAB_STATE=$T/state
iso="iso$$" # the isolated lab's name: namespace names are machine-wide
fail() { echo "FAIL: $*"; for n in a b c "$iso"; do $L down --name $n >/dev/null 2>&1; done; exit 1; }

# usage errors: exit 2 and a hint
$L up --devices 0 2>"$T/e"; [ $? -eq 2 ] && grep -q "Try 'sightline-lab up --help'" "$T/e" || fail "usage error"
$L up --mix nosuch=1 2>"$T/e"; [ $? -eq 2 ] && grep -q "no profile named 'nosuch'" "$T/e" || fail "bad mix"
$L up --range 10.0.0.0/16 2>"$T/e"; [ $? -eq 2 ] || fail "non-loopback range accepted"
$L up --help | grep -q -- "--devices N" || fail "help"

# determinism: same seed, same truth; other seed, other truth
$L up --name a --devices 200 --seed 42 --truth "$T/t1" -q || fail "up a"
$L down --name a >/dev/null
$L up --name a --devices 200 --seed 42 --truth "$T/t2" -q || fail "up a again"
cmp -s "$T/t1" "$T/t2" || fail "same seed gave another truth"
# a second lab on the same ports says so clearly
$L up --name b --devices 5 2>"$T/e"; [ $? -eq 3 ] && grep -q "already taken" "$T/e" || fail "collision: $(cat "$T/e")"
[ ! -e "$T/state/b/pid" ] || fail "failed lab left a pid file"
$L down --name a >/dev/null
$L up --name a --devices 200 --seed 43 --truth "$T/t3" -q || fail "up seed 43"
cmp -s "$T/t1" "$T/t3" && fail "another seed gave the same truth"
$L down --name a >/dev/null

# foreground + SIGTERM / SIGINT: clean exit, state removed
for sig in TERM INT; do
    # One output file per run: the shell truncates a reused file only when the
    # background child starts, so the wait could read the previous run's line.
    fg="$T/fg.$sig"
    $L up --name c --devices 20 --foreground >"$fg" 2>&1 &
    pid=$!
    i=0; while [ $i -lt 300 ] && ! grep -q " up: " "$fg" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
    $L status --name c >/dev/null || { kill $pid 2>/dev/null; fail "foreground lab not running: $(cat "$fg")"; }
    kill -$sig $pid; wait $pid; rc=$?
    [ $rc -eq 0 ] || fail "SIG$sig exit $rc"
    [ ! -e "$T/state/c" ] || fail "SIG$sig left the state dir"
done

# --isolate: the lab gets a namespace of its own; exec reaches it
if $L up --name "$iso" --devices 10 --isolate -q 2>"$T/e"; then
    ip netns list | grep -q "^$iso\b" || fail "no namespace '$iso'"
    $L exec --name "$iso" -- "$L" probe 127.18.1.1 22 --timeout 300 --status 2>"$T/st" >/dev/null
    $L exec --name "$iso" -- sh -c 'echo "$SIGHTLINE_LAB_NAME"' | grep -q "^$iso\$" || fail "exec env"
    $L down --name "$iso" >/dev/null
    ip netns list | grep -q "^$iso\b" && fail "namespace '$iso' left behind"
else
    echo "note: --isolate not tested: $(cat "$T/e")"
fi
rm -rf "$T"
echo "lab lifecycle: ok"
