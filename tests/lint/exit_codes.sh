#!/bin/sh
# Fails when code picks an exit code (or any decision) by matching an error's
# message text. Errors carry a kind (src/util/err.h); the CLI maps kinds to
# exit codes in one place (sl_cli_exit_for in src/cli/cli.c).
top=${1:-.}
pattern='(strstr|strcmp|strncmp|strcasestr)[[:space:]]*\([^;]*(\.|->)msg[^;]*(SL_EXIT|already exists|no site|not found)'
hits=$(grep -rnE "$pattern" "$top/src" --include='*.c' 2>/dev/null)
hits2=$(grep -rnE 'strstr[[:space:]]*\([a-z_]+(\.|->)msg' "$top/src" --include='*.c' 2>/dev/null)
if [ -n "$hits$hits2" ]; then
    echo "decisions made by matching error message text (set a kind with sl_err_setk instead):"
    printf '%s\n%s\n' "$hits" "$hits2"
    exit 1
fi
echo "no decisions by error message text in src/"
