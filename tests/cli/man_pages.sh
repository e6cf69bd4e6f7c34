#!/bin/sh
# The man pages: mandoc -T lint finds no warning or error in any page, each
# renders with man(1), and they agree with the programs (tests/man/
# check_pages.py: every command has its page, every option --help prints is
# in the page and the reverse, every configuration key is in sightline.conf(5)).
# The shipped configuration file is valid as it is and with every setting
# uncommented. Needs mandoc and python3; else skipped.
. "$(dirname "$0")/lib.sh"
need_tool mandoc python3
M="$SL_SOURCE_DIR/man"
for page in "$M"/*.[15]; do
    if mandoc -T lint -W warning "$page" >"$T/lint" 2>&1; then
        ok "mandoc -T lint: $(basename "$page")"
    else
        bad "mandoc -T lint: $(basename "$page")"; sed 's/^/  /' "$T/lint"
    fi
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man -l "$page" >"$T/page" 2>"$T/man.err" && [ -s "$T/page" ] && ! [ -s "$T/man.err" ] ||
            { bad "man -l $(basename "$page") did not render cleanly"; head -5 "$T/man.err"; }
    fi
done
if python3 "$SL_SOURCE_DIR/tests/man/check_pages.py" "$M" "$SIGHTLINE" ${SIGHTLINE_LAB:-} >"$T/check"; then
    ok "$(tail -1 "$T/check")"
else
    bad "man pages and --help disagree"; cat "$T/check"
fi

# The Debian package lists its man pages one by one (sightline-lab.1 is the
# other package's): every page must be in one of the two .install files.
for page in "$M"/*.1 "$M"/*.5; do
    name=$(basename "$page"); sec=${name##*.}
    grep -qE "^usr/share/man/man$sec/($name|)\$" "$SL_SOURCE_DIR"/debian/sightline*.install ||
        bad "man/$name is in neither debian/sightline.install nor debian/sightline-lab.install"
done

conf="$SL_SOURCE_DIR/dist/sightline.conf"
expect_rc 0 "$SIGHTLINE" config check "$conf" && ok "the shipped sightline.conf is valid"
sed 's/^#\([a-z_]* = \)/\1/' "$conf" >"$T/all.conf"
grep -q '^location = ' "$T/all.conf" || bad "uncommenting the shipped file did not work"
expect_rc 0 "$SIGHTLINE" config check "$T/all.conf" &&
    ok "the shipped sightline.conf is valid with every setting uncommented"
# Every key of the configuration is shown in the shipped file.
"$SIGHTLINE" config show --json | python3 -c "
import json, re, sys
keys = [(s['section'], s['key']) for s in json.load(sys.stdin)['settings']]
text = open(sys.argv[1]).read()
missing = []
for sec, key in keys:
    part = text.split('[' + sec + ']', 1)
    if len(part) < 2 or not re.search(r'^#?' + key + ' = ', part[1].split('\n[', 1)[0], re.M):
        missing.append(sec + '.' + key)
if missing and missing != ['monitor.state']:
    print('not in dist/sightline.conf:', ' '.join(missing)); sys.exit(1)
" "$conf" && ok "dist/sightline.conf shows every key (but the units' own --state)" ||
    bad "dist/sightline.conf misses keys"
finish
