# Avigilon camera (AvigilonOnvifNvt RTSP server, Avigilon certificate)
name avigilon-camera
description Avigilon camera (AvigilonOnvifNvt RTSP server, Avigilon certificate)
manufacturer Avigilon
brand -
device_type camera
weight 15

# No Avigilon OUI in ieee-data 2022 (fp App. C): a locally administered
# prefix stands in; an identifier must not use it.
oui 02:1A:D5
var model = ${pick:5.0-H3-DP1|2.0C-H5A-BO1-IR|4.0C-H5A-DO1-IR}
var firmware = ${pick:4.10.0.36|4.22.0.4}
var serial = ${digits:7}
var hwid = ${model}
tls_subject CN=AVIGILON-CAMERA-${model}-${serial},OU=Certification Manager,O=Avigilon Corporation,L=Vancouver,ST=British Columbia,C=CA

port 80 http
port 443 https
port 554 rtsp
port 3702 wsd

>>> http GET /
HTTP/1.1 302 Found
Location: https://${ip}/
Content-Length: 0
Connection: close

# ONVIF GetDeviceInformation (fields of fp §1.10), with WS-Security only.
>>> http POST /onvif/device_service soap=GetDeviceInformation auth=yes
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Avigilon</tds:Manufacturer><tds:Model>${model}</tds:Model><tds:FirmwareVersion>${firmware}</tds:FirmwareVersion><tds:SerialNumber>${serial}</tds:SerialNumber><tds:HardwareId>${hwid}</tds:HardwareId></tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>

>>> http POST /onvif/* auth=no
HTTP/1.1 400 Bad Request
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">Sender not authorized</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>

>>> http * *
HTTP/1.1 404 Not Found
Content-Length: 0
Connection: close

# "AvigilonOnvifNvt/<ver>" (RECOG rtsp_servers.xml, e.g. AvigilonOnvifNvt/2.6.0.130).
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Server: AvigilonOnvifNvt/2.6.0.130
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
Server: AvigilonOnvifNvt/2.6.0.130
WWW-Authenticate: Digest realm="Avigilon", nonce="${nonce}"

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:${msgid}</wsa:MessageID><wsa:RelatesTo>${relates_to}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:${uuid}</wsa:Address></wsa:EndpointReference><wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/Avigilon onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/MAC/${mac}</wsdd:Scopes><wsdd:XAddrs>http://${ip}/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>
