# Windows workstation (noise: RPC, SMB, RDP, WinRM/HTTP.sys)
name windows-host
description Windows workstation (noise: RPC, SMB, RDP, WinRM/HTTP.sys)
manufacturer -
brand -
device_type workstation
weight 30

# Intel and Micro-Star OUIs (ieee-data).
oui 00:13:20 00:13:CE 44:8A:5B
var model = -
var firmware = Windows 10
var serial = -

port 135 tcp
port 139 tcp
port 445 tcp
port 3389 tcp
port 5985 http

>>> http * *
HTTP/1.1 404 Not Found
Content-Type: text/html; charset=us-ascii
Server: Microsoft-HTTPAPI/2.0
Date: ${http_date}
Connection: close
Content-Length: ${content_length}

<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r
<HTML><HEAD><TITLE>Not Found</TITLE>\r
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r
<BODY><h2>Not Found</h2>\r
<hr><p>HTTP Error 404. The requested resource is not found.</p>\r
</BODY></HTML>\r
