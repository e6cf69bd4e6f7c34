/* commands.h - one entry point per top-level subcommand (cli/cmd_*.c). */
#ifndef SL_CLI_COMMANDS_H
#define SL_CLI_COMMANDS_H

int sl_cmd_sites(int argc, char **argv);
int sl_cmd_devices(int argc, char **argv);
int sl_cmd_db(int argc, char **argv);
int sl_cmd_scan(int argc, char **argv);
int sl_cmd_import(int argc, char **argv);
int sl_cmd_identify(int argc, char **argv);
int sl_cmd_rules(int argc, char **argv);
int sl_cmd_policy(int argc, char **argv);
int sl_cmd_monitor(int argc, char **argv);
int sl_cmd_can(int argc, char **argv);
int sl_cmd_devices_set_status(int argc, char **argv); /* cmd_lifecycle.c */
int sl_cmd_devices_schedule(int argc, char **argv);
int sl_cmd_devices_exempt(int argc, char **argv);
int sl_cmd_devices_expire(int argc, char **argv);
int sl_cmd_milestones(int argc, char **argv);
int sl_cmd_report(int argc, char **argv);
int sl_cmd_verify(int argc, char **argv);
int sl_cmd_demo(int argc, char **argv);
int sl_cmd_config(int argc, char **argv);
int sl_cmd_vehicles(int argc, char **argv);
int sl_cmd_serve(int argc, char **argv);
int sl_cmd_users(int argc, char **argv);

#endif
