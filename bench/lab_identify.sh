#!/bin/sh
# Identify against the emulated lab (lab/, docs/lab.md): start a lab of every
# profile in a private network namespace, ask each device what a scanner asks
# (HTTP pages, ISAPI/magicBox/LAPI/ONVIF device info, RTSP OPTIONS/DESCRIBE,
# banners of other TCP ports, the TLS certificate, WS-Discovery, SADP,
# DHDiscover, SSDP), identify the answers in batch mode and score the claims
# against the lab's ground truth (bench_accuracy --lab). Prints figures.
#   bench/lab_identify.sh [BUILD_DIR] [DEVICES] [SEED]
# Needs root (unshare --net) and a built sightline-lab; skips otherwise.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$here/build}
N=${2:-99}
SEED=${3:-11}
S=$B/sightline
L=$B/lab/sightline-lab
A=$B/bench/bench_accuracy
for f in "$S" "$L" "$A"; do
    [ -x "$f" ] || { echo "skip: $f not built (scripts/build)"; exit 77; }
done
if [ -z "${SL_LAB_INNER:-}" ]; then
    unshare --net true 2>/dev/null || { echo "skip: cannot make a network namespace (needs root)"; exit 77; }
    SL_LAB_INNER=1 exec unshare --net sh -c 'ip link set lo up && exec sh "$0" "$@"' "$0" "$B" "$N" "$SEED"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-lab-identify.XXXXXX")
export SIGHTLINE_LAB_STATE=$T/state
trap '$L down --name li >/dev/null 2>&1; rm -rf "$T"' EXIT
$L up --name li --devices "$N" --mix all --seed "$SEED" --truth "$T/truth.jsonl" >/dev/null || exit 1

