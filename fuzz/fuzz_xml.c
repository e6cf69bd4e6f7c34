/* fuzz_xml.c - bounded, namespace-aware XML reading (expat; DOCTYPE refused). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_elem(const struct sl_xml_elem *e, void *ctx)
{
    size_t *n = ctx;
    if (strlen(e->text) > SL_XML_MAX_TEXT || e->depth == 0)
        __builtin_trap();
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_xml_limits lim = {.max_bytes = 64 * 1024, .max_depth = 16, .max_elems = 512};
    size_t n = 0;
    struct sl_err err;
    sl_xml_parse((const char *)data, size, &lim, on_elem, &n, &err);
    if (n > lim.max_elems)
        __builtin_trap();
    return 0;
}
