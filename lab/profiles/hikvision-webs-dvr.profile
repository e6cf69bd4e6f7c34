# Old Hikvision DVR whose web server says only "Webs" (the nmap redirect combination)
name hikvision-webs-dvr
description Old Hikvision DVR, bare "Server: Webs" 302 redirect to /index.asp (nmap L10286; issue 10)
manufacturer Hikvision
brand -
device_type dvr
weight 8

# OUIs: fp App. C (Debian ieee-data, "Hangzhou Hikvision Digital Technology").
oui 44:19:B6 C0:56:E3 28:57:BE
var model = -
var firmware = -

port 80 http

# GET / : "HTTP/1.0 302 Redirect", Server: Webs, Date (ctime form), Pragma,
# Cache-Control, Content-Type, Location http://HOST/index.asp: the header set and
# order nmap names "Hikvision DVR web UI" (nmap-service-probes L10286, Debian 7.93
# L10168). The firmware says nothing else without credentials.
>>> http GET /
HTTP/1.0 302 Redirect
Server: Webs
Date: ${utc:%a %b %e %H:%M:%S %Y}
Pragma: no-cache
Cache-Control: no-cache
Content-Type: text/html
Location: http://${ip}/index.asp

>>> http * *
HTTP/1.0 404 Site or Page Not Found
Server: Webs
Date: ${utc:%a %b %e %H:%M:%S %Y}
Pragma: no-cache
Cache-Control: no-cache
Content-Type: text/html

<html><head><title>Document Error: Site or Page Not Found</title></head>
<body><h2>Access Error: Site or Page Not Found</h2><p>Cannot open URL</p></body></html>
