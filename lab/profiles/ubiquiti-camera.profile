# Ubiquiti UniFi camera (camera.ubnt.dev certificate)
name ubiquiti-camera
description Ubiquiti UniFi camera (camera.ubnt.dev certificate)
manufacturer Ubiquiti
brand -
device_type camera
weight 10

# Ubiquiti Networks OUIs (fp App. C).
oui 04:18:D6 18:E8:29 00:27:22 00:15:6D
var model = ${pick:UVC-G3-BULLET|UVC-G4-PRO|UVC-G3-FLEX}
var firmware = ${pick:4.30.0.67|4.51.4.67}
var serial = ${MAC12}
tls_subject CN=camera.ubnt.dev,OU=devint,O=Ubiquiti Networks Inc.,L=Taipei,C=TW

port 80 http
port 443 https
port 554 rtsp

>>> http GET /
HTTP/1.1 200 OK
Server: lighttpd/1.4.54
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>UniFi Video</title></head>
<body></body>
</html>

>>> http * *
HTTP/1.1 404 Not Found
Content-Length: 0
Connection: close

>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="UniFi Camera", nonce="${nonce}"
