/* html.h - what a web page says about its maker: the <title> and the favicon
 * hashes that public fingerprint lists use.
 *
 * Bounded: the title search reads at most the first 64 KiB of the page and
 * keeps at most SL_HTML_MAX_TITLE bytes (white space collapsed, the common
 * entities decoded). The favicon hashes are MD5 (hex, as recog's
 * favicons.xml) and Shodan's mmh3: MurmurHash3 x86 32-bit, seed 0, of the
 * base64 text with a newline every 76 characters and at the end (Python's
 * base64.encodebytes), printed as a signed integer (as nuclei and EHole).
 */
#ifndef SL_PROTO_HTML_H
#define SL_PROTO_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_HTML_MAX_TITLE 256

/* Copies the first <title> of page into out (size outsz). Returns true when
 * a title element was found (it may be empty). */
bool sl_html_title(const char *page, size_t len, char *out, size_t outsz);

/* MD5 of data as 32 lower-case hex digits (out: 33 bytes). */
void sl_md5_hex(const void *data, size_t len, char out[33]);

/* MurmurHash3_x86_32. */
uint32_t sl_mmh3_32(const void *data, size_t len, uint32_t seed);

/* Shodan-style favicon hash of the raw icon bytes. */
int32_t sl_favicon_mmh3(const void *data, size_t len);

#endif
