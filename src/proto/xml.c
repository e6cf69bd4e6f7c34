/* xml.c - bounded, namespace-aware XML through expat (xml.h): no DOCTYPE, no
 * entities, capped depth and size. Knows no schema. */
#include "proto/xml.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define NS_SEP '\x01'

struct walk {
    XML_Parser p;
    const struct sl_xml_limits *lim;
    unsigned max_depth, max_elems;
    sl_xml_cb cb;
    void *ctx;
    unsigned depth, elems;
    char path[SL_XML_MAX_PATH];
    size_t path_len[64];       /* path length before each open element */
    char text[SL_XML_MAX_TEXT + 1];
    size_t text_len;
    char fail[160];
    int stopped_by_cb;
};

static void stop(struct walk *w, const char *msg)
{
    if (w->fail[0] == '\0')
        sl_strlcpy(w->fail, msg, sizeof w->fail);
    XML_StopParser(w->p, XML_FALSE);
}

/* "uri\x01local" -> local part; uri copied into ns. */
static const char *split_name(const char *name, char *ns, size_t nssz)
{
    const char *sep = strchr(name, NS_SEP);
    if (sep == NULL) {
        ns[0] = '\0';
        return name;
    }
    sl_strncpy_z(ns, nssz, name, (size_t)(sep - name));
    return sep + 1;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct walk *w = ud;
    if (++w->elems > w->max_elems) {
        stop(w, "too many elements");
        return;
    }
    if (w->depth >= w->max_depth || w->depth >= 63) {
        stop(w, "nesting too deep");
        return;
    }
    char ns[256];
    const char *local = split_name(name, ns, sizeof ns);
    size_t cur = strlen(w->path);
    w->path_len[w->depth] = cur;
    size_t llen = strlen(local);
    if (cur + llen + 2 < sizeof w->path) {
        if (cur > 0)
            w->path[cur++] = '/';
        memcpy(w->path + cur, local, llen);
        w->path[cur + llen] = '\0';
    } else {
        /* Over-long paths keep their prefix; the element is still counted. */
    }
    w->depth++;
    w->text_len = 0;
    w->text[0] = '\0';
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct walk *w = ud;
    if (w->depth == 0)
        return;
    char ns[256];
    const char *local = split_name(name, ns, sizeof ns);
    w->text[w->text_len] = '\0';
    struct sl_xml_elem e = {
        .path = w->path, .local = local, .ns = ns, .text = sl_str_trim(w->text), .depth = w->depth};
    if (w->cb != NULL && w->cb(&e, w->ctx) != 0) {
        w->stopped_by_cb = 1;
        XML_StopParser(w->p, XML_FALSE);
    }
    w->depth--;
    w->path[w->path_len[w->depth]] = '\0';
    w->text_len = 0;
    w->text[0] = '\0';
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct walk *w = ud;
    if (len <= 0)
        return;
    size_t room = SL_XML_MAX_TEXT - w->text_len;
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(w->text + w->text_len, s, n);
    w->text_len += n;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    stop(ud, "DOCTYPE not allowed");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    stop(ud, "entity declarations not allowed");
}

struct sl_xml_reader {
    XML_Parser p;
    struct walk w;
};

static void setup(struct sl_xml_reader *r)
{
    XML_SetUserData(r->p, &r->w);
    XML_SetElementHandler(r->p, on_start, on_end);
    XML_SetCharacterDataHandler(r->p, on_text);
    XML_SetStartDoctypeDeclHandler(r->p, on_doctype);
    XML_SetEntityDeclHandler(r->p, on_entity);
    /* Never fetch external entities or DTDs. */
    XML_SetParamEntityParsing(r->p, XML_PARAM_ENTITY_PARSING_NEVER);
}

struct sl_xml_reader *sl_xml_reader_new(void)
{
    struct sl_xml_reader *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->p = XML_ParserCreateNS(NULL, NS_SEP);
    if (r->p == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

void sl_xml_reader_free(struct sl_xml_reader *r)
{
    if (r == NULL)
        return;
    XML_ParserFree(r->p);
    free(r);
}

int sl_xml_reader_parse(struct sl_xml_reader *r, const char *data, size_t len,
                        const struct sl_xml_limits *limits, sl_xml_cb cb, void *ctx,
                        struct sl_err *err)
{
    size_t max_bytes = limits != NULL && limits->max_bytes ? limits->max_bytes : 256u * 1024u;
    if (len > max_bytes)
        return sl_err_set(err, "xml: document larger than %zu bytes", max_bytes);
    if (len > (size_t)0x7fffffff)
        return sl_err_set(err, "xml: document too large");
    if (XML_ParserReset(r->p, NULL) != XML_TRUE)
        return sl_err_set(err, "xml: cannot reset the parser");
    struct walk *w = &r->w;
    memset(w, 0, sizeof *w);
    w->p = r->p;
    w->max_depth = limits != NULL && limits->max_depth ? limits->max_depth : 24;
    w->max_elems = limits != NULL && limits->max_elems ? limits->max_elems : 4096;
    w->cb = cb;
    w->ctx = ctx;
    setup(r);
    enum XML_Status st = XML_Parse(r->p, data, (int)len, XML_TRUE);
    if (w->fail[0] != '\0')
        return sl_err_set(err, "xml: %s", w->fail);
    if (st == XML_STATUS_ERROR && !w->stopped_by_cb)
        return sl_err_set(err, "xml: %s at line %lu", XML_ErrorString(XML_GetErrorCode(r->p)),
                          (unsigned long)XML_GetCurrentLineNumber(r->p));
    return 0;
}

int sl_xml_parse(const char *data, size_t len, const struct sl_xml_limits *limits, sl_xml_cb cb,
                 void *ctx, struct sl_err *err)
{
    struct sl_xml_reader *r = sl_xml_reader_new();
    if (r == NULL)
        return sl_err_set(err, "xml: out of memory");
    int rc = sl_xml_reader_parse(r, data, len, limits, cb, ctx, err);
    sl_xml_reader_free(r);
    return rc;
}
