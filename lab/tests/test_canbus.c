/* test_canbus.c - the lab's DBC reader (bit layouts of both byte orders,
 * cycle times, signal roles) and the simulated bus (the same seeds give the
 * same bytes; counters step; checksums hold; attack windows and their truth). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canbus.h"
#include "dbc.h"

static const char DBC[] =
    "VERSION \"\"\n"
    "BO_ 256 Speed: 8 ECU1\n"
    " SG_ Speed_Cnt : 11|4@0+ (1,0) [0|15] \"\" ECU2\n"
    " SG_ Speed_Cs : 7|8@0+ (1,0) [0|255] \"\" ECU2\n"
    " SG_ VehSpeed : 23|16@0+ (0.01,0) [0|300] \"kph\" ECU2\n"
    " SG_ Gear : 39|3@0+ (1,0) [0|7] \"\" ECU2\n"
    "BO_ 512 Status: 4 ECU2\n"
    " SG_ Mode M : 0|4@1+ (1,0) [0|15] \"\" ECU1\n"
    " SG_ Temp m0 : 8|8@1- (1,-40) [-40|200] \"C\" ECU1\n"
    " SG_ Wide : 12|12@1+ (1,0) [0|4095] \"\" ECU1\n"
    " SG_ TooFar : 30|8@1+ (1,0) [0|255] \"\" ECU1\n"
    "BO_ 2566834709 Ext: 8 ECU2\n"
    " SG_ Val : 0|32@1+ (1,0) [0|0] \"\" ECU1\n"
    "BO_ 2015 Diag_Req: 8 Tester\n"
    "BA_ \"GenMsgCycleTime\" BO_ 256 20;\n"
    "BA_ \"GenMsgCycleTime\" BO_ 512 100;\n"
    "BA_ \"GenMsgCycleTime\" BO_ 2566834709 500;\n";

static void test_dbc(void **state)
{
    (void)state;
    struct lab_dbc d;
    struct sl_err err;
    assert_int_equal(lab_dbc_parse(&d, DBC, sizeof DBC - 1, &err), 0);
    assert_int_equal(d.n, 4);
    assert_int_equal(d.msg[0].id, 0x100);
    assert_int_equal(d.msg[0].cycle_ms, 20);
    assert_int_equal(d.msg[0].nsig, 4);
    assert_int_equal(d.msg[0].sig[0].role, LAB_SIG_COUNTER);
    assert_int_equal(d.msg[0].sig[1].role, LAB_SIG_CHECKSUM);
    assert_true(d.msg[2].ext);
    assert_int_equal(d.msg[2].id, 0x18FECA15);
    assert_int_equal(d.msg[2].cycle_ms, 500);
    assert_int_equal(d.msg[1].nsig, 3); /* TooFar (bits 30..37 of 4 bytes) dropped */
    assert_int_equal(d.msg[1].sig[0].role, LAB_SIG_MUX);
    assert_int_equal(d.msg[1].sig[1].mux, 0);
    /* Motorola 16 bits from bit 23: byte 2 then byte 3, most significant first */
    uint8_t p[8] = {0};
    lab_dbc_put(&d.msg[0].sig[2], p, 0x1234);
    assert_int_equal(p[2], 0x12);
    assert_int_equal(p[3], 0x34);
    assert_int_equal(lab_dbc_get(&d.msg[0].sig[2], p), 0x1234);
    /* Motorola 4 bits from bit 11: byte 1 bits 3..0 */
    memset(p, 0, sizeof p);
    lab_dbc_put(&d.msg[0].sig[0], p, 0xA);
    assert_int_equal(p[1], 0x0A);
    /* Intel 12 bits from bit 12: byte 1 bits 4..7, byte 2 */
    memset(p, 0, sizeof p);
    lab_dbc_put(&d.msg[1].sig[2], p, 0xABC);
    assert_int_equal(p[1], 0xC0);
    assert_int_equal(p[2], 0xAB);
    assert_int_equal(lab_dbc_get(&d.msg[1].sig[2], p), 0xABC);
    lab_dbc_free(&d);
    assert_int_equal(lab_dbc_parse(&d, "nothing here\n", 13, &err), -1);
}

static char *run(uint64_t seed, unsigned attacks, size_t *len, char **truth)
{
    struct lab_dbc d;
    struct sl_err err;
    assert_int_equal(lab_dbc_parse(&d, DBC, sizeof DBC - 1, &err), 0);
    struct lab_canbus_config cfg = {.dbc = &d, .seed = seed, .vehicle_seed = 3,
                                    .start_us = 1772442000000000LL, .duration_us = 120000000,
                                    .attacks = attacks};
    struct lab_canbus *b;
    assert_int_equal(lab_canbus_new(&b, &cfg, &err), 0);
    char *buf = NULL, *tb = NULL;
    size_t tl = 0;
    FILE *out = open_memstream(&buf, len), *tf = open_memstream(&tb, &tl);
    struct lab_canbus_out o = {.log = out, .iface = "can0", .truth = tf};
    struct lab_canbus_stats st;
    assert_int_equal(lab_canbus_run(b, &o, &st, &err), 0);
    fclose(out);
    fclose(tf);
    assert_int_equal(st.messages, 3); /* the diagnostic request is left out */
    lab_canbus_free(b);
    lab_dbc_free(&d);
    *truth = tb;
    return buf;
}

static void test_bus(void **state)
{
    (void)state;
    size_t la, lb;
    char *ta, *tb;
    char *a = run(1, 0, &la, &ta), *b = run(1, 0, &lb, &tb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la); /* reproducible byte for byte */
    /* 0x100 every 20 ms for 120 s: about 6000 frames; its counter steps by one */
    unsigned n = 0, prev = 99, bad = 0;
    for (char *p = a; (p = strstr(p, " can0 100#")) != NULL; p++) {
        unsigned b1 = (unsigned)strtoul((char[3]){p[12], p[13], 0}, NULL, 16);
        if (prev != 99 && (prev + 1) % 16 != (b1 & 15))
            bad++;
        prev = b1 & 15;
        n++;
    }
    assert_true(n >= 5990 && n <= 6010);
    assert_int_equal(bad, 0);
    assert_non_null(strstr(a, " can0 18FECA15#"));
    assert_null(strstr(a, " can0 7DF#"));
    assert_int_equal(strlen(ta), 0);
    free(a);
    free(b);
    free(ta);
    free(tb);
    /* attacks: windows in turn, each a truth line */
    char *c = run(2, (1u << LAB_ATK_N) - 1, &la, &ta);
    unsigned windows = 0;
    for (char *p = ta; (p = strstr(p, "{\"kind\":")) != NULL; p++)
        windows++;
    assert_true(windows >= 3);
    assert_non_null(strstr(ta, "{\"kind\":\"dos\",\"start\":1772442020."));
    assert_non_null(strstr(c, " can0 000#0000000000000000"));
    free(c);
    free(ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dbc), cmocka_unit_test(test_bus)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
