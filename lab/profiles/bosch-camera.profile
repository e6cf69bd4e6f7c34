# Bosch IP camera (ONVIF FLEXIDOME 5100i, "Use 'live'" realm, myboschcam certificate)
name bosch-camera
description Bosch IP camera (ONVIF FLEXIDOME 5100i, "Use 'live'" realm, myboschcam certificate)
manufacturer Bosch
brand -
device_type camera
weight 25

# Bosch Security Systems OUIs (fp App. C; ieee-data).
oui 00:04:63 00:1C:44 00:01:31
# FLEXIDOME indoor 5100i IR, 8.71.0066, HardwareId F000B543 (ONVIFGO capture, fp §1.10).
var model = ${pick:FLEXIDOME indoor 5100i IR|DINION 5100i IR|AUTODOME IP 5000i}
var firmware = ${pick:8.71.0066|8.80.0088}
var serial = 4047547340${digits:8}
var hwid = F000B543
tls_subject CN=${mac_dash}.local.myboschcam.net,O=Bosch Sicherheitssysteme GmbH,L=Grasbrunn,ST=Bayern,C=DE

port 80 http
port 443 https
port 554 rtsp
port 3702 wsd

# realm "Use 'live' as User Name..." (RECOG http_wwwauth.xml, Bosch AutoDome).
>>> http GET /
HTTP/1.1 401 Unauthorized
Date: ${http_date}
WWW-Authenticate: Digest realm="Use 'live' as User Name in order to log in to the respective level",nonce="${hex:32}",opaque="",stale=FALSE,algorithm=MD5,qop="auth"
Content-Length: 0
Connection: close

# ONVIF GetDeviceInformation (fields of fp §1.10), with WS-Security only.
>>> http POST /onvif/device_service soap=GetDeviceInformation auth=yes
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Bosch</tds:Manufacturer><tds:Model>${model}</tds:Model><tds:FirmwareVersion>${firmware}</tds:FirmwareVersion><tds:SerialNumber>${serial}</tds:SerialNumber><tds:HardwareId>${hwid}</tds:HardwareId></tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>

>>> http POST /onvif/* auth=no
HTTP/1.1 400 Bad Request
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body><SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>ter:NotAuthorized</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">Sender not authorized</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>

>>> http * *
HTTP/1.1 404 Not Found
Date: ${http_date}
Content-Length: 0
Connection: close

>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="Use 'live' as User Name in order to log in to the respective level", nonce="${nonce}"

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:${msgid}</wsa:MessageID><wsa:RelatesTo>${relates_to}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:${uuid}</wsa:Address></wsa:EndpointReference><wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/Bosch onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/MAC/${mac}</wsdd:Scopes><wsdd:XAddrs>http://${ip}/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>
