# Hostile: HTTP 200 whose body never ends
name hostile-endless
description Hostile: HTTP 200 whose body never ends
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 endless

>>> http * *
HTTP/1.1 200 OK
Server: Webs
Content-Type: text/html
Connection: close

${repeat:1024:<div>endless endless endless endless endless endless</div>\n}
