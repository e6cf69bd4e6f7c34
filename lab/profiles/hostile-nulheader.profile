# Hostile: one malformed answer (issue 11). A Dahua IP camera served like
# dahua-ipc, on port 80 only, whose front page carries a NUL in the middle of
# a header line: a scanner that gives up on the port after it never asks the
# vendor paths that say what it is. weight 0: --mix hostile-nulheader=N or all.
name hostile-nulheader
description Hostile: a Dahua IP camera whose front page has a NUL in the middle of a header line
manufacturer -
brand -
device_type camera
weight 0
hostile yes
# OUIs: fp App. C (ieee-data, "Zhejiang Dahua Technology")
oui 3C:EF:8C 90:02:A9 E0:50:8B 4C:11:BF 14:A7:8B BC:32:5F
# IPC-HDW5831R-ZE with updateSerial IPC-HDW5830R-Z (fp §1.6, RROLLER).
var model = ${pick:IPC-HDW5831R-ZE|IPC-HFW2431S-S-S2|IPC-HDBW2431E-S-S2|IPC-HFW5442E-ZE}
var fwver = ${pick:2.800.0000016.0.R|2.820.0000000.8.R|2.840.0000000.23.R}
var fwdate = ${pick:2020-06-05|2021-11-23|2023-02-14}
var firmware = ${fwver}
var serial = ${alnum:15}
tls_subject CN=${ip},O=General,C=CN
# ^ Dahua's default certificate subject is a Gap in the sources (fp §1.15, §6):
#   made up, weak on purpose.

port 80 http

# GET /: upper-case CONNECTION/CONTENT-LENGTH/CONTENT-TYPE headers, UTF-8 BOM,
# XHTML 1.0 Strict doctype, CRLF lines (NMAP L10444/L10445 "Dahua webcam
# httpd"); title "WEB SERVICE" (NUCLEI dahua-web-panel.yaml).
>>> http GET /
HTTP/1.1 200 OK
CONNECTION: close
SERVER: Web\x00Server
CONTENT-LENGTH: ${content_length}
P3P: CP=CAO PSA OUR
CACHE-CONTROL: max-age=0
CONTENT-TYPE: text/html

\xEF\xBB\xBF<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r
<html >\r
  <head>\r
  <title>WEB SERVICE</title>\r
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\r
  </head>\r
  <body>\r
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
processor=S3LM\r
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
<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope xmlns:sc="http://www.w3.org/2003/05/soap-encoding" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header><a:MessageID>urn:uuid:${msgid}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action><a:RelatesTo>${relates_to}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>uuid:${uuid}</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_Transmitter onvif://www.onvif.org/extension/unique_identifier</d:Scopes><d:XAddrs>http://${ip}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>
