# Hostile: TLS handshake that never completes
name hostile-tlsstall
description Hostile: TLS handshake that never completes
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 443 tls-stall


