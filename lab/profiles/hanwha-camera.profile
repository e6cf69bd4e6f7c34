# Hanwha (Wisenet) IP camera (title "Hanwha Techwin", ONVIF)
name hanwha-camera
description Hanwha (Wisenet) IP camera (title "Hanwha Techwin", ONVIF)
manufacturer Hanwha
brand -
device_type camera
weight 20

# Hanwha / Samsung Techwin OUIs (fp App. C).
oui E4:30:22 00:09:18
var model = ${pick:XNV-6080R|QNV-7080R|XND-6080RV}
var firmware = ${pick:2.21.02_20220221_R11|1.41.01_20210315_R413}
var serial = Z${alnum:14}
var hwid = ${model}
tls_subject CN=${ip},O=Hanwha Techwin,C=KR

port 80 http
port 443 https
port 554 rtsp
port 3702 wsd

# Title "Hanwha Techwin" (RECOG html_title.xml).
>>> http GET /
HTTP/1.1 200 OK
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Hanwha Techwin</title></head>
<body><div id="wn5">Wisenet WEBVIEWER</div></body>
</html>

# ONVIF GetDeviceInformation (fields of fp §1.10), with WS-Security only.
>>> http POST /onvif/device_service soap=GetDeviceInformation auth=yes
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Hanwha Techwin</tds:Manufacturer><tds:Model>${model}</tds:Model><tds:FirmwareVersion>${firmware}</tds:FirmwareVersion><tds:SerialNumber>${serial}</tds:SerialNumber><tds:HardwareId>${hwid}</tds:HardwareId></tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>

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

>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="iPOLiS_${MAC12}", nonce="${nonce}"

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:${msgid}</wsa:MessageID><wsa:RelatesTo>${relates_to}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:${uuid}</wsa:Address></wsa:EndpointReference><wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/Wisenet onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/MAC/${mac}</wsdd:Scopes><wsdd:XAddrs>http://${ip}/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>
