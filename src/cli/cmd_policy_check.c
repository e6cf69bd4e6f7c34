/* cmd_policy_check.c - sightline policy check: the real maker behind a make and
 * model a buyer is offered, and each policy tier's verdict on it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "ident/ident_internal.h"
#include "ident/purchase.h"
#include "policy/policy.h"
#include "util/csv.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"
#include "util/table.h"
#include "util/timeutil.h"

#define CHECK_MAX_CSV (16u << 20)
#define CHECK_MAX_SOURCES 128

struct check_ctx {
    const struct sl_ident *id;
    const struct sl_policy_set *ps;
    int64_t now;
    const char *default_type;
    struct sl_table *table; /* text output, or NULL */
    json_t *list;           /* --json output, or NULL */
    size_t restricted;      /* rows prohibited or replace-by at some tier */
    size_t n_sources;       /* text output: each distinct source once, numbered */
    char *sources[CHECK_MAX_SOURCES];
};

static void usage(const char *cmd)
{
    printf("Usage: %s \"MAKE MODEL\"... [--type TYPE] [--policy ID,ID] [--date YYYY-MM-DD] [--json]\n"
           "       %s --csv FILE|- [--type TYPE] [--policy ID,ID] [--date YYYY-MM-DD] [--json]\n\n"
           "Names the real maker behind a make and model a buyer is offered (\"Annke C800\" is\n"
           "a Hikvision product) from the vendor registry (makers, their own brands, OEM\n"
           "labels and who makes them) and the model-number rules, and prints each site\n"
           "tier's verdict under the policies in force, with the source. A single string is\n"
           "split at the longest registry name it starts with.\n\n"
           "  --csv FILE       a purchase list or an asset register export: a header row with\n"
           "                   a make column (make, manufacturer, brand or vendor) and a model\n"
           "                   column (model, model number or product); an optional type column\n"
           "  --type TYPE      device type when the model number does not say (default camera:\n"
           "                   the statement covers visual surveillance equipment)\n"
           "  --policy IDS     policies in force (default: the data's default set)\n"
           "  --date DAY       judge as of this day (default today)\n"
           "  --json           one JSON object per product, in a list\n\n"
           "Exit: 0 done (whatever the verdicts), 2 usage or input error.\n",
           cmd, cmd);
}

static void verdicts_of(const struct check_ctx *c, const struct sl_claim *claim,
                        struct sl_verdict v[SL_TIER_COUNT])
{
    for (int t = 0; t < SL_TIER_COUNT; t++)
        sl_policy_judge(c->ps, (enum sl_tier)t, claim, c->now, &v[t]);
}

static void verdict_text(const struct sl_verdict *v, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", sl_decision_name(v->decision), v->deadline[0] ? " " : "",
             v->deadline);
}

/* One product: check, judge, add to the output. */
static void check_one(struct check_ctx *c, const char *make, const char *model, const char *type)
{
    struct sl_purchase p;
    sl_purchase_check(c->id, make, model, &p);
    if (p.device_type[0] == '\0')
        sl_strlcpy(p.device_type, type != NULL && type[0] ? type : c->default_type,
                   sizeof p.device_type);
    struct sl_claim claim;
    sl_purchase_claim(&p, &claim);
    struct sl_verdict v[SL_TIER_COUNT];
    verdicts_of(c, &claim, v);
    for (int t = 0; t < SL_TIER_COUNT; t++)
        if (v[t].decision == SL_DECISION_PROHIBITED || v[t].decision == SL_DECISION_REPLACE_BY) {
            c->restricted++;
            break;
        }
    if (c->list != NULL) {
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s}", "make", p.make, "model",
                              p.model, "maker", p.maker[0] ? p.maker : NULL, "brand",
                              p.brand[0] ? p.brand : NULL, "relation",
                              sl_purchase_relation_name(p.relation), "device_type", p.device_type,
                              "basis", p.basis, "source", p.source);
        json_t *vj = json_object();
        for (int t = 0; t < SL_TIER_COUNT; t++)
            json_object_set_new(vj, sl_tier_name((enum sl_tier)t), sl_verdict_to_json(&v[t]));
        json_object_set_new(o, "verdicts", vj);
        json_array_append_new(c->list, o);
        return;
    }
    char ref[24] = "-";
    if (p.source[0] != '\0') {
        size_t k = 0;
        while (k < c->n_sources && strcmp(c->sources[k], p.source) != 0)
            k++;
        if (k == c->n_sources && k < CHECK_MAX_SOURCES && (c->sources[k] = strdup(p.source)) != NULL)
            c->n_sources++;
        if (k < c->n_sources)
            snprintf(ref, sizeof ref, "[%zu]", k + 1);
    }
    char tv[SL_TIER_COUNT][48];
    for (int t = 0; t < SL_TIER_COUNT; t++)
        verdict_text(&v[t], tv[t], sizeof tv[t]);
    const char *row[] = {p.make[0] ? p.make : "-", p.model[0] ? p.model : "-",
                         p.maker[0] ? p.maker : "unknown", sl_purchase_relation_name(p.relation),
                         tv[SL_TIER_SENSITIVE], tv[SL_TIER_OFFICIAL], tv[SL_TIER_PUBLIC],
                         ref, p.basis};
    sl_table_add(c->table, row);
}

