# Hostile: accepts on 80 and 554, reads, never answers
name hostile-tarpit
description Hostile: accepts on 80 and 554, reads, never answers
manufacturer -
brand -
device_type camera
weight 2
hostile yes
# A common camera OUI: hostile devices look like cameras from outside.
oui C0:56:E3 3C:EF:8C

port 80 tarpit
port 554 tarpit


