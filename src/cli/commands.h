/* commands.h - one entry point per top-level subcommand (cli/cmd_*.c). */
#ifndef SL_CLI_COMMANDS_H
#define SL_CLI_COMMANDS_H

int sl_cmd_sites(int argc, char **argv);
int sl_cmd_devices(int argc, char **argv);
int sl_cmd_db(int argc, char **argv);
int sl_cmd_identify(int argc, char **argv);
int sl_cmd_rules(int argc, char **argv);
int sl_cmd_policy(int argc, char **argv);
int sl_cmd_monitor(int argc, char **argv);

#endif
