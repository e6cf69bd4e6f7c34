# Linux server (noise: OpenSSH, nginx)
name linux-server
description Linux server (noise: OpenSSH, nginx)
manufacturer -
brand -
device_type server
weight 30

# Dell and Intel OUIs (ieee-data).
oui 00:0B:DB 00:0D:56 00:13:02
var model = -
var firmware = ${pick:OpenSSH_9.2p1 Debian-2+deb12u3|OpenSSH_8.4p1 Debian-5+deb11u3}
var serial = -
tls_subject CN=${ip},O=Internal,C=GB

port 22 tcp
port 80 http
port 443 https

>>> tcp greet port=22
SSH-2.0-${firmware}\r\n

>>> http GET /
HTTP/1.1 200 OK
Server: nginx/1.22.1
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Last-Modified: Mon, 12 Feb 2024 10:02:11 GMT
Connection: close
ETag: "65c9ed13-267"
Accept-Ranges: bytes

<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
</body>
</html>

>>> http * *
HTTP/1.1 404 Not Found
Server: nginx/1.22.1
Date: ${http_date}
Content-Type: text/html
Content-Length: ${content_length}
Connection: close

<html>\r
<head><title>404 Not Found</title></head>\r
<body>\r
<center><h1>404 Not Found</h1></center>\r
<hr><center>nginx/1.22.1</center>\r
</body>\r
</html>
