# Hostile: lies about who it is (issue 11). Served like hikvision-ipc-v5, but its
# ISAPI deviceInfo and SADP reply claim a fixed MAC and serial that belong to
# another device; weight 0: only with --mix hostile-liar=N or --mix all.
name hostile-liar
description Hostile: a Hikvision camera that claims another device's MAC address and serial number (the same ones every liar claims)
manufacturer -
brand -
device_type camera
weight 0
hostile yes
# OUIs: fp App. C (Debian ieee-data, "Hangzhou Hikvision Digital Technology")
oui C0:56:E3 BC:AD:28 44:19:B6 28:57:BE 54:C4:15 A4:14:37 E0:CA:3C 24:0F:9B
# Models seen in real deviceInfo responses (fp §5, HIKNEXT fixtures).
var model = ${pick:DS-2CD2146G2-ISU|DS-2CD2346G2-ISU/SL|DS-2CD2386G2-IU|DS-2CD2T46G2-ISU/SL|DS-2CD2143G0-I|DS-2CD2043G2-I}
var fwver = ${pick:V5.7.3|V5.7.1|V5.6.5|V5.5.800}
var fwbuild = ${pick:build 220112|build 211209|build 200916|build 190808}
var firmware = ${fwver} ${fwbuild}
# serialNumber = model + date + "AAWR" + 9 characters (fp §1.5)
# The identity it claims: the example device of docs/lab.md, whatever its own is.
var serial = DS-2CD2346G2-ISU/SL20210504AAWR4AJR7TVWA
var liemac = e0:ca:3c:41:3f:fa
var liemacdash = e0-ca-3c-41-3f-fa
var etag = ${hex:4}-${hex:3}-${hex:8}
# Camera certificate subject: not in the sources (fp §6 Gaps). The address as CN
# is what the web UI's self-signed certificate generator uses; treat as weak.
tls_subject CN=${ip},OU=IPCamera,O=Hikvision,C=CN

port 80 http
port 443 https
port 554 rtsp
port 8000 tcp
port 3702 wsd
port 37020 sadp

# GET / : newer firmware, "Server: webserver" and this header order, UTF-8 BOM +
# <!doctype html> (NMAP L10643 "HikVision NVR or camera http config").
>>> http GET /
HTTP/1.0 200 OK
Date: ${http_date}
Server: webserver
X-Frame-Options: SAMEORIGIN
X-Content-Type-Options: nosniff
X-XSS-Protection: 1;mode=block
ETag: "${etag}"
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
Last-Modified: Thu, 13 Jan 2022 08:12:41 GMT

\xEF\xBB\xBF<!doctype html>\r
<html>\r
<head>\r
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\r
<meta http-equiv="Pragma" content="no-cache" />\r
<title></title>\r
<script>\r
window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();\r
</script>\r
</head>\r
<body>\r
</body>\r
</html>

# Login page path and copyright word (NUCLEI hikvision-detect.yaml: GET
# /doc/page/login.asp, body word "Hikvision Digital Technology").
>>> http GET /doc/page/login.asp*
HTTP/1.0 200 OK
Date: ${http_date}
Server: webserver
X-Frame-Options: SAMEORIGIN
X-Content-Type-Options: nosniff
X-XSS-Protection: 1;mode=block
Content-Length: ${content_length}
Content-Type: text/html
Connection: close

<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title></title>
<link rel="shortcut icon" href="../../favicon.ico" type="image/x-icon" />
<script type="text/javascript" src="../script/lib/jquery/jquery-1.7.1.min.js"></script>
<script type="text/javascript" src="../script/login.js"></script>
</head>
<body>
<div id="login" class="login">
<div class="logo"></div>
<div class="copyright">&copy;Hikvision Digital Technology Co., Ltd. All Rights Reserved.</div>
</div>
</body>
</html>

