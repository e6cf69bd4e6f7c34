#!/bin/sh
# Runs every built libFuzzer target for a few seconds over a copy of its
# committed corpus (the source tree is left as it is). Longer runs:
# scripts/fuzz. Skipped (77) when the fuzz flavour has not been built.
. "$(dirname "$0")/lib.sh"
src=$SL_SOURCE_DIR
dir="$src/build-fuzz/fuzz"
secs=${SL_FUZZ_SMOKE_SECONDS:-5}
# A fixed seed: the suite replays the same mutations on every machine (a run
# that passed here passes in CI); scripts/fuzz explores at random for longer.
seed=${SL_FUZZ_SMOKE_SEED:-1}
[ -d "$dir" ] || skip "build-fuzz does not exist: run ./scripts/build fuzz (clang-14) to fuzz"
targets=$(find "$dir" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x | sort)
[ -n "$targets" ] || skip "no fuzz targets in $dir"
work=$T
for t in $targets; do
    name=$(basename "$t")
    seeds="$src/fuzz/corpus/${name#fuzz_}"
    mkdir -p "$work/$name"
    set -- "$work/$name"
    [ -d "$seeds" ] && set -- "$@" "$seeds"
    if "$t" -seed="$seed" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$work/$name-" "$@" >"$work/$name.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -1)
        ok "$name: ${execs:-?} executions in ${secs} s"
    else
        bad "$name"
        tail -n 40 "$work/$name.log"
    fi
done
finish
