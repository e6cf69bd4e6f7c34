# Hostile: HTTP answer dripped one byte per second
name hostile-slowdrip
description Hostile: HTTP answer dripped one byte per second
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 http drip=1000

>>> http * *
HTTP/1.1 200 OK
Server: Webs
Content-Type: text/html
Content-Length: ${content_length}

<html><head><title>slow</title></head><body>slow</body></html>
