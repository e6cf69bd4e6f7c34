#!/bin/sh
# Identify against the emulated lab: every profile once or more, answers
# gathered as a scanner would, claims scored against the lab's ground truth.
# Asserts what the lab can show: every non-hostile device's maker right, no
# prohibited claim on anything that is not a target. Skips without root or lab.
set -u
[ -n "${SIGHTLINE_LAB:-}" ] || { echo "SIGHTLINE_LAB not set: lab not built"; exit 77; }
out=$(sh "$SL_SOURCE_DIR/bench/lab_identify.sh" "$SL_BUILD_DIR" 40 5 2>&1)
rc=$?
echo "$out" | tail -8
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || { echo "FAIL: lab run exited $rc"; exit 1; }
line=$(echo "$out" | grep '^lab  ')
echo "$line" | grep -q "accuracy 100.00%" || { echo "FAIL: a maker was wrong"; exit 1; }
echo "$line" | grep -q "false prohibited on non-targets: 0" || { echo "FAIL: false prohibited"; exit 1; }
echo "$line" | grep -q "recall 100.00%" || { echo "FAIL: a prohibited device was missed"; exit 1; }
echo "ok"
