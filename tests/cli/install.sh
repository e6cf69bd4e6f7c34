#!/bin/sh
# `cmake --install` of this build into a throwaway DESTDIR, then the installed
# programs run with the installed files only (no $SIGHTLINE_DATA, the source
# tree never consulted: the binary decides by where it is installed):
#   - every file in its place (programs, data, lab profiles, man pages,
#     completion, configuration file, sysusers.d, systemd unit);
#   - the installed data: rules test, identify, config show names the
#     installed copy; --data-dir and $SIGHTLINE_DATA override it;
#   - man(1) renders every installed page;
#   - bash completion from the installed file: commands, options, site names;
#   - the unit: systemd-analyze verify clean, security exposure "OK" (<= 2.0);
#   - as root: the installed lab (its installed profiles) scanned by the
#     installed sightline; the monitor run the way the unit runs it (an
#     unprivileged user with only CAP_NET_RAW), SIGHUP reload included.
. "$(dirname "$0")/lib.sh"
need_tool cmake
R="$T/root"
DESTDIR="$R" cmake --install "$SL_BUILD_DIR" >"$T/install.log" 2>&1 ||
    { bad "cmake --install failed"; tail -5 "$T/install.log"; finish; }
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$SL_BUILD_DIR/CMakeCache.txt")
P="$R$prefix"
S="$P/bin/sightline"
L="$P/bin/sightline-lab"
conf=$(sed -n 's|^-- Installing: \(.*/sightline/sightline\.conf\)$|\1|p' "$T/install.log")
unit=$(sed -n 's|^-- Installing: \(.*/sightline-monitor@\.service\)$|\1|p' "$T/install.log")
for f in "$S" "$L" "$P/share/sightline/rules/hikvision.json" "$P/share/sightline/cloud-domains.tsv" \
    "$P/share/sightline/lab-profiles" "$P/share/man/man1/sightline.1" "$P/share/man/man1/sightline-scan.1" \
    "$P/share/man/man1/sightline-lab.1" "$P/share/man/man5/sightline.conf.5" \
    "$P/share/man/man5/sightline-rules.5" "$P/share/bash-completion/completions/sightline" \
    "$P/share/bash-completion/completions/sightline-lab" "$conf" "$unit"; do
    [ -e "$f" ] && ok "installed ${f#"$R"}" || bad "not installed: ${f#"$R"} (see $T/install.log)"
done
[ -n "$(find "$R" -path '*/sysusers.d/sightline.conf')" ] && ok "installed sysusers.d/sightline.conf" ||
    bad "no sysusers.d/sightline.conf"

# The installed files only: no $SIGHTLINE_DATA, run from elsewhere, the shipped config.
cd "$T" || exit 1
run() { env -u SIGHTLINE_DATA -u SIGHTLINE_LAB_PROFILES SIGHTLINE_CONFIG="$conf" "$@"; }
expect_rc 0 run "$S" --version && has "$T/out" "sightline "
expect_rc 0 run "$S" config show
grep -q "^data.dir  *$P/share/sightline  *built in (installed beside the program)" "$T/out" &&
    ok "the installed binary reads the installed data" ||
    { bad "data.dir is not the installed copy"; cat "$T/out"; }
expect_rc 0 run "$S" rules test && has "$T/out" " 0 failed"
printf 'HTTP/1.0 200 OK\r\nServer: App-webs/\r\n\r\n' >"$T/answer"
expect_rc 0 run "$S" identify --proto http "$T/answer" && has "$T/out" '"manufacturer": "Hikvision"'
mkdir -p "$T/other" && cp -r "$P/share/sightline/." "$T/other/"
expect_rc 0 run "$S" --data-dir "$T/other" config show && has "$T/out" "$T/other  "
expect_rc 0 env SIGHTLINE_DATA="$T/other" SIGHTLINE_CONFIG="$conf" "$S" config show &&
    has "$T/out" "environment (\$SIGHTLINE_DATA)"
expect_rc 2 run "$S" --data-dir "$T/nowhere" rules list && has "$T/err" "not a directory"

if command -v man >/dev/null 2>&1; then
    n=0
    for page in "$P"/share/man/man1/*.1 "$P"/share/man/man5/*.5; do
        MANWIDTH=80 man -l "$page" >"$T/page" 2>"$T/man.err" && [ -s "$T/page" ] ||
            bad "man -l ${page#"$R"} failed"
        n=$((n + 1))
    done
    ok "man renders all $n installed pages"
    MANPATH="$P/share/man" MANWIDTH=80 man sightline 2>/dev/null | grep -q "find, identify and track the removal" &&
        ok "man sightline finds the installed page" || bad "man sightline: no page"
fi

if [ -f /usr/share/bash-completion/bash_completion ] && command -v bash >/dev/null 2>&1; then
    run "$S" sites add "North Gate" --department D --tier public --db "$T/c.db" >/dev/null
    PATH="$P/bin:$PATH" SIGHTLINE_DB="$T/c.db" bash -c '
        . /usr/share/bash-completion/bash_completion
        . "$1"
        comp() {
            COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<<"$*"
            case $COMP_LINE in *" ") COMP_WORDS+=("") ;; esac
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
            _sightline; echo "$* => $(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//")"
        }
        comp sightline sca; comp sightline sites ""; comp sightline scan --ud
        comp sightline scan --site ""; comp sightline monitor --tier o; comp sightline-lab li
        comp sightline sites set-vehicle-rule ""; comp sightline sites set-vehicle-rule Depot park
        comp sightline sites exclude ""
        comp sightline vehicles set
    ' sh "$P/share/bash-completion/completions/sightline" >"$T/comp" 2>&1
    for want in "sightline sca => scan" "sightline sites  => add exclude exclusions import list set-vehicle-rule show unexclude" \
        'sightline sites set-vehicle-rule  => North\ Gate' 'sightline sites exclude  => North\ Gate' \
        'sightline sites set-vehicle-rule Depot park => park-away:' \
        "sightline vehicles set => set-status" \
        "sightline scan --ud => --udp-discovery" 'sightline scan --site  => North\ Gate' \
        "sightline monitor --tier o => official" "sightline-lab li => list-profiles"; do
        grep -qxF -- "$want" "$T/comp" && ok "completion: $want" ||
            { bad "completion: wanted '$want'"; cat "$T/comp"; }
    done
fi

if command -v systemd-analyze >/dev/null 2>&1; then
    sed "s|^ExecStart=[^ ]*/sightline |ExecStart=$S |" "$unit" >"$T/sightline-monitor@.service"
    if systemd-analyze verify --man=no "$T/sightline-monitor@.service" >"$T/verify" 2>&1 &&
        ! [ -s "$T/verify" ]; then
        ok "systemd-analyze verify: sightline-monitor@.service"
    else
        bad "systemd-analyze verify"; cat "$T/verify"
    fi
    if systemd-analyze security --offline=true --threshold=20 "$T/sightline-monitor@.service" \
        >"$T/security" 2>&1; then
        ok "systemd-analyze security: $(grep -o 'exposure level.*' "$T/security")"
    else
        bad "systemd-analyze security above 2.0"; tail -3 "$T/security"
    fi
