#!/bin/sh
# An estate's scans into one register: SITES x DEVICES devices (default 1,000 x
# 1,000 = 1,000,000), 5 evidence rows each, written through the store interface
# by 8 writer processes into PostgreSQL (a private cluster of Debian's server,
# default durability: fsync and synchronous commit on), then the same into
# SQLite by one writer for comparison. Each scan hands the store its devices in
# batches of 500 (sl_store_observe_batch; SL_BENCH_ONE_BY_ONE=1 for one device a
# call). Prints the time, devices/s and evidence rows/s of each, the CPU seconds
# of the writers and of the server (for the ingest alone: "ingest CPU", with rows
# per server CPU-second, the figure a shared machine's load changes least; and for
# the whole run, verification included), checks that no device was lost or written
# twice, and verifies the audit chain. Target: >= 50,000 evidence rows/s on PostgreSQL. Last,
# `sightline db copy` moves the SQLite register (1M devices, 5M evidence rows,
# the 1M-entry chain) into a fresh PostgreSQL database: time printed, then
# `db verify` on the copy.
#   bench/estate_ingest.sh [SITES] [DEVICES] [WRITERS]
#   SL_BENCH_DIR (default /tmp/sl-bench-estate) holds the cluster and the file;
#   SL_BENCH_BACKENDS="postgres sqlite copy" picks which parts to run (in that order).
# Nothing here touches the network (the cluster listens on a Unix socket only).
set -eu
cd "$(dirname "$0")/.."
sites=${1:-1000}
devices=${2:-1000}
writers=${3:-8}
dir=${SL_BENCH_DIR:-/tmp/sl-bench-estate}
backends=${SL_BENCH_BACKENDS:-postgres sqlite copy}
mkdir -p "$dir"
chmod 0755 "$dir"
./scripts/build release >/dev/null
BIN=./build/bench/bench_estate_ingest
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; figures are provisional when others share it"
for b in $backends; do
    case $b in
    postgres)
        ./scripts/pg-cluster stop "$dir/pg" >/dev/null 2>&1 || true
        rm -rf "$dir/pg"
        # Room for the working set; durability as shipped (fsync, synchronous_commit on).
        SL_PG_CONF="shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 15min
wal_compression = on" ./scripts/pg-cluster start "$dir/pg" >/dev/null
        trap './scripts/pg-cluster stop "$dir/pg"' EXIT
        loc="host=$dir/pg dbname=sightline"
        echo "== PostgreSQL ($loc), $writers writers"
        # CPU as well as wall time (less sensitive to a shared machine): the
        # writers' own, and the server's (its backends, reaped by the postmaster).
        pm=$(head -1 "$dir/pg/data/postmaster.pid")
        cpu0=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
        SL_BENCH_SERVER_PID=$pm \
        /usr/bin/time -f "client CPU (writers and checks): %U s user + %S s sys; %e s wall" \
            $BIN "$loc" "$sites" "$devices" 5 "$writers" || echo "(checks failed: see above)"
        cpu1=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
        echo "server CPU (ingest, checks and verify; backends only): $(( (cpu1 - cpu0) / $(getconf CLK_TCK) )) s"
        psql -XAtq -h "$dir/pg" -d sightline \
            -c "SELECT 'database size: ' || pg_size_pretty(pg_database_size('sightline'))"
        ./scripts/pg-cluster stop "$dir/pg"
        trap - EXIT
        ;;
    sqlite)
        rm -f "$dir/estate.db" "$dir/estate.db-wal" "$dir/estate.db-shm"
        echo "== SQLite ($dir/estate.db), 1 writer"
        /usr/bin/time -f "CPU: %U s user + %S s sys; %e s wall" \
            $BIN "$dir/estate.db" "$sites" "$devices" 5 1 || echo "(checks failed: see above)"
        echo "file size: $(du -h "$dir/estate.db" | cut -f1)"
        ;;
    copy)
        [ -f "$dir/estate.db" ] || { echo "no $dir/estate.db: run the sqlite part first"; exit 2; }
        ./scripts/pg-cluster stop "$dir/pgcopy" >/dev/null 2>&1 || true
        rm -rf "$dir/pgcopy"
        SL_PG_CONF="shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 15min" ./scripts/pg-cluster start "$dir/pgcopy" >/dev/null
        trap './scripts/pg-cluster stop "$dir/pgcopy"' EXIT
        loc="host=$dir/pgcopy dbname=sightline"
        echo "== db copy of $dir/estate.db into PostgreSQL ($loc)"
        /usr/bin/time -f "db copy: %e s (cpu %U s user + %S s sys), peak RSS %M KiB" \
            ./build/sightline db copy --quiet \
            --from "$dir/estate.db" --to "$loc"
        /usr/bin/time -f "db verify (copy): %e s, peak RSS %M KiB" ./build/sightline db verify \
            --db "$loc"
        ./scripts/pg-cluster stop "$dir/pgcopy"
        trap - EXIT
        ;;
    esac
done
