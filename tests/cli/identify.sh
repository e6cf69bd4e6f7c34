#!/bin/sh
# sightline identify / rules / policy from the command line: options, exit
# codes, the fixed output of identify, batch mode.
. "$(dirname "$0")/lib.sh"
S=$SIGHTLINE

"$S" identify --help >"$T/out" 2>&1; check "identify --help" 0 $?
has "$T/out" "dhdiscover" "help names the protocols"
"$S" identify - </dev/null >"$T/out" 2>"$T/err"; check "no --proto" 2 $?
has "$T/err" "proto is required" "usage error says what"
has "$T/err" "Try '" "usage error says Try"
"$S" identify --proto gopher - </dev/null 2>"$T/err"; check "unknown protocol" 2 $?
"$S" identify --proto http "$T/missing" 2>"$T/err"; check "missing file" 2 $?
"$S" identify --proto http --port 70000 - </dev/null 2>"$T/err"; check "bad port" 2 $?
head -c 9000000 /dev/zero >"$T/big"
"$S" identify --proto http "$T/big" 2>"$T/err"; check "oversized input" 2 $?

printf 'HTTP/1.0 200 OK\r\nDate: Tue, 10 Sep 2024 08:00:00 GMT\r\nServer: App-webs/\r\n\r\n' >"$T/hik"
"$S" identify --proto http --port 80 --path / "$T/hik" >"$T/out"; check "identify http" 0 $?
has "$T/out" '"manufacturer": "Hikvision"' "manufacturer"
has "$T/out" '"hikvision.http.server.app-webs"' "rules"
has "$T/out" '"evidence": "http:80 /, ' "evidence"
for k in brand model firmware device_type confidence; do has "$T/out" "\"$k\":" "field $k"; done

printf 'garbage\0\377\376' | "$S" identify --proto onvif - >"$T/out"; check "garbage is not an input error" 0 $?
has "$T/out" '"errors": "xml:' "garbage reported"
has "$T/out" '"manufacturer": null' "garbage names nobody"

printf 'c0:56:e3:01:02:03' | "$S" identify --proto mac - >"$T/out"; check "mac" 0 $?
has "$T/out" '"manufacturer": null' "mac alone is weak"

"$S" identify --batch "$SL_SOURCE_DIR/tests/fixtures/ident/devices.jsonl" >"$T/batch"; check "batch" 0 $?
n=$(grep -c '"claim":' "$T/batch")
[ "$n" -ge 50 ] && ok "batch: $n devices" || bad "batch: $n lines"
has "$T/batch" '"brand":"Lorex","confidence":0.99,"device_type":"nvr"' "batch Lorex NVR"
printf '{"device":"x","proto":"mac","data":"c0:56:e3:01:02:03"}\nnot json\n' >"$T/bad.jsonl"
"$S" identify --batch "$T/bad.jsonl" >"$T/out" 2>"$T/err"; check "batch with a bad record" 2 $?
has "$T/err" "bad.jsonl:2:" "bad record located"
has "$T/out" '"device":"x"' "good records still out"
"$S" identify --batch "$T/bad.jsonl" --proto http 2>"$T/err"; check "batch with --proto" 2 $?

"$S" rules list >"$T/out"; check "rules list" 0 $?
has "$T/out" "dahua.magicbox.updateserial" "rules list"
"$S" rules test >"$T/out"; check "rules test" 0 $?
has "$T/out" " 0 failed" "every example passes"
"$S" rules explain hikvision.isapi.namespace >"$T/out"; check "rules explain" 0 $?
has "$T/out" '"source":' "explain shows the source"
"$S" rules explain no.such.rule 2>"$T/err"; check "rules explain unknown" 2 $?

"$S" policy list >"$T/out"; check "policy list" 0 $?
has "$T/out" "UK-2022-sensitive-sites" "UK policy"
printf '{"manufacturer":"Hikvision","device_type":"camera"}' >"$T/claim"
"$S" policy explain --claim "$T/claim" 2>"$T/err"; check "explain --claim needs a tier" 2 $?
"$S" policy explain --claim "$T/claim" --site-tier sensitive --date 2026-01-01 >"$T/out"; check "explain --claim" 0 $?
has "$T/out" "verdict   prohibited" "prohibited at a sensitive site"
"$S" policy explain --claim "$T/claim" --site-tier sensitive --policy nope 2>"$T/err"; check "unknown policy" 2 $?
# --date must be a day that exists; without --date the pinned clock decides.
"$S" policy explain --claim "$T/claim" --site-tier official --date 2024-02-31 2>"$T/err"; check "explain --date 2024-02-31" 2 $?
"$S" policy explain --claim "$T/claim" --site-tier official --date 2026-1-01 2>"$T/err"; check "explain --date not YYYY-MM-DD" 2 $?
SIGHTLINE_NOW=2028-01-01 "$S" policy explain --claim "$T/claim" --site-tier official >"$T/out"; check "explain, clock pinned after the deadline" 0 $?
has "$T/out" "verdict   prohibited" "the pinned clock is past 2027-03-31"
SIGHTLINE_NOW=2026-01-01 "$S" policy explain --claim "$T/claim" --site-tier official >"$T/out"; check "explain, clock pinned before the deadline" 0 $?
has "$T/out" "verdict   replace-by by 2027-03-31" "the pinned clock is before 2027-03-31"

finish
