# Hostile: accepts, then resets at once
name hostile-rst
description Hostile: accepts, then resets at once
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 rst
port 554 rst
port 443 rst


