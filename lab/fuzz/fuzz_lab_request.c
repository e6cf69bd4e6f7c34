/* fuzz_lab_request.c - the lab's parsers of scanner input (reqparse.h). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reqparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    struct lab_req r;
    (void)lab_req_parse(p, size, &r);
    char id[128];
    (void)lab_wsd_is_probe(p, size, id, sizeof id);
    (void)lab_ssdp_is_msearch(p, size);
    (void)lab_sadp_is_inquiry(p, size, id, sizeof id);
    (void)lab_dhdiscover_is_search(p, size);
    (void)lab_xml_has_element(p, size, "GetDeviceInformation");
    return 0;
}
