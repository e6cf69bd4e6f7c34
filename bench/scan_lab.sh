#!/bin/sh
# 10,000 lab devices (loopback mode, the default mix) scanned as a plain
# `sightline scan` does (no discovery flag: the default follow-up of WS-Discovery,
# SADP and DHDiscover to hosts found up), no rate limit, and the camera ports plus
# the ports the mix's other hosts use (so that every device can be found): wall
# time, hosts/s, peak RSS, the CPU time of the scanner and of the lab, and
# identification accuracy against the lab's ground truth, overall and per profile.
# Targets: <= 10 s on 2 cores, >= 99.5% identified correctly in every run, no false
# prohibited verdict.
#   bench/scan_lab.sh [DEVICES] [THREADS] [RUNS]   (build/ release binaries; SL_BUILD_DIR overrides)
# SL_SCAN_EXTRA adds scan flags for a comparison (e.g. "--no-discovery" to price
# the default discovery follow-up); the figures that count are without it.
set -eu
bench=scan_lab
. "$(dirname "$0")/lab_common.sh"
n=${1:-10000}
threads=${2:-0}
runs=${3:-1}
ports=80,443,554,8000,8080,8443,37777,22,135,139,445,631,3389,5985,9100
lab_up "$n"
echo "scan_lab: $n devices, scanning $range, ports $ports${SL_SCAN_EXTRA:+, extra flags $SL_SCAN_EXTRA}"
lab_pid=$(cat "/run/sightline-lab/$lab_name/pid" 2>/dev/null || echo)
lab_cpu() { [ -n "$lab_pid" ] && awk '{print $14 + $15}' "/proc/$lab_pid/stat" || echo 0; }
topt=""
[ "$threads" -gt 0 ] && topt="--threads $threads"
run=1
while [ "$run" -le "$runs" ]; do
    c0=$(lab_cpu)
    rm -f "$tmp/out.jsonl" "$SIGHTLINE_DB"
    # shellcheck disable=SC2086
    lab_exec /usr/bin/time -v "$SL" scan "$range" --ports "$ports" --rate 0 --quiet \
        $topt ${SL_SCAN_EXTRA:-} --jsonl "$tmp/out.jsonl" 2> "$tmp/time.txt" | tail -3 || true
    c1=$(lab_cpu)
    wall=$(grep "Elapsed (wall clock)" "$tmp/time.txt" | sed "s/.*): //")
    rss=$(grep "Maximum resident set size" "$tmp/time.txt" | sed "s/.*: //")
    summary=$(grep '"type":"summary"' "$tmp/out.jsonl" | tail -1)
    hps=$(echo "$summary" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["hosts_per_s"]))')
    user=$(grep "User time" "$tmp/time.txt" | sed "s/.*: //")
    sys=$(grep "System time" "$tmp/time.txt" | sed "s/.*: //")
    echo "scan_lab: run $run of $runs: wall $wall, $hps hosts/s, peak RSS $((rss / 1024)) MB"
    echo "scan_lab: CPU scanner ${user} s user + ${sys} s system; lab $(( (c1 - c0) / 100 )) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "scan_lab: $(score "$tmp/truth.jsonl" "$tmp/out.jsonl" per-profile)"
    run=$((run + 1))
done
