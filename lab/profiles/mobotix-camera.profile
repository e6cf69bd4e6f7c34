# Mobotix camera (userimage redirect title)
name mobotix-camera
description Mobotix camera (userimage redirect title)
manufacturer Mobotix
brand -
device_type camera
weight 10

# Mobotix AG OUI (fp App. C).
oui 00:03:C5
var model = ${pick:M16B|S16B|M73}
var firmware = ${pick:MX-V5.2.6.7|MX-V4.4.2.73}
var serial = ${MAC12}
tls_subject CN=${ip},O=MOBOTIX AG,C=DE

port 80 http
port 443 https
port 554 rtsp

# Title "Redirect to userimage: /control/userimage.html" (RECOG html_title.xml).
>>> http GET /
HTTP/1.1 200 OK
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<html>
<head>
<title>Redirect to userimage: /control/userimage.html</title>
<meta http-equiv="refresh" content="0; URL=/control/userimage.html">
</head>
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
WWW-Authenticate: Digest realm="MOBOTIX Camera User", nonce="${nonce}"
