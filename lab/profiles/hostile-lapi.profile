# Hostile: the new endpoints answered with huge JSON, deep nesting and wrong types
name hostile-lapi
description Hostile: LAPI and RPC2_Login answered with huge JSON, 100,000-deep nesting and wrong types
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui 6C:F1:7E 3C:EF:8C

port 80 http

# Huge JSON: a 600 KB string where the device model should be.
>>> http GET /LAPI/V1.0/System/DeviceInfo
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{"Response":{"ResponseURL":"/LAPI/V1.0/System/DeviceInfo","ResponseCode":0,"StatusCode":0,"Data":{"DeviceModel":"${repeat:600000:A}"}}}

# Wrong types: params a string, error a list, result an object, realm a number.
>>> http POST /RPC2_Login
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

{"error":[268632079,"Component error: login challenge!"],"id":"one","params":"Login to ","result":{"false":true},"session":{"realm":12345,"random":[1,2,3],"encryption":{"Default":null}}}

# Deep nesting: 100,000 arrays inside each other.
>>> http * *
HTTP/1.1 200 OK
Content-Type: application/json
Content-Length: ${content_length}
Connection: close

${repeat:100000:[}${repeat:100000:]}
