# Axis network camera (VAPIX, title AXIS, axis-<mac> certificate, Axis UPnP server string)
name axis-camera
description Axis network camera (VAPIX, title AXIS, axis-<mac> certificate, Axis UPnP server string)
manufacturer Axis
brand -
device_type camera
weight 40

# Axis OUIs (HA axis manifest; ieee-data): 00408C ACCC8E B8A44F
oui AC:CC:8E B8:A4:4F 00:40:8C
# AXIS M1065-LW 9.80.1 and M3024-L (corpus axis_lib VAPIX responses, AXISLIB).
var model = ${pick:M1065-LW|M3024-L|P3225-LV Mk II|P1346}
var firmware = ${pick:9.80.1|10.12.182|9.70.1.5}
var serial = ${MAC12}
var hwid = ${pick:70E|716|79A}
tls_subject CN=axis-${mac12},O=Axis Communications AB

port 80 http
port 443 https
port 554 rtsp
port 1900 ssdp

# Title "AXIS" (RECOG html_title.xml).
>>> http GET /
HTTP/1.1 302 Found
Date: ${http_date}
Location: /camera/index.html
Content-Length: 0
Connection: close

>>> http GET /camera/index.html
HTTP/1.1 200 OK
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>AXIS</title></head>
<body><noscript>AXIS ${model} Network Camera</noscript></body>
</html>

>>> http GET /axis-cgi/* auth=no
HTTP/1.1 401 Unauthorized
Date: ${http_date}
WWW-Authenticate: Digest realm="AXIS_${MAC12}", nonce="${hex:40}", algorithm=MD5, qop="auth"
Content-Length: 0
Connection: close

# param.cgi root.Brand (AXISLIB tests: BRAND_RESPONSE).
>>> http GET /axis-cgi/param.cgi?action=list&group=root.Brand auth=yes
HTTP/1.1 200 OK
Date: ${http_date}
Content-Type: text/plain
Content-Length: ${content_length}
Connection: close

root.Brand.Brand=AXIS
root.Brand.ProdFullName=AXIS ${model} Network Camera
root.Brand.ProdNbr=${model}
root.Brand.ProdShortName=AXIS ${model}
root.Brand.ProdType=Network Camera
root.Brand.ProdVariant=
root.Brand.WebURL=http://www.axis.com

# basicdeviceinfo.cgi getAllProperties (AXISLIB tests, M1065-LW 9.80.1).
>>> http POST /axis-cgi/basicdeviceinfo.cgi
HTTP/1.1 200 OK
Date: ${http_date}
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{"apiVersion":"1.1","method":"getAllUnrestrictedProperties","data":{"propertyList":{"Brand":"AXIS","BuildDate":"Apr 29 2020 06:50","HardwareID":"${hwid}","ProdFullName":"AXIS ${model} Network Camera","ProdNbr":"${model}","ProdShortName":"AXIS ${model}","ProdType":"Network Camera","ProdVariant":"","SerialNumber":"${serial}","Version":"${firmware}","WebURL":"http://www.axis.com"}}}

>>> http * *
HTTP/1.1 404 Not Found
Date: ${http_date}
Content-Length: 0
Connection: close

>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="AXIS_${MAC12}", nonce="${nonce}"

# SSDP: "Linux/<kver>-axis<N>, UPnP/1.0, Portable SDK for UPnP devices/<v>" (RECOG http_servers.xml).
>>> ssdp
HTTP/1.1 200 OK
CACHE-CONTROL: max-age=1800
EXT:
LOCATION: http://${ip}:49152/rootdesc1.xml
SERVER: Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22
ST: upnp:rootdevice
USN: uuid:Upnp-BasicDevice-1_0-${MAC12}::upnp:rootdevice
