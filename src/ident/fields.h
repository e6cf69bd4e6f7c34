/* fields.h - one answer, parsed into named fields for the rules.
 *
 * Each protocol's parser (proto/) turns the raw bytes into (name, value)
 * pairs: "http.server", "http.realm", "http.title", "http.body",
 * "http.header.<lower-case name>", "xml:<path of local names>" (SOAP Envelope
 * and Body stripped), "json:<dotted path>", "kv:<key>", "rtsp.server",
 * "sdp:<line type>", "tcp.bytes", "tls.subject", "mac", ... (docs/identify.md
 * lists them all). Values are NUL-terminated; "http.body" and "tcp.bytes" may
 * hold binary data (use len).
 *
 * Memory: a fieldset owns a fixed arena (SL_FIELDS_ARENA bytes) and a fixed
 * array of SL_FIELDS_MAX fields; what does not fit is dropped and counted
 * (never grown), so one hostile answer cannot take more memory. Values may
 * also point into the evidence bytes or into the parser state passed to
 * sl_fields_extract, valid until the next extract or reset.
 */
#ifndef SL_IDENT_FIELDS_H
#define SL_IDENT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/evidence.h"
#include "proto/http.h"
#include "proto/xml.h"

#define SL_FIELDS_MAX 768
#define SL_FIELDS_ARENA (320u * 1024u)

struct sl_field {
    const char *key;
    const char *val;
    size_t len;
    char *lc;      /* lower-cased copy, made on first need */
    bool derived;  /* produced by a rule (model, firmware, ...), not by a parser */
};

struct sl_fieldset {
    size_t n;
    struct sl_field f[SL_FIELDS_MAX];
    char *arena;
    size_t used;
    size_t dropped;        /* fields that did not fit */
    char errors[256];      /* "http: ...; xml: ..." */
    struct sl_http http;   /* parser state the http/rtsp values point into */
    struct sl_xml_reader *xml; /* reused between answers; made on first need */
    bool http_live;
};

int sl_fields_init(struct sl_fieldset *fs);
void sl_fields_free(struct sl_fieldset *fs);
void sl_fields_reset(struct sl_fieldset *fs);

/* Adds a field whose key and value are copied into the arena. Returns 0 or -1 (full). */
int sl_fields_add(struct sl_fieldset *fs, const char *key, const char *val, size_t len,
                  bool derived);
/* Adds a field that points at memory valid until the next reset (not copied). */
int sl_fields_add_ref(struct sl_fieldset *fs, const char *static_key, const char *val, size_t len);

/* The lower-cased copy of field i (made in the arena; NULL when it does not fit). */
const char *sl_fields_lc(struct sl_fieldset *fs, size_t i);

/* Appends "what: message" to the errors. */
void sl_fields_error(struct sl_fieldset *fs, const char *what, const char *msg);

/* Parses one piece of evidence into fields. Never fails: what cannot be
 * parsed becomes an error message, and whatever was read stays. */
void sl_fields_extract(struct sl_fieldset *fs, const struct sl_evidence *ev);

#endif
