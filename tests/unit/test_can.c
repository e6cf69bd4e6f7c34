/* test_can.c - sightline can: the readers (every candump form, HCRL, pcap
 * with either byte order, Linux cooked capture; the shared real files when
 * they are there), counter and checksum search, the baseline's JSON round
 * trip, each detector on a synthetic bus, and the alert deduplication. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "can/alert.h"
#include "can/baseline.h"
#include "can/learn.h"
#include "can/pcapfmt.h"
#include "can/reader.h"
#include "can/textfmt.h"
#include "can/watch.h"

static int cd(const char *line, struct sl_can_frame *f)
{
    struct sl_can_ifname ifn;
    uint64_t dropped = 0;
    const char *why = NULL;
    return sl_can_parse_candump(line, strlen(line), f, &ifn, &dropped, &why);
}

static void test_candump_forms(void **state)
{
    (void)state;
    struct sl_can_frame f;
    assert_int_equal(cd("(1625906307.412579) can0 00A#4543555245534554", &f), SL_CAN_LINE_FRAME);
    assert_int_equal(f.id, 0x00A);
    assert_int_equal(f.len, 8);
    assert_int_equal(f.flags, 0);
    assert_true(f.ts_us == 1625906307412579LL);
    assert_memory_equal(f.data, "ECURESET", 8);
    /* 9 fractional digits, padded interface, 29-bit id, '.' separators */
    assert_int_equal(cd("(1625906307.412579123)  vcan0 12345678#11.2233.44", &f), SL_CAN_LINE_FRAME);
    assert_true(f.ts_us == 1625906307412579LL);
    assert_int_equal(f.id, 0x12345678);
    assert_true(f.flags & SL_CAN_F_EXT);
    assert_int_equal(f.len, 4);
    /* socketcan-rs's edge cases */
    assert_int_equal(cd("(1.000000) c 080#", &f), SL_CAN_LINE_FRAME);
    assert_int_equal(f.len, 0);
    assert_int_equal(cd("(1.000000) c 104#R", &f), SL_CAN_LINE_FRAME);
    assert_true(f.flags & SL_CAN_F_RTR);
    assert_int_equal(f.len, 0);
    assert_int_equal(cd("(1.000000) c 110#R4", &f), SL_CAN_LINE_FRAME);
    assert_int_equal(f.len, 4);
    assert_int_equal(cd("(1.000000) c 110#R8_9", &f), SL_CAN_LINE_FRAME);
    assert_int_equal(f.raw_dlc, 9);
    assert_int_equal(cd("(1.000000) c 12345678##500112233445566778899AABB", &f), SL_CAN_LINE_FRAME);
    assert_true(f.flags & SL_CAN_F_FD);
    assert_true(f.flags & SL_CAN_F_BRS); /* flags nibble 5: BRS (1) | FDF (4) */
    assert_int_equal(f.len, 12);
    assert_int_equal(cd("(1.000000) c 123##2112233", &f), SL_CAN_LINE_FRAME);
    assert_true(f.flags & SL_CAN_F_ESI);
    assert_int_equal(f.len, 3);
    assert_int_equal(cd("(1.000000) c 123#1122334455667788_E", &f), SL_CAN_LINE_FRAME);
    assert_int_equal(f.raw_dlc, 14);
    /* error frame: 8 digits with CAN_ERR_FLAG */
    assert_int_equal(cd("(1.000000) c 20000088#0000080000000000", &f), SL_CAN_LINE_FRAME);
    assert_true(f.flags & SL_CAN_F_ERR);
    assert_int_equal(f.id, 0x88);
    /* candump -x */
    assert_int_equal(cd("(1.000000) c 7FF#00 T", &f), SL_CAN_LINE_FRAME);
    assert_true(f.flags & SL_CAN_F_TX);
    assert_int_equal(cd("(1.000000) c 7FF#00 R", &f), SL_CAN_LINE_FRAME);
    assert_false(f.flags & SL_CAN_F_TX);
    /* comments, DROPCOUNT, CAN XL */
    assert_int_equal(cd("# a comment", &f), SL_CAN_LINE_SKIP);
    assert_int_equal(cd("", &f), SL_CAN_LINE_SKIP);
    struct sl_can_ifname ifn;
    uint64_t dropped = 0;
    const char *why;
    const char *dl = "DROPCOUNT: dropped 3 CAN frames on 'can0' socket (total drops 7)";
    assert_int_equal(sl_can_parse_candump(dl, strlen(dl), &f, &ifn, &dropped, &why),
                     SL_CAN_LINE_DROPCOUNT);
    assert_int_equal(dropped, 3);
    assert_int_equal(cd("(1.000000) c 45123#81:00:12345678#11223344", &f), SL_CAN_LINE_UNSUPPORTED);
    /* what canplayer refuses, refused */
    assert_int_equal(cd("(1.00000) c 123#00", &f), SL_CAN_LINE_BAD);     /* 5 digits */
    assert_int_equal(cd("(1.0000000) c 123#00", &f), SL_CAN_LINE_BAD);   /* 7 digits */
    assert_int_equal(cd("(1.000000) c 1234#00", &f), SL_CAN_LINE_BAD);   /* 4-digit id */
    assert_int_equal(cd("(1.000000) c 800#00", &f), SL_CAN_LINE_BAD);    /* above 0x7FF */
    assert_int_equal(cd("(1.000000) c 123#001", &f), SL_CAN_LINE_BAD);   /* half a byte */
    assert_int_equal(cd("(1.000000) c 123#001122334455667788", &f), SL_CAN_LINE_BAD); /* 9 bytes */
    assert_int_equal(cd("(1.000000) c 123#00 X", &f), SL_CAN_LINE_BAD);
    assert_int_equal(cd("(1.000000) c", &f), SL_CAN_LINE_BAD);
    assert_int_equal(cd("(1.000000 c 123#00", &f), SL_CAN_LINE_BAD);
}

