#!/bin/sh
# Multicast discovery (--multicast IFACE) on a segment this test builds itself:
# a network namespace with a bridge (198.18.0.1/24), and a "device" namespace
# behind a veth (198.18.0.2) that answers WS-Discovery and SADP multicast probes
# and serves HTTP. Checks that the responder is found although it is not among
# the targets, that its replies carried our probe ids, that it was probed over
# TCP, that its MAC came from the neighbour table, and that an excluded
# responder is left alone. Root only; nothing leaves the test's namespaces.
. "$(dirname "$0")/lib.sh"
need_root
need_tool unshare nsenter python3
SL=$SIGHTLINE tmp=$T

cat > "$tmp/device.py" <<'PY'
import re, socket, struct, sys, threading, time
addr, log = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "mc"
delay = {"late": 1.5}.get(mode, 0)
def note(s):
    with open(log, "a") as f: f.write(s + "\n")
def udp(port, answer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton("239.255.255.250") + socket.inet_aton(addr))
    while True:
        data, peer = s.recvfrom(8192)
        note("udp %d %s" % (port, data[:60]))
        reply = answer(data.decode("utf-8", "replace"))
        if reply:
            if delay:
                threading.Timer(delay, s.sendto, (reply.encode(), peer)).start()
            else:
                s.sendto(reply.encode(), peer)
def wsd(req):
    m = re.search(r"<w:MessageID>(uuid:[^<]+)</w:MessageID>", req)
    return m and ('<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
                  'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
                  'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header>'
                  '<w:RelatesTo>%s</w:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch>'
                  '<d:Scopes>onvif://www.onvif.org/name/TestCam</d:Scopes>'
                  '<d:XAddrs>http://%s/onvif/device_service</d:XAddrs></d:ProbeMatch>'
                  '</d:ProbeMatches></e:Body></e:Envelope>' % (m.group(1), addr))
def sadp(req):
    m = re.search(r"<Uuid>([^<]+)</Uuid>", req)
    return m and ('<?xml version="1.0" encoding="utf-8"?><ProbeMatch><Uuid>%s</Uuid>'
                  '<Types>inquiry</Types><DeviceDescription>TEST-CAM</DeviceDescription>'
                  '<IPv4Address>%s</IPv4Address></ProbeMatch>' % (m.group(1), addr))
def http():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 80)); s.listen(16)
    while True:
        c, _ = s.accept(); note("tcp 80")
        try:
            c.recv(4096)
            if mode == "slowhttp":
                time.sleep(0.5)
            c.sendall(b"HTTP/1.0 200 OK\r\nServer: testcam\r\nContent-Length: 2\r\n\r\nok")
        finally:
            c.close()
if mode != "slowhttp":
    threading.Thread(target=udp, args=(3702, wsd), daemon=True).start()
    threading.Thread(target=udp, args=(37020, sadp), daemon=True).start()
if mode != "late":
    threading.Thread(target=http, daemon=True).start()
threading.Event().wait()
PY

# Everything below runs in a namespace of its own ("segment"), the device in a
# second one created inside it.
unshare --net sh -c '
set -e
tmp=$1; SL=$2
ip link set lo up
ip link add br0 type bridge
ip addr add 198.18.0.1/24 dev br0
ip link set br0 up
ip route add 224.0.0.0/4 dev br0
pids=""
for n in 2 3 4 5; do
    unshare --net sh -c "exec sleep 20" < /dev/null > /dev/null 2>&1 & eval pid$n=\$!
    eval pids=\"\$pids \$pid$n\"
done
sleep 0.2
for n in 2 3 4 5; do
    eval pid=\$pid$n
    mode=mc; [ $n = 4 ] && mode=late; [ $n = 5 ] && mode=slowhttp
    ip link add v$n type veth peer name d$n
    ip link set v$n master br0
    ip link set v$n up
    ip link set d$n netns $pid
    nsenter -t $pid -n sh -c "ip link set lo up; ip addr add 198.18.0.$n/24 dev d$n; ip link set d$n up;
        ip route add 224.0.0.0/4 dev d$n"
    nsenter -t $pid -n python3 "$tmp/device.py" 198.18.0.$n "$tmp/dev$n.log" $mode < /dev/null \
        > /dev/null 2>&1 &
    pids="$pids $!"
done
sleep 0.8
rc=0
"$SL" scan 198.18.0.200 --multicast br0 --exclude-target 198.18.0.3 --exclude-target 198.18.0.4 \
    --exclude-target 198.18.0.5 --timeout 1000 --evidence \
    --jsonl "$tmp/scan.jsonl" > "$tmp/scan.out" 2>&1 || rc=$?
echo $rc > "$tmp/rc"
# A reply later than the window of its host (0.8 s) still counts: its probe id proves it.
# .5 answers HTTP slowly, which keeps the scan running past the 1.5 s reply of .4.
rc=0
"$SL" scan 198.18.0.4 198.18.0.5 --udp-discovery --ports 80 --timeout 800 \
    --jsonl "$tmp/late.jsonl" > "$tmp/late.out" 2>&1 || rc=$?
echo $rc > "$tmp/late.rc"
rc=0
"$SL" scan 198.18.0.200 --multicast nosuchif0 > /dev/null 2> "$tmp/noif.err" || rc=$?
echo $rc > "$tmp/noif.rc"
kill $pids 2>/dev/null || true
' sh "$tmp" "$SL"

check "scan exits 0" 0 "$(cat "$tmp/rc")"
grep '"type":"device"' "$tmp/scan.jsonl" | grep -q '"address":"198.18.0.2"'; check "multicast responder found" 0 $?
grep '"type":"device"' "$tmp/scan.jsonl" | grep -q '"address":"198.18.0.3"'; check "excluded responder not reported" 1 $?
grep '"request":"multicast probe"' "$tmp/scan.jsonl" | grep '"proto":"wsd"' | grep -q '"detail":null'; check "WS-Discovery reply carried our id" 0 $?
grep '"request":"multicast probe"' "$tmp/scan.jsonl" | grep -q '"proto":"sadp"'; check "SADP reply recorded" 0 $?
grep -q "tcp 80" "$tmp/dev2.log"; check "responder probed over TCP" 0 $?
grep -q "tcp 80" "$tmp/dev3.log" 2>/dev/null; check "excluded responder never connected to" 1 $?
grep '"proto":"mac"' "$tmp/scan.jsonl" | grep -q 198.18.0.2; check "MAC from the neighbour table" 0 $?
check "unknown interface is a runtime error" 3 "$(cat "$tmp/noif.rc")"
check "late scan exits 0" 0 "$(cat "$tmp/late.rc")"
grep '"type":"device"' "$tmp/late.jsonl" | grep -q '"address":"198.18.0.4"'; check "late discovery reply kept" 0 $?
grep '"type":"summary"' "$tmp/late.jsonl" | grep -q '"late_replies":1'; check "counted as a late reply" 0 $?
check "each device once" 2 "$(grep -c '"type":"device"' "$tmp/late.jsonl")"
grep -q "nosuchif0" "$tmp/noif.err"; check "error names the interface" 0 $?
[ "$_sl_failures" -eq 0 ] || cat "$tmp/scan.out"
finish
