# Hostile: random bytes on every TCP port
name hostile-garbage
description Hostile: random bytes on every TCP port
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 garbage
port 554 garbage
port 8000 garbage
port 37777 garbage


