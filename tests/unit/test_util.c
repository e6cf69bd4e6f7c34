/* test_util.c - the small utilities everything else stands on. */
#include "testutil.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/buf.h"
#include "util/cidr.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/fnv.h"
#include "util/grow.h"
#include "util/jsonscan.h"
#include "util/pipe.h"
#include "util/re.h"
#include "util/rng.h"
#include "util/str.h"
#include "util/timeutil.h"

static void test_buf_bound(void **state)
{
    (void)state;
    struct sl_buf b;
    sl_buf_init(&b, 10);
    assert_int_equal(sl_buf_append(&b, "hello", 5), 0);
    assert_int_equal(sl_buf_append(&b, "world!", 6), -1); /* would pass the bound */
    assert_int_equal(b.len, 5);
    assert_string_equal(sl_buf_cstr(&b), "hello");
    assert_int_equal(sl_buf_append_upto(&b, "world!", 6), 5);
    assert_string_equal(sl_buf_cstr(&b), "helloworld");
    sl_buf_consume(&b, 5);
    assert_string_equal(sl_buf_cstr(&b), "world");
    assert_int_equal(sl_buf_printf(&b, "%d", 12345), 0);
    assert_int_equal(sl_buf_printf(&b, "%d", 1), -1);
    sl_buf_free(&b);
}

