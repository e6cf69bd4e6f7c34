#!/bin/sh
# The verdict history (issue 10): a register re-assessed after a policy change
# gives different `report --as-of` figures before and after the change date;
# the report lists each change with its rules and policy version in every
# format; a dry run writes nothing; an import that changes a verdict back is
# recorded too; db verify replays the history. Runs on PostgreSQL as well.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE dir=$T

expect 0 "devices reassess --help" "$SL" devices reassess --help
has "$dir/out" "--dry-run" "help names --dry-run"
expect 2 "reassess: unknown policy" "$SL" devices reassess --policy NO-SUCH-POLICY
expect 2 "reassess: stray argument" "$SL" devices reassess everything

# Three Hikvision cameras at a public site, judged in March under the UK
# statement alone: public sites are outside it, so they are allowed.
expect 0 "site" "$SL" sites add Library --department "Dept of Books" --tier public --network 198.18.20.0/24
nmap_camera "$dir/cams.xml" 198.18.20.1 198.18.20.2 198.18.20.3
SIGHTLINE_NOW=2026-03-02 expect 0 "import in March" "$SL" import "$dir/cams.xml" --site Library --policy UK-2022-sensitive-sites
n=$("$SL" devices list --decision allowed --csv | tail -n +2 | wc -l)
[ "$n" -eq 3 ] && ok "three cameras allowed" || bad "allowed after import: $n"

affected() { # AS-OF -> total.affected of the JSON report
    "$SL" report --format json --as-of "$1" -o "$dir/r-$1.json" || { echo "report failed" >&2; return 1; }
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["affected"])' "$dir/r-$1.json"
}
need_tool python3
[ "$(affected 2026-03-15)" = 0 ] && ok "March: nothing affected" || bad "March before reassess: $(affected 2026-03-15)"

# Reassessing with the same policies changes nothing.
SIGHTLINE_NOW=2026-03-03 expect 0 "reassess, nothing new" "$SL" devices reassess --policy UK-2022-sensitive-sites
has "$dir/out" "3 devices examined (0 without stored evidence): 0 claims and 0 verdicts changed" "no spurious change"

# The programme takes on NDAA s.889 in June: a dry run first.
export SIGHTLINE_NOW=2026-06-01
expect 0 "dry run" "$SL" devices reassess --dry-run --policy UK-2022-sensitive-sites,US-NDAA-889
has "$dir/out" "0 claims and 3 verdicts would change; nothing written" "dry run counts"
has "$dir/out" "allowed -> prohibited" "dry run shows the change"
n=$("$SL" devices list --decision prohibited --csv | tail -n +2 | wc -l)
[ "$n" -eq 0 ] && ok "dry run wrote nothing" || bad "dry run wrote $n verdicts"
expect 0 "reassess" "$SL" devices reassess --policy UK-2022-sensitive-sites,US-NDAA-889
has "$dir/out" "3 verdicts changed" "reassess counts"
has "$dir/out" "policy US-NDAA-889 2019" "the change names the policy and its version"
n=$("$SL" devices list --decision prohibited --csv | tail -n +2 | wc -l)
[ "$n" -eq 3 ] && ok "three prohibited now" || bad "prohibited after reassess: $n"

# As of a date before the change: the verdicts that held then (without the
# history, today's 'prohibited' would count all three in March).
a_mar=$(affected 2026-03-15) a_jun=$(affected 2026-06-15)
[ "$a_mar" = 0 ] && ok "as of March: 0 affected" || bad "as of March: $a_mar affected (today's verdicts used)"
[ "$a_jun" = 3 ] && ok "as of June: 3 affected" || bad "as of June: $a_jun affected"
has "$dir/r-2026-06-15.json" '"policy": "US-NDAA-889"' "JSON lists the change's policy"
has "$dir/r-2026-06-15.json" '"via": "reassess"' "JSON says what judged again"
python3 - "$dir/r-2026-06-15.json" "$dir/r-2026-03-15.json" <<'P' && ok "verdict changes in the JSON" || bad "verdict changes in the JSON"
import json, sys
j = json.load(open(sys.argv[1]))
vc = j["verdict_changes"]
assert vc["total"] == 3 and len(vc["listed"]) == 3, vc
for x in vc["listed"]:
    assert (x["from"], x["to"]) == ("allowed", "prohibited"), x
    assert x["policy_version"].startswith("2019-"), x
    assert "hikvision" in (x["rules"] or "").lower(), x
    assert x["at"].startswith("2026-06-01"), x
