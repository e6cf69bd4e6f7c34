#!/bin/sh
# sightline can learn|watch end to end: help and usage errors; a simulated bus
# (sightline-lab can generate, from tests/can/mini.dbc) learnt and watched as a
# candump log, a pcap of either byte order, HCRL CSV and standard input; every
# attack kind found in its window, none on clean traffic; the alert lines'
# fixed shape; exit codes; a hostile bus of a million ids kept bounded; and,
# when ../shared/corpus/can is there, the real files read through stdin.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
D="$SL_SOURCE_DIR/tests/can/mini.dbc"

expect_rc 0 $S can --help && has "$T/out" "learn" && has "$T/out" "watch"
expect_rc 0 $S help can && has "$T/out" "Commands:"
expect_rc 0 $S can learn --help && has "$T/out" "Usage: sightline can learn --read FILE... -o BASELINE.json"
expect_rc 0 $S can watch --help && has "$T/out" "9100012" && has "$T/out" "docs/can.md"
expect_rc 2 $S can watch --read x.log && has "$T/err" "--baseline"
expect_rc 2 $S can learn --read "$T/none.log" -o "$T/b.json" && has "$T/err" "No such file"
printf '\001\002\003garbage' >"$T/garbage.bin"
expect_rc 2 $S can learn --read "$T/garbage.bin" -o "$T/b.json" && has "$T/err" "not a candump log"
echo '{"v":1,"type":"other"}' >"$T/bad.json"
expect_rc 2 $S can watch --baseline "$T/bad.json" --read "$T/garbage.bin" && has "$T/err" "not a CAN baseline"
expect_rc 2 $S can learn --read a b && has "$T/err" "-o FILE"

if [ -z "${SIGHTLINE_LAB:-}" ]; then
    echo "skipped: the simulated bus needs sightline-lab"
    finish
fi
L=$SIGHTLINE_LAB
gen() { $L can generate --dbc "$D" --vehicle-seed 5 "$@" 2>>"$T/gen.err"; }
gen --seconds 1200 --seed 1 --log "$T/train.log" || bad "generate train"
gen --seconds 600 --seed 2 --start 1772530000 --log "$T/clean.log" || bad "generate clean"
gen --seconds 500 --seed 3 --start 1772620000 --attack all --log "$T/atk.log" --truth "$T/atk.truth" \
    --pcap "$T/atk.pcap" || bad "generate attacks"
gen --seconds 500 --seed 3 --start 1772620000 --attack all --pcap "$T/atk-le.pcap" --pcap-le \
    --log /dev/null || bad "generate little-endian pcap"
expect_rc 0 $S can learn --read "$T/train.log" -o "$T/b.json" && has "$T/err" "3 ids (3 periodic, 1 with counters, 1 with checksums)"
has "$T/b.json" '"type": "can_baseline"'
has "$T/b.json" '"silent_for_ms"'

expect_rc 0 $S can watch --baseline "$T/b.json" --read "$T/clean.log"
[ ! -s "$T/out" ] && ok "no alert on clean traffic" || { bad "alerts on clean traffic"; head -3 "$T/out"; }

expect_rc 0 $S can watch -b "$T/b.json" --read "$T/atk.log" --jsonl "$T/atk.jsonl"
expect_rc 0 $S can watch -b "$T/b.json" --read "$T/atk.pcap" --jsonl "$T/atk-pcap.jsonl"
expect_rc 0 $S can watch -b "$T/b.json" --read "$T/atk-le.pcap" --jsonl "$T/atk-le.jsonl"
cmp -s "$T/atk.jsonl" "$T/atk-pcap.jsonl" && ok "pcap gives the log's alerts" || bad "pcap and log differ"
cmp -s "$T/atk.jsonl" "$T/atk-le.jsonl" && ok "little-endian pcap gives the same alerts" || bad "LE pcap differs"
cat "$T/atk.log" | $S can watch -b "$T/b.json" --read - >"$T/atk-stdin.jsonl" 2>/dev/null
cmp -s "$T/atk.jsonl" "$T/atk-stdin.jsonl" && ok "standard input gives the same alerts" || bad "stdin differs"
expect_rc 1 $S can watch -b "$T/b.json" --read "$T/atk.log" --fail-on 2
expect_rc 0 $S can watch -b "$T/b.json" --read "$T/atk.log" --fail-on 1 --count 1000