b64() { base64 -w0 "$1"; }
rec() { # DEVICE PROTO PORT PATH FILE
    printf '{"device":"%s","proto":"%s","port":%s,"path":"%s","data_b64":"%s"}\n' \
        "$1" "$2" "$3" "$4" "$(b64 "$5")"
}
probe_device() { # ADDR PORTS UDP_PORTS OUT
    a=$1; out=$4; w=$T/w.$a; mkdir -p "$w"
    for p in $(echo "$2" | tr ',' ' '); do
        case $p in
        80|631|5985|8080)
            for path in / /ISAPI/System/deviceInfo "/cgi-bin/magicBox.cgi?action=getSystemInfo" \
                        /LAPI/V1.0/System/DeviceInfo /doc/page/login.asp; do
                $L probe "$a" "$p" --timeout 1000 --max 262144 \
                    --send "GET $path HTTP/1.1\\r\\nHost: $a\\r\\nConnection: close\\r\\n\\r\\n" >"$w/h" 2>/dev/null
                rec "$a" http "$p" "$path" "$w/h" >>"$out"
                # follow one same-host redirect, as a browser would
                loc=$(tr -d '\r' <"$w/h" | sed -n 's/^[Ll]ocation: *\(\/[^ ]*\)$/\1/p' | head -1)
                if [ -n "$loc" ]; then
                    $L probe "$a" "$p" --timeout 1000 --max 262144 \
                        --send "GET $loc HTTP/1.1\\r\\nHost: $a\\r\\nConnection: close\\r\\n\\r\\n" >"$w/h" 2>/dev/null
                    rec "$a" http "$p" "$loc" "$w/h" >>"$out"
                fi
            done
            $L probe "$a" "$p" --timeout 1000 --max 262144 --send "POST /onvif/device_service HTTP/1.1\\r\\nHost: $a\\r\\nContent-Type: application/soap+xml\\r\\nContent-Length: 205\\r\\nConnection: close\\r\\n\\r\\n<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><GetDeviceInformation xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/></s:Body></s:Envelope>     " >"$w/h" 2>/dev/null
            rec "$a" onvif "$p" /onvif/device_service "$w/h" >>"$out"
            # VAPIX's unauthenticated product properties (Axis); others answer 404
            $L probe "$a" "$p" --timeout 1000 --max 262144 --send "POST /axis-cgi/basicdeviceinfo.cgi HTTP/1.1\\r\\nHost: $a\\r\\nContent-Type: application/json\\r\\nContent-Length: 61\\r\\nConnection: close\\r\\n\\r\\n{\"apiVersion\":\"1.1\",\"method\":\"getAllUnrestrictedProperties\"}" >"$w/h" 2>/dev/null
            rec "$a" http "$p" /axis-cgi/basicdeviceinfo.cgi "$w/h" >>"$out"
            # Dahua's login challenge (a global.login for no user, no password)
            $L probe "$a" "$p" --timeout 1000 --max 262144 --send "POST /RPC2_Login HTTP/1.1\\r\\nHost: $a\\r\\nContent-Type: application/json\\r\\nContent-Length: 114\\r\\nConnection: close\\r\\n\\r\\n{\"method\":\"global.login\",\"params\":{\"userName\":\"\",\"password\":\"\",\"clientType\":\"Web3.0\",\"loginType\":\"Direct\"},\"id\":1}" >"$w/h" 2>/dev/null
            rec "$a" http "$p" /RPC2_Login "$w/h" >>"$out" ;;
        443)
            timeout 3 openssl s_client -connect "$a:443" </dev/null 2>/dev/null | openssl x509 >"$w/c" 2>/dev/null
            [ -s "$w/c" ] && rec "$a" tls 443 "" "$w/c" >>"$out"
            # what the scanner asks over HTTPS (devices that serve only HTTPS)
            for path in / /ISAPI/System/deviceInfo /LAPI/V1.0/System/DeviceInfo; do
                printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$a" |
                    timeout 3 openssl s_client -quiet -connect "$a:443" 2>/dev/null | head -c 262144 >"$w/h"
                [ -s "$w/h" ] && rec "$a" http 443 "$path" "$w/h" >>"$out"
            done ;;
        554)
            $L probe "$a" 554 --timeout 400 --send "OPTIONS rtsp://$a/ RTSP/1.0\\r\\nCSeq: 1\\r\\n\\r\\n" >"$w/r" 2>/dev/null
            rec "$a" rtsp 554 / "$w/r" >>"$out"
            $L probe "$a" 554 --timeout 400 --send "DESCRIBE rtsp://$a/ RTSP/1.0\\r\\nCSeq: 2\\r\\nAccept: application/sdp\\r\\n\\r\\n" >"$w/r" 2>/dev/null
            rec "$a" rtsp 554 / "$w/r" >>"$out" ;;
        *)
            $L probe "$a" "$p" --timeout 400 --max 4096 >"$w/t" 2>/dev/null
            rec "$a" tcp "$p" "" "$w/t" >>"$out" ;;
        esac
    done
    for p in $(echo "$3" | tr ',' ' '); do
        case $p in
        3702) send='<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header><w:MessageID>uuid:0a6dc791-2be6-4991-9af1-454778a1917a</w:MessageID><w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To><w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header><e:Body><d:Probe/></e:Body></e:Envelope>'; proto=wsd ;;
        37020) send='<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>0A6DC791-2BE6-4991-9AF1-454778A1917A</Uuid><Types>inquiry</Types></Probe>'; proto=sadp ;;
        37810) send='\x20\x00\x00\x00DHIP\x00\x00\x00\x00\x00\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00\x00{"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n'; proto=dhdiscover ;;
        1900) send='M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'; proto=ssdp ;;
        *) continue ;;
        esac
        $L probe --udp "$a" "$p" --timeout 300 --max 65536 --send "$send" >"$w/u" 2>/dev/null
        rec "$a" "$proto" "$p" "" "$w/u" >>"$out"
    done
    mac=$(grep "\"address\":\"$a\"" "$T/truth.jsonl" | sed -n 's/.*"mac":"\([^"]*\)".*/\1/p')
    [ -n "$mac" ] && printf '{"device":"%s","proto":"mac","data":"%s"}\n' "$a" "$mac" >>"$out"
    rm -rf "$w"
}
start=$(date +%s)
i=0
while IFS= read -r line; do
    a=$(echo "$line" | sed -n 's/.*"address":"\([^"]*\)".*/\1/p')
    ports=$(echo "$line" | sed -n 's/.*"ports":\[\([0-9,]*\)\].*/\1/p')
    udp=$(echo "$line" | sed -n 's/.*"udp_ports":\[\([0-9,]*\)\].*/\1/p')
    probe_device "$a" "$ports" "$udp" "$T/ev.$a" &
    i=$((i + 1))
    [ $((i % 12)) -eq 0 ] && wait
done <"$T/truth.jsonl"
wait
cat "$T"/ev.* >"$T/evidence.jsonl"
probed=$(date +%s)
"$S" identify --batch "$T/evidence.jsonl" >"$T/claims.jsonl" 2>"$T/batch.err" || true
echo "lab: $N devices (seed $SEED), $(wc -l <"$T/evidence.jsonl") evidence records gathered in $((probed - start)) s"
"$A" --lab "$T/truth.jsonl" "$T/claims.jsonl" --no-fixtures --no-corpus ${SL_LAB_VERBOSE:+--verbose}
