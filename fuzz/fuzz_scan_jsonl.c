/* fuzz_scan_jsonl.c - the reader of a scan's JSON lines (verify --from-scan):
 * every device's answers travel in it, so it gets hostile bytes; and the
 * targets and exclusions it claims to have covered (proof of absence). */
#include <stdint.h>
#include <stdlib.h>

#include "scan/jsonl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_observation *obs = NULL;
    size_t n = 0;
    struct sl_jsonl_result res;
    struct sl_err err;
    if (sl_scan_jsonl_parse((const char *)data, size, &obs, &n, &res, &err) == 0) {
        /* every observation is a bounded, terminated value */
        for (size_t i = 0; i < n; i++)
            if (obs[i].address[sizeof obs[i].address - 1] != '\0' ||
                obs[i].claim.manufacturer[sizeof obs[i].claim.manufacturer - 1] != '\0')
                abort();
        /* what the scan covered: never a name lookup, always an answer */
        if (sl_jsonl_proof_problem(&res) == NULL && res.covered == NULL)
            abort();
        for (size_t i = 0; i < n; i++)
            (void)sl_jsonl_covers(&res, obs[i].address);
        sl_jsonl_result_free(&res);
    }
    free(obs);
    return 0;
}
