# Hostile: 100 replies to every discovery probe
name hostile-udpflood
description Hostile: 100 replies to every discovery probe
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 3702 wsd repeat=100
port 37020 sadp repeat=100

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header><a:MessageID>urn:uuid:${msgid}</a:MessageID><a:RelatesTo>${relates_to}</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:${uuid}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:XAddrs>http://${ip}/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>

>>> sadp
<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>${req_uuid}</Uuid><Types>inquiry</Types><MAC>${mac_dash}</MAC><IPv4Address>${ip}</IPv4Address></ProbeMatch>
