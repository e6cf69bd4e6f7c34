#!/bin/sh
# The register on a real PostgreSQL server (Debian's, a private cluster of this
# test's own): passwords kept off the command line and out of messages, a
# server that is down or killed in the middle of an import's writes, a newer
# schema refused, a streaming replica serving the reports, and moving a
# register between SQLite and PostgreSQL with its audit chain intact.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE
PGC="sh ${SL_SOURCE_DIR:?}/scripts/pg-cluster"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server not installed (scripts/bootstrap)"; exit 1; }
export PATH="$bindir:$PATH" SIGHTLINE_NOW=2026-11-27 HOME="$T"
# The clusters live under /tmp: their server runs as an unprivileged user, which must
# reach them (a build tree may sit below a directory closed to others).
P=$(mktemp -d /tmp/sl-pgtest.XXXXXX)
chmod 0755 "$P"
C="$P/primary"
on_exit '$PGC stop "$P/replica"; $PGC stop "$C"; rm -rf "$P"'
LOC=$($PGC start "$C" --fast) || exit 1
q() { psql -XAtq -d "$1" -c "$2"; }

# --- every day use ---------------------------------------------------------------
expect_rc 0 $S sites add Northgate --department "Dept A" --tier sensitive --network 198.18.1.0/24 \
    --db "$LOC"
expect_rc 0 $S sites list --db "$LOC" && has "$T/out" "Northgate"
expect_rc 0 $S db verify --db "$LOC" && has "$T/out" "postgresql database 'sightline'"
SIGHTLINE_DB="postgresql:///sightline?host=$C" expect_rc 0 $S sites show Northgate &&
    has "$T/out" "198.18.1.0/24"

# --- passwords: never on the command line, never in a message ---------------------
expect_rc 2 $S sites list --db "$LOC password=hunter2-secret" &&
    has "$T/err" "PGPASSFILE"
expect_rc 2 $S sites list --db "postgresql://root:hunter2-secret@/sightline?host=$C" &&
    has "$T/err" "never on the command line"
if grep -q hunter2-secret "$T/err"; then bad "a password was echoed"; else ok "no password echoed"; fi
q "host=$C dbname=postgres" "ALTER ROLE sl_pw PASSWORD 'pw-Secret-77'" >/dev/null
q "host=$C dbname=postgres" "CREATE DATABASE pwdb OWNER sl_pw" >/dev/null
PWLOC="host=$C dbname=pwdb user=sl_pw"
printf '*:*:*:sl_pw:pw-Secret-77\n' >"$T/pgpass"
chmod 0600 "$T/pgpass"
PGPASSFILE="$T/pgpass" expect_rc 0 $S sites add Harbour --department B --tier public --db "$PWLOC" &&
    ok "password from PGPASSFILE"
expect_rc 3 $S sites list --db "$PWLOC" && has "$T/err" "password"
printf '*:*:*:sl_pw:wrong-Secret-88\n' >"$T/pgpass.bad"
chmod 0600 "$T/pgpass.bad"
PGPASSFILE="$T/pgpass.bad" expect_rc 3 $S sites list --db "$PWLOC" &&
    has "$T/err" "password authentication failed"
if grep -rq -e pw-Secret-77 -e wrong-Secret-88 "$T/out" "$T/err" "$C/server.log"; then
    bad "a password reached output, an error or the server log"
else ok "passwords stay out of output, errors and the server log"; fi

# --- a newer schema is refused, never downgraded ----------------------------------
q "host=$C dbname=postgres" "CREATE DATABASE newer" >/dev/null
expect_rc 0 $S db migrate --db "host=$C dbname=newer" # a read command never creates one
q "host=$C dbname=newer" "UPDATE sl_schema_version SET version = 99"
expect_rc 2 $S sites list --db "host=$C dbname=newer" && has "$T/err" "newer than this sightline"
[ "$(q "host=$C dbname=newer" "SELECT version FROM sl_schema_version")" = 99 ] &&
    ok "schema version left at 99" || bad "schema version changed"

# --- the server down, then killed in the middle of an import ----------------------
$PGC stop "$C"
expect_rc 3 $S sites list --db "$LOC" &&
    has "$T/err" "cannot connect to postgresql database 'sightline' on $C"
$PGC restart "$C"
# 12,000 hosts as masscan JSON: an import records them in transactions of 500.
awk 'BEGIN { print "["; for (i = 0; i < 12000; i++) printf "{\"ip\": \"198.19.%d.%d\", \"ports\": [{\"port\": 554, \"proto\": \"tcp\", \"status\": \"open\"}]}%s\n", int(i / 250), i % 250 + 1, (i < 11999 ? "," : ""); print "]" }' >"$T/big.json"
$S import "$T/big.json" --db "$LOC" --quiet >"$T/imp.out" 2>"$T/imp.err" &
imp=$!
i=0
while [ $i -lt 600 ]; do
    n=$(q "$LOC" "SELECT count(*) FROM devices" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 500 ] && break
    kill -0 $imp 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
