#!/bin/sh
# Live SocketCAN: `sightline can watch -i vcan0` in a network namespace of the
# test's own, with frames sent into vcan0 through a raw CAN socket (python3):
# the socket opens, every capability is then dropped, --user changes user, and
# the frames sent give the alerts reading the same frames from a log gives.
# Needs root, unshare, ip, python3 and a kernel with CAN and vcan (modprobe
# vcan can-raw); where the kernel has none, as on the project's build machines,
# it is skipped with a message (exit 77).
set -u
if [ -z "${SL_CAN_LIVE_INNER:-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then echo "skipped: live CAN needs root"; exit 77; fi
    for tool in unshare ip python3; do
        command -v $tool >/dev/null 2>&1 || { echo "skipped: needs $tool"; exit 77; }
    done
    if ! python3 -c 'import socket; socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)' 2>/dev/null; then
        modprobe can-raw 2>/dev/null; modprobe vcan 2>/dev/null
        if ! python3 -c 'import socket; socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)' 2>/dev/null; then
            echo "skipped: this kernel has no SocketCAN (AF_CAN raw sockets); the live path runs where can-raw and vcan exist"
            exit 77
        fi
    fi
    if ! unshare --net true 2>/dev/null; then echo "skipped: cannot create a network namespace"; exit 77; fi
    SL_CAN_LIVE_INNER=1 exec unshare --net sh "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
if ! ip link add dev vcan0 type vcan 2>/dev/null; then
    echo "skipped: no vcan support in this kernel (modprobe vcan)"; exit 77
fi
ip link set up vcan0

# a small clean bus: 0x100 every 10 ms with a counter, 0x200 every 100 ms
python3 - "$T/train.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        t = 1772442000 + i * 0.01
        f.write("(%.6f) vcan0 100#%02X55AA00\n" % (t, i % 16))
        if i % 10 == 0:
            f.write("(%.6f) vcan0 200#0102\n" % (t + 0.003))
PY
expect_rc 0 $S can learn --read "$T/train.log" -o "$T/b.json"

# send SENDER: the same bus live for 3 s, then an unknown id, a DLC change and
# a flood of 0x100 frames
send() {
    python3 - <<'PY'
import socket, struct, time
s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW)
s.bind(("vcan0",))
def tx(i, data):
    s.send(struct.pack("=IB3x8s", i, len(data), data.ljust(8, b"\0")))
for i in range(300):
    tx(0x100, bytes([i % 16, 0x55, 0xAA, 0x00]))
    if i % 10 == 0:
        tx(0x200, b"\x01\x02")
    time.sleep(0.01)
tx(0x7EF, b"\x11\x22")
tx(0x200, b"\x01\x02\x03")
for i in range(50):
    tx(0x100, bytes([i % 16, 0x55, 0xAA, 0x00]))
print("sent")
PY
}

run_live() { # $1: extra options
    rm -f "$T/live.jsonl" "$T/live.err"
    # shellcheck disable=SC2086
    $S can watch -b "$T/b.json" -i vcan0 --jsonl "$T/live.jsonl" --duration 8 $1 2>"$T/live.err" &
    pid=$!
    i=0
    while ! grep -q "dropped capabilities" "$T/live.err" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { bad "the socket did not open"; cat "$T/live.err"; break; }
        sleep 0.1
    done
}

run_live ""
has "$T/live.err" "watching vcan0 (classic and FD frames, error frames)"
caps=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
[ "$caps" = "0000000000000000" ] && ok "no capabilities left while watching" ||
    bad "effective capabilities after the drop: '$caps'"
send >/dev/null
wait $pid
has "$T/live.jsonl" '"can_id":"0x7EF","detector":"unknown_id"'
has "$T/live.jsonl" '"can_id":"0x200","detector":"dlc"'
has "$T/live.jsonl" '"can_id":"0x100","detector":"period"'
has "$T/live.jsonl" '"iface":"vcan0"'

if id nobody >/dev/null 2>&1; then
    run_live "--user nobody"
    has "$T/live.err" "now running as user nobody"
    uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
    [ "$uid" = "$(id -u nobody)" ] && ok "running as nobody" || bad "uid after --user: '$uid'"
    wait $pid
fi
finish
