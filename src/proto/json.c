/* json.c - device JSON (DHIP-framed DHDiscover, RPC2, LAPI) read with bounds on
 * size and depth (json.h). Interprets no field. */
#include "proto/json.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct walk {
    sl_json_cb cb;
    void *ctx;
    unsigned max_depth, max_leaves, leaves;
    char path[SL_JSON_MAX_PATH];
    int stop;
    const char *fail;
};

static int walk(struct walk *w, const json_t *j, size_t plen, unsigned depth)
{
    if (w->stop)
        return 0;
    if (depth > w->max_depth) {
        w->fail = "nesting too deep";
        return -1;
    }
    if (json_is_object(j) || json_is_array(j)) {
        const char *key;
        const json_t *v;
        size_t idx;
        char ibuf[24];
        void *iter = json_is_object(j) ? json_object_iter((json_t *)j) : NULL;
        size_t n = json_is_array(j) ? json_array_size(j) : 0;
        for (idx = 0;; idx++) {
            if (json_is_object(j)) {
                if (iter == NULL)
                    break;
                key = json_object_iter_key(iter);
                v = json_object_iter_value(iter);
                iter = json_object_iter_next((json_t *)j, iter);
            } else {
                if (idx >= n)
                    break;
                snprintf(ibuf, sizeof ibuf, "%zu", idx);
                key = ibuf;
                v = json_array_get(j, idx);
            }
            size_t klen = strlen(key);
            size_t np = plen;
            if (np + klen + 2 < sizeof w->path) {
                if (np > 0)
                    w->path[np++] = '.';
                memcpy(w->path + np, key, klen);
                np += klen;
                w->path[np] = '\0';
            }
            if (walk(w, v, np, depth + 1) != 0)
                return -1;
            w->path[plen] = '\0';
            if (w->stop)
                return 0;
        }
        return 0;
    }
    if (++w->leaves > w->max_leaves) {
        w->fail = "too many values";
        return -1;
    }
    char num[64];
    const char *val = "";
    if (json_is_string(j))
        val = json_string_value(j);
    else if (json_is_integer(j))
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j)), val = num;
    else if (json_is_real(j))
        snprintf(num, sizeof num, "%.17g", json_real_value(j)), val = num;
    else if (json_is_true(j))
        val = "true";
    else if (json_is_false(j))
        val = "false";
    if (w->cb != NULL && w->cb(w->path, val, w->ctx) != 0)
        w->stop = 1;
    return 0;
}

int sl_json_walk(const char *data, size_t len, const struct sl_json_limits *limits, sl_json_cb cb,
                 void *ctx, struct sl_err *err)
{
    size_t max_bytes = limits != NULL && limits->max_bytes ? limits->max_bytes : 256u * 1024u;
    if (len > max_bytes)
        return sl_err_set(err, "json: document larger than %zu bytes", max_bytes);
    json_error_t je;
    /* jansson itself caps nesting (2048); our own cap below is stricter. */
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return sl_err_set(err, "json: %s at line %d", je.text, je.line);
    struct walk w = {.cb = cb, .ctx = ctx};
    w.max_depth = limits != NULL && limits->max_depth ? limits->max_depth : 16;
    w.max_leaves = limits != NULL && limits->max_leaves ? limits->max_leaves : 4096;
    int rc = walk(&w, root, 0, 0);
    json_decref(root);
    if (rc != 0)
        return sl_err_set(err, "json: %s", w.fail != NULL ? w.fail : "error");
    return 0;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

int sl_dhip_unwrap(const uint8_t *data, size_t len, const uint8_t **body, size_t *body_len,
                   struct sl_err *err)
{
    if (len < SL_DHIP_HEADER_LEN)
        return sl_err_set(err, "dhip: %zu bytes, shorter than the 32-byte header", len);
    if (memcmp(data + 4, "DHIP", 4) != 0)
        return sl_err_set(err, "dhip: no DHIP magic at offset 4");
    uint32_t hsize = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                     (uint32_t)data[3] << 24;
    if (hsize != SL_DHIP_HEADER_LEN)
        return sl_err_set(err, "dhip: header size %u, expected 32", (unsigned)hsize);
    uint64_t blen = le64(data + 16);
    size_t have = len - SL_DHIP_HEADER_LEN;
    if (blen > have)
        return sl_err_set(err, "dhip: body says %llu bytes, %zu present", (unsigned long long)blen,
                          have);
    *body = data + SL_DHIP_HEADER_LEN;
    *body_len = (size_t)blen;
    return 0;
}
