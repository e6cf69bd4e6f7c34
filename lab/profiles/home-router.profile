# Home/office router (noise: web admin, UPnP IGD)
name home-router
description Home/office router (noise: web admin, UPnP IGD)
manufacturer -
brand -
device_type router
weight 40

# NETGEAR OUIs (ieee-data): a maker outside the vendor registry, so noise that
# names nobody. (Not TP-Link's any more: TP-Link is a registry maker since
# issue 10, and its own MAC prefix names it, tentatively.)
oui 00:0F:B5 00:14:6C 38:94:ED 10:0C:6B
var model = ${pick:R6220|R7000|WNR2000}
var firmware = ${pick:V1.1.0.50|V1.0.1.46}
var serial = ${alnum:13}

port 80 http
port 1900 ssdp

>>> http GET /
HTTP/1.1 401 Unauthorized
Server: httpd
Date: ${http_date}
WWW-Authenticate: Basic realm="${model}"
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD>
<BODY><H4>401 Unauthorized</H4>
Authorization required.
</BODY></HTML>

>>> http * *
HTTP/1.1 404 Not Found
Server: httpd
Content-Length: 0
Connection: close

>>> ssdp
HTTP/1.1 200 OK
CACHE-CONTROL: max-age=120
ST: upnp:rootdevice
USN: uuid:${uuid}::upnp:rootdevice
EXT:
SERVER: Linux/2.6.36, UPnP/1.0, miniupnpd/1.9
LOCATION: http://${ip}:1900/gatedesc.xml
