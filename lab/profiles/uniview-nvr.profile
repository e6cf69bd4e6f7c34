# Uniview NVR (LAPI envelope without ResponseURL, 599 for a path the firmware lacks)
name uniview-nvr
description Uniview NVR (LAPI envelope without ResponseURL, 599 for a missing path; issue 10)
manufacturer Uniview
brand -
device_type nvr
weight 12

# OUIs: IEEE ieee-data "Zhejiang Uniview Technologies" (fp §3); 88:26:3F from
# nmap-mac-prefixes (nmap/nmap @ db4aefdd).
oui 48:EA:63 6C:F1:7E C4:79:05
# NVR302-16S2 and its identity fields: a NetBox sync design spec verified against a
# real NVR302-16S2 (content search id 57803492627); NVR301-04S2-P4 (FPHUB, fp §1.3).
var model = ${pick:NVR302-16S2|NVR301-04S2-P4|NVR501-08B}
var firmware = ${pick:NVR-B3801.20.12.200413|NVR-B3601.16.10.191223|NVR-B3801.20.32.210615}
var serial = 210235${alnum:14}

port 80 http
port 554 rtsp

>>> http GET /
HTTP/1.1 200 OK
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title></title>
<script>location.href="/index.htm";</script>
</head>
<body></body>
</html>

# The envelope the spec records: Response.{ResponseCode, StatusCode}, 0 = success,
# Data with DeviceName, DeviceModel, SerialNumber, FirmwareVersion (no ResponseURL).
>>> http GET /LAPI/V1.0/System/DeviceInfo
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{"Response":{"CreatedID":-1,"ResponseCode":0,"SubResponseCode":0,"ResponseString":"Succeed","StatusCode":0,"StatusString":"Succeed","Data":{"DeviceName":"NVR","DeviceModel":"${model}","SerialNumber":"${serial}","FirmwareVersion":"${firmware}"}}}

# A LAPI path this firmware lacks: HTTP 599 with ResponseCode 1 (the same spec).
>>> http GET /LAPI/*
HTTP/1.1 599 Not Supported
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{"Response":{"ResponseURL":"/LAPI/V1.0/System/BasicInfo","CreatedID":-1,"ResponseCode":1,"SubResponseCode":0,"ResponseString":"Not Supported","StatusCode":1,"StatusString":"Not Supported","Data":null}}

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
WWW-Authenticate: Digest realm="${MAC12}", nonce="${nonce}"
