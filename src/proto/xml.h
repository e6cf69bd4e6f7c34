/* xml.h - bounded, namespace-aware XML reading (expat) for device answers:
 * ONVIF SOAP, WS-Discovery, UPnP descriptions, Hikvision ISAPI and SADP.
 *
 * The document is walked once; for every element that ends, the callback gets
 * its path of local names from the root ("Envelope/Body/GetDeviceInformation-
 * Response/Manufacturer"), its namespace URI and its text (trimmed, at most
 * SL_XML_MAX_TEXT bytes). Attributes are not reported.
 *
 * Hostile input: any DOCTYPE (and so any entity declaration, the XML bomb
 * vector) is rejected; size, depth and element count are capped; invalid
 * UTF-8 and other well-formedness errors stop the parse with expat's message.
 * Nothing is allocated that outlives the call.
 */
#ifndef SL_PROTO_XML_H
#define SL_PROTO_XML_H

#include <stddef.h>

#include "util/err.h"

#define SL_XML_MAX_TEXT 512
#define SL_XML_MAX_PATH 256

struct sl_xml_limits {
    size_t max_bytes;    /* 0 = 256 KiB */
    unsigned max_depth;  /* 0 = 24 */
    unsigned max_elems;  /* 0 = 4096 */
};

struct sl_xml_elem {
    const char *path;  /* local names joined by '/', from the root */
    const char *local; /* the element's local name */
    const char *ns;    /* namespace URI, "" when none */
    const char *text;  /* trimmed character data directly inside it */
    unsigned depth;    /* 1 = the root */
};

/* Called for every element when it ends; return non-zero to stop (not an error). */
typedef int (*sl_xml_cb)(const struct sl_xml_elem *e, void *ctx);

/* A reusable reader: the expat parser is reset between documents instead of
 * created anew (most of the cost of a small document). Owned by the caller,
 * one per thread. */
struct sl_xml_reader;
struct sl_xml_reader *sl_xml_reader_new(void);
void sl_xml_reader_free(struct sl_xml_reader *r);
int sl_xml_reader_parse(struct sl_xml_reader *r, const char *data, size_t len,
                        const struct sl_xml_limits *limits, sl_xml_cb cb, void *ctx,
                        struct sl_err *err);

/* Parses data. Returns 0, or -1 with err set ("xml: DOCTYPE not allowed",
 * "xml: nesting deeper than 24", "xml: not well-formed (invalid token) at line 3"). */
int sl_xml_parse(const char *data, size_t len, const struct sl_xml_limits *limits, sl_xml_cb cb,
                 void *ctx, struct sl_err *err);

#endif
