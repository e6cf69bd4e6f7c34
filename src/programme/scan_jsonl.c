/* scan_jsonl.c - bounded reader of the scan's JSON lines. */
#include "programme/scan_jsonl.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/str.h"

static void problem(struct sl_jsonl_result *r, size_t line, const char *what)
{
    if (r->n_problems < SL_JSONL_MAX_PROBLEMS)
        snprintf(r->problems[r->n_problems], sizeof r->problems[0], "line %zu: %s", line, what);
    r->n_problems++;
}

static void copy_str(json_t *o, const char *key, char *dst, size_t n)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v != NULL)
        sl_strlcpy(dst, v, n);
}

static void ports_text(json_t *a, char *dst, size_t n)
{
    dst[0] = '\0';
    if (!json_is_array(a))
        return;
    size_t i, used = 0;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        json_int_t p = json_integer_value(v);
        if (!json_is_integer(v) || p <= 0 || p > 65535)
            continue;
        int w = snprintf(dst + used, n - used, "%s%lld", used ? "," : "", (long long)p);
        if (w < 0 || (size_t)w >= n - used) {
            dst[used] = '\0';
            break;
        }
        used += (size_t)w;
    }
}

/* One device line into an observation. Returns NULL when fine, else why not. */
static const char *device_line(json_t *o, struct sl_observation *ob)
{
    memset(ob, 0, sizeof *ob);
    const char *addr = json_string_value(json_object_get(o, "address"));
    if (addr == NULL || *addr == '\0')
        return "device line without an address";
    if (strlen(addr) >= sizeof ob->address)
        return "address too long";
    sl_strlcpy(ob->address, addr, sizeof ob->address);
    copy_str(o, "mac", ob->mac, sizeof ob->mac);
    copy_str(o, "serial", ob->serial, sizeof ob->serial);
    copy_str(o, "site", ob->site, sizeof ob->site);
    ports_text(json_object_get(o, "ports"), ob->ports, sizeof ob->ports);
    json_t *claim = json_object_get(o, "claim");
    if (claim != NULL && !json_is_null(claim)) {
        if (!json_is_object(claim) || sl_claim_from_json(claim, &ob->claim) != 0)
            return "claim is not a valid claim object";
        if (ob->serial[0] == '\0' && ob->claim.serial[0] != '\0')
            sl_strlcpy(ob->serial, ob->claim.serial, sizeof ob->serial);
        if (ob->mac[0] == '\0' && ob->claim.mac[0] != '\0')
            sl_strlcpy(ob->mac, ob->claim.mac, sizeof ob->mac);
    }
    json_t *verdict = json_object_get(o, "verdict");
    if (verdict != NULL && !json_is_null(verdict)) {
        if (!json_is_object(verdict) || sl_verdict_from_json(verdict, &ob->verdict) != 0)
            return "verdict is not a valid verdict object";
    }
    for (char *p = ob->mac; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    return NULL;
}

int sl_scan_jsonl_parse(const char *data, size_t len, struct sl_observation **out, size_t *n,
                        struct sl_jsonl_result *res, struct sl_err *err)
{
    memset(res, 0, sizeof *res);
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl != NULL ? nl : end;
        size_t ll = (size_t)(le - p);
        res->lines++;
        size_t line = res->lines;
        const char *start = p;
        p = nl != NULL ? nl + 1 : end;
        while (ll > 0 && (start[ll - 1] == '\r' || start[ll - 1] == ' ' || start[ll - 1] == '\t'))
            ll--;
        if (ll == 0) {
            res->skipped++;
            continue;
        }
        if (ll > SL_JSONL_MAX_LINE) {
            problem(res, line, "line longer than 1 MiB");
            continue;
        }
        json_error_t je;
        json_t *o = json_loadb(start, ll, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &je);
        if (o == NULL) {
            char why[140];
            snprintf(why, sizeof why, "not JSON: %.100s", je.text);
            problem(res, line, why);
            continue;
        }
        if (!json_is_object(o)) {
            problem(res, line, "not a JSON object");
            json_decref(o);
            continue;
        }
        json_t *v = json_object_get(o, "v");
        if (!json_is_integer(v) || json_integer_value(v) != 1) {
            problem(res, line, "unknown stream version (expected \"v\":1)");
            json_decref(o);
            continue;
        }
        const char *type = json_string_value(json_object_get(o, "type"));
        if (type != NULL && strcmp(type, "summary") == 0) {
            json_t *complete = json_object_get(o, "complete");
            const char *status = json_string_value(json_object_get(o, "status"));
            if (json_is_false(complete) || (status != NULL && strcmp(status, "incomplete") == 0))
                res->incomplete = true;
            res->skipped++;
            json_decref(o);
            continue;
        }
        if (type == NULL || strcmp(type, "device") != 0) {
            res->skipped++;
            json_decref(o);
            continue;
        }
        if (*n >= SL_JSONL_MAX_DEVICES) {
            json_decref(o);
            free(*out);
            *out = NULL;
            *n = 0;
            return sl_err_set(err, "more than %d devices in one scan file", SL_JSONL_MAX_DEVICES);
        }
        if (SL_GROW(*out, cap, *n + 1, 64) != 0) {
            json_decref(o);
            free(*out);
            *out = NULL;
            *n = 0;
            return sl_err_set(err, "out of memory reading the scan file");
        }
        const char *why = device_line(o, &(*out)[*n]);
        json_decref(o);
        if (why != NULL) {
            problem(res, line, why);
            continue;
        }
        (*n)++;
        res->devices++;
    }
    return 0;
}