static void test_hcrl_forms(void **state)
{
    (void)state;
    struct sl_can_frame f;
    const char *why;
    const char *a = "1478198376.389427,0316,8,05,21,68,09,21,21,00,6f,R";
    assert_int_equal(sl_can_parse_hcrl_csv(a, strlen(a), &f, &why), SL_CAN_LINE_FRAME);
    assert_int_equal(f.id, 0x316);
    assert_int_equal(f.len, 8);
    assert_int_equal(f.data[7], 0x6f);
    assert_int_equal(f.label, 'R');
    assert_true(f.ts_us == 1478198376389427LL);
    const char *b = "1478198376.389864,0260,2,19,21,T\r"; /* fewer columns; CRLF */
    assert_int_equal(sl_can_parse_hcrl_csv(b, strlen(b), &f, &why), SL_CAN_LINE_FRAME);
    assert_int_equal(f.len, 2);
    assert_int_equal(f.label, 'T');
    const char *h = "Timestamp,ID,DLC,D0";
    assert_int_equal(sl_can_parse_hcrl_csv(h, strlen(h), &f, &why), SL_CAN_LINE_SKIP);
    const char *c = "1478198376.389864,0260,3,19,21,T"; /* DLC says 3, two bytes */
    assert_int_equal(sl_can_parse_hcrl_csv(c, strlen(c), &f, &why), SL_CAN_LINE_BAD);
    const char *d = "1478198376.389864,0260,2,19,21,X";
    assert_int_equal(sl_can_parse_hcrl_csv(d, strlen(d), &f, &why), SL_CAN_LINE_BAD);
    const char *t = "Timestamp: 1479121434.850202        ID: 0350    000    DLC: 8    05 28 84 66 6d 00 00 a2";
    assert_int_equal(sl_can_parse_hcrl_txt(t, strlen(t), &f, &why), SL_CAN_LINE_FRAME);
    assert_int_equal(f.id, 0x350);
    assert_int_equal(f.len, 8);
    assert_int_equal(f.data[0], 0x05);
    assert_int_equal(f.data[7], 0xa2);
    const char *u = "Timestamp: 1479121434.850202        ID: 0350    000    DLC: 8    05 28";
    assert_int_equal(sl_can_parse_hcrl_txt(u, strlen(u), &f, &why), SL_CAN_LINE_BAD);
    uint8_t p1[] = "(1.000000) can0 123#00\n";
    assert_int_equal(sl_can_detect_format(p1, sizeof p1 - 1), SL_CAN_FMT_CANDUMP);
    uint8_t p2[] = "Timestamp,ID\n1478198376.389427,0316,8\n";
    assert_int_equal(sl_can_detect_format(p2, sizeof p2 - 1), SL_CAN_FMT_HCRL_CSV);
    uint8_t p3[] = "Timestamp: 1479121434.850202 ID: 0350";
    assert_int_equal(sl_can_detect_format(p3, sizeof p3 - 1), SL_CAN_FMT_HCRL_TXT);
    uint8_t p4[] = {0xd4, 0xc3, 0xb2, 0xa1};
    assert_int_equal(sl_can_detect_format(p4, 4), SL_CAN_FMT_PCAP);
    uint8_t p5[] = {0x00, 0x01, 0x02, 0x03, 0x04};
    assert_int_equal(sl_can_detect_format(p5, 5), SL_CAN_FMT_UNKNOWN);
}