static void test_str(void **state)
{
    (void)state;
    char d[4];
    assert_int_equal(sl_strlcpy(d, "abcdef", sizeof d), 6);
    assert_string_equal(d, "abc");
    int64_t v;
    assert_int_equal(sl_parse_i64("42", 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(sl_parse_i64("420", 0, 100, &v), -1);
    assert_int_equal(sl_parse_i64("4x", 0, 100, &v), -1);
    assert_int_equal(sl_parse_i64("", 0, 100, &v), -1);
    assert_int_equal(sl_parse_i64(" 4", 0, 100, &v), -1);
    char t[] = "  padded \t";
    assert_string_equal(sl_str_trim(t), "padded");
    const char hay[] = "Server: APP-webs/";
    assert_ptr_equal(sl_memcasemem(hay, sizeof hay - 1, "app-WEBS"), hay + 8);
    assert_null(sl_memcasemem(hay, 5, "Server:"));
}

static void test_time(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(sl_time_parse("2024-04-29", &t), 0);
    char iso[SL_ISO_LEN];
    sl_time_iso(t, iso);
    assert_string_equal(iso, "2024-04-29T00:00:00Z");
    assert_int_equal(sl_time_parse_end_of_day("2024-04-29", &t), 0);
    sl_time_iso(t, iso);
    assert_string_equal(iso, "2024-04-29T23:59:59Z");
    assert_int_equal(sl_time_parse("2024-04-29T12:30", &t), 0);
    assert_int_equal(sl_time_parse("2024-02-30", &t), -1);
    assert_int_equal(sl_time_parse("2024-13-01", &t), -1);
    assert_int_equal(sl_time_parse("yesterday", &t), -1);
    /* Dates that do not exist, and digits where digits belong. */
    assert_int_equal(sl_time_parse("2024-02-29", &t), 0);
    assert_int_equal(sl_time_parse("2023-02-29", &t), -1);
    assert_int_equal(sl_time_parse("2024-02-31", &t), -1);
    assert_int_equal(sl_time_parse("2024-04-31T10:00:00Z", &t), -1);
    assert_int_equal(sl_time_parse("2024-+1-01", &t), -1);
    assert_int_equal(sl_time_parse(" 2024-01-01", &t), -1);
    assert_int_equal(sl_time_parse("2024-01-01T1:00", &t), -1);
    assert_int_equal(sl_time_parse("2024-01-01T10:00:00Zjunk", &t), -1);
    assert_int_equal(sl_time_parse("2024-01-0", &t), -1);
    assert_int_equal(sl_time_parse("", &t), -1);
    /* Values: a leap day, the end of a century leap year, a time with seconds. */
    assert_int_equal(sl_time_parse("2000-02-29T23:59:59Z", &t), 0);
    assert_true(t == 951868799);
    assert_int_equal(sl_time_parse("2024-04-29 12:34:56", &t), 0);
    assert_true(t == 1714394096);
    assert_int_equal(sl_time_parse("2024-04-29T12:30:00Zjunk", &t), -1);
}

static void test_cidr(void **state)
{
    (void)state;
    struct sl_cidr c;
    struct sl_err err = {0};
    char out[SL_CIDR_STRLEN];
    assert_int_equal(sl_cidr_parse("198.18.0.0/15", &c, &err), 0);
    sl_cidr_format(&c, out);
    assert_string_equal(out, "198.18.0.0/15");
    struct sl_addr a;
    assert_int_equal(sl_addr_parse("198.19.255.255", &a), 0);
    assert_true(sl_cidr_contains(&c, &a));
    assert_int_equal(sl_addr_parse("198.20.0.0", &a), 0);
    assert_false(sl_cidr_contains(&c, &a));
    assert_int_equal(sl_addr_parse("2001:db8::1", &a), 0);
    assert_false(sl_cidr_contains(&c, &a));
    assert_int_equal(sl_cidr_parse("2001:db8::/32", &c, &err), 0);
    assert_true(sl_cidr_contains(&c, &a));
    assert_int_equal(sl_cidr_parse("198.18.0.1/24", &c, &err), -1);
    assert_non_null(strstr(err.msg, "198.18.0.0/24"));
    assert_int_equal(sl_cidr_parse("198.18.0.0/33", &c, &err), -1);
    assert_int_equal(sl_cidr_parse("300.1.1.1", &c, &err), -1);
    assert_int_equal(sl_cidr_parse("0.0.0.0/0", &c, &err), 0);
    assert_int_equal(sl_addr_parse("127.0.0.1", &a), 0);
    assert_true(sl_cidr_contains(&c, &a));
}

/* Socket addresses and wire bytes to sl_addr and back, both families. */
static void test_addr_convert(void **state)
{
    (void)state;
    struct sl_addr a, b;
    struct sockaddr_storage ss;
    uint16_t port = 0;
    char text[SL_ADDR_STRLEN];
    assert_int_equal(sl_addr_parse("198.18.0.7", &a), 0);
    assert_int_equal(sl_addr_to_sockaddr(&a, 8080, &ss), sizeof(struct sockaddr_in));
    assert_int_equal(ss.ss_family, AF_INET);
    assert_int_equal(sl_addr_from_sockaddr((const struct sockaddr *)&ss, &b, &port), 0);
    assert_int_equal(port, 8080);
    assert_true(b.v4);
    assert_memory_equal(a.b, b.b, 16);
    sl_addr_format(&b, text);
    assert_string_equal(text, "198.18.0.7");
    assert_int_equal(sl_addr_parse("2001:db8::7", &a), 0);
    assert_int_equal(sl_addr_to_sockaddr(&a, 443, &ss), sizeof(struct sockaddr_in6));
    assert_int_equal(sl_addr_from_sockaddr((const struct sockaddr *)&ss, &b, NULL), 0);
    assert_false(b.v4);
    assert_memory_equal(a.b, b.b, 16);
    /* Wire bytes: an IPv4 address is mapped into ::ffff:0:0/96. */
    const uint8_t v4[4] = {198, 18, 1, 2};
    memset(&b, 0xaa, sizeof b);
    sl_addr_from_v4(v4, &b);
    sl_addr_format(&b, text);
    assert_string_equal(text, "198.18.1.2");
    assert_int_equal(sl_addr_parse("198.18.1.2", &a), 0);
    assert_memory_equal(a.b, b.b, 16);
    /* Another family is refused. */
    ss.ss_family = AF_UNIX;
    assert_int_equal(sl_addr_from_sockaddr((const struct sockaddr *)&ss, &b, NULL), -1);
}

/* FNV-1a 64: the published test vectors, and the three forms agree. */
static void test_fnv(void **state)
{
    (void)state;
    assert_true(sl_fnv1a64_str("") == 0xcbf29ce484222325ULL);
    assert_true(sl_fnv1a64_str("a") == 0xaf63dc4c8601ec8cULL);
    assert_true(sl_fnv1a64_str("foobar") == 0x85944171f73967e8ULL);
    assert_true(sl_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
    assert_true(sl_fnv1a64_more(sl_fnv1a64("foo", 3), "bar", 3) == 0x85944171f73967e8ULL);
}

/* splitmix64: the reference first outputs for seed 0, and ranges stay in range. */
static void test_rng(void **state)
{
    (void)state;
    struct sl_rng r;
    sl_rng_seed(&r, 0);
    assert_true(sl_rng_next(&r) == 0xe220a8397b1dcdafULL);
    assert_true(sl_rng_next(&r) == 0x6e789e6aa1b965f4ULL);
    struct sl_rng a, b;
    sl_rng_key(&a, 1, 2, 3);
    sl_rng_key(&b, 1, 2, 4);
    assert_true(sl_rng_next(&a) != sl_rng_next(&b));
    for (int i = 0; i < 1000; i++) {
        int64_t v = sl_rng_range(&r, -3, 5);
        assert_true(v >= -3 && v <= 5);
        double u = sl_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        assert_true(sl_rng_below(&r, 7) < 7);
    }
    assert_int_equal(sl_rng_range(&r, 9, 9), 9);
    assert_int_equal(sl_rng_range(&r, 9, 2), 9);
}

static void test_csv(void **state)
{
    (void)state;
    const char text[] = "a,\"b,c\",\"d\"\"e\"\r\n\n\"multi\nline\",x\n,\n";
    struct sl_csv_reader *r = malloc(sizeof *r);
    sl_csv_reader_init(r, text, sizeof text - 1);
    size_t line;
    struct sl_err err = {0};
    assert_int_equal(sl_csv_next(r, &line, &err), 1);
    assert_int_equal(line, 1);
    assert_int_equal(r->nfields, 3);
    assert_string_equal(r->fields[1], "b,c");
    assert_string_equal(r->fields[2], "d\"e");
    assert_int_equal(sl_csv_next(r, &line, &err), 1);
    assert_int_equal(line, 3);
    assert_string_equal(r->fields[0], "multi\nline");
    assert_int_equal(sl_csv_next(r, &line, &err), 1);
    assert_int_equal(line, 5);
    assert_int_equal(r->nfields, 2);
    assert_string_equal(r->fields[0], "");
    assert_int_equal(sl_csv_next(r, &line, &err), 0);
    /* A field longer than the bound is an error, not an overflow. */
    size_t big = SL_CSV_MAX_FIELD + 10;
    char *long_field = malloc(big + 1);
    memset(long_field, 'x', big);
    long_field[big] = '\0';
    sl_csv_reader_init(r, long_field, big);
    assert_int_equal(sl_csv_next(r, &line, &err), -1);
    assert_non_null(strstr(err.msg, "longer than"));
    free(long_field);
    free(r);
}

static void test_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(SL_GROW(v, cap, 0, 4), 0); /* nothing needed: nothing allocated */
    assert_null(v);
    assert_int_equal(SL_GROW(v, cap, 1, 4), 0);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    assert_int_equal(SL_GROW(v, cap, 5, 4), 0); /* doubles, keeps the contents */
    assert_int_equal(cap, 8);
    assert_int_equal(v[3], 3);
    assert_int_equal(SL_GROW(v, cap, 100, 4), 0); /* doubles until it fits */
    assert_int_equal(cap, 128);
    int *before = v;
    assert_int_equal(SL_GROW(v, cap, SIZE_MAX, 4), -1); /* overflow: left as it was */
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 128);
    free(v);
}

/* PCRE2 behind util/re: groups, flags, NUL bytes, errors, and a hostile
 * subject that would backtrack exponentially stops at the bound. */
static void test_re(void **state)
{
    (void)state;
    char why[160];
    struct sl_re *re;
    struct sl_span g[SL_RE_MAX_GROUPS];
    assert_int_equal(sl_re_compile(&re, "^(DS-[0-9]+)([A-Z]+)?$", 22, SL_RE_NOCASE, why, sizeof why), 0);
    assert_int_equal(sl_re_groups(re), 2);
    assert_int_equal(sl_re_match(re, NULL, "ds-2032", 7, g, SL_RE_MAX_GROUPS), 1);
    assert_int_equal(g[1].so, 0);
    assert_int_equal(g[1].eo, 7);
    assert_int_equal(g[2].so, -1); /* did not take part */
    assert_int_equal(sl_re_match(re, NULL, "DS-20-", 6, NULL, 0), 0);
    sl_re_free(re);
    /* bytes, NUL included, no UTF check */
    assert_int_equal(sl_re_compile(&re, "^\\0\\0\\x10\\xff", 13, 0, why, sizeof why), 0);
    assert_int_equal(sl_re_match(re, NULL, "\0\0\x10\xff\x01", 5, NULL, 0), 1);
    sl_re_free(re);
    /* '$' only at the very end with ENDONLY; '.' crosses lines with DOTALL */
    assert_int_equal(sl_re_compile(&re, "^a.b$", 5, SL_RE_ENDONLY | SL_RE_DOTALL, why, sizeof why), 0);
    assert_int_equal(sl_re_match(re, NULL, "a\nb", 3, NULL, 0), 1);
    assert_int_equal(sl_re_match(re, NULL, "axb\n", 4, NULL, 0), 0);
    sl_re_free(re);
    assert_int_equal(sl_re_compile(&re, "(ab", 3, 0, why, sizeof why), -1);
    assert_non_null(strstr(why, "offset"));
    char big[SL_RE_MAX_PATTERN + 2];
    memset(big, 'a', sizeof big);
    assert_int_equal(sl_re_compile(&re, big, sizeof big, 0, why, sizeof why), -1);
    /* catastrophic backtracking: (a+)+$ against a...ab stops at the match limit */
    assert_int_equal(sl_re_compile(&re, "^(a|a?)+$", 9, 0, why, sizeof why), 0);
    char subj[4096];
    memset(subj, 'a', sizeof subj);
    subj[sizeof subj - 1] = 'b';
    struct sl_re_scratch *s = sl_re_scratch_new();
    assert_non_null(s);
    assert_int_equal(sl_re_match(re, s, subj, sizeof subj, g, SL_RE_MAX_GROUPS), -1);
    sl_re_scratch_free(s);
    sl_re_free(re);
}

/* Errors carry a kind that survives prefixing and is reset by clearing. */
static void test_err_kinds(void **state)
{
    (void)state;
    struct sl_err err = {0};
    assert_int_equal(err.kind, SL_ERR_FAILED);
    assert_int_equal(sl_err_setk(&err, SL_ERR_NOT_FOUND, "no site named '%s'", "X"), -1);
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    sl_err_prefix(&err, "reading %s", "sites.csv");
    assert_string_equal(err.msg, "reading sites.csv: no site named 'X'");
    assert_int_equal(err.kind, SL_ERR_NOT_FOUND);
    sl_err_set(&err, "plain");
    assert_int_equal(err.kind, SL_ERR_FAILED);
    sl_err_kind(&err, SL_ERR_UNAVAILABLE);
    assert_int_equal(err.kind, SL_ERR_UNAVAILABLE);
    assert_string_equal(sl_err_kind_name(SL_ERR_UNAVAILABLE), "unavailable");
    assert_string_equal(sl_err_kind_name((enum sl_err_kind)99), "failed");
    sl_err_clear(&err);
    assert_int_equal(err.kind, SL_ERR_FAILED);
    assert_string_equal(err.msg, "");
    assert_int_equal(sl_err_set(NULL, "x"), -1); /* NULL means "don't care" */
    assert_int_equal(sl_err_setk(NULL, SL_ERR_IO, "x"), -1);
}

/* Walks doc's top-level object; its members' keys and values (as text) joined
 * into out as "key=value;"; the walk's return (0 the end, -1 an error). */
static int scan_members(const char *doc, char *out, size_t n, struct sl_err *err)
{
    struct sl_jscan s;
    sl_jscan_init(&s, doc, strlen(doc));
    out[0] = '\0';
    if (sl_jscan_object(&s, err) != 0)
        return -1;
    char key[16];
    size_t a, b;
    int rc;
    while ((rc = sl_jscan_member(&s, key, sizeof key, &a, &b, err)) == 1) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s=%.*s;", key, (int)(b - a), doc + a);
    }
    return rc;
}

