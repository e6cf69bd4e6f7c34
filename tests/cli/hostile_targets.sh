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

# --- item 8: two sites, one network ---
export SIGHTLINE_DB="$T/sites8.db"
printf 'name,department,tier,networks\nStrict,D,sensitive,198.18.20.0/24\nLax,D,public,198.18.20.0/24\n' > "$T/same.csv"
expect 2 "the same network in two sites is refused" "$SL" sites import "$T/same.csv"
has "$T/err" "line 3, column 4 (networks): 198.18.20.0/24 is already a network of site 'Strict' (line 2)" "names both"
printf 'name,department,tier,networks\nWhole,D,public,198.18.20.0/24\nCorner,D,sensitive,198.18.20.128/25\n' > "$T/overlap.csv"
expect 0 "overlapping networks are imported" "$SL" sites import "$T/overlap.csv"
has "$T/err" "note: line 3, column 4 (networks): 198.18.20.128/25 overlaps 198.18.20.0/24 of site 'Whole' (line 2)" "with a note"
expect 2 "sites add: a network another site has" "$SL" sites add Again --department D --tier public --network 198.18.20.128/25
has "$T/err" "already a network of site 'Corner'" "refusal names the site"
expect 0 "sites add: an overlapping network" "$SL" sites add Inner --department D --tier public --network 198.18.20.0/26
has "$T/err" "overlaps 198.18.20.0/24 of site 'Whole'" "note at sites add"
cat > "$T/n8.xml" <<'X'
<?xml version="1.0"?>
<nmaprun scanner="nmap"><host><status state="up"/><address addr="198.18.20.200" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http" product="Hikvision IP camera httpd"/>
<script id="http-server-header" output="App-webs/"/></port></ports></host></nmaprun>
X
expect 0 "a device in the overlap" "$SL" import "$T/n8.xml"
"$SL" devices list --csv > "$T/d8"
has "$T/d8" "198.18.20.200,,,80,Hikvision" "registered"
grep -q "^1,Corner,198.18.20.200" "$T/d8" && ok "the most specific network's site" || bad "site of the overlap: $(cat "$T/d8")"

finish
