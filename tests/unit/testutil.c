#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "ident/ident.h"
#include "util/base64.h"
#include "util/file.h"
#include "report/report.h"
#include "util/timeutil.h"
#include "vehicle/register.h"

static char dir_buf[4096];
static char file_buf[4096];

const char *sl_test_tmpdir(const char *name)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || *base == '\0')
        base = "/tmp";
    snprintf(dir_buf, sizeof dir_buf, "%s/sl-%s-%d", base, name, (int)getpid());
    char cmd[2 * sizeof dir_buf + 64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir_buf, dir_buf);
    if (system(cmd) != 0)
        fail_msg("cannot make %s", dir_buf);
    return dir_buf;
}

const char *sl_test_tmpfile(const char *name, const char *file)
{
    const char *d = sl_test_tmpdir(name);
    snprintf(file_buf, sizeof file_buf, "%s/%s", d, file);
    return file_buf;
}

void sl_test_write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        fail_msg("cannot write %s", path);
    fputs(content, f);
    fclose(f);
}

int sl_test_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* ---- registers on either backend ------------------------------------------------- */

#include <libpq-fe.h>
#include <sqlite3.h>

static char db_buf[4096];

int sl_test_pg(void)
{
    const char *pg = getenv("SL_TEST_PG");
    return pg != NULL && *pg != '\0';
}

static PGconn *pg_connect(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect to %s: %s", conninfo, PQerrorMessage(c));
    return c;
}

const char *sl_test_db(const char *name)
{
    if (!sl_test_pg()) {
        snprintf(db_buf, sizeof db_buf, "%s", sl_test_tmpfile(name, "reg.db"));
        return db_buf;
    }
    char conninfo[1024];
    snprintf(conninfo, sizeof conninfo, "%s dbname=postgres", getenv("SL_TEST_PG"));
    PGconn *c = pg_connect(conninfo);
    char sql[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"t_%s\" WITH (FORCE)", name);
    PQclear(PQexec(c, sql));
    snprintf(sql, sizeof sql, "CREATE DATABASE \"t_%s\"", name);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    snprintf(db_buf, sizeof db_buf, "%s dbname=t_%s", getenv("SL_TEST_PG"), name);
    return db_buf;
}

int sl_test_db_exec(const char *location, const char *sql)
{
    if (!sl_test_pg()) {
        sqlite3 *db;
        if (sqlite3_open(location, &db) != SQLITE_OK)
            return -1;
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_close(db);
        return rc == SQLITE_OK ? 0 : -1;
    }
    PGconn *c = pg_connect(location);
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    PQfinish(c);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
}

char *sl_test_db_text(const char *location, const char *sql)
{
    char *out = NULL;
    if (!sl_test_pg()) {
        sqlite3 *db;
        sqlite3_stmt *st = NULL;
        if (sqlite3_open(location, &db) != SQLITE_OK)
            return NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
            out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return out;
    }
    PGconn *c = pg_connect(location);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        out = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return out;
}

/* ---- identification fixtures ------------------------------------------------------ */

struct sl_ident *sl_test_ident(void)
{
    struct sl_ident *id = NULL;
    struct sl_err err = {0};
    if (sl_ident_load(&id, SL_TEST_SOURCE_DIR "/data", &err) != 0)
        fail_msg("cannot load the rules: %s", err.msg);
    return id;
}

void sl_test_observe_record(struct sl_ident_acc *acc, const json_t *r)
{
    static uint8_t buf[1u << 20];
    const char *text = json_string_value(json_object_get(r, "data"));
    const json_t *b64 = json_object_get(r, "data_b64");
    size_t n = 0;
    if (json_is_string(b64) && json_string_length(b64) / 4 * 3 < sizeof buf)
        n = (size_t)sl_base64_decode(json_string_value(b64), json_string_length(b64), buf);
    else if (text != NULL && strlen(text) < sizeof buf)
        n = strlen(text), memcpy(buf, text, n);
    enum sl_proto p = SL_PROTO_NONE;
    sl_proto_from_name(json_string_value(json_object_get(r, "proto")), &p);
    struct sl_evidence ev = {.proto = p,
                             .port = (uint16_t)json_integer_value(json_object_get(r, "port")),
                             .path = json_string_value(json_object_get(r, "path")),
                             .data = buf,
                             .len = n};
    sl_ident_observe(acc, &ev);
}

