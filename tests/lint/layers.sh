#!/bin/sh
# The layers of DESIGN.md §3, kept by a check: a file under src/ includes only
# headers of its own layer or below, top to bottom
#     cli -> web/agent/monitor/can/report -> programme/vehicle -> scan -> ident
#         -> store/policy -> proto/net/probe/core -> util
# proto/ and ident/ never touch the network or the store: no net/, scan/ or
# store/ header, no socket, libuv, pcap, HTTP-server, sqlite3 or libpq header,
# no socket or database call. lab/ (the emulated devices) may use util/, core/,
# proto/, net/ and probe/, nothing above. A folder of src/ that is in no layer
# is an error too: give it its place here.
# Usage: tests/lint/layers.sh [SOURCE_DIR]. Exit 0 clean, 1 with one line per
# offence: FILE:LINE: what it includes, and why it may not.
top=${1:-.}
cd "$top" || exit 2
find src lab -name '*.[ch]' 2>/dev/null | sort | xargs awk '
BEGIN {
    # The order, written once: rank 0 is the bottom.
    n = split("util|proto net probe core|store policy|ident|scan|programme vehicle|" \
              "web agent monitor can report|cli", layer, "|")
    for (r = 1; r <= n; r++) {
        k = split(layer[r], rooms, " ")
        for (i = 1; i <= k; i++) rank[rooms[i]] = r - 1
    }
    names = ""                        # top to bottom, as DESIGN.md writes them
    for (r = n; r >= 1; r--) {
        l = layer[r]; gsub(/ /, "/", l)
        names = names (r < n ? " -> " : "") l
    }
    lab_ceiling = rank["net"]
    bad = 0
}
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg; bad++ }
FNR == 1 {
    split(FILENAME, part, "/")
    inlab = part[1] == "lab"
    room = part[1] == "src" ? part[2] : ""
    if (room == "main.c") room = "cli"
    pure = room == "proto" || room == "ident"
    if (!inlab && !(room in rank)) {
        fail("src/" room "/ is in no layer: add it to the layer list in tests/lint/layers.sh (" names ")")
        nextfile
    }
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
    inc = $0
    sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
    if (index(inc, "/") == 0) next   # a header of its own folder
    to = inc; sub(/\/.*$/, "", to)
    if (!(to in rank)) next           # not a project folder (e.g. lab-local)
    if (inlab) {
        if (rank[to] > lab_ceiling)
            fail("includes \"" inc "\": lab/ may use util/, core/, proto/, net/ and probe/ only; " \
                 to "/ is above them (" names ")")
        next
    }
    if (rank[to] > rank[room])
        fail("includes \"" inc "\": " room "/ is below " to "/ in the layers (" names \
             "); a file includes only its own layer or below")
    else if (pure && (to == "net" || to == "scan" || to == "store"))
        fail("includes \"" inc "\": " room "/ never touches the network or the store")
    next
}
pure && /^[ \t]*#[ \t]*include[ \t]*</ {
    inc = $0
    sub(/^[^<]*</, "", inc); sub(/>.*$/, "", inc)
    if (inc ~ /^(sys\/socket\.h|netdb\.h|uv\.h|pcap\.h|pcap\/|sqlite3\.h|libpq-fe\.h|microhttpd\.h|curl\/)/ ||
        inc ~ /^netinet\//)
        fail("includes <" inc ">: " room "/ never touches the network or the store")
    next
}
pure && !/^[ \t]*(\*|\/\*|\/\/)/ &&
    (/(^|[^A-Za-z0-9_.>])(socket|connect|bind|listen|accept|accept4|sendto|recvfrom|sendmsg|recvmsg|getaddrinfo|gethostbyname)[ \t]*\(/ ||
     /(^|[^A-Za-z0-9_])(sqlite3_[A-Za-z0-9_]+|PQ[a-z][A-Za-z0-9_]*)[ \t]*\(/) {
    fail("calls a socket or database function: " room "/ never touches the network or the store")
}
END {
    if (bad > 0) {
        printf "%d layering offence(s)\n", bad
        exit 1
    }
    print "layers kept: every include of src/ and lab/ goes to its own layer or below"
}' || exit 1
