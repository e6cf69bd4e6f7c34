/* imei.c - IMEI syntax, Luhn check and TAC look-up (rules.h); a TAC that no
 * cited source names stays unknown. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "vehicle/rules_internal.h"

/* The Luhn digit that completes the first n digits of d. */
static char luhn_digit(const char *d, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int x = d[n - 1 - i] - '0';
        if (i % 2 == 0) {
            x *= 2;
            if (x > 9)
                x -= 9;
        }
        sum += x;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

int sl_imei_decode(const struct sl_vrules *vr, const char *text, struct sl_imei_info *out,
                   struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    char d[24];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t' || (*p == '-' && n > 0 && isdigit((unsigned char)p[1])))
            continue;
        if (!isdigit((unsigned char)*p)) {
            char shown[2] = {isprint((unsigned char)*p) ? *p : '?', '\0'};
            return sl_err_set(err, "'%s' is not a digit: an IMEI has 15 digits", shown);
        }
        if (n + 1 >= sizeof d)
            return sl_err_set(err, "an IMEI has 15 digits, this has more than %zu", sizeof d - 2);
        d[n++] = *p;
    }
    d[n] = '\0';
    if (n == 0)
        return sl_err_set(err, "empty: an IMEI has 15 digits");
    if (n == 14)
        return sl_err_set(err, "14 digits: an IMEI has 15, the last being the Luhn check digit "
                               "(here it would be '%c')", luhn_digit(d, 14));
    if (n == 16)
        return sl_err_set(err, "16 digits: that is an IMEISV (software version, no check "
                               "digit); give the 15-digit IMEI");
    if (n != SL_IMEI_LEN)
        return sl_err_set(err, "an IMEI has 15 digits, this has %zu", n);
    if (luhn_digit(d, 14) != d[14])
        return sl_err_set(err, "check digit: the 15th digit is '%c' but the Luhn check digit "
                               "of the first 14 is '%c'", d[14], luhn_digit(d, 14));
    memcpy(out->imei, d, SL_IMEI_LEN + 1);
    memcpy(out->tac, d, 8);
    out->tac[8] = '\0';
    out->tac_rule = sl_vr_lookup(vr->tac, vr->n_tac, out->tac);
    return 0;
}
