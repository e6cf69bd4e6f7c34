# Hostile: 100 replies to every discovery probe
name hostile-udpflood
description Hostile: 100 replies to every discovery probe
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A locally administered MAC (no vendor's OUI) and only vendor-neutral
# discovery protocols: the flood itself is the behaviour under test, and its
# ground truth (manufacturer null) must not contradict what it says. A reply in
# a vendor's own protocol (SADP, DHDiscover) would name that vendor.
oui 02:5A:4C

port 3702 wsd repeat=100
port 1900 ssdp repeat=100

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header><a:MessageID>urn:uuid:${msgid}</a:MessageID><a:RelatesTo>${relates_to}</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:${uuid}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:XAddrs>http://${ip}/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>

>>> ssdp
HTTP/1.1 200 OK
CACHE-CONTROL: max-age=120
ST: upnp:rootdevice
USN: uuid:${uuid}::upnp:rootdevice
EXT:
SERVER: Linux/4.9, UPnP/1.0, Portable SDK for UPnP devices/1.6.22
LOCATION: http://${ip}:80/description.xml
