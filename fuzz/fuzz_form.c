/* fuzz_form.c - the dashboard's urlencoded form parser (web/form.c). */
#include <stdint.h>
#include <string.h>

#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_form f;
    if (sl_form_parse(&f, (const char *)data, size) == 0) {
        for (size_t i = 0; i < f.n; i++)
            if (strlen(f.name[i]) > size || sl_form_get(&f, f.name[i]) == NULL)
                __builtin_trap();
        sl_form_free(&f);
    }
    return 0;
}
