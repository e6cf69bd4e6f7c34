# Uniview IP camera (LAPI JSON, ONVIF; sources are thin: fp §1.7 Gap; issue 10)
name uniview-ipc
description Uniview IP camera (LAPI JSON, ONVIF; sources are thin: fp §1.7 Gap)
manufacturer Uniview
brand -
device_type camera
weight 30

# OUIs: fp §3 (ieee-data "Zhejiang Uniview Technologies").
oui 48:EA:63 6C:F1:7E C4:79:05
var model = ${pick:IPC322LB-SF28-A|IPC2124LB-SF40KM-G|IPC3614SR3-ADF28KM-G}
var firmware = ${pick:IPC_G6103-B0006P62D1907|IPC_D1201-B0011P63D2009|GIPC-B6202.9.10.210705}
var serial = 210235${alnum:14}
var hwid = ${pick:C1|C2}
tls_subject CN=${ip}

port 80 http
port 443 https
port 554 rtsp
port 3702 wsd

>>> http GET /
HTTP/1.1 200 OK
Content-Type: text/html
Content-Length: ${content_length}
Connection: close
X-Frame-Options: SAMEORIGIN

<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title></title>
<link rel="shortcut icon" href="/favicon.ico">
<script>location.href="/index.htm?clientIpAddr=&IsRemote=0";</script>
</head>
<body></body>
</html>

# LAPI (fp §1.7, HERTZ app-uniview.yml): JSON under Response.Data. Issue 10: real
# Uniview devices answered the unauthenticated GET /LAPI/V1.0/System/DeviceInfo with
# this JSON; other LAPI resources stay behind Digest.
>>> http GET /LAPI/V1.0/System/DeviceInfo
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{
"Response": {
"ResponseURL": "/LAPI/V1.0/System/DeviceInfo",
"CreatedID": -1,
"ResponseCode": 0,
"SubResponseCode": 0,
"ResponseString": "Succeed",
"StatusCode": 0,
"StatusString": "Succeed",
"Data": {
"DeviceName": "IPC",
"SerialNumber": "${serial}",
"FirmwareVersion": "${firmware}",
"DeviceModel": "${model}",
"Manufacturer": "UNIVIEW",
"MAC": "${mac}"
}
}
}

>>> http GET /LAPI/* auth=no
HTTP/1.1 401 Unauthorized
Content-Type: text/html
Content-Length: 0
Connection: close
WWW-Authenticate: Digest realm="${MAC12}", nonce="${hex:32}", qop="auth"

# ONVIF GetDeviceInformation (fields of fp §1.10), with WS-Security only.
>>> http POST /onvif/device_service soap=GetDeviceInformation auth=yes
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>UNIVIEW</tds:Manufacturer><tds:Model>${model}</tds:Model><tds:FirmwareVersion>${firmware}</tds:FirmwareVersion><tds:SerialNumber>${serial}</tds:SerialNumber><tds:HardwareId>${hwid}</tds:HardwareId></tds:GetDeviceInformationResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>

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

# RTSP path /unicast/c1/s0/live (fp §1.7, weak).
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="${MAC12}", nonce="${nonce}"

>>> wsd
<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:${msgid}</wsa:MessageID><wsa:RelatesTo>${relates_to}</wsa:RelatesTo><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:${uuid}</wsa:Address></wsa:EndpointReference><wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/UNIVIEW onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/MAC/${mac}</wsdd:Scopes><wsdd:XAddrs>http://${ip}/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>