# ISAPI needs credentials (PYHIK test_hikvision.py ~l.395: Basic, then Digest on
# 401). Realm "hikvision" (RECOG http_wwwauth.xml).
>>> http GET /ISAPI/* auth=no
HTTP/1.1 401 Unauthorized
Date: ${http_date}
Server: webserver
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
X-Frame-Options: SAMEORIGIN
WWW-Authenticate: Digest realm="hikvision", domain="::", qop="auth", nonce="${nonce}:${utc:%s}", opaque="", algorithm="MD5", stale="FALSE"

<!DOCTYPE html>
<html><head><title>Document Error: Unauthorized</title></head>
<body><h2>Access Error: 401 -- Unauthorized</h2>
<p>Authentication Error</p>
</body>
</html>

# deviceInfo with credentials: fields and defaults of fp §1.5 (version 2.0,
# hikvision.com/ver20 namespace, deviceLocation hangzhou, systemContact
# Hikvision.China, manufacturer hikvision and OEMCode 1 on V5.7/5.8 firmware).
>>> http GET /ISAPI/System/deviceInfo auth=yes
HTTP/1.1 200 OK
Date: ${http_date}
Server: webserver
Content-Length: ${content_length}
Content-Type: application/xml
Connection: close
X-Frame-Options: SAMEORIGIN

<?xml version="1.0" encoding="UTF-8"?>
<DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<deviceName>IP CAMERA</deviceName>
<deviceID>${uuid}</deviceID>
<deviceDescription>IPCamera</deviceDescription>
<deviceLocation>hangzhou</deviceLocation>
<systemContact>Hikvision.China</systemContact>
<model>${model}</model>
<serialNumber>${serial}</serialNumber>
<macAddress>${liemac}</macAddress>
<firmwareVersion>${fwver}</firmwareVersion>
<firmwareReleasedDate>${fwbuild}</firmwareReleasedDate>
<encoderVersion>V7.3</encoderVersion>
<encoderReleasedDate>build 211208</encoderReleasedDate>
<bootVersion>V1.3.4</bootVersion>
<bootReleasedDate>100316</bootReleasedDate>
<hardwareVersion>0x0</hardwareVersion>
<deviceType>IPCamera</deviceType>
<telecontrolID>88</telecontrolID>
<supportBeep>false</supportBeep>
<supportVideoLoss>false</supportVideoLoss>
<firmwareVersionInfo>B-R-G5-0</firmwareVersionInfo>
<manufacturer>hikvision</manufacturer>
<OEMCode>1</OEMCode>
</DeviceInfo>

# RTSP OPTIONS: CSeq echo and this Public list (NMAP L14882, "Hikvision 7513 POE
# IP camera rtspd"); DESCRIBE without credentials: two WWW-Authenticate lines,
# Digest realm "Hikvision" then Basic realm "/" (NMAP L12367).
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER
Date:  ${utc:%a, %b %d %Y %H:%M:%S GMT}

>>> rtsp DESCRIBE * auth=no
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="Hikvision", nonce="${nonce}", stale="FALSE"
WWW-Authenticate: Basic realm="/"
Date:  ${utc:%a, %b %d %Y %H:%M:%S GMT}

# SDP shape of a Hikvision camera (GO2RTC rtsp_test.go TestHikvisionPCM):
# s=Media Presentation, e=NONE, x-dimensions, /Streaming/channels/101, IMKH
# media header, appversion.
>>> rtsp DESCRIBE * auth=yes
RTSP/1.0 200 OK
CSeq: ${cseq}
Content-Type: application/sdp
Content-Base: rtsp://${ip}:554/Streaming/channels/101/
Content-Length: ${content_length}

v=0\r
o=- 1721969533379665 1721969533379665 IN IP4 ${ip}\r
s=Media Presentation\r
e=NONE\r
b=AS:5100\r
t=0 0\r
a=control:rtsp://${ip}:554/Streaming/channels/101/\r
m=video 0 RTP/AVP 96\r
c=IN IP4 0.0.0.0\r
b=AS:5000\r
a=recvonly\r
a=x-dimensions:2688,1520\r
a=control:rtsp://${ip}:554/Streaming/channels/101/trackID=1\r
a=rtpmap:96 H264/90000\r
a=fmtp:96 profile-level-id=420029; packetization-mode=1\r
a=Media_header:MEDIAINFO=494D4B48010300000400000100000000000000000000000000000000000000000000000000000000;\r
a=appversion:1.0\r

>>> rtsp * *
RTSP/1.0 405 Method Not Allowed
CSeq: ${cseq}
Allow: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER
Date:  ${utc:%a, %b %d %Y %H:%M:%S GMT}

# SDK port 8000: newer firmware is silent until spoken to, then answers a
# 16-byte record with status 0x0d (NMAP L14039 "HikVision camera control").
>>> tcp reply port=8000
\x00\x00\x00\x10\x00\x00\x00\x0d\x00\x00\x00\x0d\x00\x00\x00\x00

# ONVIF device service: GetSystemDateAndTime answers without credentials,
# GetDeviceInformation needs WS-Security (ONVIF Core spec access classes).
>>> http POST /onvif/device_service soap=GetSystemDateAndTime
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body><tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8:00:00</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${utc:%H}</tt:Hour><tt:Minute>${utc:%M}</tt:Minute><tt:Second>${utc:%S}</tt:Second></tt:Time><tt:Date><tt:Year>${utc:%Y}</tt:Year><tt:Month>${utc:%m}</tt:Month><tt:Day>${utc:%d}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></env:Body></env:Envelope>

>>> http POST /onvif/device_service soap=GetDeviceInformation auth=yes
HTTP/1.1 200 OK
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>${model}</tds:Model><tds:FirmwareVersion>${firmware}</tds:FirmwareVersion><tds:SerialNumber>${serial}</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse></env:Body></env:Envelope>

>>> http POST /onvif/* auth=no
HTTP/1.1 401 Unauthorized
Content-Type: application/soap+xml; charset=utf-8
Content-Length: ${content_length}
Connection: close

<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>

>>> http * *
HTTP/1.1 404 Not Found
Date: ${http_date}
Server: webserver
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
X-Frame-Options: SAMEORIGIN

<!DOCTYPE html>
<html><head><title>Document Error: Page not found</title></head>
<body><h2>Access Error: 404 -- Not Found</h2>
<p>Cannot open URL</p>
</body>
</html>

# WS-Discovery ProbeMatch (fp §1.9; scope names for Hikvision are UNVERIFIED
# there: name/HIKVISION%20<model>, hardware/<model>, location/city/hangzhou).
>>> wsd
<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Header><wsadis:MessageID>urn:uuid:${msgid}</wsadis:MessageID><wsadis:RelatesTo>${relates_to}</wsadis:RelatesTo><wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To><wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action><d:AppSequence InstanceId="1" MessageNumber="1"/></env:Header><env:Body><d:ProbeMatches><d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>urn:uuid:${uuid}</wsadis:Address></wsadis:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/MAC/${liemac} onvif://www.onvif.org/hardware/${model} onvif://www.onvif.org/name/HIKVISION%20${model} onvif://www.onvif.org/location/city/hangzhou</d:Scopes><d:XAddrs>http://${ip}/onvif/device_service</d:XAddrs><d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>

# SADP ProbeMatch: field list and order of fp §1.12 (USCAN Hikvision selftest,
# HIKTOOL struct), CRLF line ends as in the selftest; MAC in aa-bb form;
# SoftwareVersion "V5.5.0 build 191126" form; DeviceSN = model+date+serial.
>>> sadp body_eol=crlf
<?xml version="1.0" encoding="UTF-8"?>
<ProbeMatch><Uuid>${req_uuid}</Uuid>
<Types>inquiry</Types>
<DeviceType>138112</DeviceType>
<DeviceDescription>${model}</DeviceDescription>
<DeviceSN>${serial}</DeviceSN>
<CommandPort>8000</CommandPort>
<HttpPort>80</HttpPort>
<MAC>${liemacdash}</MAC>
<IPv4Address>${ip}</IPv4Address>
<IPv4SubnetMask>255.254.0.0</IPv4SubnetMask>
<IPv4Gateway>0.0.0.0</IPv4Gateway>
<IPv6Address>::</IPv6Address>
<IPv6Gateway>::</IPv6Gateway>
<IPv6MaskLen>64</IPv6MaskLen>
<DHCP>false</DHCP>
<AnalogChannelNum>0</AnalogChannelNum>
<DigitalChannelNum>1</DigitalChannelNum>
<SoftwareVersion>${firmware}</SoftwareVersion>
<DSPVersion>V7.3 build 211208</DSPVersion>
<BootTime>2024-03-02 06:41:17</BootTime>
<Encrypt>true</Encrypt>
<ResetAbility>false</ResetAbility>
<DiskNumber>0</DiskNumber>
<Activated>true</Activated>
<PasswordResetAbility>true</PasswordResetAbility>
<PasswordResetModeSecond>true</PasswordResetModeSecond>
<SupportHCPlatform>true</SupportHCPlatform>
<HCPlatformEnable>false</HCPlatformEnable>
<IsModifyVerificationCode>true</IsModifyVerificationCode>
<Salt>${hex:64}</Salt>
<DeviceLock>true</DeviceLock>
<SDKServerStatus>true</SDKServerStatus>
<SDKOverTLSPort>8443</SDKOverTLSPort>
<OEMInfo>1</OEMInfo>
</ProbeMatch>
