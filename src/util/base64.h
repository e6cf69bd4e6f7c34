/* base64.h - decoding standard base64 (RFC 4648), e.g. batch evidence's data_b64. */
#ifndef SL_UTIL_BASE64_H
#define SL_UTIL_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Decodes n characters of s (white space ignored, padding optional) into out,
 * which must hold at least 3 * (n / 4) + 3 bytes. Returns the decoded length,
 * or -1 on a character outside the alphabet. */
long sl_base64_decode(const char *s, size_t n, uint8_t *out);

#endif
