/* test_http.c - the incremental HTTP/RTSP response parser (proto/http.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/http.h"

static enum sl_http_result parse_all(struct sl_http *h, const char *s)
{
    return sl_http_parse(h, s, strlen(s), NULL);
}

static void body_is(const struct sl_http *h, const char *want)
{
    size_t len;
    const uint8_t *b = sl_http_body(h, &len);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(b, want, len);
}

static void test_fixed_length(void **state)
{
    (void)state;
    struct sl_http h;
    const char *r = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\ncontent-length: 5\r\n\r\nhelloEXTRA";
    sl_http_init(&h, NULL);
    assert_int_equal(sl_http_feed(&h, r, strlen(r)), SL_HTTP_DONE);
    assert_int_equal(sl_http_consumed(&h), strlen(r) - 5); /* "EXTRA" is not ours */
    assert_int_equal(h.status, 200);
    assert_int_equal(h.proto, SL_HTTP_PROTO_HTTP);
    assert_int_equal(h.version_minor, 1);
    assert_string_equal(h.reason, "OK");
    assert_string_equal(sl_http_header(&h, "SERVER"), "App-webs/");
    assert_string_equal(sl_http_header(&h, "Content-Length"), "5");
    body_is(&h, "hello");
    assert_false(h.truncated);
    sl_http_free(&h);
}

static void test_byte_at_a_time(void **state)
{
    (void)state;
    const char *r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n";
    struct sl_http h;
    sl_http_init(&h, NULL);
    size_t n = strlen(r);
    for (size_t i = 0; i < n; i++) {
        enum sl_http_result res = sl_http_feed(&h, r + i, 1);
        if (i + 1 < n) {
            assert_int_equal(res, SL_HTTP_MORE);
            if (i + 1 < 47)
                assert_false(sl_http_head_complete(&h));
        } else {
            assert_int_equal(res, SL_HTTP_DONE);
        }
    }
    assert_true(h.chunked);
    body_is(&h, "Wikipedia");
    sl_http_free(&h);
}

static void test_until_close_and_bare_lf(void **state)
{
    (void)state;
    struct sl_http h;
    sl_http_init(&h, NULL);
    const char *r = "HTTP/1.0 200 OK\nServer: Hikvision-Webs\nDate: x\n\n<html>body";
    assert_int_equal(sl_http_feed(&h, r, strlen(r)), SL_HTTP_MORE);
    assert_true(sl_http_head_complete(&h));
    assert_true(h.until_close);
    assert_true(h.bare_lf);
    assert_int_equal(sl_http_finish(&h), SL_HTTP_DONE);
    body_is(&h, "<html>body");
    assert_string_equal(sl_http_header(&h, "server"), "Hikvision-Webs");
    sl_http_free(&h);
}

static void test_rtsp_no_length_no_body(void **state)
{
    (void)state;
    struct sl_http h;
    const char *r = "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n"
                    "WWW-Authenticate: Digest realm=\"Hikvision\", nonce=\"abc\", stale=\"FALSE\"\r\n"
                    "WWW-Authenticate: Basic realm=\"/\"\r\n\r\n";
    sl_http_init(&h, NULL);
    assert_int_equal(sl_http_feed(&h, r, strlen(r)), SL_HTTP_DONE);
    assert_int_equal(h.proto, SL_HTTP_PROTO_RTSP);
    assert_int_equal(h.status, 401);
    assert_string_equal(sl_http_header_nth(&h, "www-authenticate", 1), "Basic realm=\"/\"");
    assert_null(sl_http_header_nth(&h, "www-authenticate", 2));
    sl_http_free(&h);
}

static void test_no_body_statuses(void **state)
{
    (void)state;
    struct sl_http h;
    assert_int_equal(parse_all(&h, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"),
                     SL_HTTP_DONE);
    sl_http_free(&h);
    sl_http_init(&h, NULL);
    sl_http_set_head_request(&h, true);
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    assert_int_equal(sl_http_feed(&h, r, strlen(r)), SL_HTTP_DONE);
    sl_http_free(&h);
}

static void test_errors(void **state)
{
    (void)state;
    struct sl_http h;
    assert_int_equal(parse_all(&h, "SSH-2.0-OpenSSH_9.2\r\n"), SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "not an HTTP"));
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4"
                                   "\r\n\r\nabcd"),
                     SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "conflicting"));
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), SL_HTTP_ERROR);
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                     SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "chunk size"));
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
                     SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "3 of 10"));
    body_is(&h, "abc"); /* what arrived stays readable */
    assert_true(sl_http_head_complete(&h));
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 200 OK\r\nServer: x"), SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "before the end"));
    sl_http_free(&h);

    assert_int_equal(parse_all(&h, "HTTP/1.1 2000 OK\r\n\r\n"), SL_HTTP_ERROR);
    sl_http_free(&h);

    const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
    assert_int_equal(sl_http_parse(&h, nul, sizeof nul - 1, NULL), SL_HTTP_ERROR);
    sl_http_free(&h);
}

static void test_head_bound(void **state)
{
    (void)state;
    struct sl_http_limits lim = {.max_head = 64, .max_body = 8};
    struct sl_http h;
    sl_http_init(&h, &lim);
    const char *start = "HTTP/1.1 200 OK\r\n";
    assert_int_equal(sl_http_feed(&h, start, strlen(start)), SL_HTTP_MORE);
    char line[40];
    memset(line, 'a', sizeof line);
    enum sl_http_result r = SL_HTTP_MORE;
    for (int i = 0; i < 4 && r == SL_HTTP_MORE; i++)
        r = sl_http_feed(&h, line, sizeof line);
    assert_int_equal(r, SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "larger than 64"));
    sl_http_free(&h);

    /* body over max_body: cut, truncated, complete */
    assert_int_equal(sl_http_parse(&h, "HTTP/1.1 200 OK\r\n\r\n0123456789abcdef", 35, &lim),
                     SL_HTTP_DONE);
    assert_true(h.truncated);
    body_is(&h, "01234567");
    sl_http_free(&h);
}

