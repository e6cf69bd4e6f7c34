/* judge_output.c - loading what the judging commands need and printing a
 * judged vehicle's chains as text (judge_output.h). */
#include "cli/judge_output.h"

#include <string.h>

#include "cli/cli.h"
#include "util/datadir.h"

int sl_cli_load_policies(const char *cmd, const char *select, struct sl_policy_set **ps)
{
    struct sl_err err = {0};
    if (sl_policy_load(ps, sl_datadir(), &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    if (sl_policy_select(*ps, select, &err) != 0) {
        sl_policy_free(*ps);
        return sl_cli_usage_error(cmd, "--policy: %s", err.msg);
    }
    return SL_EXIT_OK;
}

int sl_cli_load_vehicle_rules(const char *cmd, const char *select, struct sl_policy_set **ps,
                              struct sl_vrules **vr)
{
    int rc = sl_cli_load_policies(cmd, select, ps);
    if (rc != SL_EXIT_OK)
        return rc;
    struct sl_err err = {0};
    if (sl_vrules_load(vr, sl_datadir(), sl_policy_registry(*ps), &err) != 0) {
        sl_policy_free(*ps);
        return sl_cli_fail_err(cmd, &err);
    }
    return SL_EXIT_OK;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

void sl_cli_verdict_text(const json_t *v, char *buf, size_t n)
{
    const char *deadline = str(v, "deadline");
    snprintf(buf, n, "%s%s%s (%s)", str(v, "decision"), deadline[0] ? " " : "", deadline,
             str(v, "policy")[0] ? str(v, "policy") : "no policy");
}

/* One vendor's chain, indented under its part. */
static void print_chain(FILE *out, const json_t *c)
{
    size_t i;
    const json_t *e;
    const json_t *found = json_object_get(c, "found");
    if (json_is_null(json_object_get(c, "vendor")))
        fprintf(out, "      vendor   not identified\n");
    else
        fprintf(out, "      vendor   %s (%s) <- %s \"%s\" [%s]\n", str(c, "vendor"),
                str(c, "country"), str(found, "found_in"), str(found, "text"), str(found, "rule"));
    json_array_foreach(json_object_get(c, "parents"), i, e)
        fprintf(out, "      parent   %s (%s) of %s: %s\n", str(e, "vendor"), str(e, "country"),
                str(e, "parent_of"), str(e, "relation"));
    json_array_foreach(json_object_get(c, "laws"), i, e)
    {
        const char *since = str(e, "since");
        fprintf(out, "      law      %s %s %s%s%s\n", str(e, "vendor"), str(e, "how"),
                str(e, "title"), since[0] ? " since " : "", since);
    }
    json_array_foreach(json_object_get(c, "policies"), i, e)
    {
        char vt[160];
        const json_t *v = json_object_get(e, "verdict");
        sl_cli_verdict_text(v, vt, sizeof vt);
        fprintf(out, "      policy   %s: %s\n               %s\n", str(e, "policy"), vt,
                str(v, "reason"));
    }
}

static void print_subject(FILE *out, const char *label, const json_t *o)
{
    fprintf(out, "  %s\n", label);
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(o, "explain"), i, c)
        print_chain(out, c);
    char vt[160];
    sl_cli_verdict_text(json_object_get(o, "verdict"), vt, sizeof vt);
    fprintf(out, "      verdict  %s\n", vt);
}

void sl_cli_print_vehicle_chain(FILE *out, const json_t *vh)
{
    char head[512], ys[32];
    json_int_t year = json_integer_value(json_object_get(vh, "model_year"));
    const json_t *vd = json_object_get(vh, "vin_decoded");
    if (year != 0)
        snprintf(ys, sizeof ys, "%lld", (long long)year);
    else
        snprintf(ys, sizeof ys, "unknown");
    snprintf(head, sizeof head, "%s  %s %s, model year %s%s, WMI %s (%s)", str(vh, "vin"),
             str(vh, "make"), str(vh, "model"), ys,
             json_is_true(json_object_get(vh, "model_year_from_vin")) ? " (from the VIN)" : "",
             str(vd, "wmi"), str(vd, "country_name")[0] ? str(vd, "country_name") : "?");
    fprintf(out, "%s\n", head);
    print_subject(out, "vehicle (its maker)", json_object_get(vh, "maker"));
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(vh, "parts"), i, p)
    {
        char label[512];
        /* A registered vehicle's parts carry their position (removed ones are gone). */
        const json_t *pos = json_object_get(p, "position");
        size_t n = json_is_integer(pos) ? (size_t)json_integer_value(pos) : i + 1;
        snprintf(label, sizeof label, "part %zu  %s \"%s\"%s%s, %s%s%s", n, str(p, "kind"),
                 str(p, "model"), str(p, "layer")[0] ? " " : "", str(p, "layer"), str(p, "where"),
                 str(p, "imei")[0] ? ", IMEI " : "", str(p, "imei"));
        print_subject(out, label, p);
    }
    const json_t *site = json_object_get(vh, "site_rule");
    if (json_is_object(site)) {
        char vt[160];
        sl_cli_verdict_text(site, vt, sizeof vt);
        fprintf(out, "  site rule  %s\n             %s\n", vt, str(site, "reason"));
    }
    char vt[160];
    sl_cli_verdict_text(json_object_get(vh, "verdict"), vt, sizeof vt);
    fprintf(out, "  VERDICT  %s\n           %s\n\n", vt,
            str(json_object_get(vh, "verdict"), "reason"));
}
