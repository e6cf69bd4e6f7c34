#!/usr/bin/env python3
"""Checks that every figure a dashboard page shows (data-figure="PATH">VALUE)
equals the same figure of `sightline report --format json`.

Usage: figures_match.py PAGE.html REPORT.json [FIRST-SCOPE-ONLY]
Prints how many figures it compared; exits 1 on the first disagreement (or
when the page shows none).
"""
import html
import json
import re
import sys

page = open(sys.argv[1], encoding='utf-8').read()
report = json.load(open(sys.argv[2], encoding='utf-8'))
# The first scope's section only: a user with an all-sites grant sees one.
section = page.split('<section class="scope"')[1] if '<section class="scope"' in page else ''
section = section.split('</section>')[0]
figs = re.findall(r'data-figure="([^"]+)">([^<]*)<', section)


def resolve(obj, path):
    for part in path.split('.'):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


bad = 0
for path, shown in figs:
    want = resolve(report, path)
    shown = html.unescape(shown)
    if isinstance(want, bool):
        ok = shown == str(want).lower()
    elif isinstance(want, int):
        ok = shown == str(want)
    elif isinstance(want, float):
        ok = shown == '%.1f' % want
    elif want is None:
        ok = shown in ('\u2013', '')
    else:
        ok = shown == want
    if not ok:
        print('FAIL: %s shows %r, the JSON report has %r' % (path, shown, want))
        bad += 1
if not figs:
    print('FAIL: the page shows no figures')
    sys.exit(1)
print('%d figures compared, %d differ' % (len(figs), bad))
sys.exit(1 if bad else 0)
