#!/usr/bin/env python3
"""The dashboard in real headless Chromium, driven through the DevTools
protocol over --remote-debugging-pipe (a small client of our own: no
WebSocket, no npm). Run by serve_browser.sh inside a network namespace of its
own, with the server already listening.

Usage: browser.py BASE_URL SPKI_BASE64 WORKDIR SCENARIO.json
SCENARIO holds the password, device ids and the JSON report's figures.
Prints "ok: ..." / "FAIL: ..." lines; exits 1 when a check failed.
"""
import base64
import json
import os
import subprocess
import sys
import time

BASE, SPKI, WORK, SCEN = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
S = json.load(open(SCEN))
failures = 0


def ok(msg):
    print('ok: ' + msg, flush=True)


def bad(msg):
    global failures
    failures += 1
    print('FAIL: ' + msg, flush=True)


def check(desc, want, got):
    if want == got:
        ok(desc)
    else:
        bad('%s (expected %r, got %r)' % (desc, want, got))


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands) and 4 (events)."""

    def __init__(self):
        cmd_r, self.cmd_w = os.pipe()
        self.ev_r, ev_w = os.pipe()
        flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                 '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync',
                 '--user-data-dir=' + os.path.join(WORK, 'chrome'),
                 '--remote-debugging-pipe',
                 '--ignore-certificate-errors-spki-list=' + SPKI, 'about:blank']

        def fds():
            # dup2 onto itself keeps close-on-exec: a pipe that is already fd 3
            # (a caller with no other files open) must be made inheritable.
            for src, dst in ((cmd_r, 3), (ev_w, 4)):
                if src == dst:
                    os.set_inheritable(dst, True)
                else:
                    os.dup2(src, dst)

        self.proc = subprocess.Popen(['chromium'] + flags, pass_fds=(), preexec_fn=fds,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(WORK, 'chrome.log'), 'w'),
                                     close_fds=False)
        os.close(cmd_r)
        os.close(ev_w)
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b'\0' not in self.buf:
            if time.time() > deadline:
                raise TimeoutError('no answer from Chromium')
            chunk = os.read(self.ev_r, 1 << 16)
            if not chunk:
                raise EOFError('Chromium went away')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        m = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            m['sessionId'] = self.session
        os.write(self.cmd_w, json.dumps(m).encode() + b'\0')
        deadline = time.time() + timeout
        while True:
            r = self._read_message(deadline)
            if r.get('id') == self.next_id:
                if 'error' in r:
                    raise RuntimeError('%s: %s' % (method, r['error']))
                return r.get('result', {})
            self.events.append(r)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get('method') == method:
                    del self.events[i]
                    return e
            self.events.append(self._read_message(deadline))

    def attach(self):
        t = self.send('Target.createTarget', {'url': 'about:blank'}, session=False)
        a = self.send('Target.attachToTarget', {'targetId': t['targetId'], 'flatten': True},
                      session=False)
        self.session = a['sessionId']
        self.send('Page.enable')
        self.send('Runtime.enable')

    def goto(self, path):
        self.events.clear()
        self.send('Page.navigate', {'url': BASE + path})
        self.wait_event('Page.loadEventFired')

    def js(self, expr):
        r = self.send('Runtime.evaluate', {'expression': expr, 'returnByValue': True,
                                           'awaitPromise': True})
        if 'exceptionDetails' in r:
            raise RuntimeError('script failed: %s' % r['exceptionDetails'].get('text'))
        return r['result'].get('value')

    def submit(self, click_selector):
        """Clicks a submit button and waits for the next page to load."""
        self.events.clear()
        self.js('document.querySelector(%s).click()' % json.dumps(click_selector))
        self.wait_event('Page.loadEventFired')

    def close(self):
        try:
            self.send('Browser.close', session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def login(b, user):
    b.goto('/login')
    if b.js('location.pathname') != '/login':
        bad('the sign-in page did not load: %s %s' % (b.js('location.href'), b.js('document.title')))
    b.js('document.querySelector("#name").value = %s; '
         'document.querySelector("#password").value = %s' % (json.dumps(user), json.dumps(S['password'])))
    b.submit('#signin')
    if b.js('location.pathname') == '/login':
        bad('still at the sign-in page: %s' % b.js('document.documentElement.outerHTML')[:1500])
    check('%s is signed in (the header names them)' % user, user,
          b.js('(document.querySelector("header .who") || {}).textContent || ""').split(' ')[0])


def logout(b):
    b.submit('#logout')
    check('signed out: back at the sign-in page', '/login', b.js('location.pathname'))


def text(b, sel):
    return b.js('(document.querySelector(%s) || {}).textContent || null' % json.dumps(sel))


def scenario(b):
    # The overview's figures are the JSON report's.
    login(b, 'admin')
    for path, want in S['figures'].items():
        check('overview %s equals the JSON report' % path, want,
              text(b, '[data-figure="%s"]' % path))
    logout(b)

    # A site-editor schedules a device and asks for an exemption.
    login(b, 'editA')
    b.goto('/devices/%d' % S['schedule'])
    b.js('document.querySelector("#schedule-date").value = "2030-02-01"')
    b.submit('#do-schedule')
    check('the device page shows it scheduled', 'scheduled', text(b, 'td.status'))
    check('... for the date given', '2030-02-01', text(b, 'td.scheduled'))
    b.goto('/devices/%d' % S['exempt'])
    b.js('document.querySelector("#exempt-reason").value = "bought under a support contract"; '
         'document.querySelector("#exempt-until").value = "2031-03-31"')
    b.submit('#do-exemption-request')
    check('the request is noted', True, 'exemption-request' in (text(b, '#notice') or ''))
    logout(b)

    # One person with both roles cannot approve their own request.
    login(b, 'both')
    b.goto('/devices/%d' % S['own'])
    b.js('document.querySelector("#exempt-reason").value = "own request"; '
         'document.querySelector("#exempt-until").value = "2031-01-31"')
    b.submit('#do-exemption-request')
    page = b.js('document.body.innerText')
    check('no approve button on one\'s own request', True,
          'another approver decides' in page and b.js('document.querySelectorAll("button[id^=approve-]").length') == 0)
    own = int(b.js('document.querySelector("tr[id^=exreq-]").id').split('-')[1])
    status = b.js('(async () => { const f = new FormData(); f.append("csrf", document.querySelector("input[name=csrf]").value);'
                  ' const r = await fetch("/exemptions/" + %d + "/approve", {method: "POST", body: new URLSearchParams(f)});'
                  ' return r.status; })()' % own)
    check('approving one\'s own request by hand is refused (403)', 403, status)
    logout(b)

    # The approver approves the site-editor's request.
    login(b, 'approver')
    b.goto('/exemptions')
    rid = b.js('(() => { const x = document.querySelector("button[id^=approve-]"); return x ? x.id : null; })()')
    check('the pending request offers Approve', True, rid is not None)
    if rid:
        b.submit('#' + rid)
        check('approved: the device is exempt', 'exempt', text(b, 'td.status'))
    logout(b)

    # The audit log shows both changes with their actors.
    login(b, 'admin')
    b.goto('/audit')
    audit = b.js('document.querySelector("#audit").innerText')
    check('audit log: the schedule by editA', True, 'device:%d' % S['schedule'] in audit and 'editA' in audit)
    check('audit log: the approval by approver', True, 'exemption.approve' in audit and 'approver' in audit)
    check('audit chain intact', True, (text(b, '#chain') or '').startswith('Chain: intact'))

    # A hostile model is text, and no script of it ran.
    b.goto('/devices/%d' % S['hostile'])
    check('the hostile model shows as text', S['hostile_model'], text(b, 'td.model'))
    check('no hostile script ran', None, b.js('window.__pwned === undefined ? null : window.__pwned'))
    check('no hostile element was made', 0, b.js('document.querySelectorAll("img").length'))
    b.goto('/devices?limit=500')
    check('no hostile script ran on the list', None, b.js('window.__pwned === undefined ? null : window.__pwned'))
    logout(b)

    # A bulk action: editA schedules every confirmed device of its site, previewed first.
    login(b, 'editA')
    b.goto('/devices?status=confirmed&site=' + S['site_a'].replace(' ', '+'))
    b.js('document.querySelector("#bulk-action").value = "schedule"; '
         'document.querySelector("#bulk-date").value = "2030-03-01"')
    b.submit('#bulk-preview')
    moves = int(text(b, '#bulk-moves') or '0')
    check('the preview lists what will move', True,
          moves > 0 and b.js('document.querySelectorAll("#bulk-devices tr.moves").length') == moves)
    check('the preview moved nothing yet', True, moves == int(b.js(
        '(async () => { const r = await fetch("/api/v1/bulk?action=schedule&date=2030-03-01&status=confirmed&site=" + %s);'
        ' return (await r.json()).will_move.length; })()' % json.dumps(S['site_a'].replace(' ', '+')))))
    b.submit('#do-bulk')
    check('applied: as many moved as the preview said', str(moves), text(b, '#bulk-moved'))
    b.goto('/devices?status=confirmed&site=' + S['site_a'].replace(' ', '+'))
    check('no confirmed device of the site is left', True,
          'No devices match' in b.js('document.body.innerText'))
    logout(b)
    vehicles(b)


def vehicles(b):
    """The vehicles: the overview's section, the list's filters, a part moved by its site's editor."""
    V = S['vehicles']
    login(b, 'admin')
    for path, want in V['figures'].items():
        check('overview %s equals the JSON report' % path, want, text(b, '[data-figure="%s"]' % path))
    b.goto('/vehicles')
    b.js('document.querySelector("#vf-decision").value = "prohibited"')
    b.submit('#vf-go')
    check('the list filtered on prohibited', V['prohibited'],
          b.js('document.querySelectorAll("#vehicles tr").length - 1'))
    check('... every row prohibited', True, b.js(
        'Array.from(document.querySelectorAll("#vehicles td.decision")).every(t => t.textContent == "prohibited")'))
    logout(b)
    login(b, 'editA')
    b.goto('/vehicles/%d' % V['id'])
    check('another site\'s editor: no such vehicle', True, 'No such vehicle' in b.js('document.body.innerText'))
    logout(b)
    login(b, 'editB')
    b.goto('/vehicles/%d' % V['id'])
    check('the vehicle page names its VIN', V['vin'], text(b, 'h1.vin'))
    check('its parts name their vendors', True, V['vendor'] in b.js('document.querySelector("#parts").innerText'))
    b.js('document.querySelector("#vc-part").value = "1"; document.querySelector("#vc-status").value = "scheduled"; '
         'document.querySelector("#vc-date").value = "2030-04-01"')
    b.submit('#vc-go')
    check('recorded', True, (text(b, '#done') or '').startswith('Recorded'))
    check('part 1 is scheduled for the date given', True, b.js(
        '(document.querySelector("tr[data-part=\'1\'] td.status") || {}).textContent || ""').startswith('scheduled')
          and '2030-04-01' in b.js('document.querySelector("tr[data-part=\'1\'] td.status").textContent'))
    check('the history names editB', True, 'editB' in b.js('document.querySelector("#history").innerText'))
    logout(b)


def screenshots(b):
    """Signs in and writes a PNG of each page named in S['screenshots'] to S['out']."""
    login(b, S['user'])
    b.send('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 900,
                                                  'deviceScaleFactor': 1, 'mobile': False})
    for name, path in S['screenshots']:
        b.goto(path)
        shot = b.send('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': True})
        with open(os.path.join(S['out'], name + '.png'), 'wb') as f:
            f.write(base64.b64decode(shot['data']))
        ok('%s.png (%s)' % (name, path))


b = Browser()
try:
    b.attach()
    screenshots(b) if 'screenshots' in S else scenario(b)
except Exception as e:  # a failure to drive the browser is a failed test
    bad('driving Chromium: %s' % e)
finally:
    b.close()
sys.exit(1 if failures else 0)
