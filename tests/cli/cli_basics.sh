#!/bin/sh
# The command line: help, version, unknown commands, bad flags (exit 2 with a
# clear message), and the register commands end to end.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE

expect_rc 0 $S --version && has "$T/out" "sightline "
expect_rc 0 $S help && has "$T/out" "Commands:"
expect_rc 0 $S --help && has "$T/out" "sites"
expect_rc 2 $S && has "$T/err" "Usage: sightline"
expect_rc 2 $S frobnicate && has "$T/err" "unknown command 'frobnicate'"
expect_rc 2 $S help frobnicate && has "$T/err" "unknown command 'frobnicate'"
expect_rc 0 $S help sites && has "$T/out" "import"
expect_rc 0 $S sites --help && has "$T/out" "import"
expect_rc 2 $S sites && has "$T/err" "Usage: sightline sites"
expect_rc 2 $S sites frob && has "$T/err" "unknown command 'frob'"
for c in "sites add" "sites list" "sites show" "sites import" "devices list" "devices show" \
         "db verify" "db migrate" "db log"; do
    # shellcheck disable=SC2086
    expect_rc 0 $S $c --help && has "$T/out" "Usage: sightline $c"
    # shellcheck disable=SC2086
    expect_rc 2 $S $c --no-such-flag && has "$T/err" "unrecognized option '--no-such-flag'" &&
        has "$T/err" "Try 'sightline $c --help'."
done
expect_rc 2 $S sites add X --department D --tier secret && has "$T/err" "--tier must be"
expect_rc 2 $S sites add X --tier public && has "$T/err" "--department is required"
expect_rc 2 $S sites add X --department D --tier public --network 198.18.0.1/24 &&
    has "$T/err" "did you mean 198.18.0.0/24"
expect_rc 2 $S devices list --status gone && has "$T/err" "--status must be one of"
expect_rc 2 $S devices list --limit 0 && has "$T/err" "--limit takes a positive number"

# The register, end to end.
expect_rc 0 $S sites add "Northgate House" --department "Dept A" --tier sensitive \
    --network 198.18.1.0/24 --network "198.18.2.0/24,2001:db8:1::/48" &&
    has "$T/out" "3 networks"
expect_rc 2 $S sites add "Northgate House" --department "Dept A" --tier public &&
    has "$T/err" "already exists"
cat >"$T/sites.csv" <<'CSV'
name,department,tier,networks
Harbour Street,Dept B,official,198.18.3.0/24
Market Hall,Dept B,public,
CSV
expect_rc 0 $S sites import "$T/sites.csv" && has "$T/out" "imported 2 sites"
expect_rc 0 $S sites list && has "$T/out" "Harbour Street" && has "$T/out" "198.18.3.0/24"
expect_rc 0 $S sites list --csv && has "$T/out" "name,department,tier,networks"
expect_rc 0 $S sites list --json && has "$T/out" '"tier": "sensitive"'
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==3, d' "$T/out" &&
   ok "sites list --json is valid JSON with 3 sites" || bad "sites list --json"
# sites list --csv round-trips through import into a fresh register.
$S sites list --csv >"$T/round.csv"
expect_rc 0 $S sites import --db "$T/other.db" "$T/round.csv" && has "$T/out" "imported 3 sites"
expect_rc 0 $S sites show "Northgate House" && has "$T/out" "2001:db8:1::/48"
expect_rc 2 $S sites show "Nowhere" && has "$T/err" "no site named 'Nowhere'"
printf 'name,department,tier,networks\nA,D,public,\nB,D,bogus,\n' >"$T/bad.csv"
expect_rc 2 $S sites import "$T/bad.csv" && has "$T/err" "line 3, column 3 (tier)" &&
    has "$T/err" "nothing imported"
expect_rc 0 $S sites list && ! grep -q '^A ' "$T/out" && ok "bad import left nothing" ||
   bad "bad import left rows"
expect_rc 2 $S sites import "$T/missing.csv" && has "$T/err" "cannot read"
expect_rc 0 $S devices list && has "$T/out" "no devices match"
expect_rc 0 $S devices list --json && has "$T/out" "[]"
expect_rc 2 $S devices show 42 && has "$T/err" "no device '42'"

# db verify, and tamper detection.
expect_rc 0 $S db verify && has "$T/out" "audit chain intact: 3 entries"
expect_rc 0 $S db verify --json && has "$T/out" '"ok": true'
expect_rc 0 $S db log && has "$T/out" "site.add"
expect_rc 0 $S db migrate && has "$T/out" "(latest)"
expect_rc 2 $S db verify --db "$T/none.db" && has "$T/err" "no register at"
sqlite3 "$SIGHTLINE_DB" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail='{}' WHERE seq=2;"
expect_rc 1 $S db verify && has "$T/err" "audit chain broken at entry 2"
expect_rc 1 $S db verify --json && has "$T/out" '"first_bad_entry": 2'
printf 'not a database at all, just some text padding padding padding' >"$T/junk.db"
expect_rc 3 $S sites list --db "$T/junk.db" && has "$T/err" "not a sightline register"
finish
