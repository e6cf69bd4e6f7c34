/* reqparse.c - bounded request parsers (see reqparse.h). */
#include "reqparse.h"

#include <string.h>

#include "util/str.h"

static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return NULL;
    return memmem(hay, n, needle, k);
}

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

int lab_req_parse(const char *buf, size_t len, struct lab_req *r)
{
    memset(r, 0, sizeof *r);
    size_t scan = len < LAB_REQ_HEAD_MAX ? len : LAB_REQ_HEAD_MAX;
    /* The head ends at an empty line: CRLF CRLF, or LF LF from sloppy clients. */
    const char *e = find(buf, scan, "\r\n\r\n");
    size_t term = 4;
    const char *e2 = find(buf, scan, "\n\n");
    if (e2 && (!e || e2 < e)) {
        e = e2;
        term = 2;
    }
    /* The request line must look like one even before the head is complete. */
    size_t i = 0;
    while (i < scan && i < sizeof r->method && buf[i] >= 'A' && buf[i] <= 'Z')
        i++;
    if (i == 0 && scan > 0)
        return -1;
    if (i < scan && (i >= sizeof r->method || buf[i] != ' '))
        return -1;
    if (e == NULL)
        return len >= LAB_REQ_HEAD_MAX ? -1 : 0;
    size_t head = (size_t)(e - buf) + term;
    r->head_len = head;
    memcpy(r->method, buf, i);
    size_t t0 = ++i;
    while (i < head && is_token_char((unsigned char)buf[i]))
        i++;
    if (i == t0 || i >= head || buf[i] != ' ')
        return -1;
    sl_strncpy_z(r->target, sizeof r->target, buf + t0, i - t0);
    size_t v0 = ++i;
    while (i < head && is_token_char((unsigned char)buf[i]))
        i++;
    sl_strncpy_z(r->version, sizeof r->version, buf + v0, i - v0);
    if (!sl_str_starts_with(r->version, "HTTP/") && !sl_str_starts_with(r->version, "RTSP/"))
        return -1;
    /* Header lines */
    while (i < head) {
        size_t ls = i;
        while (i < head && buf[i] != '\n')
            i++;
        size_t le = i;
        i++;
        if (le > ls && buf[le - 1] == '\r')
            le--;
        const char *colon = memchr(buf + ls, ':', le - ls);
        if (colon == NULL)
            continue;
        size_t nl = (size_t)(colon - (buf + ls));
        size_t v = (size_t)(colon - buf) + 1;
        while (v < le && (buf[v] == ' ' || buf[v] == '\t'))
            v++;
        char val[64];
        sl_strncpy_z(val, sizeof val, buf + v, le - v);
        if (nl == 14 && strncasecmp(buf + ls, "Content-Length", 14) == 0) {
            int64_t n;
            if (sl_parse_i64(sl_str_trim(val), 0, LAB_REQ_BODY_MAX, &n) != 0)
                return -1;
            r->content_length = (size_t)n;
        } else if (nl == 13 && strncasecmp(buf + ls, "Authorization", 13) == 0) {
            r->has_auth = true;
        } else if (nl == 4 && strncasecmp(buf + ls, "CSeq", 4) == 0) {
            sl_strlcpy(r->cseq, sl_str_trim(val), sizeof r->cseq);
            /* CSeq is echoed into replies: keep it to digits. */
            for (char *c = r->cseq; *c; c++)
                if (*c < '0' || *c > '9') {
                    *c = '\0';
                    break;
                }
        }
    }
    return 1;
}

/* Copies the text of the first element named `name` (any namespace prefix). */
static bool element_text(const char *buf, size_t len, const char *name, char *out, size_t outsz)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k + 1 < len; i++) {
        if (buf[i] != '<' || buf[i + 1] == '/')
            continue;
        size_t j = i + 1;
        size_t start = j;
        while (j < len && buf[j] != '>' && buf[j] != ' ' && buf[j] != ':' && j - start < 64)
            j++;
        if (j < len && buf[j] == ':')
            start = ++j;
        if (j + k > len || memcmp(buf + start, name, k) != 0)
            continue;
        j = start + k;
        if (j >= len || (buf[j] != '>' && buf[j] != ' ' && buf[j] != '/'))
            continue;
        while (j < len && buf[j] != '>')
            j++;
        if (j >= len)
            return false;
        if (buf[j - 1] == '/') { /* <Name/> */
            if (outsz)
                out[0] = '\0';
            return true;
        }
        size_t t0 = ++j;
        while (j < len && buf[j] != '<')
            j++;
        if (out && outsz)
            sl_strncpy_z(out, outsz, buf + t0, j - t0);
        return true;
    }
    return false;
}

bool lab_xml_has_element(const char *buf, size_t len, const char *name)
{
    char tmp[8];
    return element_text(buf, len, name, tmp, sizeof tmp);
}

static void keep_id_chars(char *s)
{
    /* Ids are echoed into replies: drop anything that could break the XML. */
    for (char *c = s; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              *c == '-' || *c == ':' || *c == '.' || *c == '_' || *c == '{' || *c == '}')) {
            *c = '\0';
            break;
        }
}

bool lab_wsd_is_probe(const char *buf, size_t len, char *id, size_t idsz)
{
    if (idsz)
        id[0] = '\0';
    if (!lab_xml_has_element(buf, len, "Probe") || !lab_xml_has_element(buf, len, "Envelope"))
        return false;
    if (element_text(buf, len, "MessageID", id, idsz)) {
        char *t = sl_str_trim(id);
        if (t != id)
            memmove(id, t, strlen(t) + 1);
        keep_id_chars(id);
    }
    return true;
}

bool lab_ssdp_is_msearch(const char *buf, size_t len)
{
    return len >= 9 && memcmp(buf, "M-SEARCH ", 9) == 0 && find(buf, len, "ssdp:discover") != NULL;
}

bool lab_sadp_is_inquiry(const char *buf, size_t len, char *id, size_t idsz)
{
    if (idsz)
        id[0] = '\0';
    char types[32];
    if (!element_text(buf, len, "Types", types, sizeof types) ||
        !sl_str_starts_with(types, "inquiry") || !lab_xml_has_element(buf, len, "Probe"))
        return false;
    if (element_text(buf, len, "Uuid", id, idsz))
        keep_id_chars(id);
    return true;
}

bool lab_dhdiscover_is_search(const char *buf, size_t len)
{
    return len > 32 && memcmp(buf + 4, "DHIP", 4) == 0 &&
           find(buf + 32, len - 32, "DHDiscover.search") != NULL;
}
