/* test_rst.c - the reset the loopback lab sends for a closed port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rst.h"

static uint16_t csum(const uint8_t *p, size_t n, uint32_t acc)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        acc += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)acc;
}

/* A SYN from 127.0.0.1:40000 to 127.18.1.7:8000, seq 0x11223344. */
static void make_syn(uint8_t *p)
{
    memset(p, 0, 40);
    p[0] = 0x45;
    p[3] = 40;
    p[8] = 64;
    p[9] = 6;
    p[12] = 127, p[13] = 0, p[14] = 0, p[15] = 1;
    p[16] = 127, p[17] = 18, p[18] = 1, p[19] = 7;
    uint8_t *t = p + 20;
    t[0] = 40000 >> 8, t[1] = 40000 & 0xff;
    t[2] = 8000 >> 8, t[3] = 8000 & 0xff;
    t[4] = 0x11, t[5] = 0x22, t[6] = 0x33, t[7] = 0x44;
    t[12] = 5 << 4;
    t[13] = 0x02;
}

static void test_reset_answers_syn(void **state)
{
    (void)state;
    uint8_t syn[40], out[40];
    make_syn(syn);
    assert_int_equal(lab_rst_build(syn, sizeof syn, out), 40);
    assert_memory_equal(out + 12, syn + 16, 4); /* from the device */
    assert_memory_equal(out + 16, syn + 12, 4); /* to the prober */
    const uint8_t *t = out + 20;
    assert_int_equal(t[0] << 8 | t[1], 8000);
    assert_int_equal(t[2] << 8 | t[3], 40000);
    assert_int_equal(t[13], 0x14); /* RST + ACK */
    uint8_t ack[4] = {0x11, 0x22, 0x33, 0x45};
    assert_memory_equal(t + 8, ack, 4); /* acknowledges seq + 1 */
    assert_int_equal(csum(out, 20, 0), 0xffff); /* IP header checksum verifies */
    uint8_t pseudo[12] = {127, 18, 1, 7, 127, 0, 0, 1, 0, 6, 0, 20};
    assert_int_equal(csum(t, 20, csum(pseudo, 12, 0)), 0xffff); /* TCP checksum verifies */
}

static void test_not_a_syn(void **state)
{
    (void)state;
    uint8_t syn[40], out[40];
    make_syn(syn);
    syn[33] = 0x12; /* SYN+ACK */
    assert_int_equal(lab_rst_build(syn, sizeof syn, out), 0);
    make_syn(syn);
    syn[33] = 0x04; /* RST */
    assert_int_equal(lab_rst_build(syn, sizeof syn, out), 0);
    make_syn(syn);
    assert_int_equal(lab_rst_build(syn, 30, out), 0); /* truncated */
    syn[0] = 0x46; /* IP options claimed but absent */
    assert_int_equal(lab_rst_build(syn, 40, out), 0);
    make_syn(syn);
    syn[9] = 17; /* UDP */
    assert_int_equal(lab_rst_build(syn, 40, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_answers_syn),
        cmocka_unit_test(test_not_a_syn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
