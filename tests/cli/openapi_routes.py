#!/usr/bin/env python3
"""Compares docs/openapi.json with the API's routes both ways.

The routes are read from the source of the router (src/web/api.c: route_get,
route_post and the sign-in) and of the handlers that choose by name
(src/web/actions.c for device and exemption actions, src/web/vehicle_actions.c
for vehicle actions, src/web/admin.c for the administration), and the document's (method, path) pairs must be exactly
those. Usage: openapi_routes.py SOURCE_DIR [OUT_LIST]; OUT_LIST gets the
documented routes, one "METHOD PATH" a line, for the running-server probe.
"""
import json
import re
import sys

src = sys.argv[1]
read = lambda p: open('%s/%s' % (src, p)).read()


def body(text, fn):
    """The text of C function fn (to the next top-level closing brace)."""
    m = re.search(r'\n[^\n]*\b%s\([^)]*\)\n\{' % re.escape(fn), text)
    if not m:
        sys.exit('FAIL: no function %s' % fn)
    end = text.index('\n}\n', m.end())
    return text[m.end():end]


api, actions, admin = read('src/web/api.c'), read('src/web/actions.c'), read('src/web/admin.c')
vactions = read('src/web/vehicle_actions.c')
code = set()
for method, fn in (('get', 'route_get'), ('post', 'route_post')):
    b = body(api, fn)
    for name in re.findall(r'strcmp\(p, "([a-z/-]+)"\) == 0', b):
        code.add((method, '/' + name))
    for prefix, rest in re.findall(r'web_split_id\(p, "([a-z]+)/", &id, &rest\) == 0 && rest\[0\] ([!=]=)', b):
        if rest == '==':
            code.add((method, '/%s/{id}' % prefix))
        elif prefix == 'devices':
            names = re.findall(r'strcmp\(action, "([a-z-]+)"\) == 0',
                               body(actions, 'web_change_of') + body(actions, 'web_action_device'))
            code.update((method, '/devices/{id}/' + a) for a in names)
        elif prefix == 'exemptions':
            names = re.findall(r'strcmp\(action, "([a-z-]+)"\)', body(actions, 'web_action_exemption'))
            code.update((method, '/exemptions/{id}/' + a) for a in names)
        elif prefix == 'vehicles':
            names = re.findall(r'strcmp\(action, "([a-z-]+)"\)', body(vactions, 'web_action_vehicle'))
            code.update((method, '/vehicles/{id}/' + a) for a in names)
        else:
            sys.exit('FAIL: the test does not know the actions under %s/' % prefix)
    for prefix in re.findall(r'sl_str_starts_with\(p, "([a-z]+)/"\)', b):
        if prefix != 'admin':
            sys.exit('FAIL: the test does not know the routes under %s/' % prefix)
        a = body(admin, 'web_admin_action')
        ms = re.search(r'milestones/.*?if \((.*?)\) \{', a, re.S).group(1)
        code.update((method, '/admin/milestones/' + o) for o in re.findall(r'strcmp\(op, "([a-z]+)"\)', ms))
        code.update((method, '/admin/' + w) for w in re.findall(r'strcmp\(what, "([a-z/]+)"\)', a))
        ops = re.search(r'user_ops\[\] = \{([^}]*)\}', a).group(1)
        code.update((method, '/admin/users/' + o) for o in re.findall(r'"([a-z]+)"', ops))
if 'strcmp(p, "session") == 0' in body(api, 'web_api'):
    code.add(('post', '/session'))

doc = json.load(open('%s/docs/openapi.json' % src))
failures = 0
if not doc.get('openapi', '').startswith('3.'):
    print('FAIL: not an OpenAPI 3 document'); failures += 1
documented = set()
for path, ops in doc['paths'].items():
    for method, op in ops.items():
        if method in ('get', 'post', 'put', 'delete', 'patch'):
            documented.add((method, path))
            if not op.get('responses'):
                print('FAIL: %s %s has no responses' % (method.upper(), path)); failures += 1
for m, p in sorted(code - documented):
    print('FAIL: %s %s is routed but not in docs/openapi.json' % (m.upper(), p)); failures += 1
for m, p in sorted(documented - code):
    print('FAIL: %s %s is documented but not routed' % (m.upper(), p)); failures += 1
print('ok: %d routes in the source, %d documented, %d in both' % (len(code), len(documented), len(code & documented)))
if len(sys.argv) > 2:
    with open(sys.argv[2], 'w') as f:
        for m, p in sorted(documented):
            f.write('%s %s\n' % (m.upper(), p))
sys.exit(1 if failures else 0)
