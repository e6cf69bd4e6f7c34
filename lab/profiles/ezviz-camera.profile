# EZVIZ consumer camera (Hikvision firmware: SADP, 8000, Hikvision RTSP realm; no web UI)
name ezviz-camera
description EZVIZ consumer camera (Hikvision firmware: SADP, 8000, Hikvision RTSP realm; no web UI)
manufacturer Hikvision
brand EZVIZ
device_type camera
weight 20

# EZVIZ OUIs registered to "Hangzhou Ezviz Software Co.,Ltd." (fp §3).
oui 58:8F:CF 64:F2:FB 78:A6:A0 78:C1:AE EC:97:E0
# EZVIZ model names are not in the research (a Gap); these are catalogue names.
var model = ${pick:CS-C6N-A0-1C2WFR|CS-C3N-A0-3H2WFRL|CS-C8C-A0-1F2WFL1}
var fwver = ${pick:V5.3.0|V5.3.2}
var firmware = ${fwver} build ${pick:210809|220414}
var serial = ${model}${date:2020:2023}CCRR${alnum:9}

port 554 rtsp
port 8000 tcp
port 37020 sadp

# RTSP of the Hikvision stack (NMAP L12367 realm "Hikvision").
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

>>> tcp reply port=8000
\x00\x00\x00\x10\x00\x00\x00\x0d\x00\x00\x00\x0d\x00\x00\x00\x00

# SADP (fp §1.12); EZVIZ units answer with their CS- model.
>>> sadp body_eol=crlf
<?xml version="1.0" encoding="UTF-8"?>
<ProbeMatch><Uuid>${req_uuid}</Uuid>
<Types>inquiry</Types>
<DeviceType>139552</DeviceType>
<DeviceDescription>${model}</DeviceDescription>
<DeviceSN>${serial}</DeviceSN>
<CommandPort>8000</CommandPort>
<HttpPort>80</HttpPort>
<MAC>${mac_dash}</MAC>
<IPv4Address>${ip}</IPv4Address>
<IPv4SubnetMask>255.254.0.0</IPv4SubnetMask>
<IPv4Gateway>0.0.0.0</IPv4Gateway>
<DHCP>true</DHCP>
<AnalogChannelNum>0</AnalogChannelNum>
<DigitalChannelNum>1</DigitalChannelNum>
<SoftwareVersion>${firmware}</SoftwareVersion>
<DSPVersion>V7.3 build 210809</DSPVersion>
<Activated>true</Activated>
<SupportHCPlatform>true</SupportHCPlatform>
<HCPlatformEnable>true</HCPlatformEnable>
</ProbeMatch>