static void test_jsonscan(void **state)
{
    (void)state;
    char out[256];
    struct sl_err err = {0};
    assert_int_equal(scan_members(" {\"a\" : [1, {\"x\":\"]}\\\"\"}], \"b\\u0063\":\"q\\\\\",\n"
                                  "\"c\":-1.5e3,\"d\":{}} \n", out, sizeof out, &err), 0);
    assert_string_equal(out, "a=[1, {\"x\":\"]}\\\"\"}];bc=\"q\\\\\";c=-1.5e3;d={};");
    assert_int_equal(scan_members("{}", out, sizeof out, &err), 0);
    assert_string_equal(out, "");
    /* the elements of an array found in it, each loaded alone */
    static const char doc[] = "{\"list\":[ {\"n\":1},[2] ,\"three\"]}";
    struct sl_jscan s, arr;
    sl_jscan_init(&s, doc, strlen(doc));
    char key[8];
    size_t a, b;
    assert_int_equal(sl_jscan_object(&s, &err), 0);
    assert_int_equal(sl_jscan_member(&s, key, sizeof key, &a, &b, &err), 1);
    sl_jscan_at(&s, a, &arr);
    assert_int_equal(sl_jscan_array(&arr, &err), 0);
    int n = 0;
    while (sl_jscan_element(&arr, &a, &b, &err) == 1) {
        json_t *v = sl_jscan_load(&arr, a, b, &err);
        assert_non_null(v);
        assert_int_equal(json_typeof(v), n == 0 ? JSON_OBJECT : n == 1 ? JSON_ARRAY : JSON_STRING);
        json_decref(v);
        n++;
    }
    assert_int_equal(n, 3);
    /* what is refused, and where */
    static const struct { const char *doc, *why; } bad[] = {
        {"{\"a\":1} x", "line 1, column 9: end of file expected"},
        {"{\"a\":1,}", "string or '}' expected"},
        {"{\"a\" 1}", "':' expected"},
        {"{\"a\":1 \"b\":2}", "',' or '}' expected"},
        {"{\"a\":\"open}", "premature end of input in a string"},
        {"{\"a\":[1,2}", "premature end of input"},
        {"{\"a\":,}", "a value was expected"},
        {"[1]", "'{' expected"},
        {"{\"a\":1", "premature end of input"},
        {"{\"a\"\n:\n\"b\\x\"}", NULL}, /* scanned; the bad escape is jansson's to find */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = scan_members(bad[i].doc, out, sizeof out, &err);
        if (bad[i].why == NULL) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, -1);
        if (strstr(err.msg, bad[i].why) == NULL)
            fail_msg("doc %zu: '%s' lacks '%s'", i, err.msg, bad[i].why);
    }
    /* a range that does not load names the document's line and column */
    static const char two[] = "{\n  \"a\": [1,\n 2 3]}";
    sl_jscan_init(&s, two, strlen(two));
    assert_int_equal(sl_jscan_object(&s, &err), 0);
    assert_int_equal(sl_jscan_member(&s, key, sizeof key, &a, &b, &err), 1);
    assert_null(sl_jscan_load(&s, a, b, &err));
    assert_non_null(strstr(err.msg, "line 3, column"));
    /* a key longer than the caller's buffer; nesting past the bound */
    assert_int_equal(scan_members("{\"a-very-long-key-indeed\":1}", out, sizeof out, &err), -1);
    assert_non_null(strstr(err.msg, "a key longer than 15 bytes"));
    size_t deep = SL_JSCAN_MAX_DEPTH + 1;
    char *d = malloc(deep * 2 + 16);
    assert_non_null(d);
    size_t k = (size_t)sprintf(d, "{\"a\":");
    for (size_t i = 0; i < deep; i++)
        d[k++] = '[';
    for (size_t i = 0; i < deep; i++)
        d[k++] = ']';
    d[k++] = '}';
    d[k] = '\0';
    assert_int_equal(scan_members(d, out, sizeof out, &err), -1);
    assert_non_null(strstr(err.msg, "maximum parsing depth"));
    free(d);
}