/* The column of a header row whose name is one of names (case-insensitive). */
static int column_of(const struct sl_csv_reader *r, const char *const *names)
{
    for (size_t i = 0; i < r->nfields; i++) {
        char h[64];
        sl_strlcpy(h, r->fields[i], sizeof h);
        sl_str_trim(h);
        for (size_t k = 0; names[k] != NULL; k++)
            if (strcasecmp(h, names[k]) == 0)
                return (int)i;
    }
    return -1;
}

static int check_csv(const char *cmd, struct check_ctx *c, const char *path)
{
    static const char *const make_names[] = {"make", "manufacturer", "brand", "vendor", NULL};
    static const char *const model_names[] = {"model", "model number", "model_number", "product",
                                              NULL};
    static const char *const type_names[] = {"type", "device type", "device_type", NULL};
    struct sl_err err = {0};
    size_t len;
    char *data = sl_read_file(path, CHECK_MAX_CSV, &len, &err);
    if (data == NULL)
        return sl_cli_usage_error(cmd, "%s", err.msg);
    struct sl_csv_reader *r = malloc(sizeof *r);
    if (r == NULL) {
        free(data);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "out of memory");
    }
    sl_csv_reader_init(r, data, len);
    size_t line;
    int rc = SL_EXIT_OK, got = sl_csv_next(r, &line, &err);
    int mk = -1, md = -1, ty = -1;
    if (got == 1) {
        mk = column_of(r, make_names);
        md = column_of(r, model_names);
        ty = column_of(r, type_names);
    }
    if (got != 1 || (mk < 0 && md < 0)) {
        rc = sl_cli_usage_error(cmd, "%s: %s", path,
                                got < 0 ? err.msg
                                        : "needs a header row with a make column (make, "
                                          "manufacturer, brand, vendor) or a model column (model, "
                                          "model number, product)");
    }
    while (rc == SL_EXIT_OK && (got = sl_csv_next(r, &line, &err)) == 1) {
        const char *make = mk >= 0 && (size_t)mk < r->nfields ? r->fields[mk] : "";
        const char *model = md >= 0 && (size_t)md < r->nfields ? r->fields[md] : "";
        const char *type = ty >= 0 && (size_t)ty < r->nfields ? r->fields[ty] : NULL;
        if (make[0] == '\0' && model[0] == '\0')
            continue;
        check_one(c, make[0] ? make : NULL, model, type);
    }
    if (rc == SL_EXIT_OK && got < 0)
        rc = sl_cli_usage_error(cmd, "%s: %s", path, err.msg);
    free(r);
    free(data);
    return rc;
}

int sl_cmd_policy_check(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"csv", required_argument, NULL, 'c'},  {"type", required_argument, NULL, 't'},
        {"policy", required_argument, NULL, 'p'}, {"date", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *csv = NULL, *select = NULL, *date = NULL;
    struct check_ctx c = {.default_type = "camera"};
    bool json = false;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': csv = optarg; break;
        case 't': c.default_type = optarg; break;
        case 'p': select = optarg; break;
        case 'd': date = optarg; break;
        case 'j': json = true; break;
        case 'h': usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if ((csv == NULL) == (optind == argc))
        return sl_cli_usage_error(cmd, "give \"MAKE MODEL\" strings or --csv FILE (one of them)");
    c.now = sl_now();
    if (date != NULL && sl_time_parse(date, &c.now) != 0)
        return sl_cli_usage_error(cmd, "--date must be YYYY-MM-DD");
    struct sl_err err = {0};
    struct sl_ident *id = NULL;
    struct sl_policy_set *ps = NULL;
    if (sl_ident_load(&id, sl_datadir(), &err) != 0 || sl_policy_load(&ps, sl_datadir(), &err) != 0) {
        sl_ident_free(id);
        return sl_cli_fail(cmd, SL_EXIT_RUNTIME, "%s", err.msg);
    }
    int rc = SL_EXIT_OK;
    if (sl_policy_select(ps, select, &err) != 0) {
        rc = sl_cli_usage_error(cmd, "--policy: %s", err.msg);
        goto out;
    }
    c.id = id;
    c.ps = ps;
    static const char *const headers[] = {"make",   "model",  "maker",  "relation", "sensitive",
                                          "official", "public", "source", "basis"};
    if (json)
        c.list = json_array();
    else
        c.table = sl_table_new(9, headers);
    if (csv != NULL)
        rc = check_csv(cmd, &c, csv);
    for (int i = optind; i < argc && rc == SL_EXIT_OK; i++)
        check_one(&c, NULL, argv[i], NULL);
    if (rc == SL_EXIT_OK && json) {
        sl_print_json(stdout, c.list); /* takes the reference */
        c.list = NULL;
    }
    else if (rc == SL_EXIT_OK) {
        sl_table_print(c.table, stdout, 72);
        for (size_t k = 0; k < c.n_sources; k++)
            printf("[%zu] %s\n", k + 1, c.sources[k]);
    }
out:
    for (size_t k = 0; k < c.n_sources; k++)
        free(c.sources[k]);
    json_decref(c.list);
    sl_table_free(c.table);
    sl_policy_free(ps);
    sl_ident_free(id);
    return rc;
}
