/* lab.h - the sightline-lab commands (one file each) and what they share. */
#ifndef SL_LAB_LAB_H
#define SL_LAB_LAB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile.h"
#include "util/err.h"

#define LAB_DEFAULT_NAME "sightline-lab"
#define LAB_LOOPBACK_RANGE "127.18.0.0/15"
#define LAB_NETNS_RANGE "198.18.0.0/15"

int lab_cmd_up(int argc, char **argv);
int lab_cmd_down(int argc, char **argv);
int lab_cmd_status(int argc, char **argv);
int lab_cmd_list_profiles(int argc, char **argv);
int lab_cmd_exec(int argc, char **argv);
int lab_cmd_probe(int argc, char **argv);
int lab_cmd_check(int argc, char **argv);
int lab_cmd_can(int argc, char **argv);

/* The profile directory: flag, else $SIGHTLINE_LAB_PROFILES, else the source
 * tree's lab/profiles when run from the build tree, else the installed copy
 * (util/datadir.h). */
const char *lab_profiles_dir(const char *flag);

/* Reads <state dir of name>/info.json. Returns a new reference or NULL with
 * err set ("no lab named X is running"). */
json_t *lab_read_info(const char *name, char *dir, size_t dirsz, struct sl_err *err);

/* "CMD: message" + "Try 'CMD --help'." on stderr; returns 2. */
int lab_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "CMD: message" on stderr; returns code. */
int lab_fail(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses an IPv4 CIDR into host-order base and prefix. 0 or -1. */
int lab_parse_range(const char *s, uint32_t *base, unsigned *prefix, struct sl_err *err);

#endif
