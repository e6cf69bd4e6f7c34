/* commands.c - the table of top-level subcommands and their one-line help
 * (commands.h). Each command's work is in its own cmd_*.c. */
#include "cli/cli.h"
#include "cli/commands.h"

/* The order here is the order of `sightline help`: the main job first. */
const struct sl_command sl_commands[] = {
    {"scan", "find, identify and judge the devices at addresses or networks", sl_cmd_scan},
    {"import", "import nmap -oX or masscan -oJ results as evidence", sl_cmd_import},
    {"identify", "name who made a device from one answer (or a batch of evidence)", sl_cmd_identify},
    {"rules", "list, test and explain the fingerprint rules", sl_cmd_rules},
    {"policy", "list the policies; explain a device's verdict; check a product before buying", sl_cmd_policy},
    {"sites", "add, list, show and import the sites of the estate", sl_cmd_sites},
    {"devices", "list and show devices in the register", sl_cmd_devices},
    {"vehicles", "the fleet: vehicles, their connected parts and verdicts; check files, decode VINs",
     sl_cmd_vehicles},
    {"monitor", "watch a network passively; alert on prohibited, returning or cloud-calling devices",
     sl_cmd_monitor},
    {"can", "CAN intrusion detection: learn a vehicle bus, then watch it (logs, pcap, SocketCAN)",
     sl_cmd_can},
    {"report", "the removal programme's report (html, csv, json, md), as of any date",
     sl_cmd_report},
    {"milestones", "dated targets of the removal programme and their status", sl_cmd_milestones},
    {"verify", "rescan sites: removed devices not seen become verified absent", sl_cmd_verify},
    {"serve", "the dashboard and JSON API: the programme live, with logins and site roles",
     sl_cmd_serve},
    {"users", "the dashboard's accounts and their site-scoped roles", sl_cmd_users},
    {"agents", "site agents: enrolment tokens, list (stale, spool), revoke, rename", sl_cmd_agents},
    {"agent", "run as a site agent: enrol with the server, scan on schedule, send results",
     sl_cmd_agent},
    {"demo", "build a believable removal programme for the demo", sl_cmd_demo},
    {"db", "verify the register's integrity and audit chain; migrate its schema", sl_cmd_db},
    {"config", "the effective settings and where each came from; check a file", sl_cmd_config},
    {NULL, NULL, NULL},
};
