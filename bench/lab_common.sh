# Shared by the scan benchmarks: find the binaries, bring a lab up in its own
# network namespace (loopback mode, --isolate: nothing leaves it) and take it
# down again. Sourced, not run.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SL_BUILD_DIR:-$top/build}
SL=$build/sightline
LAB=${SIGHTLINE_LAB:-$build/lab/sightline-lab}
[ -x "$SL" ] || { echo "$bench: build first (scripts/build)"; exit 77; }
[ -x "$LAB" ] || { echo "$bench: sightline-lab is not built (branch lab not merged?)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "$bench: needs root (the lab isolates itself in a namespace)"; exit 77; }
profiles=${SL_LAB_PROFILES:-$top/lab/profiles}
ls "$profiles"/*.profile >/dev/null 2>&1 || { echo "$bench: no lab profiles in $profiles"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sl-$bench.XXXXXX")
lab_name="slb-$bench-$$"
export SIGHTLINE_DATA=$top/data SIGHTLINE_DB=$tmp/reg.db
lab_down() { "$LAB" down --name "$lab_name" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap lab_down EXIT INT TERM
lab_up() { # DEVICES
    "$LAB" up --devices "$1" --isolate --name "$lab_name" --truth "$tmp/truth.jsonl" \
        --profiles "$profiles" --quiet
    # The smallest address range that covers every device (what an operator would scan).
    # Also every address of that range, one a line, for tools without range syntax.
    range=$(python3 - "$tmp/truth.jsonl" "$tmp/targets.txt" <<'PY'
import ipaddress, json, sys
a = [int(ipaddress.ip_address(json.loads(l)["address"])) for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "w") as f:
    for v in range(min(a), max(a) + 1):
        f.write(f"{ipaddress.ip_address(v)}\n")
print(f"{ipaddress.ip_address(min(a))}-{ipaddress.ip_address(max(a))}")
PY
)
}
lab_exec() { "$LAB" exec --name "$lab_name" -- "$@"; }
# Scores a scan's JSON lines against the ground truth: a device is correct when
# manufacturer and brand both match (null = null); a false prohibited verdict is
# one given to a device whose true manufacturer the claim got wrong. With
# "per-profile" it also lists every profile's devices, found and right.
score() { # TRUTH JSONL [per-profile]
    python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
per_profile = len(sys.argv) > 3 and sys.argv[3] == "per-profile"
truth = {}
for l in open(sys.argv[1]):
    if l.strip():
        t = json.loads(l); truth[t["address"]] = t
found, correct, falseprohib, hv, wrong = {}, 0, 0, 0, {}
for l in open(sys.argv[2]):
    r = json.loads(l)
    if r.get("type") == "device":
        found[r["address"]] = r
for addr, t in truth.items():
    r = found.get(addr)
    if r is None:
        continue
    c = r["claim"]
    ok = (c.get("manufacturer") or None) == (t.get("manufacturer") or None) and \
         (c.get("brand") or None) == (t.get("brand") or None)
    correct += ok
    if not ok:
        key = (t.get("profile"), t.get("manufacturer"), t.get("brand"), c.get("manufacturer"), c.get("brand"))
        wrong[key] = wrong.get(key, 0) + 1
    if r["verdict"]["decision"] == "prohibited" and (c.get("manufacturer") or None) != (t.get("manufacturer") or None):
        falseprohib += 1
    if ok and t.get("manufacturer") in ("Hikvision", "Dahua"):
        hv += 1
n = len(truth)
print(f"truth {n}, found {len(set(found) & set(truth))}, identified correctly {correct} "
      f"({100.0 * correct / max(n, 1):.2f}%), false prohibited {falseprohib}, "
      f"Hikvision/Dahua correct {hv}")
for (prof, tm, tb, cm, cb), k in sorted(wrong.items(), key=lambda kv: -kv[1])[:10]:
    print(f"  wrong {k}: {prof} ({tm}/{tb}) named {cm}/{cb}")
if per_profile:
    prof = {}
    for addr, t in truth.items():
        p = prof.setdefault(t.get("profile"), [0, 0, 0])
        p[0] += 1
        r = found.get(addr)
        if r is None:
            continue
        p[1] += 1
        c = r["claim"]
        p[2] += (c.get("manufacturer") or None) == (t.get("manufacturer") or None) and \
                (c.get("brand") or None) == (t.get("brand") or None)
    print("  profile                 devices  found  right   score")
    for name in sorted(prof):
        d, f, ok = prof[name]
        print(f"  {name:22} {d:8} {f:6} {ok:6} {100.0 * ok / max(d, 1):6.2f}%")
PY
}
