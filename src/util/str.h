/* str.h - small string helpers that never overrun and never trust their input.
 *
 * Use these instead of the unbounded libc copies and conversions (tests/lint/banned.sh rejects
 * those in src/ and lab/).
 */
#ifndef SL_UTIL_STR_H
#define SL_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies src into dst (size dstsz), always NUL-terminating when dstsz > 0.
 * Returns strlen(src) so callers can detect truncation (>= dstsz). */
size_t sl_strlcpy(char *dst, const char *src, size_t dstsz);

/* Copies n bytes (not necessarily NUL-terminated) into a C string, truncating. */
void sl_strncpy_z(char *dst, size_t dstsz, const char *src, size_t n);

bool sl_str_starts_with(const char *s, const char *prefix);
bool sl_str_ends_with(const char *s, const char *suffix);
bool sl_str_eq_nocase(const char *a, const char *b);

/* Trims ASCII white space at both ends in place; returns s. */
char *sl_str_trim(char *s);

/* Parses a whole decimal integer in [min, max]. Returns 0 or -1 (empty, junk,
 * out of range). */
int sl_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int sl_parse_double(const char *s, double *out);

/* The value of one hexadecimal digit (either case), or -1. */
int sl_hex_digit(int c);

/* Case-insensitive search of needle in the first n bytes of hay. */
const char *sl_memcasemem(const char *hay, size_t n, const char *needle);

/* True when s holds an ASCII control character (below 0x20, or DEL). */
bool sl_str_has_control(const char *s);

/* True when the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF; NUL bytes are valid UTF-8 and are
 * checked separately). When false and bad is not NULL, *bad is the offset of
 * the first byte of the first bad sequence. */
bool sl_utf8_valid(const char *s, size_t n, size_t *bad);

/* Replaces bytes that are not printable ASCII by '.', for logs and tables. */
void sl_str_printable(char *s);

#endif
