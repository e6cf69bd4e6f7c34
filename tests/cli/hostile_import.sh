#!/bin/sh
# import against bad files (issue 11, item 18 and the masscan part of 19): the
# format is detected, not assumed; masscan's whole-document and pretty-printed
# JSON are read; a file that is neither, or holds no host, is exit 2 and
# writes nothing (no scan record, no audit entry); records nested deep or
# holding a NUL are reported with where they are, never skipped.
. "$(dirname "$0")/lib.sh"
SL=$SIGHTLINE
need_tool sqlite3 python3
export SIGHTLINE_DB="$T/reg.db"
expect 0 "an empty register to compare with" "$SL" sites add S --department D --tier public --network 198.18.30.0/24
count() { sqlite3 "$SIGHTLINE_DB" "select (select count(*) from scans) || '/' || (select count(*) from audit_log) || '/' || (select count(*) from devices)"; }
before=$(count)

# Not nmap and not masscan: refused, nothing recorded.
printf 'name,department,tier,networks\nA,B,public,\n' > "$T/sites.csv"
expect 2 "a CSV is not an import" "$SL" import "$T/sites.csv"
has "$T/err" "not nmap XML or masscan JSON (it starts with byte 0x6e)" "says what it is not"
head -c 4096 /dev/urandom | tr '<[{' 'xyz' > "$T/binary"
printf '\001' | cat - "$T/binary" > "$T/binary2"
expect 2 "a binary file is not an import" "$SL" import "$T/binary2"
: > "$T/empty"
expect 2 "an empty file is not an import" "$SL" import "$T/empty"
printf '<html><body>hello</body></html>\n' > "$T/page.html"
expect 2 "XML that is not nmap's" "$SL" import "$T/page.html"
has "$T/err" "not <nmaprun>" "names the root"
printf '[\n]\n' > "$T/none.json"
expect 2 "masscan JSON with no host" "$SL" import "$T/none.json"
has "$T/err" "no hosts in the file, nothing to import" "says nothing was there"
printf '<?xml version="1.0"?>\n<nmaprun scanner="nmap"></nmaprun>\n' > "$T/none.xml"
expect 2 "nmap XML with no host" "$SL" import "$T/none.xml"
printf '{"ip": "198.18.30.1", "ports": [ {"port": 80, "proto": "tcp", "status": "open"} ] }\n{"name": "x"}\n' > "$T/norec.json"
expect 2 "a record that is no host is reported" "$SL" import "$T/norec.json"
has "$T/err" 'line 2: a record without "ip" and "ports"' "names its line"
check "nothing was recorded by the refused imports" "$before" "$(count)"

# masscan records nested a million deep, or with a NUL, are reported.
python3 -c 'import sys; sys.stdout.write("[\n" + "[" * 1000000 + "]" * 1000000 + "\n]\n")' > "$T/deep.json"
expect 2 "a record nested a million deep" "$SL" import "$T/deep.json"
has "$T/err" "masscan JSON" "reported as a masscan error"
printf '[\n{"ip": "198.18.30.2", "ports": [ {"port": 80, "proto": "tcp", "status": "open", "service": {"name": "http", "banner": "Server: a\\u0000b"}} ] }\n]\n' > "$T/nul.json"
expect 2 "a record with a NUL" "$SL" import "$T/nul.json"
has "$T/err" "NUL" "the NUL is named"
printf '[\n\000{"ip": "198.18.30.2", "ports": [ {"port": 80, "proto": "tcp", "status": "open"} ] }\n]\n' > "$T/rawnul.json"
expect 2 "a record behind a raw NUL byte" "$SL" import "$T/rawnul.json"
has "$T/err" "line 2: not a host record" "names its line"
check "nothing was recorded by those either" "$before" "$(count)"

# masscan's whole-document JSON, pretty-printed.
cat > "$T/pretty.json" <<'J'
[
  {
    "ip": "198.18.30.3",
    "timestamp": "1700000000",
    "ports": [
      {"port": 80, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 64}
    ]
  },
  {
    "ip": "198.18.30.4",
    "ports": [ {"port": 554, "proto": "tcp", "status": "open"} ]
  }
]
J
expect 0 "pretty-printed masscan JSON" "$SL" import "$T/pretty.json"
"$SL" devices list --csv > "$T/devs"
has "$T/devs" "198.18.30.3" "first host"
has "$T/devs" "198.18.30.4" "second host"
# masscan's own form, with the comma before "]" that older versions leave.
printf '[\n{ "ip": "198.18.30.5", "timestamp": "1", "ports": [ {"port": 8000, "proto": "tcp", "status": "open"} ] },\n]\n' > "$T/lines.json"
expect 0 "masscan's record-a-line form" "$SL" import "$T/lines.json"
"$SL" devices list --csv > "$T/devs"
has "$T/devs" "198.18.30.5" "its host"

finish
