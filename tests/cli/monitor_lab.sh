#!/bin/sh
# Live capture on the lab's bridge (netns mode): `sightline monitor -i BRIDGE`
# runs inside the lab namespace while the scanner side sends the discovery
# probes; every Hikvision and Dahua device (rebadges included) that answers a
# discovery probe must be alerted on as prohibited with its own MAC, and no
# device of another maker may be. Needs root and the lab; else skipped.
set -u
. "$(dirname "$0")/lib.sh"
need_lab
need_netns
name=slmon$$
L=$SIGHTLINE_LAB
S=$SIGHTLINE
export SIGHTLINE_LAB_STATE="$T/state"
on_exit '$L down --name "$name" >/dev/null 2>&1'
$L up --mode netns --name "$name" --devices 10 --seed 11 \
    --mix hikvision-ipc-v5=30,hikvision-nvr=10,ezviz-camera=10,dahua-ipc=20,lorex-nvr=10,axis-camera=20 \
    --truth "$T/truth.jsonl" >/dev/null || die "lab up"
bridge=$(sed -n 's/.*"bridge" *: *"\([^"]*\)".*/\1/p' "$SIGHTLINE_LAB_STATE/$name/info.json")
$L exec --name "$name" -- $S monitor -i "$bridge" --duration 12 --jsonl "$T/live.jsonl" \
    2>"$T/mon.err" &
mon=$!
wait_for "$T/mon.err" "dropped capabilities" || { bad "monitor did not start"; cat "$T/mon.err"; }
probe() { $L exec --name "$name" -- "$L" probe "$@" >/dev/null 2>&1 || true; }
probe --udp --timeout 1000 239.255.255.250 3702 --send '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>urn:uuid:11111111-2222-4333-8444-555555555555</a:MessageID></s:Header><s:Body><d:Probe/></s:Body></s:Envelope>'
probe --udp --timeout 1000 239.255.255.250 37020 --send '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>11111111-2222-4333-8444-555555555555</Uuid><Types>inquiry</Types></Probe>'
body='{"method":"DHDiscover.search","params":{"mac":"","uni":1}}'
hex=$(printf '\\x%02x' "$(printf '%s' "$body" | wc -c)")
probe --udp --timeout 1000 239.255.255.251 37810 --send "\\x20\\x00\\x00\\x00DHIP\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00${hex}\\x00\\x00\\x00\\x00\\x00\\x00\\x00${hex}\\x00\\x00\\x00\\x00\\x00\\x00\\x00$body"
probe --udp --timeout 1000 239.255.255.250 1900 --send 'M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'
wait $mon
rc=$?
[ $rc -eq 0 ] && ok "monitor on the lab bridge exit 0" || bad "monitor exit $rc: $(cat "$T/mon.err")"
has "$T/mon.err" "capturing on $bridge"
python3 - "$T/truth.jsonl" "$T/live.jsonl" <<'PY' || bad "the lab comparison"
import json, sys
truth = [json.loads(l) for l in open(sys.argv[1])]
alerts = [json.loads(l) for l in open(sys.argv[2])]
flagged = {a['src_mac'] for a in alerts
           if a['event_type'] == 'alert' and a['alert']['signature_id'] == 9000001}
bad = 0
for d in truth:
    disc = set(d.get('udp_ports') or []) & {3702, 37020, 37810}
    if d['manufacturer'] in ('Hikvision', 'Dahua') and disc:
        ok = d['mac'] in flagged
        print(('ok: ' if ok else 'FAIL: ') + f"{d['profile']} {d['mac']} flagged prohibited")
        bad += not ok
    elif d['mac'] in flagged:
        print(f"FAIL: {d['profile']} {d['mac']} ({d['manufacturer']}) flagged prohibited")
        bad += 1
    else:
        print(f"ok: {d['profile']} {d['mac']} not flagged")
sys.exit(1 if bad else 0)
PY
finish
