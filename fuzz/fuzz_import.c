/* fuzz_import.c - nmap XML and masscan JSON import parsers (scan/import.h):
 * hostile files must never crash, hang or grow without bound. The first byte
 * picks the format (nmap, masscan, or detected from the content as `import`
 * does by default); nothing is written (no register). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scan/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1024 * 1024)
        return 0;
    static const enum sl_import_format formats[] = {SL_IMPORT_NMAP_XML, SL_IMPORT_MASSCAN_JSON,
                                                    SL_IMPORT_AUTO};
    enum sl_import_format fmt = formats[data[0] % 3];
    struct sl_scan_opts o;
    memset(&o, 0, sizeof o);
    struct sl_scan_summary sum;
    struct sl_err err = {0};
    sl_import_run((const char *)data + 1, size - 1, fmt, &o, NULL, &sum, &err);
    return 0;
}