# Some batches are in, the import is writing the next: kill the server now.
[ "${n:-0}" -ge 500 ] && kill -0 $imp 2>/dev/null && ok "killing the server mid-import (${n} devices in)" ||
    bad "the import was not writing when the server was to be killed (${n:-?} devices)"
$PGC kill "$C"
wait $imp
rc=$?
[ "$rc" -eq 3 ] && ok "import stops with exit 3 when the server dies" ||
    bad "import exit $rc when the server died (devices before the kill: ${n:-?})"
has "$T/imp.err" "lost the connection to postgresql database 'sightline'"
$PGC restart "$C"
expect_rc 0 $S db verify --db "$LOC" && ok "audit chain intact after the crash"
part=$(q "$LOC" "SELECT count(*) FROM devices")
ev=$(q "$LOC" "SELECT count(*) FROM lifecycle_events WHERE from_status IS NULL")
[ "$part" -eq "$ev" ] && [ "$part" -lt 12000 ] && [ $((part % 500)) -eq 0 ] &&
    ok "whole transactions only: $part devices, each with its discovery event" ||
    bad "after the crash: $part devices, $ev discovery events"
expect_rc 0 $S import "$T/big.json" --db "$LOC" --quiet && ok "the import reruns to completion"
[ "$(q "$LOC" "SELECT count(*) FROM devices WHERE address << '198.19.0.0/16'")" = 12000 ] &&
    [ "$(q "$LOC" "SELECT count(DISTINCT address) FROM devices")" = "$(q "$LOC" "SELECT count(*) FROM devices")" ] &&
    ok "12000 devices, none twice" || bad "devices after the rerun: $(q "$LOC" "SELECT count(*) FROM devices")"
expect_rc 0 $S db verify --db "$LOC"

# --- moving a register: SQLite -> PostgreSQL -> SQLite ----------------------------
expect_rc 0 $S demo seed --db "$T/lite.db"
CLOC=$($PGC createdb "$C" copied)
expect_rc 0 $S db copy --from "$T/lite.db" --to "$CLOC" && has "$T/out" "audit chain verified"
head_lite=$($S db verify --db "$T/lite.db" | grep '^head:')
head_pg=$($S db verify --db "$CLOC" | grep '^head:')
[ -n "$head_lite" ] && [ "$head_lite" = "$head_pg" ] && ok "same audit head on both ($head_pg)" ||
    bad "heads differ: '$head_lite' vs '$head_pg'"
expect_rc 2 $S db copy --from "$T/lite.db" --to "$CLOC" && has "$T/err" "not empty"
expect_rc 0 $S db copy --from "$CLOC" --to "$T/back.db"
for f in md csv json; do
    $S report --db "$T/lite.db" --format $f -o "$T/lite.$f" >/dev/null
    $S report --db "$CLOC" --format $f -o "$T/pg.$f" >/dev/null
    $S report --db "$T/back.db" --format $f -o "$T/back.$f" >/dev/null
    cmp -s "$T/lite.$f" "$T/pg.$f" && cmp -s "$T/lite.$f" "$T/back.$f" &&
        ok "report ($f) identical on SQLite, PostgreSQL and the copy back" ||
        bad "report ($f) differs between backends"
done

# --- a streaming replica serves the reads ------------------------------------------
RLOC=$($PGC replica "$C" "$P/replica") || bad "replica did not start"
ELOC=$($PGC createdb "$C" estate)
REPL="host=$P/replica dbname=estate"
expect_rc 0 $S demo seed --db "$ELOC"
lsn=$(q "host=$C dbname=postgres" "SELECT pg_current_wal_lsn()")
i=0
until [ "$(q "host=$P/replica dbname=postgres" "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] ||
    [ $i -ge 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
expect_rc 0 $S report --db "$ELOC" --format json -o "$T/primary.json"
expect_rc 0 $S report --read-db "$REPL" --format json -o "$T/replica.json"
cmp -s "$T/primary.json" "$T/replica.json" && ok "the replica's report is the primary's" ||
    bad "the replica's report differs"
SIGHTLINE_READ_DB="$REPL" expect_rc 0 $S devices list --db "$ELOC" --status removed --limit 3 &&
    ok "SIGHTLINE_READ_DB is read by read-only commands"
expect_rc 2 $S sites add Z --department D --tier public --db "$REPL" &&
    has "$T/err" "read-only"
[ -n "$RLOC" ] || bad "no replica location"
finish
