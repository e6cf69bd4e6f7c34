#!/bin/sh
# Records tests/monitor/lab-netns.pcap: the lab in netns mode (devices in
# namespaces on a bridge inside the lab namespace, vendor-OUI MACs,
# 198.18.0.0/15), captured on the bridge while the scanner side sends the
# discovery probes (WS-Discovery, SSDP, SADP, DHDiscover; multicast) and asks
# every web server for "/". The file is committed; its expected alerts are
# recorded by tests/monitor/record.sh. Run as root:
#   tests/monitor/capture-lab.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build-asan}
L=$build/lab/sightline-lab
name=slmc$$
tmp=$(mktemp -d)
export SIGHTLINE_LAB_STATE="$tmp/state"
trap '$L down --name "$name" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
$L up --mode netns --name "$name" --devices 12 --seed 7 \
    --mix hikvision-ipc-v5=30,hikvision-nvr=10,ezviz-camera=10,dahua-ipc=20,lorex-nvr=10,axis-camera=20,home-router=10,printer=10 \
    --truth "$tmp/truth.jsonl" >/dev/null
bridge=$(sed -n 's/.*"bridge" *: *"\([^"]*\)".*/\1/p' "$SIGHTLINE_LAB_STATE/$name/info.json")
ip netns exec "$name" tcpdump -Z root -U -n -i "$bridge" -w "$tmp/lab.pcap" 2>"$tmp/tcpdump.err" &
tcpd=$!
sleep 1
probe() { $L exec --name "$name" -- "$L" probe "$@" >/dev/null 2>&1 || true; }
# Discovery probes, as a scanner sends them (fingerprints.md §1.9, §1.11-1.13).
probe --udp --timeout 1500 239.255.255.250 3702 --send '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body><d:Probe><d:Types xmlns:dn="http://www.onvif.org/ver10/network/wsdl">dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
probe --udp --timeout 1500 239.255.255.250 1900 --send 'M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'
probe --udp --timeout 1500 239.255.255.250 37020 --send '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>7F3A4B2C-1D2E-4F50-8A9B-0C1D2E3F4A5B</Uuid><Types>inquiry</Types></Probe>'
body='{"method":"DHDiscover.search","params":{"mac":"","uni":1}}'
len=$(printf '%s' "$body" | wc -c)
hex=$(printf '\\x%02x' "$len")
probe --udp --timeout 1500 239.255.255.251 37810 --send "\\x20\\x00\\x00\\x00DHIP\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00${hex}\\x00\\x00\\x00\\x00\\x00\\x00\\x00${hex}\\x00\\x00\\x00\\x00\\x00\\x00\\x00$body"
# Every web server's front page.
for a in $(grep '"ports":\[[^]]*\b80\b' "$tmp/truth.jsonl" | sed 's/.*"address":"\([^"]*\)".*/\1/'); do
    probe --timeout 1500 "$a" 80 --send 'GET / HTTP/1.0\r\n\r\n'
done
sleep 1
kill "$tcpd" 2>/dev/null || { cat "$tmp/tcpdump.err"; exit 1; }
wait "$tcpd" 2>/dev/null || true
cp "$tmp/lab.pcap" "$top/tests/monitor/lab-netns.pcap"
cp "$tmp/truth.jsonl" "$top/tests/monitor/lab-netns.truth.jsonl"
echo "captured $(tcpdump -r "$top/tests/monitor/lab-netns.pcap" 2>/dev/null | wc -l) frames of $(wc -l <"$tmp/truth.jsonl") lab devices"
