/* fleet_report.h - what the vehicle commands share (cli/cmd_vehicles.c,
 * cli/cmd_fleet.c, policy explain): reading fleet files, all or nothing, and
 * reporting a judged fleet as a table, chains for people, one JSON document
 * or JSON lines. The same report serves a file (`vehicles check`) and a
 * vehicle of the register (`vehicles show`, `policy explain VIN`).
 */
#ifndef SL_CLI_FLEET_REPORT_H
#define SL_CLI_FLEET_REPORT_H

#include <stdbool.h>
#include <jansson.h>
#include <stddef.h>

#include "vehicle/assess.h"
#include "vehicle/fleet.h"

/* How fleet files are read: --format (NULL: told from the name, else the
 * first character), and the vehicle a BOM without one describes. */
struct sl_cli_fleet_in {
    const char *format, *bom_vin;
    int model_year;
};

/* Reads and parses n files into f, all or nothing; prints what is wrong
 * ("... nothing WHAT") and returns its exit code (0 when all were read). */
int sl_cli_read_fleet(const char *cmd, char *const *files, int n,
                      const struct sl_cli_fleet_in *o, const struct sl_vrules *vr,
                      struct sl_fleet *f, const char *what);

struct sl_cli_fleet_out {
    const char *vehicle; /* this VIN only, with its chains; NULL: every vehicle */
    bool explain, json, jsonl;
    json_t **doc;        /* with json: the document is handed over here, not printed */
};

struct sl_cli_fleet_counts {
    size_t vehicles[SL_DECISION_COUNT], parts[SL_DECISION_COUNT];
    int worst; /* highest severity among the vehicles shown and loose parts; start at -1 */
};

/* Judges and prints every vehicle of f (or the one asked for) as o says, to
 * stdout; counts into r. An exit code. */
int sl_cli_fleet_report(const char *cmd, struct sl_assessor *a, const struct sl_fleet *f,
                        const struct sl_cli_fleet_out *o, struct sl_cli_fleet_counts *r);

#endif