python3 - "$T/atk.truth" "$T/atk.jsonl" "$SL_SOURCE_DIR/bench/can_score.py" <<'PY' || bad "alert lines or detection"
import json, subprocess, sys, re
truth, alerts, scorer = sys.argv[1:4]
keys = ["v", "type", "ts", "iface", "can_id", "detector", "signature_id", "signature", "severity", "count"]
n = 0
for line in open(alerts):
    j = json.loads(line)
    assert list(j)[:10] == keys, list(j)[:10]
    assert j["v"] == 1 and j["type"] == "can_alert" and j["iface"] == "can0"
    assert j["detector"] in ("unknown_id", "period", "dlc", "payload", "counter", "load", "error")
    assert j["severity"] in (1, 2, 3) and j["count"] >= 1
    assert j["can_id"] is None or re.fullmatch(r"0x[0-9A-F]{3}|0x[0-9A-F]{8}|\*", j["can_id"])
    assert re.fullmatch(r"\d{10}(\.\d{1,6})?", line.split('"ts":')[1].split(",")[0])
    assert "expected" in j and "seen" in j
    n += 1
print(f"ok: {n} alert lines of the fixed shape")
kinds = sorted({json.loads(l)["kind"] for l in open(truth)})
assert len(kinds) == 7, kinds
for k in kinds:
    out = subprocess.run([sys.executable, scorer, k, truth, alerts, "--json"], capture_output=True, text=True).stdout
    r = json.loads(out.splitlines()[-1])
    print(out.splitlines()[0])
    assert r["windows"] >= 1 and r["detected"] == r["windows"], r
PY

# HCRL CSV of the same traffic: the same frames, read as the Car-Hacking form
python3 - "$T/train.log" "$T/train.csv" <<'PY'
import sys
out = open(sys.argv[2], "w")
for line in open(sys.argv[1]):
    ts, _, frame = line.split()
    cid, data = frame.split("#")
    b = [data[i:i + 2].lower() for i in range(0, len(data), 2)]
    out.write(",".join([ts.strip("()"), cid.rjust(4, "0") if len(cid) == 3 else cid, str(len(b))] + b + ["R"]) + "\n")
PY
expect_rc 0 $S can learn --read "$T/train.csv" -o "$T/b-csv.json" --iface-name can0
python3 -c "
import json,sys
a=json.load(open('$T/b.json')); b=json.load(open('$T/b-csv.json'))
sys.exit(0 if a['ids']==b['ids'] else 1)" && ok "HCRL CSV learns the same baseline" || bad "HCRL CSV baseline differs"

# a hostile bus: 200,000 frames of random 29-bit ids in 20 s; memory and output stay bounded
python3 - "$T/hostile.log" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        t = 1772700000 + i * 0.0001
        f.write("(%.6f) can0 %08X#%016X\n" % (t, random.getrandbits(29), random.getrandbits(64)))
PY
expect_rc 0 $S can watch -b "$T/b.json" --read "$T/hostile.log" --jsonl "$T/hostile.jsonl"
lines=$(wc -l <"$T/hostile.jsonl")
[ "$lines" -le 1200 ] && ok "hostile bus: $lines alert lines for 200,000 unknown ids" ||
    bad "hostile bus: $lines alert lines"
has "$T/hostile.jsonl" '"can_id":"*"'

corpus=${SL_CAN_CORPUS:-$SL_SOURCE_DIR/../shared/corpus/can}
[ -d "$corpus" ] || corpus=/work/shared/corpus/can
if [ -f "$corpus/candump_gmlan_scanner.log.gz" ]; then
    gzip -dc "$corpus/candump_gmlan_scanner.log.gz" | $S can learn --read - -o "$T/g.json" 2>"$T/err"
    has "$T/err" "3819 frames"
    gzip -dc "$corpus/candump_gmlan_scanner.pcap.gz" | $S can watch -b "$T/g.json" --read - >"$T/g.jsonl" 2>"$T/err"
    has "$T/err" "3819 frames"
    [ ! -s "$T/g.jsonl" ] && ok "the real pcap matches the baseline of its candump twin" ||
        bad "real pcap vs its log: $(head -2 "$T/g.jsonl")"
else
    echo "skipped: the shared CAN corpus ($corpus) is not here; the real-file part did not run"
fi
finish