char *sl_test_fixtures(size_t *len)
{
    struct sl_err err = {0};
    char *data = sl_read_file(SL_TEST_SOURCE_DIR "/tests/fixtures/ident/devices.jsonl", 16u << 20,
                              len, &err);
    if (data == NULL)
        fail_msg("%s", err.msg);
    return data;
}

/* ---- reports ---------------------------------------------------------------------- */

json_t *sl_test_json_path(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok != NULL && cur != NULL;
         tok = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)strtoul(tok, NULL, 10));
        else
            cur = json_object_get(cur, tok);
    }
    return cur;
}

static void unescape(char *s)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    char *w = s;
    for (char *r = s; *r;) {
        size_t k;
        for (k = 0; k < 5; k++)
            if (strncmp(r, ents[k].ent, strlen(ents[k].ent)) == 0)
                break;
        if (k < 5) {
            *w++ = ents[k].c;
            r += strlen(ents[k].ent);
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

int sl_test_json_text(json_t *v, const char *null_text, char *out, size_t n)
{
    if (json_is_integer(v))
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(out, n, "%.1f", json_real_value(v));
    else if (json_is_string(v))
        snprintf(out, n, "%s", json_string_value(v));
    else if (json_is_null(v))
        snprintf(out, n, "%s", null_text);
    else
        return -1;
    return 0;
}

size_t sl_test_figures_match(const char *html, json_t *j, const char *prefix)
{
    size_t compared = 0;
    for (const char *q = strstr(html, "data-figure=\""); q != NULL;
         q = strstr(q + 1, "data-figure=\"")) {
        const char *ps = q + 13, *pe = strchr(ps, '"');
        const char *vs = pe != NULL ? strchr(pe, '>') : NULL;
        const char *ve = vs != NULL ? strchr(vs, '<') : NULL;
        assert_non_null(ve);
        char key[256], val[1024];
        snprintf(key, sizeof key, "%.*s", (int)(pe - ps), ps);
        if (strncmp(key, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(val, sizeof val, "%.*s", (int)(ve - vs - 1), vs + 1);
        unescape(val);
        json_t *v = sl_test_json_path(j, key);
        char want[1024];
        if (v == NULL)
            fail_msg("figure %s is not in the JSON report", key);
        if (sl_test_json_text(v, "none", want, sizeof want) != 0)
            fail_msg("figure %s is not a scalar in the JSON report", key);
        if (strcmp(want, val) != 0)
            fail_msg("figure %s: page shows '%s', JSON says '%s'", key, val, want);
        compared++;
    }
    return compared;
}

void sl_test_vehicle_assessor(struct sl_policy_set **ps, struct sl_vrules **vr,
                              struct sl_assessor **a, const char *day)
{
    struct sl_err err = {0};
    char data[4200];
    snprintf(data, sizeof data, "%s/data", SL_TEST_SOURCE_DIR);
    if (sl_policy_load(ps, data, &err) != 0 || sl_policy_select(*ps, NULL, &err) != 0 ||
        sl_vrules_load(vr, data, sl_policy_registry(*ps), &err) != 0)
        fail_msg("rules: %s", err.msg);
    struct sl_assess_options ao = {SL_TIER_SENSITIVE, NULL, 0};
    sl_time_parse_end_of_day(day, &ao.now);
    if (sl_assess_new(a, *ps, *vr, &ao, &err) != 0)
        fail_msg("assessor: %s", err.msg);
}

char *sl_test_render(int format, struct sl_store *s, const struct sl_progress *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct sl_report_opts ro = {50};
    struct sl_err err = {0};
    if (out == NULL || sl_report_write((enum sl_report_format)format, out, s, p, &ro, &err) != 0)
        fail_msg("render: %s", err.msg);
    fclose(out);
    return buf;
}

void sl_test_vehicle_assessor_free(struct sl_policy_set *ps, struct sl_vrules *vr,
                                   struct sl_assessor *a)
{
    sl_assess_free(a);
    sl_vrules_free(vr);
    sl_policy_free(ps);
}