assert json.load(open(sys.argv[2]))["verdict_changes"]["total"] == 0
P
for f in csv md html; do
    expect 0 "report --format $f" "$SL" report --format "$f" --as-of 2026-06-15 -o "$dir/r.$f"
done
has "$dir/r.csv" "verdict_changes,all,total,3" "CSV total"
has "$dir/r.csv" "policy,US-NDAA-889" "CSV change rows"
has "$dir/r.md" "## Verdict changes (3)" "Markdown section"
has "$dir/r.md" "| allowed | prohibited |" "Markdown from -> to"
has "$dir/r.html" 'data-figure="verdict_changes.total">3<' "HTML total figure"
has "$dir/r.html" 'data-figure="verdict_changes.listed.0.policy">US-NDAA-889<' "HTML change row"

# The normal ingest path: an import under the old policies in September puts
# the verdicts back, and that is history too.
SIGHTLINE_NOW=2026-09-01 expect 0 "import in September" "$SL" import "$dir/cams.xml" --site Library --policy UK-2022-sensitive-sites
a_jul=$(affected 2026-07-15) a_sep=$(affected 2026-09-15)
[ "$a_jul" = 3 ] && ok "as of July: still 3" || bad "as of July: $a_jul"
[ "$a_sep" = 0 ] && ok "as of September: 0 again" || bad "as of September: $a_sep"
has "$dir/r-2026-09-15.json" '"via": "observation"' "the import's change is listed"
python3 - "$dir/r-2026-07-15.json" <<'P' && ok "July's device list has July's verdicts" || bad "July's device list"
import json, sys
listed = json.load(open(sys.argv[1]))["devices"]["listed"]
assert len(listed) == 3, listed
for d in listed:
    v = d["verdict"]
    assert v["decision"] == "prohibited" and v["policy"] == "US-NDAA-889", v
    assert "as of 2026-07-15" in v["reason"], v
P
"$SL" devices show 198.18.20.1 --json > "$dir/show.json" || bad "devices show"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["verdict_history"]; assert [x["to"] for x in h]==["prohibited","allowed"], h' "$dir/show.json" \
    && ok "devices show has the history" || bad "devices show history"

# A rule change: the same evidence identified again names the maker by a
# renamed rule. The claim changes (its rules), the verdict does not.
cp -r "$SIGHTLINE_DATA" "$dir/data"
sed -i 's/"hikvision.http.server.app-webs"/"hikvision.http.server.app-webs-v2"/' "$dir/data/rules/hikvision.json"
grep -q app-webs-v2 "$dir/data/rules/hikvision.json" || bad "the rule to rename is not in the data"
SIGHTLINE_NOW=2026-10-01 SIGHTLINE_DATA="$dir/data" expect 0 "reassess after a rule change" \
    "$SL" devices reassess --policy UK-2022-sensitive-sites
has "$dir/out" "3 claims and 0 verdicts changed" "claims changed, verdicts not"
has "$dir/out" "app-webs-v2" "the change names the new rule"
"$SL" devices show 198.18.20.1 --json > "$dir/show2.json" || bad "devices show"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["verdict_history"]; x=h[-1]; assert x["claim_changed"] and not x["verdict_changed"] and "app-webs-v2" in x["rules"], x' "$dir/show2.json" \
    && ok "the claim change is in the device's history" || bad "claim change in the history"
[ "$(affected 2026-10-15)" = 0 ] && ok "a claim change alone moves no figure" || bad "affected after a claim change"

n=$(sql "SELECT count(*) FROM audit_log WHERE action = 'device.verdict'")
[ "$n" -eq 9 ] && ok "nine device.verdict audit entries" || bad "device.verdict entries: $n"
expect 0 "db verify" "$SL" db verify
# A verdict event written behind the audit log's back is found.
sql "INSERT INTO verdict_events (device_id, at, recorded_at, actor, via, claim_changed, verdict_changed, from_claim, to_claim, from_decision, to_decision) VALUES (1, '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', 'x', 'reassess', 0, 1, '{}', '{}', 'allowed', 'prohibited')" \
    || bad "insert behind the log"
expect 1 "db verify finds an unaudited verdict change" "$SL" db verify
has "$dir/err" "verdict changes in the register" "verify names the verdict history"
finish
