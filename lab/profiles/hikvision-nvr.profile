# Hikvision NVR (DNVRS-Webs, ISAPI isapi.org/ver20, SADP, 8000)
name hikvision-nvr
description Hikvision NVR (DNVRS-Webs, ISAPI isapi.org/ver20, SADP, 8000)
manufacturer Hikvision
brand -
device_type nvr
weight 40
# OUIs: fp App. C (ieee-data, Hikvision)
oui 24:28:FD 4C:F5:DC 80:BE:AF 98:8B:0A C0:6D:ED
# NVR models with real deviceInfo responses (fp §5, HIKNEXT).
var model = ${pick:DS-7608NXI-I2|DS-7732NI-M4|DS-7616NI-K2|DS-7616NI-Q2}
# isapi.org namespace seen on DS-7608NXI-I2 V4.62.210 and DS-7732NI-M4 V5.03.020 (fp §1.5).
var fwver = ${pick:V4.62.210|V5.03.020|V4.61.005}
var fwbuild = ${pick:Build 220524|Build 230301|Build 210908}
var firmware = ${fwver} ${fwbuild}
var serial = ${model}${digits:4}${date:2019:2023}CCRR${alnum:9}
# Default DVR/NVR certificate (RECOG x509_subjects.xml "HIKVISION DVR").
tls_subject CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN

port 80 http
port 443 https
port 554 rtsp
port 8000 tcp
port 37020 sadp

# GET / : HTTP/1.0, Date, "Server: DNVRS-Webs", ETag, Content-Length,
# Content-Type, Connection, Last-Modified in this order (NMAP L10283 "Hikvision
# Network Video Recorder http admin"; comment above it: Hikvision, truVision,
# Hills/DAS).
>>> http GET /
HTTP/1.0 200 OK
Date: ${http_date}
Server: DNVRS-Webs
ETag: "${hex:3}-${hex:4}-${hex:8}"
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
Last-Modified: Tue, 24 May 2022 03:41:09 GMT

<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title></title>
<script>window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script>
</head>
<body></body>
</html>

>>> http GET /doc/page/login.asp*
HTTP/1.0 200 OK
Date: ${http_date}
Server: DNVRS-Webs
Content-Length: ${content_length}
Content-Type: text/html
Connection: close

<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title></title></head>
<body>
<div class="copyright">&copy;Hikvision Digital Technology Co., Ltd. All Rights Reserved.</div>
</body>
</html>

# ISAPI behind credentials, realm "hikvision" (RECOG http_wwwauth.xml; PYHIK).
>>> http GET /ISAPI/* auth=no
HTTP/1.1 401 Unauthorized
Date: ${http_date}
Server: DNVRS-Webs
Content-Length: ${content_length}
Content-Type: text/html
Connection: close
WWW-Authenticate: Digest realm="hikvision", domain="::", qop="auth", nonce="${nonce}:${utc:%s}", opaque="", algorithm="MD5", stale="FALSE"

<!DOCTYPE html>
<html><head><title>Document Error: Unauthorized</title></head>
<body><h2>Access Error: 401 -- Unauthorized</h2>
<p>Authentication Error</p>
</body>
</html>

# deviceInfo of recorders (fp §1.5): namespace http://www.isapi.org/ver20/XMLSchema; NVR/DVR V4.x firmware has
# manufacturer=hikvision and no OEMCode.
>>> http GET /ISAPI/System/deviceInfo auth=yes
HTTP/1.1 200 OK
Date: ${http_date}
Server: DNVRS-Webs
Content-Length: ${content_length}
Content-Type: application/xml
Connection: close

<?xml version="1.0" encoding="UTF-8"?>
<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<deviceName>Network Video Recorder</deviceName>
<deviceID>${uuid}</deviceID>
<model>${model}</model>
<serialNumber>${serial}</serialNumber>
<macAddress>${mac}</macAddress>
<firmwareVersion>${fwver}</firmwareVersion>
<firmwareReleasedDate>${fwbuild}</firmwareReleasedDate>
<encoderVersion>V5.0</encoderVersion>
<encoderReleasedDate>build 220208</encoderReleasedDate>
<deviceType>NVR</deviceType>
<telecontrolID>255</telecontrolID>
<supportBeep>true</supportBeep>
<supportVideoLoss>true</supportVideoLoss>
<decordChannelNums>0</decordChannelNums>
<VGANums>1</VGANums>
<USBNums>2</USBNums>
<auxoutNums>0</auxoutNums>
<manufacturer>hikvision</manufacturer>
</DeviceInfo>

>>> http * *
HTTP/1.1 404 Not Found
Date: ${http_date}
Server: DNVRS-Webs
Content-Length: 0
Connection: close

# RTSP: NMAP L12380 ("Hikvision DVR rtspd", weak) for OPTIONS, then L12367's
# Digest realm "Hikvision" + Basic realm "/" for everything else.
>>> rtsp OPTIONS *
RTSP/1.0 200 OK
CSeq: ${cseq}
Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, PAUSE

>>> rtsp * *
RTSP/1.0 401 Unauthorized
CSeq: ${cseq}
WWW-Authenticate: Digest realm="Hikvision", nonce="${nonce}", stale="FALSE"
WWW-Authenticate: Basic realm="/"

# SDK port 8000 (NMAP L14039): a 16-byte record, status 0x0d.
>>> tcp reply port=8000
\x00\x00\x00\x10\x00\x00\x00\x0d\x00\x00\x00\x0d\x00\x00\x00\x00

# SADP ProbeMatch (fp §1.12)
>>> sadp body_eol=crlf
<?xml version="1.0" encoding="UTF-8"?>
<ProbeMatch><Uuid>${req_uuid}</Uuid>
<Types>inquiry</Types>
<DeviceType>138003</DeviceType>
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
<DigitalChannelNum>8</DigitalChannelNum>
<SoftwareVersion>${firmware}</SoftwareVersion>
<DSPVersion>V5.0, build 220208</DSPVersion>
<BootTime>2024-01-15 09:12:40</BootTime>
<Encrypt>true</Encrypt>
<ResetAbility>false</ResetAbility>
<DiskNumber>1</DiskNumber>
<Activated>true</Activated>
<PasswordResetAbility>true</PasswordResetAbility>
<PasswordResetModeSecond>true</PasswordResetModeSecond>
<SupportHCPlatform>true</SupportHCPlatform>
<HCPlatformEnable>true</HCPlatformEnable>
<IsModifyVerificationCode>true</IsModifyVerificationCode>
<Salt>${hex:64}</Salt>
<DeviceLock>true</DeviceLock>
<SDKServerStatus>true</SDKServerStatus>
<SDKOverTLSPort>8443</SDKOverTLSPort>
<OEMInfo>0</OEMInfo>
</ProbeMatch>
