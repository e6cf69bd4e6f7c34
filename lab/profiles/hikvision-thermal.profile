# Hikvision thermal camera over HTTPS only (ISAPI in the isapi.org namespace, empty manufacturer)
name hikvision-thermal
description Hikvision thermal camera, HTTPS only (ISAPI isapi.org namespace, empty <manufacturer>; issue 10)
manufacturer Hikvision
brand -
device_type camera
weight 10

# OUIs: fp App. C (Debian ieee-data, "Hangzhou Hikvision Digital Technology").
oui 4C:BD:8F 98:8B:0A BC:BA:C2
# DS-2TD1228-2-QA V5.5.98 answers in the isapi.org namespace (fp §1.5, HIKNEXT);
# issue 10: thermal and newer models leave <manufacturer> empty, and the answer
# came over HTTPS.
var model = ${pick:DS-2TD1228-2/QA|DS-2TD2617-6/QA|DS-2TD1217B-3/PA}
var fwver = ${pick:V5.5.98|V5.5.61|V5.7.10}
var firmware = ${fwver}
var fwdate = ${pick:220415|210923|230601}
var serial = ${model}${date:2020:2024}AAWR${alnum:9}
tls_subject CN=${ip},OU=IPCamera,O=Hikvision,C=CN

port 443 https
port 554 rtsp

>>> http GET /
HTTP/1.1 302 Found
Location: /doc/index.html
Content-Length: 0
Connection: close

>>> http GET /ISAPI/System/deviceInfo
HTTP/1.1 200 OK
Content-Type: application/xml; charset="UTF-8"
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?>
<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<deviceName>Thermal Camera</deviceName>
<deviceID>${uuid}</deviceID>
<model>${model}</model>
<serialNumber>${serial}</serialNumber>
<macAddress>${mac}</macAddress>
<firmwareVersion>${firmware}</firmwareVersion>
<firmwareReleasedDate>build ${fwdate}</firmwareReleasedDate>
<deviceType>IPCamera</deviceType>
<manufacturer></manufacturer>
</DeviceInfo>

>>> http * *
HTTP/1.1 404 Not Found
Content-Length: 0
Connection: close

>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="${MAC12}", nonce="${nonce}", stale="FALSE"
