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

#include "store/store.h"
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

/* "WHAT: prohibited N, replace-by N, restricted N, needs-review N, allowed N". */
void sl_cli_print_decisions(const char *what, const size_t c[SL_DECISION_COUNT]);

/* What a command that judges the register's vehicles needs: the policies,
 * the vehicle rules, an assessor and the register. */
struct sl_cli_judge {
    struct sl_policy_set *ps;
    struct sl_vrules *vr;
    struct sl_assessor *a;
    struct sl_store *s;
    int64_t now; /* the date judged at (the end of --date's day, else now) */
};

/* Loads the policies (select: --policy, NULL = the defaults), the vehicle
 * rules and an assessor judging as of date (NULL: now), then opens the
 * register: for writing (db), or as read-only commands do (db, read_db) when
 * !write. Prints what failed and returns its exit code; on failure nothing
 * is left open. */
int sl_cli_judge_open(const char *cmd, const char *select, const char *date, const char *db,
                      const char *read_db, bool write, struct sl_cli_judge *j);
void sl_cli_judge_close(struct sl_cli_judge *j);

/* Judges and prints every vehicle of f (or the one asked for) as o says, to
 * stdout; counts into r. An exit code. */
int sl_cli_fleet_report(const char *cmd, struct sl_assessor *a, const struct sl_fleet *f,
                        const struct sl_cli_fleet_out *o, struct sl_cli_fleet_counts *r);

#endif
