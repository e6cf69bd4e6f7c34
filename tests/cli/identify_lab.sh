#!/bin/sh
# Identify against the emulated lab: every profile once or more, answers
# gathered as a scanner would, claims scored against the lab's ground truth.
# Asserts what the lab can show: every non-hostile device's maker right, no
# prohibited claim on anything that is not a target. Skips without root or lab.
. "$(dirname "$0")/lib.sh"
need_lab
out=$(sh "$SL_SOURCE_DIR/bench/lab_identify.sh" "$SL_BUILD_DIR" 40 5 2>&1)
rc=$?
echo "$out" | tail -8
[ "$rc" -eq 77 ] && skip "the lab run was skipped"
[ "$rc" -eq 0 ] || die "lab run exited $rc"
echo "$out" | grep '^lab  ' >"$T/line"
has "$T/line" "accuracy 100.00%" "every maker right"
has "$T/line" "false prohibited on non-targets: 0" "no false prohibited"
has "$T/line" "recall 100.00%" "every prohibited device found"
finish
