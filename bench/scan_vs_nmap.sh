#!/bin/sh
# Side by side on the same 200 lab devices, inside the lab's own namespace:
# sightline scan vs Debian's `nmap -sV` on the equivalent ports. Prints hosts/s
# and how many Hikvision/Dahua devices each identifies correctly. Target:
# >= 50x nmap's throughput and strictly more correct identifications.
#   bench/scan_vs_nmap.sh [DEVICES]
set -eu
bench=scan_vs_nmap
. "$(dirname "$0")/lab_common.sh"
command -v nmap >/dev/null || { echo "$bench: nmap is not installed"; exit 77; }
n=${1:-200}
ports=80,443,554,8000,8080,8443,37777
lab_up "$n"
echo "$bench: $n devices, $range, ports $ports"
t0=$(date +%s.%N)
lab_exec "$SL" scan "@$tmp/targets.txt" --ports "$ports" --udp-discovery --rate 0 --quiet \
    --jsonl "$tmp/sl.jsonl" >/dev/null 2>&1 || true
t1=$(date +%s.%N)
lab_exec nmap -sV -Pn -n -T4 --open -p "$ports" -oX "$tmp/nmap.xml" -iL "$tmp/targets.txt" \
    >/dev/null 2>&1 || true
t2=$(date +%s.%N)
python3 - "$tmp/truth.jsonl" "$tmp/nmap.xml" "$t0" "$t1" "$t2" "$n" <<'PY'
import json, sys, xml.etree.ElementTree as ET
truth = {json.loads(l)["address"]: json.loads(l) for l in open(sys.argv[1]) if l.strip()}
t0, t1, t2, n = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
hv = 0
for h in ET.parse(sys.argv[2]).getroot().iter("host"):
    addr = h.find("address").get("addr")
    text = " ".join((s.get("product") or "") + " " + (s.get("name") or "") for s in h.iter("service")).lower()
    t = truth.get(addr, {})
    m = t.get("manufacturer")
    if m in ("Hikvision", "Dahua") and m.lower() in text:
        hv += 1
sl, nm = t1 - t0, t2 - t1
print(f"scan_vs_nmap: sightline {sl:.2f} s ({n / sl:.0f} hosts/s); nmap -sV {nm:.2f} s ({n / nm:.1f} hosts/s); "
      f"speed-up {nm / sl:.0f}x")
print(f"scan_vs_nmap: nmap identified Hikvision/Dahua correctly: {hv}")
PY
echo "scan_vs_nmap: sightline $(score "$tmp/truth.jsonl" "$tmp/sl.jsonl")"
