#!/bin/sh
# Fails when a size constant built with a shift overflows its type: `4096u << 20`
# is 0 in 32-bit unsigned (issue 11: verify --from-scan refused every file of
# 64 KiB or more). A plain N << M is an int (at most 2^31 - 1), Nu << M an
# unsigned int (at most 2^32 - 1); cast first for more: ((size_t)4 << 30).
top=${1:-.}
bad=$(grep -rnoE '(^|[^A-Za-z0-9_)])[0-9]+[uU]?[[:space:]]*<<[[:space:]]*[0-9]+' \
          "$top/src" "$top/lab" "$top/bench" "$top/fuzz" --include='*.c' --include='*.h' 2>/dev/null |
      awk '{
          text = $0
          sub(/^[^:]*:[0-9]+:/, "", text)          # file:line:
          sub(/^[^0-9]*/, "", text)                # the character before the number
          n = text; sub(/[uU]?[[:space:]]*<<.*/, "", n)
          m = text; sub(/.*<<[[:space:]]*/, "", m)
          limit = (text ~ /^[0-9]+[uU]/) ? 4294967295 : 2147483647
          if (n * 2 ^ m > limit) print $0
      }')
if [ -n "$bad" ]; then
    echo "shifted constants that overflow their type (cast first: ((size_t)N << M)):"
    echo "$bad"
    exit 1
fi
echo "no shifted constant overflows its type in src/, lab/, bench/, fuzz/"