struct pipe_job {
    size_t batches, fail_at; /* fail_at 0: never */
};

static int pipe_fill(void *ctx, size_t k, void *slot, struct sl_err *err)
{
    const struct pipe_job *j = ctx;
    if (j->fail_at > 0 && k == j->fail_at)
        return sl_err_setk(err, SL_ERR_IO, "batch %zu failed", k);
    if (k >= j->batches)
        return 0;
    size_t *v = slot;
    for (size_t i = 0; i < 64; i++)
        v[i] = k * 1000 + i;
    return 1;
}

static void test_pipe(void **state)
{
    (void)state;
    size_t ring[3][64];
    void *slots[3] = {ring[0], ring[1], ring[2]};
    struct sl_err err = {0};
    /* every batch, in order, each whole while it is held */
    struct pipe_job job = {500, 0};
    struct sl_pipe *p = sl_pipe_start(slots, 3, pipe_fill, &job, &err);
    assert_non_null(p);
    int rc;
    size_t k = 0, *v;
    while ((v = sl_pipe_take(p, &rc, &err)) != NULL) {
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(v[i], k * 1000 + i);
        k++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(k, 500);
    sl_pipe_stop(p);
    /* the producer's failure reaches the consumer after the batches before it */
    job = (struct pipe_job){500, 7};
    p = sl_pipe_start(slots, 3, pipe_fill, &job, &err);
    for (k = 0; sl_pipe_take(p, &rc, &err) != NULL; k++)
        ;
    assert_int_equal(k, 7);
    assert_int_equal(rc, -1);
    assert_int_equal(err.kind, SL_ERR_IO);
    assert_string_equal(err.msg, "batch 7 failed");
    sl_pipe_stop(p);
    /* a consumer that stops early stops the producer */
    job = (struct pipe_job){1000000, 0};
    p = sl_pipe_start(slots, 3, pipe_fill, &job, &err);
    assert_non_null(sl_pipe_take(p, &rc, &err));
    sl_pipe_stop(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_bound), cmocka_unit_test(test_str),
        cmocka_unit_test(test_time),      cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_csv),       cmocka_unit_test(test_grow),
        cmocka_unit_test(test_err_kinds),
        cmocka_unit_test(test_addr_convert), cmocka_unit_test(test_fnv),
        cmocka_unit_test(test_rng),       cmocka_unit_test(test_re),
        cmocka_unit_test(test_jsonscan), cmocka_unit_test(test_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
