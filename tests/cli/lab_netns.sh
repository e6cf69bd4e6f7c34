#!/bin/sh
# sightline-lab in netns mode (root): devices in namespaces on a bridge inside
# the lab namespace, MACs from their vendors' OUIs, multicast discovery, and
# nothing left behind after down (namespaces, veths, bridge).
. "$(dirname "$0")/lib.sh"
need_lab
need_netns
name=sltest-$$
L=$SIGHTLINE_LAB
export SIGHTLINE_LAB_STATE=$T/state
on_exit '$L down --name "$name" >/dev/null 2>&1'
links_before=$(ip -o link | wc -l)
$L up --mode netns --name "$name" --devices 40 --mix all --truth "$T/truth.jsonl" >"$T/up" || die "up: $(cat "$T/up")"
grep -q "scanner side 198.18.0.1" "$T/up" || die "up message"
ip netns list | grep -q "^$name" || die "no lab namespace"
[ "$(ip -o link | wc -l)" -eq "$links_before" ] || die "something was attached to the host's interfaces"
# every profile answers as its file says, seen from the lab namespace
$L exec --name "$name" -- "$L" check --name "$name" >"$T/check" 2>&1 || { cat "$T/check"; die "check"; }
# MACs on the wire are the truth's MACs (ARP/neighbour table of the lab namespace)
line=$(grep '"profile":"dahua-ipc"' "$T/truth.jsonl" | head -1)
addr=$(echo "$line" | sed 's/.*"address":"\([^"]*\)".*/\1/')
mac=$(echo "$line" | sed 's/.*"mac":"\([^"]*\)".*/\1/')
ip netns exec "$name" ip neigh show "$addr" | grep -qi "$mac" || die "MAC $mac of $addr not seen on the bridge"
# multicast WS-Discovery from the scanner side reaches every ONVIF device
n_onvif=$(grep -c '"udp_ports":\[[^]]*3702' "$T/truth.jsonl")
ip netns exec "$name" ip route get 239.255.255.250 >/dev/null || die "no multicast route"
$L exec --name "$name" -- "$L" probe 239.255.255.250 3702 --udp --timeout 1500 --status \
    --send '<e:Envelope xmlns:e="x"><e:Header><a:MessageID xmlns:a="y">urn:uuid:1</a:MessageID></e:Header><e:Body><d:Probe xmlns:d="z"/></e:Body></e:Envelope>' 2>"$T/st" >/dev/null || true
got=$(sed 's/.*replies=\([0-9]*\).*/\1/' "$T/st")
want=$((n_onvif + 99))  # the UDP-flood device answers 100 times
[ "$got" -ge "$n_onvif" ] || die "multicast WS-Discovery: $got replies, want >= $n_onvif ($(cat "$T/st"))"
$L down --name "$name" >/dev/null || die "down"
ip netns list | grep -q "^$name" && die "lab namespace left behind"
[ ! -e "$T/state/$name" ] || die "state dir left behind"
[ "$(ip -o link | wc -l)" -eq "$links_before" ] || die "links left behind"
ok "lab netns (multicast replies $got, want $want)"
finish
