/* fuzz_csv.c - the CSV reader and the network-list parser behind `sites import`,
 * the text checks (UTF-8, control characters), the formula guard read back, and
 * the site an address belongs to among the networks read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sitenet.h"
#include "programme/site_import.h"
#include "util/cidr.h"
#include "util/csv.h"
#include "util/problems.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_csv_reader r;
    sl_csv_reader_init(&r, (const char *)data, size);
    size_t line;
    struct sl_err err;
    int records = 0;
    static struct sl_site_net sn[64];
    static struct sl_import_problems probs;
    size_t nsn = 0;
    memset(&probs, 0, sizeof probs);
    while (records < 10000 && sl_csv_next(&r, &line, &err) == 1) {
        records++;
        for (size_t i = 0; i < r.nfields; i++) {
            char *nets[16];
            int n = sl_parse_networks(r.fields[i], nets, 16, &err);
            for (int k = 0; k < n; k++)
                free(nets[k]);
            struct sl_cidr c;
            if (sl_cidr_parse(r.fields[i], &c, &err) == 0 && nsn < 64) {
                sn[nsn] = (struct sl_site_net){c, (int64_t)nsn, (enum sl_tier)(i % 3)};
                nsn++;
            }
            struct sl_addr a;
            if (sl_addr_parse(r.fields[i], &a) == 0)
                (void)sl_site_net_best(sn, nsn, &a);
            (void)sl_csv_is_formula(r.fields[i]);
            (void)sl_csv_unneutralise(r.fields[i]);
            (void)sl_problem_text(&probs, line, i + 1, "f", r.fields[i], 127, false);
        }
    }
    return 0;
}
