#!/bin/sh
# Fails when the product's C code calls a libc function that cannot be used
# safely on hostile input (see STYLE.md: masscan's util-safefunc.h). Use the
# bounded helpers of src/util/str.h and snprintf instead.
top=${1:-.}
pattern='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atoll|strncpy|strncat)[[:space:]]*\('
hits=$(grep -rnE "$pattern" "$top/src" "$top/lab" --include='*.c' --include='*.h' 2>/dev/null)
if [ -n "$hits" ]; then
    echo "banned functions used (use src/util/str.h helpers or snprintf):"
    echo "$hits"
    exit 1
fi
echo "no banned functions in src/ and lab/"
