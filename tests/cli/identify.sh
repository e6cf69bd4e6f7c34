#!/bin/sh
# sightline identify / rules / policy from the command line: options, exit
# codes, the fixed output of identify, batch mode.
set -u
S=${SIGHTLINE:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-cli-identify.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
check() { # NAME EXPECTED_RC ACTUAL_RC
    if [ "$2" -ne "$3" ]; then
        echo "FAIL $1: exit $3, expected $2"
        fails=$((fails + 1))
    else
        echo "ok   $1"
    fi
}
has() { # NAME FILE PATTERN
    if grep -q -- "$3" "$2"; then echo "ok   $1"; else echo "FAIL $1: no '$3' in:"; head -20 "$2"; fails=$((fails + 1)); fi
}

"$S" identify --help >"$T/out" 2>&1; check "identify --help" 0 $?
has "help names the protocols" "$T/out" "dhdiscover"
"$S" identify - </dev/null >"$T/out" 2>"$T/err"; check "no --proto" 2 $?
has "usage error says what" "$T/err" "proto is required"
has "usage error says Try" "$T/err" "Try '"
"$S" identify --proto gopher - </dev/null 2>"$T/err"; check "unknown protocol" 2 $?
"$S" identify --proto http "$T/missing" 2>"$T/err"; check "missing file" 2 $?
"$S" identify --proto http --port 70000 - </dev/null 2>"$T/err"; check "bad port" 2 $?
head -c 9000000 /dev/zero >"$T/big"
"$S" identify --proto http "$T/big" 2>"$T/err"; check "oversized input" 2 $?

printf 'HTTP/1.0 200 OK\r\nDate: Tue, 10 Sep 2024 08:00:00 GMT\r\nServer: App-webs/\r\n\r\n' >"$T/hik"
"$S" identify --proto http --port 80 --path / "$T/hik" >"$T/out"; check "identify http" 0 $?
has "manufacturer" "$T/out" '"manufacturer": "Hikvision"'
has "rules" "$T/out" '"hikvision.http.server.app-webs"'
has "evidence" "$T/out" '"evidence": "http:80 /, '
for k in brand model firmware device_type confidence; do has "field $k" "$T/out" "\"$k\":"; done

printf 'garbage\0\377\376' | "$S" identify --proto onvif - >"$T/out"; check "garbage is not an input error" 0 $?
has "garbage reported" "$T/out" '"errors": "xml:'
has "garbage names nobody" "$T/out" '"manufacturer": null'

printf 'c0:56:e3:01:02:03' | "$S" identify --proto mac - >"$T/out"; check "mac" 0 $?
has "mac alone is weak" "$T/out" '"manufacturer": null'

"$S" identify --batch "$SL_SOURCE_DIR/tests/fixtures/ident/devices.jsonl" >"$T/batch"; check "batch" 0 $?
n=$(grep -c '"claim":' "$T/batch")
[ "$n" -ge 50 ] && echo "ok   batch: $n devices" || { echo "FAIL batch: $n lines"; fails=$((fails + 1)); }
has "batch Lorex NVR" "$T/batch" '"brand":"Lorex","confidence":0.99,"device_type":"nvr"'
printf '{"device":"x","proto":"mac","data":"c0:56:e3:01:02:03"}\nnot json\n' >"$T/bad.jsonl"
"$S" identify --batch "$T/bad.jsonl" >"$T/out" 2>"$T/err"; check "batch with a bad record" 2 $?
has "bad record located" "$T/err" "bad.jsonl:2:"
has "good records still out" "$T/out" '"device":"x"'
"$S" identify --batch "$T/bad.jsonl" --proto http 2>"$T/err"; check "batch with --proto" 2 $?

"$S" rules list >"$T/out"; check "rules list" 0 $?
has "rules list" "$T/out" "dahua.magicbox.updateserial"
"$S" rules test >"$T/out"; check "rules test" 0 $?
has "every example passes" "$T/out" " 0 failed"
"$S" rules explain hikvision.isapi.namespace >"$T/out"; check "rules explain" 0 $?
has "explain shows the source" "$T/out" '"source":'
"$S" rules explain no.such.rule 2>"$T/err"; check "rules explain unknown" 2 $?

"$S" policy list >"$T/out"; check "policy list" 0 $?
has "UK policy" "$T/out" "UK-2022-sensitive-sites"
printf '{"manufacturer":"Hikvision","device_type":"camera"}' >"$T/claim"
"$S" policy explain --claim "$T/claim" 2>"$T/err"; check "explain --claim needs a tier" 2 $?
"$S" policy explain --claim "$T/claim" --site-tier sensitive --date 2026-01-01 >"$T/out"; check "explain --claim" 0 $?
has "prohibited at a sensitive site" "$T/out" "verdict   prohibited"
"$S" policy explain --claim "$T/claim" --site-tier sensitive --policy nope 2>"$T/err"; check "unknown policy" 2 $?
# --date must be a day that exists; without --date the pinned clock decides.
"$S" policy explain --claim "$T/claim" --site-tier official --date 2024-02-31 2>"$T/err"; check "explain --date 2024-02-31" 2 $?
"$S" policy explain --claim "$T/claim" --site-tier official --date 2026-1-01 2>"$T/err"; check "explain --date not YYYY-MM-DD" 2 $?
SIGHTLINE_NOW=2028-01-01 "$S" policy explain --claim "$T/claim" --site-tier official >"$T/out"; check "explain, clock pinned after the deadline" 0 $?
has "the pinned clock is past 2027-03-31" "$T/out" "verdict   prohibited"
SIGHTLINE_NOW=2026-01-01 "$S" policy explain --claim "$T/claim" --site-tier official >"$T/out"; check "explain, clock pinned before the deadline" 0 $?
has "the pinned clock is before 2027-03-31" "$T/out" "verdict   replace-by by 2027-03-31"

echo "$fails failed"
[ "$fails" -eq 0 ]
