#!/bin/sh
# The layering lint catches what it must: a tree with one offence of each kind
# fails with each named (file, line, include), and the same tree made clean
# passes. Runs the lint of this source tree on small trees of its own.
set -u
lint="$(cd "$(dirname "$0")" && pwd)/layers.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/sl-layers.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
want() { # FILE TEXT: the lint's output names it
    grep -qF -- "$2" "$1" && echo "ok: $2" || { echo "FAIL: lint output lacks '$2'"; fails=$((fails + 1)); }
}
mk() { mkdir -p "$(dirname "$T/$1")"; printf '%s\n' "$2" >"$T/$1"; }
mk src/util/str.c '#include "util/str.h"'
mk src/util/bad.c '#include "util/str.h"
#include "scan/scan.h"'
mk src/proto/http.c '#include "util/buf.h"
#include <sys/socket.h>
#include "net/tls.h"'
mk src/ident/rules.c '#include "policy/registry.h"
#include "store/store.h"
static int f(void) { return sqlite3_exec(0, 0, 0, 0, 0); }'
mk src/ident/ok.c '/* connect( in a comment is no call */
#include "proto/http.h"'
mk src/scan/engine.c '#include "ident/ident.h"
#include "programme/progress.h"'
mk src/cli/cmd.c '#include "programme/progress.h"
#include "scan/scan.h"'
mk src/gadget/x.c '#include "util/str.h"'
mk lab/src/world.c '#include "world.h"
#include "util/rng.h"
#include "scan/scan.h"'
sh "$lint" "$T" >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc -eq 1 ] && echo "ok: the lint fails" || { echo "FAIL: lint exit $rc, wanted 1"; fails=$((fails + 1)); }
want "$T/out" 'src/util/bad.c:2: includes "scan/scan.h": util/ is below scan/'
want "$T/out" 'src/proto/http.c:2: includes <sys/socket.h>: proto/ never touches the network'
want "$T/out" 'src/proto/http.c:3: includes "net/tls.h": proto/ never touches the network or the store'
want "$T/out" 'src/ident/rules.c:2: includes "store/store.h": ident/ never touches'
want "$T/out" 'src/ident/rules.c:3: calls a socket or database function'
want "$T/out" 'src/scan/engine.c:2: includes "programme/progress.h": scan/ is below programme/'
want "$T/out" 'src/gadget/ is in no layer'
want "$T/out" 'lab/src/world.c:3: includes "scan/scan.h": lab/ may use util/, core/, proto/, net/ and probe/ only'
want "$T/out" '8 layering offence(s)'
grep -q 'src/ident/ok.c\|src/cli/cmd.c\|src/util/str.c\|world.c:2' "$T/out" &&
    { echo "FAIL: a clean file was reported"; fails=$((fails + 1)); }
# The same tree, clean: passes.
rm -f "$T/src/util/bad.c" "$T/src/gadget/x.c" "$T/out"
mk src/proto/http.c '#include "util/buf.h"'
mk src/ident/rules.c '#include "policy/registry.h"'
mk src/scan/engine.c '#include "ident/ident.h"'
mk lab/src/world.c '#include "world.h"
#include "net/tls.h"'
sh "$lint" "$T" >"$T/out" 2>&1 && echo "ok: a clean tree passes" ||
    { cat "$T/out"; echo "FAIL: a clean tree failed"; fails=$((fails + 1)); }
[ $fails -eq 0 ]
