# Hostile: one 1 MiB header line
name hostile-hugeheader
description Hostile: one 1 MiB header line
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
X-Padding: ${repeat:1048576:A}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<html></html>