static void test_pcap_records(void **state)
{
    (void)state;
    struct sl_can_byteorder bo = {0, 0};
    struct sl_can_frame f;
    const char *why;
    uint8_t be[16] = {0x00, 0x00, 0x01, 0x23, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(sl_can_decode_socketcan(be, 16, 16, &bo, &f, &why), 1);
    assert_int_equal(f.id, 0x123);
    assert_int_equal(f.data[7], 8);
    uint8_t le[16] = {0x23, 0x01, 0x00, 0x00, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(sl_can_decode_socketcan(le, 16, 16, &bo, &f, &why), 1);
    assert_int_equal(f.id, 0x123);
    assert_int_equal(bo.big, 1);
    assert_int_equal(bo.little, 1);
    /* extended, big-endian as the specification says */
    uint8_t eff[11] = {0x98, 0xDA, 0xF1, 0x10, 3, 0, 0, 0, 9, 9, 9};
    assert_int_equal(sl_can_decode_socketcan(eff, 11, 11, &bo, &f, &why), 1);
    assert_true(f.flags & SL_CAN_F_EXT);
    assert_int_equal(f.id, 0x18DAF110);
    /* truncated payload, oversize classic length */
    assert_int_equal(sl_can_decode_socketcan(be, 12, 16, &bo, &f, &why), -1);
    uint8_t big[16] = {0, 0, 1, 0x23, 9, 0, 0, 0};
    assert_int_equal(sl_can_decode_socketcan(big, 16, 16, &bo, &f, &why), -1);
    /* Linux cooked, CAN FD (as scapy's canfd.pcap), and the outgoing copy skipped */
    uint8_t sll[16 + 72] = {0, 1, 0x01, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x0D,
                            0x23, 0x01, 0, 0, 12, 0x01, 0, 0, 0x22, 0x33};
    assert_int_equal(sl_can_decode_sll(SL_CAN_DLT_SLL, sll, sizeof sll, sizeof sll, &bo, &f, &why), 1);
    assert_true(f.flags & SL_CAN_F_FD);
    assert_true(f.flags & SL_CAN_F_BRS);
    assert_int_equal(f.id, 0x123);
    assert_int_equal(f.len, 12);
    sll[1] = 4;
    assert_int_equal(sl_can_decode_sll(SL_CAN_DLT_SLL, sll, sizeof sll, sizeof sll, &bo, &f, &why), 0);
    assert_string_equal(why, "sll.outgoing");
}

/* ---- the shared real files (../shared/corpus/can) ---- */

static const char *corpus_dir(void)
{
    static const char *cands[] = {SL_TEST_SOURCE_DIR "/../shared/corpus/can", "/work/shared/corpus/can"};
    const char *env = getenv("SL_CAN_CORPUS");
    if (env != NULL && access(env, R_OK) == 0)
        return env;
    for (size_t i = 0; i < 2; i++)
        if (access(cands[i], R_OK) == 0)
            return cands[i];
    return NULL;
}

struct tally {
    uint64_t frames, ids[3], n_ids, fd;
    uint32_t want[3];
    bool seen[2048];
    struct sl_can_read_stats st;
};

/* gunzips a corpus file into the test's temp directory (never the project) and reads it. */
static int read_corpus(const char *name, struct tally *t, struct sl_can_frame *first, size_t nfirst)
{
    const char *dir = corpus_dir();
    if (dir == NULL)
        return -1;
    const char *out = sl_test_tmpfile("can-corpus", "f");
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s/%s' > '%s'", dir, name, out);
    assert_int_equal(system(cmd), 0);
    struct sl_can_ifaces ifs = {0};
    struct sl_can_reader *r;
    struct sl_err err;
    assert_int_equal(sl_can_reader_open(&r, out, SL_CAN_FMT_UNKNOWN, &ifs, &err), 0);
    struct sl_can_frame f;
    while (sl_can_reader_next(r, &f, &err) == 1) {
        if (t->frames < nfirst)
            first[t->frames] = f;
        t->frames++;
        for (int i = 0; i < 3; i++)
            if (f.id == t->want[i])
                t->ids[i]++;
        if (!(f.flags & SL_CAN_F_EXT) && !t->seen[f.id & 0x7FF]) {
            t->seen[f.id & 0x7FF] = true;
            t->n_ids++;
        }
        t->fd += (f.flags & SL_CAN_F_FD) != 0;
    }
    sl_can_reader_stats(r, &t->st);
    sl_can_reader_close(r);
    return 0;
}

static void test_corpus_files(void **state)
{
    (void)state;
    if (corpus_dir() == NULL) {
        print_message("skipped: the shared CAN corpus (../shared/corpus/can) is not here\n");
        skip();
    }
    /* expected figures: tshark -o can.byte_swap:TRUE on the same files */
    static struct sl_can_frame a[3819], b[3819];
    struct tally log = {.want = {0x641, 0x241, 0x00A}}, pc = {.want = {0x641, 0x241, 0x00A}};
    read_corpus("candump_gmlan_scanner.log.gz", &log, a, 3819);
    assert_int_equal(log.frames, 3819);
    assert_int_equal(log.ids[0], 1691);
    assert_int_equal(log.ids[1], 1904);
    assert_int_equal(log.ids[2], 224);
    read_corpus("candump_gmlan_scanner.pcap.gz", &pc, b, 3819);
    assert_int_equal(pc.frames, 3819);
    assert_int_equal(pc.st.byteorder_little, 3819); /* the little-endian id words, detected */
    assert_int_equal(pc.st.byteorder_big, 0);
    for (int i = 0; i < 3819; i++) { /* the pcap and its text twin agree frame by frame */
        assert_true(a[i].ts_us == b[i].ts_us);
        assert_int_equal(a[i].id, b[i].id);
        assert_int_equal(a[i].len, b[i].len);
        assert_memory_equal(a[i].data, b[i].data, a[i].len);
    }
    struct tally uds = {.want = {0x201, 0x641, 0x651}};
    read_corpus("candump_uds_scanner.pcap.gz", &uds, NULL, 0);
    assert_int_equal(uds.frames, 9434);
    assert_int_equal(uds.ids[0], 3767);
    assert_int_equal(uds.ids[1], 2700);
    assert_int_equal(uds.ids[2], 2682);
    assert_int_equal(uds.n_ids, 257);
    assert_int_equal(uds.st.bad, 0);
    struct tally gm = {.want = {0x241, 0x0F1, 0x451}};
    read_corpus("gmlan_trace.pcap.gz", &gm, NULL, 0);
    assert_int_equal(gm.frames, 1087);
    assert_int_equal(gm.ids[0], 294);
    assert_int_equal(gm.ids[1], 215);
    assert_int_equal(gm.ids[2], 106);
    assert_int_equal(gm.n_ids, 24);
    struct tally fd = {.want = {0x123, 0, 0}};
    read_corpus("canfd.pcap.gz", &fd, NULL, 0);
    assert_int_equal(fd.frames, 2);       /* 4 records: 2 frames, each also as its outgoing copy */
    assert_int_equal(fd.st.other_records, 2);
    assert_int_equal(fd.ids[0], 2);
    assert_int_equal(fd.fd, 2);
}

/* ---- a synthetic bus: learning, then each detector ---- */

#define T0 1772442000000000LL

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* 0x100 every 10 ms: counter in byte 1's low nibble, a slow 16-bit value in
 * bytes 2-3, 0x55 in byte 4, noise in bytes 5-6, byte 7 = 0xFF - sum of the rest.
 * 0x200 every 100 ms: 4 bytes, a mode that changes every 10 s. */
static void mk100(struct sl_can_frame *f, int64_t t, unsigned k)
{
    memset(f, 0, sizeof *f);
    f->ts_us = t;
    f->id = 0x100;
    f->len = 8;
    unsigned v = 1000 + (unsigned)((t - T0) / 100000) % 200;
    f->data[0] = 0x12;
    f->data[1] = (uint8_t)(0x30 | (k & 15));
    f->data[2] = (uint8_t)(v >> 8);
    f->data[3] = (uint8_t)v;
    f->data[4] = 0x55;
    f->data[5] = (uint8_t)rnd();
    f->data[6] = (uint8_t)(rnd() & 0x0F);
    uint8_t sum = 0;
    for (int i = 0; i < 7; i++)
        sum = (uint8_t)(sum + f->data[i]);
    f->data[7] = (uint8_t)(0xFF - sum);
}

static void mk200(struct sl_can_frame *f, int64_t t)
{
    memset(f, 0, sizeof *f);
    f->ts_us = t;
    f->id = 0x200;
    f->len = 4;
    f->data[0] = (uint8_t)(((t - T0) / 10000000) % 3);
    f->data[1] = 0xA0;
}

/* Frames of the clean bus from t0 for secs seconds, in time order, into fn. */
typedef void (*sink_fn)(void *ctx, const struct sl_can_frame *f);

static unsigned emit_clean(int64_t t0, int secs, unsigned k, sink_fn fn, void *ctx)
{
    struct sl_can_frame f;
    for (int64_t i = 0; i < (int64_t)secs * 100; i++) {
        int64_t t = t0 + i * 10000 + (int64_t)(rnd() % 200);
        mk100(&f, t, k++);
        fn(ctx, &f);
        if (i % 10 == 3) {
            mk200(&f, t + 3000);
            fn(ctx, &f);
        }
    }
    return k;
}

static void learn_sink(void *ctx, const struct sl_can_frame *f)
{
    sl_can_learn_frame(ctx, f);
}

static struct sl_can_baseline B;

static void learn_bus(void)
{
    if (B.n > 0)
        return;
    struct sl_can_learner *l = sl_can_learner_new();
    emit_clean(T0, 120, 0, learn_sink, l);
    struct sl_err err;
    assert_int_equal(sl_can_learn_finish(l, &B, "can0", 500000, &err), 0);
    sl_can_learner_free(l);
}

struct run {
    FILE *out;
    char *buf;
    size_t len;
    struct sl_can_alerts *a;
    struct sl_can_watch *w;
};

static void run_open(struct run *r)
{
    learn_bus();
    r->out = open_memstream(&r->buf, &r->len);
    static const char *names[1] = {"can0"};
    struct sl_can_alerts_config ac = {.out = r->out, .iface_names = names, .n_ifaces = 1};
    r->a = sl_can_alerts_new(&ac);
    r->w = sl_can_watch_new(&B, r->a);
    assert_non_null(r->w);
}

static void watch_sink(void *ctx, const struct sl_can_frame *f)
{
    sl_can_watch_frame(((struct run *)ctx)->w, f);
}

static int run_count(struct run *r, const char *needle)
{
    sl_can_alerts_flush(r->a);
    fflush(r->out);
    int n = 0;
    for (const char *p = r->buf; p != NULL && (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void run_close(struct run *r)
{
    sl_can_watch_free(r->w);
    sl_can_alerts_free(r->a);
    fclose(r->out);
    free(r->buf);
}

static void test_learn_model(void **state)
{
    (void)state;
    learn_bus();
    assert_int_equal(B.n, 2);
    const struct sl_can_id_model *m = sl_can_baseline_find(&B, 0x100);
    assert_non_null(m);
    if (m == NULL)
        return;
    assert_true(m->periodic);
    assert_true(m->gap_mean > 9900 && m->gap_mean < 10100);
    assert_int_equal(m->n_counters, 1);
    assert_int_equal(m->counter[0].order, 0);
    assert_int_equal(m->counter[0].pos, 12); /* byte 1's low nibble, counted from the MSB */
    assert_int_equal(m->counter[0].bits, 4);
    assert_int_equal(m->counter[0].modulo, 16);
    assert_int_equal(m->cs.kind, SL_CAN_CS_NEGSUM);
    assert_int_equal(m->cs.byte, 7);
    assert_int_equal(m->cmask[4], 0xFF);
    assert_int_equal(m->cval[4], 0x55);
    assert_int_equal(m->cmask[1], 0xF0);
    assert_true(m->same_limit > 0);
    assert_null(sl_can_baseline_find(&B, 0x101));
    /* the JSON round trip keeps every threshold */
    json_t *j = sl_can_baseline_to_json(&B);
    struct sl_can_baseline c;
    struct sl_err err;
    assert_int_equal(sl_can_baseline_from_json(&c, j, &err), 0);
    const struct sl_can_id_model *n = sl_can_baseline_find(&c, 0x100);
    assert_non_null(n);
    if (n == NULL)
        return;
    assert_true(n->too_fast == m->too_fast && n->silent == m->silent);
    assert_int_equal(n->rate_limit, m->rate_limit);
    assert_memory_equal(n->cmask, m->cmask, 8);
    assert_memory_equal(n->cval, m->cval, 8);
    assert_memory_equal(n->jump, m->jump, 8);
    assert_int_equal(n->cs.kind, m->cs.kind);
    assert_int_equal(n->counter[0].pos, m->counter[0].pos);
    assert_int_equal(n->same_limit, m->same_limit);
    assert_int_equal(c.bus.load_limit_frames, B.bus.load_limit_frames);
    sl_can_baseline_free(&c);
    /* a hostile file: a wrong type, an out-of-range number */
    json_object_set_new(j, "type", json_string("other"));
    assert_int_equal(sl_can_baseline_from_json(&c, j, &err), -1);
    json_decref(j);
    json_t *bad = json_loads("{\"v\":1,\"type\":\"can_baseline\",\"bus\":{\"frames\":1,"
                             "\"per_100ms\":{\"frames_max\":1,\"alert_if_frames_above\":2},"
                             "\"error_frames_per_s\":{\"alert_if_above\":1}},\"ids\":{\"0x100\":"
                             "{\"frames\":-5,\"lengths\":[8],\"max_frames_per_s\":1,"
                             "\"alert_if\":{\"frames_per_s_above\":2}}}}", 0, NULL);
    assert_int_equal(sl_can_baseline_from_json(&c, bad, &err), -1);
    assert_non_null(strstr(err.msg, "frames"));
    json_decref(bad);
}

static void test_watch_clean(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    emit_clean(T0 + 200000000, 60, 0, watch_sink, &r);
    /* a frame stamped a little before the one before it (merged captures): no injection */
    struct sl_can_frame f;
    mk200(&f, T0 + 260005000);
    sl_can_watch_frame(r.w, &f);
    mk200(&f, T0 + 260000000);
    sl_can_watch_frame(r.w, &f);
    if (run_count(&r, "can_alert") != 0) {
        print_error("%s\n", r.buf);
        fail();
    }
    run_close(&r);
}

static void test_watch_suppression(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    const struct sl_can_id_model *m = sl_can_baseline_find(&B, 0x100);
    assert_non_null(m);
    if (m == NULL)
        return;
    /* 0x100 stops after 5 s; 0x200 goes on. One 0x200 frame comes in the very
     * millisecond of the deadline, just before it: the timer wheel once marked
     * that millisecond done and let the deadline wait a whole turn (4 s). */
    struct sl_can_frame f;
    int64_t t0 = T0 + 300000000 + 500, last = 0;
    unsigned k = 0;
    for (int64_t i = 0; i < 500; i++) {
        mk100(&f, t0 + i * 10000, k++);
        last = f.ts_us;
        sl_can_watch_frame(r.w, &f);
    }
    int64_t deadline = last + m->silent;
    if (deadline % 1000 == 0)
        deadline++;
    mk200(&f, deadline - 1);
    sl_can_watch_frame(r.w, &f);
    for (int i = 1; i < 60; i++) {
        mk200(&f, deadline - 1 + i * 100000);
        sl_can_watch_frame(r.w, &f);
    }
    assert_int_equal(run_count(&r, "\"signature_id\":9100012"), 1);
    const char *ts = strstr(r.buf, "\"ts\":");
    assert_non_null(ts);
    double at = strtod(ts + 5, NULL) * 1e6;
    assert_true(at >= (double)(last + m->silent));
    assert_true(at <= (double)deadline + 100000 + 1000); /* the next frame after it */
    run_close(&r);
}

static void test_watch_detectors(void **state)
{
    (void)state;
    struct sl_can_frame f;
    int64_t t = T0 + 400000000;
    struct {
        const char *what;
        uint32_t sig;
    } cases[] = {
        {"injection", SL_CAN_SIG_TOO_FAST}, {"unknown", SL_CAN_SIG_UNKNOWN_ID},
        {"dlc", SL_CAN_SIG_DLC},            {"repeat", SL_CAN_SIG_COUNTER_REPEAT},
        {"skip", SL_CAN_SIG_COUNTER_JUMP},  {"const", SL_CAN_SIG_CONST_BITS},
        {"checksum", SL_CAN_SIG_CHECKSUM},  {"frozen", SL_CAN_SIG_FROZEN},
        {"load", SL_CAN_SIG_LOAD},          {"errors", SL_CAN_SIG_ERRORS},
        {"fuzz", SL_CAN_SIG_ENTROPY},       {"range", SL_CAN_SIG_RANGE},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct run r;
        run_open(&r);
        unsigned k = emit_clean(t, 2, 0, watch_sink, &r);
        int64_t u = t + 2000000 + 5000;
        const char *w = cases[c].what;
        mk100(&f, u, k);
        if (strcmp(w, "injection") == 0) {
            sl_can_watch_frame(r.w, &f);
            mk100(&f, u + 1000, k + 1);
        } else if (strcmp(w, "unknown") == 0) {
            f.id = 0x7EF;
        } else if (strcmp(w, "dlc") == 0) {
            f.len = 7;
        } else if (strcmp(w, "repeat") == 0) {
            mk100(&f, u, k - 1);
        } else if (strcmp(w, "skip") == 0) {
            mk100(&f, u, k + 5);
        } else if (strcmp(w, "const") == 0) {
            f.data[4] = 0x54;
            f.data[7]++; /* keep the checksum right: only the constant bit is wrong */
        } else if (strcmp(w, "checksum") == 0) {
            f.data[7] ^= 0x40;
        } else if (strcmp(w, "frozen") == 0) {
            uint8_t keep[8];
            memcpy(keep, f.data, 8);
            for (int i = 0; i < 4; i++) { /* alike but for the counter and checksum */
                mk100(&f, u + i * 10000, k + (unsigned)i);
                memcpy(f.data + 2, keep + 2, 5);
                f.data[1] = (uint8_t)((keep[1] & 0xF0) | ((k + (unsigned)i) & 15));
                uint8_t sum = 0;
                for (int b = 0; b < 7; b++)
                    sum = (uint8_t)(sum + f.data[b]);
                f.data[7] = (uint8_t)(0xFF - sum);
                if (i < 3)
                    sl_can_watch_frame(r.w, &f);
            }
        } else if (strcmp(w, "load") == 0) {
            for (unsigned i = 0; i < B.bus.load_limit_frames + 5; i++) {
                struct sl_can_frame g;
                mk200(&g, u + i * 50);
                g.id = 0x7EE;
                sl_can_watch_frame(r.w, &g);
            }
        } else if (strcmp(w, "errors") == 0) {
            for (int i = 0; i < 30; i++) {
                struct sl_can_frame g;
                memset(&g, 0, sizeof g);
                g.ts_us = u - 50000 + i * 1000;
                g.flags = SL_CAN_F_ERR;
                g.id = 0x88;
                g.len = 8;
                sl_can_watch_frame(r.w, &g);
            }
        } else if (strcmp(w, "fuzz") == 0) {
            for (int i = 0; i < 8; i++)
                f.data[i] = (uint8_t)~f.data[i];
        } else if (strcmp(w, "range") == 0) {
            f.data[2] = 0x30; /* the slow value's high byte, far outside 0x03..0x04 */
            f.data[7] = (uint8_t)(f.data[7] + 0x03 - 0x30 + (f.data[2] == 0x30 ? 0 : 0));
            uint8_t sum = 0;
            for (int b = 0; b < 7; b++)
                sum = (uint8_t)(sum + f.data[b]);
            f.data[7] = (uint8_t)(0xFF - sum);
        }
        sl_can_watch_frame(r.w, &f);
        char needle[48];
        snprintf(needle, sizeof needle, "\"signature_id\":%u", cases[c].sig);
        int n = run_count(&r, needle);
        if (n < 1) {
            print_error("%s: no alert %u; output: %.2000s\n", w, cases[c].sig, r.buf ? r.buf : "");
            fail();
        }
        run_close(&r);
    }
}

static void test_alert_dedup(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    static const char *names[1] = {"can0"};
    struct sl_can_alerts_config ac = {.out = out, .iface_names = names, .n_ifaces = 1,
                                      .window_us = 10000000, .max_new_per_s = 3};
    struct sl_can_alerts *a = sl_can_alerts_new(&ac);
    uint8_t d[2] = {0xAB, 0xCD};
    for (int i = 0; i < 5; i++) {
        struct sl_can_alert al = {SL_CAN_SIG_UNKNOWN_ID, T0 + i * 1000, 0, 0x7EF, "x", "y", d, 2};
        assert_int_equal(sl_can_alerts_raise(a, &al), i == 0 ? 1 : 0);
    }
    /* after the window: a new line; the repeats of the first window written before it */
    struct sl_can_alert later = {SL_CAN_SIG_UNKNOWN_ID, T0 + 20000000, 0, 0x7EF, "x", "y", d, 2};
    assert_int_equal(sl_can_alerts_raise(a, &later), 1);
    /* a fuzzer's many ids: 3 lines a second, the rest rolled up under "*" */
    for (uint32_t id = 0; id < 50; id++) {
        struct sl_can_alert al = {SL_CAN_SIG_UNKNOWN_ID, T0 + 30000000 + id, 0, id, "x", "y", d, 2};
        sl_can_alerts_raise(a, &al);
    }
    sl_can_alerts_flush(a);
    fflush(out);
    struct sl_can_alerts_stats st;
    sl_can_alerts_get_stats(a, &st);
    assert_int_equal(st.raised, 56);
    assert_int_equal(st.rolled_up, 47);
    assert_non_null(strstr(buf, "\"count\":4,\"repeat\":true,\"first_ts\":1772442000.001"));
    assert_non_null(strstr(buf, "\"can_id\":\"*\""));
    assert_non_null(strstr(buf, "\"can_id\":\"*\",\"detector\":\"unknown_id\",\"signature_id\":9100001,"
                                "\"signature\":\"SIGHTLINE CAN unknown identifier\",\"severity\":2,"
                                "\"count\":46,\"repeat\":true"));
    assert_non_null(strstr(buf, "{\"v\":1,\"type\":\"can_alert\",\"ts\":1772442000.0,\"iface\":\"can0\","
                                "\"can_id\":\"0x7EF\",\"detector\":\"unknown_id\""));
    assert_non_null(strstr(buf, "\"len\":2,\"data\":\"ABCD\""));
    sl_can_alerts_free(a);
    fclose(out);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candump_forms), cmocka_unit_test(test_hcrl_forms),
        cmocka_unit_test(test_pcap_records),  cmocka_unit_test(test_corpus_files),
        cmocka_unit_test(test_learn_model),   cmocka_unit_test(test_watch_clean),
        cmocka_unit_test(test_watch_suppression), cmocka_unit_test(test_watch_detectors),
        cmocka_unit_test(test_alert_dedup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sl_can_baseline_free(&B);
    return rc;
}
