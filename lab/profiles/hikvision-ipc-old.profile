# Hikvision IP camera, older firmware (V5.2 - V5.4).
name hikvision-ipc-old
description Hikvision IP camera, firmware V5.2-V5.4 (App-webs/, legacy deviceInfo without manufacturer/OEMCode, 8000 greets)
manufacturer Hikvision
brand -
device_type camera
weight 50
# OUIs: fp App. C (ieee-data, Hikvision)
oui 44:19:B6 C0:56:E3 BC:AD:28 4C:BD:8F 28:57:BE
# DS-2CD2532F-IWS ran V5.2.0 build 140721 (fp §1.5); DS-2CD2443G0-IW V5.6.5.
var model = ${pick:DS-2CD2532F-IWS|DS-2CD2032-I|DS-2CD2132F-IS|DS-2CD2442FWD-IW}
var fwver = ${pick:V5.2.0|V5.3.0|V5.4.0}
var fwbuild = ${pick:build 140721|build 150513|build 160414}
var firmware = ${fwver} ${fwbuild}
var serial = ${model}${date:2014:2017}CCRR${digits:9}
# Camera certificate subject: a Gap in the sources (fp §6); weak on purpose.
tls_subject CN=${ip}

port 80 http
port 443 https
port 554 rtsp
port 8000 tcp
port 37020 sadp

# HTTP/1.0, Date before "Server: App-webs/" (NMAP L9762 "Hikvision IP camera
# httpd"; the order matters to nmap, anchors §0 nmap-header-order).
>>> http GET /
HTTP/1.0 200 OK
Date: ${http_date}
Server: App-webs/
Content-Length: ${content_length}
Content-Type: text/html
Connection: close

<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title></title>
<script>window.location.href = "doc/page/login.asp";</script>
</head>
<body></body>
</html>

# NUCLEI hikvision-detect.yaml: /doc/page/login.asp, "Hikvision Digital Technology"
>>> http GET /doc/page/login.asp*
HTTP/1.0 200 OK
Date: ${http_date}
Server: App-webs/
Content-Length: ${content_length}
Content-Type: text/html
Connection: close

<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title></title></head>
<body>
<div id="footer">Copyright &copy; Hikvision Digital Technology Co., Ltd. All Rights Reserved.</div>
</body>
</html>

# Basic realm "hikvision" (RECOG http_wwwauth.xml example `Basic realm="hikvision"`).
>>> http GET /ISAPI/* auth=no
HTTP/1.0 401 Unauthorized
Date: ${http_date}
Server: App-webs/
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
WWW-Authenticate: Basic realm="hikvision"

<!DOCTYPE html>
<html><head><title>Document Error: Unauthorized</title></head>
<body><h2>Access Error: 401 -- Unauthorized</h2>
<p>Authentication Error</p>
</body>
</html>

# Older firmware: no <manufacturer>, no <OEMCode> (fp §1.5: V5.2.0 build
# 140721 on DS-2CD2532F-IWS omits both).
>>> http GET /ISAPI/System/deviceInfo auth=yes
HTTP/1.0 200 OK
Date: ${http_date}
Server: App-webs/
Content-Length: ${content_length}
Content-Type: application/xml
Connection: close

<?xml version="1.0" encoding="UTF-8" ?>
<DeviceInfo version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<deviceName>IP CAMERA</deviceName>
<deviceID>${uuid}</deviceID>
<deviceDescription>IPCamera</deviceDescription>
<deviceLocation>hangzhou</deviceLocation>
<systemContact>Hikvision.China</systemContact>
<model>${model}</model>
<serialNumber>${serial}</serialNumber>
<macAddress>${mac}</macAddress>
<firmwareVersion>${fwver}</firmwareVersion>
<firmwareReleasedDate>${fwbuild}</firmwareReleasedDate>
<encoderVersion>V5.0</encoderVersion>
<encoderReleasedDate>build 140714</encoderReleasedDate>
<bootVersion>V1.3.4</bootVersion>
<bootReleasedDate>100316</bootReleasedDate>
<hardwareVersion>0x0</hardwareVersion>
<deviceType>IPCamera</deviceType>
<telecontrolID>88</telecontrolID>
<supportBeep>false</supportBeep>
<supportVideoLoss>false</supportVideoLoss>
</DeviceInfo>

# pyHik falls back to the legacy path (PYHIK hikvision.py l.505-522).
>>> http GET /System/deviceInfo auth=no
HTTP/1.0 401 Unauthorized
Date: ${http_date}
Server: App-webs/
Content-Length: 0
Connection: close
WWW-Authenticate: Basic realm="hikvision"

>>> http * *
HTTP/1.0 404 Not Found
Date: ${http_date}
Server: App-webs/
Content-Length: ${content_length}
Content-Type: text/html
Connection: close

<!DOCTYPE html>
<html><head><title>Document Error: Not Found</title></head>
<body><h2>Access Error: 404 -- Not Found</h2>
<p>Cannot open URL</p>
</body>
</html>

# NMAP L12367 "Hikvision DVR rtspd": Digest realm "Hikvision" then Basic realm "/".
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER
Date:  ${utc:%a, %b %d %Y %H:%M:%S GMT}

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="Hikvision", nonce="${nonce}", stale="FALSE"
WWW-Authenticate: Basic realm="/"
Date:  ${utc:%a, %b %d %Y %H:%M:%S GMT}

# SDK port 8000 speaks first on this firmware: 16 bytes, status 0x1e
# (NMAP L1821, NULL probe, "Hikvision IPCam control port").
>>> tcp greet port=8000
\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00

# SADP (fp §1.12), older field set (USCAN Hikvision selftest order).
>>> sadp body_eol=crlf
<?xml version="1.0" encoding="UTF-8"?>
<ProbeMatch><Uuid>${req_uuid}</Uuid>
<Types>inquiry</Types>
<DeviceType>30001</DeviceType>
<DeviceDescription>${model}</DeviceDescription>
<DeviceSN>${serial}</DeviceSN>
<CommandPort>8000</CommandPort>
<HttpPort>80</HttpPort>
<MAC>${mac_dash}</MAC>
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
<DSPVersion>V5.0, build 140714</DSPVersion>
<BootTime>2023-11-20 13:02:55</BootTime>
</ProbeMatch>
