#!/bin/sh
# sightline-lab in loopback mode: every profile answers as its file says
# (sightline-lab check), the ground truth matches what is served, closed ports
# stay closed, hostile devices behave as named, and down leaves nothing behind.
# Runs in a private network namespace so fixed ports never collide.
[ -n "${SIGHTLINE_LAB:-}" ] || { echo "skip: sightline-lab is not built"; exit 77; }
SL_OWN_NETNS=1 . "$(dirname "$0")/lib.sh"
L=$SIGHTLINE_LAB
export SIGHTLINE_LAB_STATE=$T/state
on_exit '$L down --name t1 >/dev/null 2>&1'
$L up --name t1 --devices 66 --mix all --seed 7 --truth "$T/truth.jsonl" >"$T/up.out" || die "up"
grep -q "66 devices (loopback mode) on 127.18.1.1 - 127.18.1.66" "$T/up.out" || die "up message: $(cat "$T/up.out")"
[ "$(wc -l <"$T/truth.jsonl")" -eq 66 ] || die "truth has not 66 lines"
$L status --name t1 | grep -q "is running" || die "status"

# 1. every profile, every section, byte for byte
$L check --name t1 >"$T/check.out" 2>&1 || { cat "$T/check.out"; die "check"; }
nprof=$(ls "$SL_SOURCE_DIR"/lab/profiles/*.profile | wc -l)
grep -q "$nprof profiles, .* 0 failed" "$T/check.out" || die "check summary: $(tail -1 "$T/check.out")"

# 2. ground truth = what is served (a Hikvision camera's deviceInfo, a Dahua SADP-less box)
line=$(grep '"profile":"hikvision-ipc-v5"' "$T/truth.jsonl" | head -1)
addr=$(echo "$line" | sed 's/.*"address":"\([^"]*\)".*/\1/')
model=$(echo "$line" | sed 's/.*"model":"\([^"]*\)".*/\1/')
mac=$(echo "$line" | sed 's/.*"mac":"\([^"]*\)".*/\1/')
$L probe "$addr" 80 --send 'GET /ISAPI/System/deviceInfo HTTP/1.1\r\nAuthorization: Digest username="x"\r\n\r\n' >"$T/di" || die "probe"
grep -q "<model>$model</model>" "$T/di" || die "deviceInfo model differs from truth ($model)"
grep -q "<macAddress>$mac</macAddress>" "$T/di" || die "deviceInfo MAC differs from truth ($mac)"
$L probe "$addr" 37020 --udp --timeout 500 --send '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>AB</Uuid><Types>inquiry</Types></Probe>' >"$T/sadp"
grep -q "<DeviceDescription>$model</DeviceDescription>" "$T/sadp" || die "SADP model differs"
line=$(grep '"profile":"lorex-nvr"' "$T/truth.jsonl" | head -1)
addr=$(echo "$line" | sed 's/.*"address":"\([^"]*\)".*/\1/')
echo "$line" | grep -q '"manufacturer":"Dahua","brand":"Lorex"' || die "lorex truth"
$L probe "$addr" 80 --send 'GET /cgi-bin/magicBox.cgi?action=getSystemInfo HTTP/1.1\r\nAuthorization: Digest x\r\n\r\n' | grep -q "updateSerial=DHI-NVR4108HS-8P-4KS2" || die "lorex updateSerial"

# 3. a port the device does not have is closed: refused at once, as on a real
# host (the lab may open raw sockets here: root in its own namespace), and
# logged; nor is 127.0.0.1 answered
$L status --name t1 | grep -q "closed ports reset" || die "closed ports do not reset: $($L status --name t1)"
axis=$(grep '"profile":"axis-camera"' "$T/truth.jsonl" | head -1 | sed 's/.*"address":"\([^"]*\)".*/\1/')
$L probe "$axis" 8000 --timeout 300 --status 2>"$T/st" >/dev/null
grep -q "status: refused" "$T/st" || die "closed port not refused: $(cat "$T/st")"
grep -q "tcp $axis 8000 .* closed" "$T/state/t1/connlog" || die "closed-port reset not logged"
$L probe "$axis" 80 --timeout 300 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >/dev/null
grep -q "status: eof" "$T/st" || die "open port: $(cat "$T/st")"
$L probe 127.0.0.1 80 --timeout 300 --status 2>"$T/st" >/dev/null
grep -Eq "status: (refused|connect-timeout)" "$T/st" || die "127.0.0.1:80 reachable"

# 4. hostile devices behave as named
h() { grep "\"profile\":\"$1\"" "$T/truth.jsonl" | head -1 | sed 's/.*"address":"\([^"]*\)".*/\1/'; }
$L probe "$(h hostile-tarpit)" 80 --timeout 1500 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >/dev/null
grep -q "status: timeout bytes=0" "$T/st" || die "tarpit: $(cat "$T/st")"
# --timeout is the wait for each read: well above the 1 s drip, as a loaded
# machine can delay a drip by more than half a second (the total still shows it).
$L probe "$(h hostile-slowdrip)" 80 --timeout 5000 --max 3 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >/dev/null
grep -q "status: max bytes=3" "$T/st" || die "slowdrip: $(cat "$T/st")"
total=$(sed 's/.*total_ms=\([0-9]*\).*/\1/' "$T/st"); [ "$total" -ge 1500 ] || die "slowdrip too fast ($total ms for 3 bytes)"
$L probe "$(h hostile-endless)" 80 --max 5000000 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >/dev/null
grep -q "status: max bytes=5000000" "$T/st" || die "endless: $(cat "$T/st")"
$L probe "$(h hostile-hugeheader)" 80 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >"$T/hh"
[ "$(head -c 2000000 "$T/hh" | grep -a '^X-Padding' | wc -c)" -gt 1048576 ] || die "hugeheader"
[ "$($L probe "$(h hostile-manyheaders)" 80 --send 'GET / HTTP/1.0\r\n\r\n' | grep -ac '^X-Header: value')" -eq 10000 ] || die "manyheaders"
$L probe "$(h hostile-xmlbomb)" 80 --send 'GET / HTTP/1.0\r\n\r\n' | grep -q '<!ENTITY lol9' || die "xmlbomb"
$L probe "$(h hostile-xxe)" 80 --send 'GET / HTTP/1.0\r\n\r\n' | grep -q 'SYSTEM "file:///etc/passwd"' || die "xxe"
[ "$($L probe "$(h hostile-deepxml)" 80 --send 'GET / HTTP/1.0\r\n\r\n' | grep -o '<a>' | wc -l)" -eq 100000 ] || die "deepxml"
$L probe "$(h hostile-garbage)" 8000 --status 2>"$T/st" >/dev/null
grep -q "status: eof bytes=65536" "$T/st" || die "garbage: $(cat "$T/st")"
$L probe "$(h hostile-rst)" 80 --status --send 'GET / HTTP/1.0\r\n\r\n' 2>"$T/st" >/dev/null
grep -Eq "status: (reset|eof) bytes=0" "$T/st" || die "rst: $(cat "$T/st")"
$L probe "$(h hostile-tlsstall)" 443 --tls --timeout 1000 --status 2>"$T/st" >/dev/null
grep -q "status: tls-failed" "$T/st" || die "tls-stall: $(cat "$T/st")"
$L probe "$(h hostile-udpflood)" 3702 --udp --timeout 700 --status --send '<e:Envelope xmlns:e="x"><e:Body><d:Probe xmlns:d="y"/></e:Body></e:Envelope>' 2>"$T/st" >/dev/null
grep -q "replies=100 " "$T/st" || die "udp flood: $(cat "$T/st")"
$L probe "$(h hostile-nulheader)" 80 --send 'GET / HTTP/1.0\r\n\r\n' | tr '\000' '@' | grep -aq '^SERVER: Web@Server' || die "nulheader"
$L probe "$(h hostile-liar)" 37020 --udp --timeout 700 --send '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>1</Uuid><Types>inquiry</Types></Probe>' | grep -aq 'DS-2CD2346G2-ISU/SL20210504AAWR4AJR7TVWA' || die "liar: sadp serial"

# 5. the connection log names the device and the peer
grep -q "^20[0-9-]*T[0-9:.]*Z tcp $axis 80 127\." "$T/state/t1/connlog" || die "connlog"

# 6. down removes everything; a second down is harmless
# (the lab's own pid, not a pattern: other checkouts run this test at once)
pid=$(cat "$T/state/t1/pid") || die "no pid file"
$L down --name t1 | grep -q "is down" || die "down"
[ ! -e "$T/state/t1" ] || die "state dir left behind"
# down returns once the lab has removed its state; the process may still be
# finishing its exit (ASan's leak check), so it gets a bounded while to go.
alive() { ps -o stat= -p "$pid" 2>/dev/null | grep -qv '^Z'; }
for _ in $(seq 100); do alive || break; sleep 0.1; done
alive && die "process $pid left behind"
$L down --name t1 | grep -q "no lab named" || die "second down"
$L status --name t1 >/dev/null && die "status after down"
ok "lab loopback"
finish
