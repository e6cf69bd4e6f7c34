/* commands.h - one entry point per top-level subcommand (cli/cmd_*.c). */
#ifndef SL_CLI_COMMANDS_H
#define SL_CLI_COMMANDS_H

#include <stdbool.h>

int sl_cmd_sites(int argc, char **argv);
int sl_cmd_sites_exclude(int argc, char **argv);    /* cmd_sites_exclude.c */
int sl_cmd_sites_unexclude(int argc, char **argv);
int sl_cmd_sites_exclusions(int argc, char **argv);
int sl_cmd_devices(int argc, char **argv);
int sl_cmd_db(int argc, char **argv);
int sl_cmd_scan(int argc, char **argv);
int sl_cmd_import(int argc, char **argv);
int sl_cmd_identify(int argc, char **argv);
int sl_cmd_rules(int argc, char **argv);
int sl_cmd_policy(int argc, char **argv);
int sl_cmd_policy_check(int argc, char **argv); /* cmd_policy_check.c */
int sl_cmd_monitor(int argc, char **argv);
int sl_cmd_can(int argc, char **argv);
int sl_cmd_devices_set_status(int argc, char **argv); /* cmd_lifecycle.c */
int sl_cmd_devices_schedule(int argc, char **argv);
int sl_cmd_devices_exempt(int argc, char **argv);
int sl_cmd_devices_expire(int argc, char **argv);
int sl_cmd_devices_reassess(int argc, char **argv); /* cmd_reassess.c */
int sl_cmd_milestones(int argc, char **argv);
int sl_cmd_report(int argc, char **argv);
int sl_cmd_verify(int argc, char **argv);
int sl_cmd_demo(int argc, char **argv);
int sl_cmd_config(int argc, char **argv);
int sl_cmd_vehicles(int argc, char **argv);
/* cmd_fleet.c: the fleet register */
int sl_cmd_vehicles_add(int argc, char **argv);
int sl_cmd_vehicles_import(int argc, char **argv);
int sl_cmd_vehicles_list(int argc, char **argv);
int sl_cmd_vehicles_show(int argc, char **argv);
int sl_cmd_vehicles_set_status(int argc, char **argv);
int sl_cmd_vehicles_expire(int argc, char **argv);
/* `policy explain VIN`: whether the register has a vehicle with this VIN, and
 * its explanation (the same output as `vehicles check --vehicle VIN`). */
bool sl_cmd_vehicle_known(const char *db, const char *key);
int sl_cmd_vehicle_explain(const char *cmd, const char *key, const char *db, const char *policy,
                           const char *date, bool json);
int sl_cmd_serve(int argc, char **argv);
int sl_cmd_users(int argc, char **argv);
int sl_cmd_agents(int argc, char **argv);
int sl_cmd_agents_verify(int argc, char **argv);        /* cmd_agents_verify.c */
int sl_cmd_agents_verifications(int argc, char **argv);
struct sl_store;
/* "N verification requests pending" under `agents list`, when there are any. */
void sl_cli_print_pending_verifications(struct sl_store *s); /* cmd_agents.c: the central side */
int sl_cmd_agent(int argc, char **argv);  /* cmd_agent.c: the agent itself */
int sl_cmd_users_token(int argc, char **argv); /* sightline users token */

#endif
