/* fuzz_nmap.c - the nmap-service-probes reader: any bytes as the file, read
 * into a rule set holding no rules of its own (the registry is the source
 * tree's). Every rule it keeps must be a compiled regex on a known field. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ident/nmap.h"
#include "ident/rules.h"
#include "policy/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_registry *reg;
static char datadir[64];

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/rules/none.json", datadir);
    unlink(path);
    snprintf(path, sizeof path, "%s/rules", datadir);
    rmdir(path);
    rmdir(datadir);
    sl_registry_free(reg);
}

/* A data directory with the source tree's registry and an empty rule file,
 * removed at exit. */
static void setup(void)
{
    struct sl_err err;
    if (sl_registry_load(&reg, SL_SOURCE_DIR "/data", &err) != 0)
        abort();
    snprintf(datadir, sizeof datadir, "/tmp/sl-fuzz-nmap.XXXXXX");
    if (mkdtemp(datadir) == NULL)
        abort();
    char path[128];
    snprintf(path, sizeof path, "%s/rules", datadir);
    if (mkdir(path, 0700) != 0)
        abort();
    snprintf(path, sizeof path, "%s/rules/none.json", datadir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        abort();
    fputs("{\"rules\": []}\n", f);
    fclose(f);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (reg == NULL)
        setup();
    struct sl_ruleset *rs;
    struct sl_err err;
    if (sl_rules_load(&rs, datadir, reg, &err) != 0)
        abort();
    struct sl_nmap_stats st;
    sl_nmap_parse(rs, reg, (const char *)data, size, "fuzz", &st, &err);
    if (st.kept != sl_rules_count(rs) || st.kept > st.matches)
        __builtin_trap();
    for (size_t i = 0; i < sl_rules_count(rs); i++) {
        const struct sl_rule *r = sl_rules_at(rs, i);
        if (r->t.op != SL_OP_REGEX || r->t.re == NULL || r->n_fields != 1 ||
            (r->y.maker == NULL && r->y.brand == NULL))
            __builtin_trap();
        /* the kept pattern runs, bounded, on what it was read from */
        sl_rule_match(r, NULL, (const char *)data, size, NULL, NULL);
    }
    sl_rules_free(rs);
    return 0;
}
