/* reqparse.h - reading what a scanner sends to an emulated device.
 *
 * The lab faces scanners under test, so these parsers are bounded and never
 * trust a length: a request head is at most LAB_REQ_HEAD_MAX bytes, a body at
 * most LAB_REQ_BODY_MAX, every copied field is truncated to its buffer.
 * Fuzzed by lab/fuzz/fuzz_lab_request.c.
 */
#ifndef SL_LAB_REQPARSE_H
#define SL_LAB_REQPARSE_H

#include <stdbool.h>
#include <stddef.h>

#define LAB_REQ_HEAD_MAX (16 * 1024)
#define LAB_REQ_BODY_MAX (256 * 1024)

struct lab_req {
    char method[16];
    char target[1024];   /* request target as sent (path and query) */
    char version[16];    /* "HTTP/1.1", "RTSP/1.0", ... */
    size_t head_len;     /* bytes up to and including the blank line */
    size_t content_length;
    char cseq[32];       /* RTSP CSeq, "" when absent */
    bool has_auth;       /* an Authorization header was sent */
};

/* Parses an HTTP or RTSP request head at the start of buf. Returns 1 when a
 * whole head is there (r filled), 0 when more bytes are needed, -1 when the
 * bytes are not a request or the head is too long. */
int lab_req_parse(const char *buf, size_t len, struct lab_req *r);

/* UDP discovery requests. Each returns true when buf is a request the service
 * answers, copying the id it carries (WS-Discovery MessageID, SADP Uuid) into
 * id (size idsz; "" when absent). */
bool lab_wsd_is_probe(const char *buf, size_t len, char *id, size_t idsz);
bool lab_ssdp_is_msearch(const char *buf, size_t len);
bool lab_sadp_is_inquiry(const char *buf, size_t len, char *id, size_t idsz);
bool lab_dhdiscover_is_search(const char *buf, size_t len);

/* Does an XML/SOAP body contain an element named `name` (any prefix)? */
bool lab_xml_has_element(const char *buf, size_t len, const char *name);

#endif
