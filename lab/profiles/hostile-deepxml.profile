# Hostile: XML nested 100,000 levels deep
name hostile-deepxml
description Hostile: XML nested 100,000 levels deep
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 http
port 3702 wsd

>>> http * *
HTTP/1.1 200 OK
Server: webserver
Content-Type: application/xml
Content-Length: ${content_length}
Connection: close

<?xml version="1.0"?>
<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema">${repeat:100000:<a>}${repeat:100000:</a>}</DeviceInfo>

>>> wsd
<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>${repeat:6000:<x>}${repeat:6000:</x>}</e:Body></e:Envelope>