static void test_too_many_headers(void **state)
{
    (void)state;
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 80; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "X-%d: v\r\n", i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    struct sl_http h;
    assert_int_equal(sl_http_parse(&h, buf, n, NULL), SL_HTTP_ERROR);
    assert_non_null(strstr(sl_http_error(&h), "more than"));
    sl_http_free(&h);
}

static void test_reset_keepalive(void **state)
{
    (void)state;
    const char *two = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabHTTP/1.1 404 Not Found\r\n"
                      "Content-Length: 0\r\n\r\n";
    struct sl_http h;
    sl_http_init(&h, NULL);
    assert_int_equal(sl_http_feed(&h, two, strlen(two)), SL_HTTP_DONE);
    size_t used = sl_http_consumed(&h);
    sl_http_reset(&h);
    assert_int_equal(sl_http_feed(&h, two + used, strlen(two) - used), SL_HTTP_DONE);
    assert_int_equal(h.status, 404);
    assert_string_equal(h.reason, "Not Found");
    sl_http_free(&h);
}

static void test_upper_case_dahua_style(void **state)
{
    (void)state;
    /* Dahua-style upper-case header names (nmap-service-probes "Dahua webcam httpd") */
    const char *r = "HTTP/1.1 200 OK\r\nCONNECTION: close\r\nCONTENT-LENGTH: 2\r\n"
                    "CACHE-CONTROL: max-age=0\r\nCONTENT-TYPE: text/html\r\n\r\nok";
    struct sl_http h;
    assert_int_equal(parse_all(&h, r), SL_HTTP_DONE);
    assert_string_equal(sl_http_header(&h, "content-type"), "text/html");
    body_is(&h, "ok");
    sl_http_free(&h);
}

/* The one-segment peek (what the monitor reads): requests, responses of both
 * protocols, the same header rules as the parser, bounds. */
static void test_peek(void **state)
{
    (void)state;
    struct sl_http_peek h;
    static const char req[] = "GET /a?b HTTP/1.1\r\nhost: WWW.DahuaDDNS.com:8080\r\n\r\n";
    assert_int_equal(sl_http_peek((const uint8_t *)req, sizeof req - 1, &h), SL_HTTP_PEEK_REQUEST);
    assert_string_equal(h.method, "GET");
    assert_string_equal(h.path, "/a?b");
    assert_string_equal(h.host, "WWW.DahuaDDNS.com:8080"); /* as sent: the monitor normalises */
    static const char resp[] = "HTTP/1.0 200 OK\r\nDate: x\r\nServer: App-webs/\r\n\r\nbody";
    assert_int_equal(sl_http_peek((const uint8_t *)resp, sizeof resp - 1, &h),
                     SL_HTTP_PEEK_RESPONSE);
    assert_int_equal(h.proto, SL_HTTP_PROTO_HTTP);
    assert_int_equal(h.status, 200);
    assert_string_equal(h.server, "App-webs/");
    static const char rtsp[] = "RTSP/1.0 200 OK\nServer: Dahua Rtsp Server\n\n";
    assert_int_equal(sl_http_peek((const uint8_t *)rtsp, sizeof rtsp - 1, &h),
                     SL_HTTP_PEEK_RESPONSE);
    assert_int_equal(h.proto, SL_HTTP_PROTO_RTSP);
    assert_string_equal(h.server, "Dahua Rtsp Server");
    assert_int_equal(sl_http_peek((const uint8_t *)"HTTP/1.1 2x0", 12, &h), SL_HTTP_PEEK_NONE);
    assert_int_equal(sl_http_peek((const uint8_t *)"\x16\x03\x01", 3, &h), SL_HTTP_PEEK_NONE);
    assert_int_equal(sl_http_peek((const uint8_t *)"GET", 3, &h), SL_HTTP_PEEK_NONE);
    /* The parser's header rules: not a token, no header; the head ends at the blank line. */
    static const char odd[] = "HTTP/1.1 401 X\r\nBad Name: a\r\nServer :  Webs \r\n\r\n"
                              "Server: body";
    assert_int_equal(sl_http_peek((const uint8_t *)odd, sizeof odd - 1, &h), SL_HTTP_PEEK_RESPONSE);
    assert_string_equal(h.server, "Webs");
    /* A segment cut anywhere, values cut to their fields, non-printable bytes as '.'. */
    char big[SL_HTTP_PEEK_MAX + 600];
    int n = snprintf(big, sizeof big, "POST /\x01x HTTP/1.1\r\nHost: ");
    memset(big + n, 'h', sizeof big - (size_t)n);
    assert_int_equal(sl_http_peek((const uint8_t *)big, sizeof big, &h), SL_HTTP_PEEK_REQUEST);
    assert_string_equal(h.path, "/.x");
    assert_int_equal(strlen(h.host), sizeof h.host - 1);
    for (size_t cut = 0; cut < sizeof req - 1; cut++)
        sl_http_peek((const uint8_t *)req, cut, &h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_length),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_until_close_and_bare_lf),
        cmocka_unit_test(test_rtsp_no_length_no_body),
        cmocka_unit_test(test_no_body_statuses),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_head_bound),
        cmocka_unit_test(test_too_many_headers),
        cmocka_unit_test(test_reset_keepalive),
        cmocka_unit_test(test_upper_case_dahua_style),
        cmocka_unit_test(test_peek),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
