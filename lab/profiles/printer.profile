# Network printer (noise: embedded web server, IPP, raw 9100)
name printer
description Network printer (noise: embedded web server, IPP, raw 9100)
manufacturer -
brand -
device_type printer
weight 25

# Brother and HP-era OUIs (ieee-data).
oui 00:1B:A9 30:05:5C 3C:2A:F4
var model = ${pick:HL-L2350DW|MFC-L2710DW|HL-L3270CDW}
var firmware = ${pick:1.64|Ver.Z}
var serial = E${alnum:14}
tls_subject CN=BRN${MAC12},O=Brother Industries,C=JP

port 80 http
port 443 https
port 631 http
port 9100 tcp

>>> http GET /
HTTP/1.1 301 Moved Permanently
Server: debut/1.30
Date: ${http_date}
Location: /general/status.html
Content-Length: 0
Connection: close

>>> http GET /general/status.html
HTTP/1.1 200 OK
Server: debut/1.30
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Brother ${model} series</title></head>
<body><div id="modelName">${model} series</div></body>
</html>

>>> http * *
HTTP/1.1 404 Not Found
Server: debut/1.30
Content-Length: 0
Connection: close
