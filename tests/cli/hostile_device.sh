#!/bin/sh
# Hostile devices on loopback (issue 11, items 11 and 12), in a network
# namespace of the test's own: a fake web server per address logs every
# request it gets.
#   127.0.0.11  404 to everything: it gets no ONVIF credentials (item 12)
#   127.0.0.12  answers ONVIF GetSystemDateAndTime properly: only then does
#               the credentialed GetDeviceInformation go to it
#   127.0.0.13  a NUL in a header of its front page, a Dahua magicBox answer on
#               the vendor path: the next path is still asked, on a new
#               connection, and the Dahua camera at a sensitive site is
#               prohibited, not allowed (item 11)
#   127.0.0.14  the NUL front page and nothing else: needs-review, never allowed
SL_OWN_NETNS=1
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE
need_tool python3
cat > "$T/dev.py" <<'PY'
import socket, sys, threading
LOG = open(sys.argv[1], "a")
lock = threading.Lock()
DATE = (b'<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><SOAP-ENV:Body>'
        b'<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>'
        b'</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>')
MAGIC = b"deviceType=IPC-HDW5831R-ZE\r\nhardwareVersion=1.00\r\nserialNumber=4L0000AAAA00000\r\nupdateSerial=IPC-HDW5831R-ZE\r\n"
def answer(addr, head, body):
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    path = line.split(" ")[1] if " " in line else "?"
    with lock:
        LOG.write("%s %s %s\n" % (addr, line, "TOKEN" if b"UsernameToken" in body else "-"))
        LOG.flush()
    def resp(status, payload, extra=b""):
        return b"HTTP/1.1 " + status + b"\r\nConnection: close\r\n" + extra + b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
    if addr == "127.0.0.12" and b"GetSystemDateAndTime" in body:
        return resp(b"200 OK", DATE, b"Content-Type: application/soap+xml\r\n")
    if addr in ("127.0.0.13", "127.0.0.14") and path == "/":
        return b"HTTP/1.1 200 OK\r\nServer: Web\x00Server\r\nContent-Length: 2\r\n\r\nok"
    if addr == "127.0.0.13" and path.startswith("/cgi-bin/magicBox.cgi"):
        return resp(b"200 OK", MAGIC, b"Content-Type: text/plain;charset=utf-8\r\n")
    return resp(b"404 Not Found", b"")
def conn(c, addr):
    try:
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            d = c.recv(4096)
            if not d: return
            data += d
        head, body = data.split(b"\r\n\r\n", 1)
        for h in head.split(b"\r\n"):
            if h.lower().startswith(b"content-length:"):
                n = int(h.split(b":")[1])
                while len(body) < n:
                    d = c.recv(4096)
                    if not d: break
                    body += d
        c.sendall(answer(addr, head, body))
    except Exception:
        pass
    finally:
        c.close()
def serve(addr):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 80)); s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=conn, args=(c, addr), daemon=True).start()
for a in ("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"):
    threading.Thread(target=serve, args=(a,), daemon=True).start()
open(sys.argv[2], "w").write("up\n")
threading.Event().wait()
PY
python3 "$T/dev.py" "$T/req.log" "$T/up" & pid=$!
on_exit "kill $pid"
wait_for "$T/up" up
printf 'operator:s3cret-Pa55\n' > "$T/creds"
chmod 600 "$T/creds"
expect 0 "a sensitive site" "$SL" sites add Sens --department D --tier sensitive --network 127.0.0.12/31 --network 127.0.0.11
expect 0 "a public site" "$SL" sites add Pub --department D --tier public --network 127.0.0.14
expect 0 "scan the four with credentials" "$SL" scan 127.0.0.11-14 --ports 80 --credentials "$T/creds" \
    --timeout 2000 --jsonl "$T/scan.jsonl"

# item 12
grep '^127.0.0.11 ' "$T/req.log" > "$T/r11"
has "$T/r11" "POST /onvif/device_service" "the 404 host was asked the unauthenticated ONVIF question"
lacks "$T/r11" "TOKEN" "the 404 host got no credentials"
grep '^127.0.0.12 ' "$T/req.log" > "$T/r12"
has "$T/r12" "TOKEN" "the ONVIF host got them, after its well-formed answer"

# item 11
grep '^127.0.0.13 ' "$T/req.log" > "$T/r13"
has "$T/r13" "GET /cgi-bin/magicBox.cgi?action=getSystemInfo" "after the NUL, the vendor path was asked"
python3 - "$T/scan.jsonl" > "$T/verdicts" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == "device":
        print(r["address"], r["claim"]["manufacturer"], r["verdict"]["decision"])
PY
has "$T/verdicts" "127.0.0.13 Dahua prohibited" "the Dahua camera behind the NUL is prohibited"
has "$T/verdicts" "127.0.0.14 None needs-review" "a device that only answered malformed needs review"
lacks "$T/verdicts" "127.0.0.14 None allowed" "and is never allowed"
grep '"address":"127.0.0.14"' "$T/scan.jsonl" | grep -q 'answered malformed on port 80' \
    && ok "the reason says why" || bad "the reason for 127.0.0.14"

finish
