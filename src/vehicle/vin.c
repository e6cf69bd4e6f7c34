/* vin.c - VIN syntax, check digit, model year and WMI look-up (rules.h); it
 * says who made a vehicle and where, not what is in it. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "vehicle/rules_internal.h"

/* 49 CFR 565.15 Table III: the value of each letter (I, O, Q have none). */
static int vin_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    static const char values[] = "12345678123457923456789";
    const char *p = c != '\0' ? strchr(letters, c) : NULL;
    return p != NULL ? values[p - letters] - '0' : -1;
}

char sl_vin_check_digit(const char *vin17)
{
    static const int weight[SL_VIN_LEN] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < SL_VIN_LEN; i++) {
        int v = vin_value(vin17[i]);
        if (v < 0 && i != 8)
            return '?';
        sum += i == 8 ? 0 : v * weight[i];
    }
    int r = sum % 11;
    return r == 10 ? 'X' : (char)('0' + r);
}

/* The position of c in the ISO 3780 second-character sequence, or -1. */
static int seq_pos(char c)
{
    const char *p = c != '\0' ? strchr(SL_VIN_SEQUENCE, c) : NULL;
    return p != NULL ? (int)(p - SL_VIN_SEQUENCE) : -1;
}

static void find_country(const struct sl_vrules *vr, const char *vin, struct sl_vin_info *out)
{
    int p = seq_pos(vin[1]);
    for (size_t i = 0; i < vr->n_countries && p >= 0; i++) {
        const struct sl_vr_country *c = &vr->countries[i];
        if (c->from[0] == vin[0] && seq_pos(c->from[1]) <= p && p <= seq_pos(c->to[1])) {
            out->country = c->country;
            out->country_name = c->name;
            return;
        }
    }
}

static void model_year(const struct sl_vrules *vr, const char *vin, struct sl_vin_info *out)
{
    const char *p = strchr(vr->year_codes, vin[9]);
    if (p == NULL || vin[9] == '\0')
        return;
    int first = vr->first_cycle + (int)(p - vr->year_codes);
    out->year_candidates[0] = first;
    out->year_candidates[1] = first + 30;
    /* North America: a numeric position 7 means the first cycle, a letter the second. */
    if (strchr(vr->pos7_first, vin[0]) != NULL)
        out->model_year = isdigit((unsigned char)vin[6]) ? first : first + 30;
}

/* Copies text without surrounding blanks, upper-cased, into vin; -1 when the
 * length is wrong. */
static int take(const char *text, char vin[SL_VIN_LEN + 1], struct sl_err *err)
{
    char buf[64];
    size_t n = strlen(text);
    if (n >= sizeof buf)
        return sl_err_set(err, "a VIN has 17 characters, this has %zu", n);
    memcpy(buf, text, n + 1);
    sl_str_trim(buf);
    n = strlen(buf);
    if (n == 0)
        return sl_err_set(err, "empty: a VIN has 17 characters");
    if (n != SL_VIN_LEN)
        return sl_err_set(err, "a VIN has 17 characters, this has %zu", n);
    for (size_t i = 0; i < n; i++)
        vin[i] = (char)toupper((unsigned char)buf[i]);
    vin[SL_VIN_LEN] = '\0';
    return 0;
}

int sl_vin_decode(const struct sl_vrules *vr, const char *text, struct sl_vin_info *out,
                  struct sl_err *err)
{
    memset(out, 0, sizeof *out);
    if (take(text, out->vin, err) != 0)
        return -1;
    const char *v = out->vin;
    for (int i = 0; i < SL_VIN_LEN; i++) {
        char c = v[i];
        if (c == 'I' || c == 'O' || c == 'Q')
            return sl_err_set(err, "'%c' at position %d: I, O and Q are never used in a VIN", c,
                              i + 1);
        if (vin_value(c) < 0) {
            char shown[2] = {isprint((unsigned char)c) ? c : '?', '\0'};
            return sl_err_set(err, "'%s' at position %d is not a VIN character (digits and "
                                   "letters only)", shown, i + 1);
        }
    }
    memcpy(out->wmi, v, 3);
    out->region = (unsigned char)v[0] < 128 ? vr->region_of[(unsigned char)v[0]] : NULL;
    find_country(vr, v, out);
    out->check_digit = sl_vin_check_digit(v);
    out->check_ok = v[8] == out->check_digit;
    out->check_required = strchr(vr->check_required, v[0]) != NULL;
    if (out->check_required && !out->check_ok)
        return sl_err_set(err, "check digit: position 9 is '%c' but the VIN computes to '%c' (a "
                               "check digit is required for WMIs starting '%c': 49 CFR 565.15, "
                               "GB 16735)", v[8], out->check_digit, v[0]);
    model_year(vr, v, out);
    out->wmi_rule = sl_vr_lookup(vr->wmi, vr->n_wmi, out->wmi);
    return 0;
}
