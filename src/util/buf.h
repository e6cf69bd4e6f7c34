/* buf.h - a growable byte buffer with a hard maximum (after curl's dynbuf).
 *
 * Every buffer that holds bytes from a device is created with the largest size
 * it may ever reach; an append that would pass it fails and leaves the buffer
 * as it was, so a hostile peer cannot make us grow without bound. The buffer
 * owns `data`; the contents are always NUL-terminated (not counted in len) so
 * they can be handed to string functions after a bounds-checked append.
 */
#ifndef SL_UTIL_BUF_H
#define SL_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct sl_buf {
    uint8_t *data; /* owned; NULL until the first append */
    size_t len;    /* bytes in use */
    size_t cap;    /* bytes allocated (excluding the terminating NUL) */
    size_t max;    /* hard maximum of len */
};

void sl_buf_init(struct sl_buf *b, size_t max);
void sl_buf_free(struct sl_buf *b);
void sl_buf_reset(struct sl_buf *b); /* len = 0, keeps the allocation */

/* Append n bytes. Returns 0, or -1 when len + n would exceed max (nothing is
 * appended) or allocation fails. */
int sl_buf_append(struct sl_buf *b, const void *p, size_t n);
int sl_buf_append_str(struct sl_buf *b, const char *s);
int sl_buf_printf(struct sl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append as much of p as fits below max; returns the number of bytes taken. */
size_t sl_buf_append_upto(struct sl_buf *b, const void *p, size_t n);

/* Remove the first n bytes (n <= len). */
void sl_buf_consume(struct sl_buf *b, size_t n);

/* A NUL-terminated view of the contents ("" when empty). Valid until the next
 * call that changes the buffer. */
const char *sl_buf_cstr(const struct sl_buf *b);

#endif
