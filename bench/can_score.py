#!/usr/bin/env python3
"""can_score.py - scores `sightline can watch` alerts against the simulated
bus's ground truth (sightline-lab can generate --truth).

  can_score.py KIND TRUTH.jsonl ALERTS.jsonl          one attacked file
  can_score.py --clean HOURS ALERTS.jsonl             false alerts on clean traffic

A window is detected by the first alert that can be its doing, from its start
to its end plus a grace of max(1 s, 3 periods) (an alert about a suppression
comes after the silence): dos and fuzzing, any alert; errors, the error
detector; spoofing, replay, suppression and masquerade, an alert about the
attacked id. A repeat line counts from its first_ts. Time to detect is from
the window's start. Prints one line of figures (and JSON with --json)."""
import json
import statistics
import sys


def alerts_of(path):
    out = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        j = json.loads(line)
        if j.get("type") != "can_alert":
            continue
        t = j.get("first_ts", j["ts"]) if j.get("repeat") else j["ts"]
        out.append((float(t), j.get("can_id"), j["detector"], j))
    out.sort(key=lambda a: a[0])
    return out


def related(kind, win, alert):
    _, can_id, detector, _ = alert
    if kind in ("dos", "fuzzing"):
        return True
    if kind == "errors":
        return detector == "error"
    return can_id is not None and win["can_id"] is not None and can_id.upper() == win["can_id"].upper()


def score(kind, truth, alerts):
    wins = [json.loads(l) for l in open(truth) if l.strip()]
    wins = [w for w in wins if w["kind"] == kind]
    al = alerts_of(alerts)
    ttd, ttd_p, missed = [], [], []
    first_by = {}
    used = set()
    for w in wins:
        per = (w.get("period_ms") or 0) / 1000.0
        grace = max(1.0, 3 * per)
        first = None
        for i, a in enumerate(al):
            if a[0] < w["start"]:
                continue
            if a[0] > w["end"] + grace:
                break
            if related(kind, w, a):
                if first is None:
                    first = a[0]
                    sig = f"{a[2]}/{a[3]['signature_id']}"
                    first_by[sig] = first_by.get(sig, 0) + 1
                used.add(i)
        if first is None:
            missed.append(w)
            continue
        ttd.append((first - w["start"]) * 1000.0)
        if per > 0:
            ttd_p.append((first - w["start"]) / per)
    # alerts that belong to no window (with the grace, any detector)
    other = 0
    for a in al:
        if not any(w["start"] <= a[0] <= w["end"] + max(1.0, 3 * (w.get("period_ms") or 0) / 1000.0)
                   for w in wins):
            other += 1
    r = {"kind": kind, "windows": len(wins), "detected": len(wins) - len(missed),
         "median_ms": statistics.median(ttd) if ttd else None, "worst_ms": max(ttd) if ttd else None,
         "median_periods": statistics.median(ttd_p) if ttd_p else None,
         "worst_periods": max(ttd_p) if ttd_p else None, "alerts_outside_windows": other,
         "first_by": dict(sorted(first_by.items(), key=lambda kv: -kv[1])),
         "missed": [(m["start"], m["can_id"], m.get("signal")) for m in missed[:5]]}
    return r


def fmt(r):
    pct = 100.0 * r["detected"] / r["windows"] if r["windows"] else 0.0
    s = f"{r['kind']:<12} {r['detected']:>4}/{r['windows']:<4} {pct:6.1f}%"
    if r["median_ms"] is not None:
        s += f"  time to detect median {r['median_ms']:8.2f} ms, worst {r['worst_ms']:8.2f} ms"
    if r["median_periods"] is not None:
        s += f" ({r['median_periods']:.2f} / {r['worst_periods']:.2f} periods)"
    s += f"; {r['alerts_outside_windows']} alert lines outside windows"
    if r["first_by"] and r["kind"] in ("replay", "suppression", "masquerade"):
        s += "; first seen by " + ", ".join(f"{k} {v}" for k, v in list(r["first_by"].items())[:4])
    if r["missed"]:
        s += f"; missed e.g. {r['missed'][:3]}"
    return s


def main(argv):
    as_json = "--json" in argv
    argv = [a for a in argv if a != "--json"]
    if len(argv) == 3 and argv[0] == "--clean":
        al = alerts_of(argv[2])
        hours = float(argv[1])
        r = {"kind": "clean", "hours": hours, "alert_lines": len(al), "per_hour": len(al) / hours,
             "detectors": sorted({a[2] for a in al})}
        print(f"clean        {len(al)} alert lines in {hours:.2f} h = {len(al) / hours:.2f} false "
              f"alerts per hour" + (f" ({', '.join(r['detectors'])})" if al else ""))
    elif len(argv) == 3:
        r = score(argv[0], argv[1], argv[2])
        print(fmt(r))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
