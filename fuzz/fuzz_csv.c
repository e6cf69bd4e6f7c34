/* fuzz_csv.c - the CSV reader and the network-list parser behind `sites import`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "programme/site_import.h"
#include "util/cidr.h"
#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_csv_reader r;
    sl_csv_reader_init(&r, (const char *)data, size);
    size_t line;
    struct sl_err err;
    int records = 0;
    while (records < 10000 && sl_csv_next(&r, &line, &err) == 1) {
        records++;
        for (size_t i = 0; i < r.nfields; i++) {
            char *nets[16];
            int n = sl_parse_networks(r.fields[i], nets, 16, &err);
            for (int k = 0; k < n; k++)
                free(nets[k]);
            struct sl_cidr c;
            (void)sl_cidr_parse(r.fields[i], &c, &err);
        }
    }
    return 0;
}
