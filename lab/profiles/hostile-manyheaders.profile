# Hostile: 10,000 header lines
name hostile-manyheaders
description Hostile: 10,000 header lines
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 http

>>> http * *
HTTP/1.1 200 OK
Server: Webs
${repeat:10000:X-Header: value\r\n}Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<html></html>
