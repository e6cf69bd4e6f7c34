/* jsonscan.h - a JSON document too large to hold as one tree, walked piece by
 * piece: the members of its top-level object and the elements of an array
 * are found as byte ranges, and each is then loaded alone with jansson
 * (json_loadb), so only one piece's tree is ever in memory.
 *
 * The scanner checks the structure it walks (whitespace, strings, brackets,
 * commas, colons, nothing after the document); each piece is checked in full
 * by jansson when it is loaded, so a document every piece of which loads is
 * a document jansson would load whole. Errors read as jansson's ("line L,
 * column C: what"), positions in the whole document. Memory: the scanner
 * points into the caller's buffer and allocates nothing; trees returned by
 * sl_jscan_load are the caller's (json_decref). Bounded: values nested at
 * most SL_JSCAN_MAX_DEPTH deep (jansson's own limit), time linear in the
 * input for every walk over it.
 */
#ifndef SL_UTIL_JSONSCAN_H
#define SL_UTIL_JSONSCAN_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

#define SL_JSCAN_MAX_DEPTH 2048

struct sl_jscan {
    const char *d;
    size_t len, pos;
    int state; /* private: where an object or array walk stands */
};

void sl_jscan_init(struct sl_jscan *s, const char *d, size_t len);

/* Enters the top-level object (or, from sl_jscan_at, an array). 0 or -1. */
int sl_jscan_object(struct sl_jscan *s, struct sl_err *err);
int sl_jscan_array(struct sl_jscan *s, struct sl_err *err);

/* The next member of the object entered: its key (decoded, NUL-terminated,
 * refused when longer than keymax - 1) and its value's bytes [*start, *end).
 * 1: a member; 0: the object ended (and, the top level, nothing follows it);
 * -1: err set. */
int sl_jscan_member(struct sl_jscan *s, char *key, size_t keymax, size_t *start, size_t *end,
                    struct sl_err *err);
/* The next element of the array entered: 1, 0 (the array ended), -1. */
int sl_jscan_element(struct sl_jscan *s, size_t *start, size_t *end, struct sl_err *err);

/* A second scanner over the same buffer, at a value found before. */
void sl_jscan_at(const struct sl_jscan *from, size_t start, struct sl_jscan *out);

/* Loads [start, end) as one JSON value (any type; duplicate keys refused);
 * NULL and err ("line L, column C: what", the document's position) when it
 * does not load. */
json_t *sl_jscan_load(const struct sl_jscan *s, size_t start, size_t end, struct sl_err *err);

#endif
