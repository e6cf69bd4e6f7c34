# can_common.sh - sourced by the CAN benchmarks: finds the shared CAN corpus
# ($SL_CORPUS, else ../shared/corpus/can beside the checkout) and builds the
# release flavour in build-bench/ (warnings not fatal: benchmarks measure).
# Sets corpus, S (sightline), L (sightline-lab).
corpus=${SL_CORPUS:-$(cd .. && pwd)/shared/corpus/can}
[ -d "$corpus" ] || corpus=/work/shared/corpus/can
if [ ! -f "$corpus/ford_lincoln_base_pt.dbc" ]; then
    echo "$(basename "$0"): the shared DBC files are not in $corpus (set SL_CORPUS)"
    exit 2
fi
if [ ! -f build-bench/build.ninja ]; then
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_WERROR=OFF >/dev/null
fi
cmake --build build-bench -j "$(nproc)" >/dev/null 2>&1 || cmake --build build-bench
S=./build-bench/sightline
L=./build-bench/lab/sightline-lab
