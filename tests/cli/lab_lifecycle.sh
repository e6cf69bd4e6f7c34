#!/bin/sh
# sightline-lab: determinism, usage errors, SIGTERM/SIGINT shutdown of a
# foreground lab, port collisions reported clearly, --isolate + exec.
[ -n "${SIGHTLINE_LAB:-}" ] || { echo "skip: sightline-lab is not built"; exit 77; }
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
L=$SIGHTLINE_LAB
export SIGHTLINE_LAB_STATE=$T/state
iso="iso$$" # the isolated lab's name: namespace names are machine-wide
on_exit 'for n in a b c "$iso"; do $L down --name $n >/dev/null 2>&1; done'

# usage errors: exit 2 and a hint
$L up --devices 0 2>"$T/e"; [ $? -eq 2 ] && grep -q "Try 'sightline-lab up --help'" "$T/e" || die "usage error"
$L up --mix nosuch=1 2>"$T/e"; [ $? -eq 2 ] && grep -q "no profile named 'nosuch'" "$T/e" || die "bad mix"
$L up --range 10.0.0.0/16 2>"$T/e"; [ $? -eq 2 ] || die "non-loopback range accepted"
$L up --help | grep -q -- "--devices N" || die "help"

# determinism: same seed, same truth; other seed, other truth
$L up --name a --devices 200 --seed 42 --truth "$T/t1" -q || die "up a"
$L down --name a >/dev/null
$L up --name a --devices 200 --seed 42 --truth "$T/t2" -q || die "up a again"
cmp -s "$T/t1" "$T/t2" || die "same seed gave another truth"
# a second lab on the same ports says so clearly
$L up --name b --devices 5 2>"$T/e"; [ $? -eq 3 ] && grep -q "already taken" "$T/e" || die "collision: $(cat "$T/e")"
[ ! -e "$T/state/b/pid" ] || die "failed lab left a pid file"
$L down --name a >/dev/null
$L up --name a --devices 200 --seed 43 --truth "$T/t3" -q || die "up seed 43"
cmp -s "$T/t1" "$T/t3" && die "another seed gave the same truth"
$L down --name a >/dev/null

# foreground + SIGTERM / SIGINT: clean exit, state removed
for sig in TERM INT; do
    # One output file per run: the shell truncates a reused file only when the
    # background child starts, so the wait could read the previous run's line.
    fg="$T/fg.$sig"
    $L up --name c --devices 20 --foreground >"$fg" 2>&1 &
    pid=$!
    i=0; while [ $i -lt 300 ] && ! grep -q " up: " "$fg" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
    $L status --name c >/dev/null || { kill $pid 2>/dev/null; die "foreground lab not running: $(cat "$fg")"; }
    kill -$sig $pid; wait $pid; rc=$?
    [ $rc -eq 0 ] || die "SIG$sig exit $rc"
    [ ! -e "$T/state/c" ] || die "SIG$sig left the state dir"
done

# --isolate: the lab gets a namespace of its own; exec reaches it
if $L up --name "$iso" --devices 10 --seed 5 --isolate -q --truth "$T/iso.truth" 2>"$T/e"; then
    ip netns list | grep -q "^$iso\b" || die "no namespace '$iso'"
    # exec runs inside the lab's namespace: a web device of the lab answers
    # there, and the same address is refused outside it
    web=$(grep '"ports":\[80[],]' "$T/iso.truth" | head -1 | sed 's/.*"address":"\([^"]*\)".*/\1/')
    [ -n "$web" ] || die "no device with port 80 in the isolated lab's truth"
    $L exec --name "$iso" -- "$L" probe "$web" 80 --timeout 1000 --status \
        --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >"$T/body"
    grep -Eq "status: eof bytes=[1-9]" "$T/st" || die "exec probe: $(cat "$T/st")"
    grep -q "^HTTP/1" "$T/body" || die "exec probe got no HTTP answer: $(head -c 200 "$T/body")"
    $L probe "$web" 80 --timeout 300 --status 2>"$T/st" >/dev/null
    grep -q "status: refused" "$T/st" || die "the isolated lab answers outside its namespace: $(cat "$T/st")"
    $L exec --name "$iso" -- sh -c 'echo "$SIGHTLINE_LAB_NAME"' | grep -q "^$iso\$" || die "exec env"
    $L down --name "$iso" >/dev/null
    ip netns list | grep -q "^$iso\b" && die "namespace '$iso' left behind"
else
    echo "note: --isolate not tested: $(cat "$T/e")"
fi
ok "lab lifecycle"
finish
