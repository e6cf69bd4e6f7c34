# lib_live.sh - for tests that capture live (sourced first, before lib.sh):
# re-runs the test as root inside a network namespace of its own (unshare
# --net: nothing outside can see what it sends), or skips it (exit 77) when
# that cannot be done; then brings lo up. Offers:
#   live_veth A B     a veth pair A <-> B in that namespace, up, no IPv6
#   inject PCAP IFACE sends every frame of PCAP out of IFACE (AF_PACKET) and
#                     prints how many
#   pcap_frames PCAP  prints how many frames PCAP holds
set -u
if [ -z "${SL_LIVE_INNER:-}" ]; then
    if [ "$(id -u)" -ne 0 ]; then echo "skipped: live capture needs root"; exit 77; fi
    for tool in unshare ip python3; do
        command -v $tool >/dev/null 2>&1 || { echo "skipped: needs $tool"; exit 77; }
    done
    if ! unshare --net true 2>/dev/null; then
        echo "skipped: cannot create a network namespace here"; exit 77
    fi
    SL_LIVE_INNER=1 exec unshare --net sh "$0" "$@"
fi
ip link set lo up

live_veth() {
    ip link add "$1" type veth peer name "$2" || { echo "skipped: no veth support"; exit 77; }
    for l in "$1" "$2"; do
        sysctl -qw "net.ipv6.conf.$l.disable_ipv6=1" 2>/dev/null || true
        ip link set "$l" up
    done
}

inject() {
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

pcap_frames() {
    python3 -c "
import struct, sys; d = open(sys.argv[1], 'rb').read(); o, n = 24, 0
while o + 16 <= len(d): o += 16 + struct.unpack('<IIII', d[o:o + 16])[2]; n += 1
print(n)" "$1"
}
