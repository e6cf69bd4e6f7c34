# Amcrest camera (Dahua OEM: Amcrest page, Dahua CGI/RTSP/37777, Dahua version strings)
name amcrest-camera
description Amcrest camera (Dahua OEM: Amcrest page, Dahua CGI/RTSP/37777, Dahua version strings)
manufacturer Dahua
brand Amcrest
device_type camera
weight 15
# Amcrest Technologies owns 9C:8E:CD (IEEE); Amcrest units seen with Dahua 90:02:A9 (CAMIO).
oui 9C:8E:CD 90:02:A9
# Amcrest: version=2.420.AC00.15.R, BuildDate=2016-09-08 (AMCREST README).
var model = ${pick:IP2M-841|IP4M-1026|IP8M-2496E}
var fwver = ${pick:2.420.AC00.15.R|2.420.AC00.18.R}
var fwdate = ${pick:2016-09-08|2017-12-04}
var firmware = ${fwver}
var serial = AMC0${alnum:11}
tls_subject CN=${ip},O=General,C=CN
# ^ Dahua's default certificate subject is a Gap in the sources (fp §1.15, §6):
#   made up, weak on purpose.

port 80 http
port 443 https
port 554 rtsp
port 37777 tcp
port 37810 dhdiscover
port 3702 wsd

# GET /: upper-case CONNECTION/CONTENT-LENGTH/CACHE-CONTROL/CONTENT-TYPE, Etag
# "digits:hex", <!DOCTYPE html> then an empty <title> (NMAP L10443 "Amcrest IP
# camera http interface").
>>> http GET /
HTTP/1.1 200 OK
CONNECTION: close
Date: ${http_date}
Last-Modified: Thu, 08 Sep 2016 06:20:11 GMT
Etag: "1473315611:${hex:4}"
CONTENT-LENGTH: ${content_length}
CACHE-CONTROL: max-age=0
CONTENT-TYPE: text/html

<!DOCTYPE html>\r
<html>\r
<head>\r
    <title></title>\r
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\r
    <script src="/jsBase/lib/jquery.min.js"></script>\r
</head>\r
<body>\r
<div id="login">Amcrest Technologies</div>\r
<input type="checkbox" id="LDAPUser" />\r
</body>\r
</html>

# magicBox CGI needs Digest auth (RROLLER client.py). Realm convention "Login to
# <serial>" (RECOG http_wwwauth.xml Lorex; RROLLER test_dhip.py).
>>> http GET /cgi-bin/* auth=no
HTTP/1.1 401 Unauthorized
CONNECTION: close
CONTENT-LENGTH: 0
WWW-Authenticate: Digest realm="Login to ${serial}", qop="auth", nonce="${digits:10}", opaque="${hex:40}"

# getSystemInfo body (fp §1.6; RROLLER docstrings).
>>> http GET /cgi-bin/magicBox.cgi?action=getSystemInfo auth=yes
HTTP/1.1 200 OK
CONNECTION: close
CONTENT-LENGTH: ${content_length}
CONTENT-TYPE: text/plain;charset=utf-8

appAutoStart=true\r
deviceType=${model}\r
hardwareVersion=1.00\r
processor=S2L\r
serialNumber=${serial}\r
updateSerial=${model}\r

>>> http GET /cgi-bin/magicBox.cgi?action=getSoftwareVersion auth=yes
HTTP/1.1 200 OK
CONNECTION: close
CONTENT-LENGTH: ${content_length}
CONTENT-TYPE: text/plain;charset=utf-8

version=${fwver},build:${fwdate}\r

>>> http GET /cgi-bin/magicBox.cgi?action=getDeviceType auth=yes
HTTP/1.1 200 OK
CONNECTION: close
CONTENT-LENGTH: ${content_length}
CONTENT-TYPE: text/plain;charset=utf-8

type=${model}\r

# RPC2 login challenge (fp §1.6: result false, numeric session, error code
# 268632079 "Component error: login challenge!", params encryption/random/realm).
>>> http POST /RPC2_Login
HTTP/1.1 200 OK
CONNECTION: close
CONTENT-LENGTH: ${content_length}
CONTENT-TYPE: application/json;charset=utf-8

{ "error" : { "code" : 268632079, "message" : "Component error: login challenge!" }, "id" : 1, "params" : { "authorization" : "${hex:40}", "encryption" : "Default", "mac" : "${MAC12}", "random" : "${digits:9}", "realm" : "Login to ${serial}" }, "result" : false, "session" : ${digits:9} }

>>> http * *
HTTP/1.1 404 Not Found
CONNECTION: close
CONTENT-LENGTH: 0

# RTSP: "Server: Dahua Rtsp Server" with Basic realm "device" (NMAP L12373) and,
# to an HTTP request on 554, 405 with CSeq 0 (NMAP L11572).
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Server: Dahua Rtsp Server
Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER, REDIRECT, RECORD

>>> rtsp GET *
RTSP/1.0 405 Method Not Allowed
Server: Dahua Rtsp Server
Content-Length: 0
CSeq: 0

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Basic realm="device"
Server: Dahua Rtsp Server
Content-Length: 0

# DVRIP port 37777: hello \xa1 + 31 NULs gets "\xb1\x00\x00\x58..." (MSF
# dahua_dvr_auth_bypass.rb, corpus msf_dahua_dvr_hello_expected_response.bin).
>>> tcp reply port=37777 match=\xa1\x00\x00\x00
\xb1\x00\x00\x58\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00

# DHDiscover reply body (fp §1.13, RROLLER test_discovery.py VTO2000A field set;
# Vendor/Manufacturer "General" as measured there). The DHIP header is added by
# the lab.
>>> dhdiscover nofinal
{"mac":"${mac}","method":"client.notifyDevInfo","params":{"deviceInfo":{"AlarmInputChannels":2,"AlarmOutputChannels":1,"DeviceClass":"IPC","DeviceType":"${model}","Find":"BC","HttpPort":80,"IPv4Address":{"DefaultGateway":"0.0.0.0","DhcpEnable":false,"IPAddress":"${ip}","SubnetMask":"255.254.0.0"},"Init":150,"MachineName":"${serial}","Manufacturer":"General","Port":37777,"RemoteVideoInputChannels":0,"SerialNo":"${serial}","Vendor":"General","Version":"${fwver}","VideoInputChannels":1,"VideoOutputChannels":0}}}

# WS-Discovery; Dahua scopes (fp §1.9, UNVERIFIED there): name, hardware,
# location/country/china, Profile/Streaming, type/Network_Video_Transmitter.
>>> wsd
<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope xmlns:sc="http://www.w3.org/2003/05/soap-encoding" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header><a:MessageID>urn:uuid:${msgid}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action><a:RelatesTo>${relates_to}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>uuid:${uuid}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Amcrest onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_Transmitter onvif://www.onvif.org/extension/unique_identifier</d:Scopes><d:XAddrs>http://${ip}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>
