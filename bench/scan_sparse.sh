#!/bin/sh
# Peak memory of a scan over 1,048,576 addresses (127.0.0.0/12) with a few live
# hosts, inside a network namespace of its own (nothing leaves it; root).
# Prints wall time, hosts/s and peak RSS. Target: peak RSS <= 64 MB.
#   bench/scan_sparse.sh [BUILD_DIR]      (default build/, release)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
SL=$build/sightline
[ -x "$SL" ] || { echo "scan_sparse: build first (scripts/build)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "scan_sparse: needs root for its own network namespace"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sl-sparse.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SIGHTLINE_DATA=$top/data SIGHTLINE_DB=$tmp/reg.db
export SLBIN=$SL
unshare --net sh -c '
set -e
ip link set lo up
# Eight live hosts scattered over the range: tiny HTTP answers from python.
pids=""
for a in 127.0.0.9 127.1.2.3 127.3.4.5 127.5.6.7 127.7.8.9 127.9.10.11 127.11.12.13 127.15.250.1; do
    python3 -c "
import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1],80)); s.listen(64)
while True:
    c,_=s.accept(); c.recv(4096)
    c.sendall(b\"HTTP/1.0 200 OK\r\nServer: sparse\r\nContent-Length: 2\r\n\r\nok\"); c.close()
" $a < /dev/null > /dev/null 2>&1 &
    pids="$pids $!"
done
sleep 0.5
/usr/bin/time -v "$SLBIN" scan 127.0.0.0/12 --max-addresses 1048576 --ports 80 --rate 0 --concurrency 4000 --timeout 1000 \
    --quiet 2> "$1/time.txt" > "$1/out.txt" || true
kill $pids 2>/dev/null || true
' sh "$tmp"
cat "$tmp/out.txt"
wall=$(grep "Elapsed (wall clock)" "$tmp/time.txt" | sed "s/.*): //")
rss=$(grep "Maximum resident set size" "$tmp/time.txt" | sed "s/.*: //")
echo "scan_sparse: addresses 1048576, live 8, wall $wall, peak RSS $((rss / 1024)) MB (target <= 64 MB)"
