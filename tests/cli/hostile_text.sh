#!/bin/sh
# Hostile text in what sightline writes (issue 11, items 13 and 14): names and
# device answers that are spreadsheet formulas, Markdown links or raw HTML come
# out inert in every CSV output and in the Markdown report; names that are not
# UTF-8 or hold a NUL are refused with their line and column.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE

# --- item 13: CSV formula injection ---
cat > "$T/sites.csv" <<'CSV'
name,department,tier,networks
"=HYPERLINK(""http://evil.example/"",""x"")",<img src=x onerror=alert(1)>,sensitive,198.18.7.0/24
@SUM(1+1),[click](javascript:alert(1)),official,198.18.8.0/24
-2+3,+cmd|' /C calc'!A0,public,
	tabbed,Dept,public,
CSV
expect 0 "sites import of formula-like names" "$SL" sites import "$T/sites.csv"
nmap_camera "$T/nmap.xml" 198.18.7.3
expect 0 "a device at the formula site" "$SL" import "$T/nmap.xml"
expect 0 "a milestone with markup" "$SL" milestones add '<a href="javascript:alert(1)">m</a> [x](javascript:alert(2))' --due 2027-01-01 --percent 50

# A cell is a formula when it starts with = + - @ tab or CR; OWASP: prefix a '
# (and quote the cell). No output may hold a cell that starts a formula.
formula_cells() { # FILE: prints cells (of a simple CSV) that a spreadsheet would run
    python3 -c '
import csv, sys
for row in csv.reader(open(sys.argv[1], newline="")):
    for c in row:
        if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
            try: float(c)
            except ValueError: print(repr(c))
' "$1"
}
need_tool python3
"$SL" sites list --csv > "$T/sites.out" || bad "sites list --csv"
"$SL" devices list --csv > "$T/devices.out" || bad "devices list --csv"
"$SL" report --format csv -o "$T/report.out" || bad "report --format csv"
for f in sites devices report; do
    n=$(formula_cells "$T/$f.out" | wc -l)
    check "no formula cell in $f CSV" 0 "$n"
done
has "$T/sites.out" "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"" "formula name kept, neutralised"
has "$T/sites.out" "\"'@SUM(1+1)\"" "@ cell neutralised"
has "$T/devices.out" "\"'=HYPERLINK(" "site name in devices CSV neutralised"
grep -q "^department,\"'+cmd|" "$T/report.out" && ok "department in report CSV neutralised" || bad "department in report CSV"
grep -q ',-3\|,0\.0' "$T/report.out" && ok "numbers are left as numbers" || bad "numbers in report CSV"
# sites list --csv is what sites import reads: the guard reads back as the name.
SIGHTLINE_DB="$T/copy.db" expect 0 "sites list --csv imports back" "$SL" sites import "$T/sites.out"
SIGHTLINE_DB="$T/copy.db" "$SL" sites list --json > "$T/copy.json"
has "$T/copy.json" '"name": "=HYPERLINK(\"http://evil.example/\",\"x\")"' "round trip keeps the name"
has "$T/copy.json" '"name": "-2+3"' "round trip keeps a leading minus"

# --- item 13: the Markdown report ---
"$SL" report --format md -o "$T/report.md" || bad "report --format md"
lacks "$T/report.md" "<img" "no raw HTML from a department"
lacks "$T/report.md" '<a href' "no raw HTML from a milestone name"
grep -q '[^\\]](javascript:' "$T/report.md" && bad "a javascript: link" || ok "no javascript: link"
has "$T/report.md" '&lt;img src=x onerror=alert(1)&gt;' "markup shown as text"
has "$T/report.md" '\[click\](javascript:alert(1))' "link syntax escaped"

# --- item 14: invalid UTF-8 and NUL in names ---
printf 'name,department,tier,networks\nGood,D,public,\nBad\377name,D,public,\n' > "$T/utf8.csv"
expect 2 "a name that is not UTF-8 is refused" "$SL" sites import "$T/utf8.csv"
has "$T/err" "line 3, column 1 (name): not valid UTF-8" "line and column named"
printf 'name,department,tier,networks\nGood,D\300\257,public,\n' > "$T/overlong.csv"
expect 2 "an overlong UTF-8 form is refused" "$SL" sites import "$T/overlong.csv"
has "$T/err" "line 2, column 2 (department): not valid UTF-8" "department named"
printf 'name,department,tier,networks\nNul\000cut,D,public,\n' > "$T/nul.csv"
expect 2 "a NUL in a name is refused" "$SL" sites import "$T/nul.csv"
has "$T/err" "line 2, column 1 (name): a NUL byte" "NUL: line and column named"
printf 'name,department,tier,networks\n"Quoted\000nul",D,public,\n' > "$T/nulq.csv"
expect 2 "a NUL in a quoted name is refused" "$SL" sites import "$T/nulq.csv"
SIGHTLINE_DB="$T/u.db" expect 0 "UTF-8 names are fine" "$SL" sites add "Gare du Nord – Bâtiment Ω" --department "Ministère" --tier public
SIGHTLINE_DB="$T/u.db" expect 2 "sites add: a name that is not UTF-8" "$SL" sites add "$(printf 'Bad\377')" --department D --tier public
has "$T/err" "not valid UTF-8" "sites add says why"
SIGHTLINE_DB="$T/u.db" expect 2 "milestones add: a name that is not UTF-8" "$SL" milestones add "$(printf 'M\376')" --due 2027-01-01 --count 1
SIGHTLINE_DB="$T/u.db" "$SL" sites list --json > "$T/u.json"
has "$T/u.json" "Bâtiment Ω" "the UTF-8 site is listed"
check "only the good site was added" 1 "$(grep -c '"name":' "$T/u.json")"

# --- notes, reasons, approvers and actors are kept in the audit chain: clean text only ---
SIGHTLINE_DB="$T/u.db" expect 2 "devices set-status: a --note that is not UTF-8" "$SL" devices set-status confirmed 1 --note "$(printf 'bad\377')"
has "$T/err" "--note/--reason: not valid UTF-8" "the note's option named"
SIGHTLINE_DB="$T/u.db" expect 2 "devices exempt: an --approver with a control character" "$SL" devices exempt 1 --reason ok --approver "$(printf 'A\033[2J')" --until 2099-01-01
has "$T/err" "--approver: contains control characters" "the approver's option named"
SIGHTLINE_DB="$T/u.db" expect 2 "devices set-status: an --actor that is not UTF-8" "$SL" devices set-status confirmed 1 --actor "$(printf 'x\376')"
has "$T/err" "--actor: not valid UTF-8" "the actor's option named"
SIGHTLINE_DB="$T/u.db" SIGHTLINE_ACTOR="$(printf 'env\377')" expect 2 "an actor from the environment that is not UTF-8 is refused by the register" "$SL" sites add "Clean" --department D --tier public
has "$T/err" "the actor is not clean text" "the register says why"
SIGHTLINE_DB="$T/u.db" "$SL" sites list --json > "$T/u2.json"
lacks "$T/u2.json" '"Clean"' "nothing written for the refused actor"

# --- item 19: an over-long field is named by its column ---
python3 -c 'print("name,department,tier,networks\nLong,D,public," + "1" * 5000)' > "$T/long.csv"
expect 2 "an over-long field is refused" "$SL" sites import "$T/long.csv"
has "$T/err" "line 2, column 4 (networks): field longer than 4096 bytes" "names the column"

finish