fi

[ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null || skip_rest "the lab and monitor parts need root"

# The installed lab (its installed profiles) scanned by the installed sightline.
name="slinst$$"
export SIGHTLINE_LAB_STATE="$T/labstate"
trap 'run "$L" down --name "$name" >/dev/null 2>&1; rm -rf "$T"' EXIT
if run "$L" up --devices 40 --seed 3 --isolate --name "$name" --truth "$T/truth.jsonl" --quiet; then
    range=$(python3 -c "
import ipaddress, json, sys
a = sorted(int(ipaddress.ip_address(json.loads(l)['address'])) for l in open('$T/truth.jsonl'))
print(ipaddress.ip_address(a[0]), '-', ipaddress.ip_address(a[-1]), sep='')")
    run "$L" exec --name "$name" -- "$S" scan "$range" --quiet --jsonl "$T/scan.jsonl" \
        --db "$T/lab.db" >"$T/scan.out" 2>&1 || bad "installed scan of the installed lab failed"
    python3 - "$T/truth.jsonl" "$T/scan.jsonl" >"$T/score" <<'PY' && ok "$(cat "$T/score")" ||
import json, sys
truth = [json.loads(l) for l in open(sys.argv[1])]
seen = {}
for l in open(sys.argv[2]):
    r = json.loads(l)
    if r["type"] == "device":
        seen[r["address"]] = (r["claim"] or {}).get("manufacturer")
makers = [d for d in truth if not d.get("hostile") and d.get("manufacturer") in ("Hikvision", "Dahua")]
right = sum(1 for d in makers if seen.get(d["address"]) == d["manufacturer"])
print(f"installed lab scanned: {len(seen)} devices, {right} of {len(makers)} Hikvision/Dahua named")
sys.exit(0 if makers and right == len(makers) else 1)
PY
        { bad "lab scan with the installed files"; cat "$T/score" "$T/scan.out" | tail -5; }
    run "$L" down --name "$name" >/dev/null 2>&1
else
    bad "the installed sightline-lab did not start"
fi

# The monitor the way the unit runs it: an unprivileged user, CAP_NET_RAW only
# (ambient, as AmbientCapabilities= gives it), no new privileges; in a network
# namespace of its own, capturing lo; SIGHUP as ExecReload sends it.
if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    mkdir -p "$T/state" && chown nobody "$T/state" && chmod 755 "$T"
    unshare --net sh -c '
        ip link set lo up
        env -u SIGHTLINE_DATA SIGHTLINE_CONFIG="$1" setpriv --reuid=nobody --regid=nogroup --clear-groups \
            --inh-caps=-all,+net_raw --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw \
            --no-new-privs "$2" monitor --interface lo --state "$3/monitor-lo.json" \
            >"$3/alerts.jsonl" 2>"$3/monitor.err" &
        pid=$!
        i=0; until grep -q "dropped capabilities" "$3/monitor.err" 2>/dev/null; do
            i=$((i + 1)); [ $i -gt 300 ] && break; sleep 0.1; done
        grep CapEff /proc/$pid/status >"$3/caps"
        python3 -c "
import socket
q = bytes.fromhex(\"12340100000100000000000003617069\") + b\"\x0bhik-connect\x03com\x00\x00\x01\x00\x01\"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3): s.sendto(q, (\"127.0.0.1\", 53))"
        sleep 1
        MAINPID=$pid sh -c "$(sed -n "s/^ExecReload=//p" "$4" | sed "s/\\\$\\\$/\$/g")"; sleep 1
        kill -TERM $pid; wait $pid; echo "exit $?" >>"$3/monitor.err"
    ' sh "$conf" "$S" "$T/state" "$unit"
    has "$T/state/monitor.err" "capturing on lo"
    has "$T/state/monitor.err" "-> none"
    has "$T/state/caps" "CapEff:	0000000000000000"
    has "$T/state/alerts.jsonl" '"domain":"hik-connect.com"'
    has "$T/state/monitor.err" "sightline monitor: reloaded $conf"
    has "$T/state/monitor.err" "exit 0"
    [ -s "$T/state/monitor-lo.json" ] && ok "state kept in the state directory" ||
        bad "no state file written"
fi
finish
