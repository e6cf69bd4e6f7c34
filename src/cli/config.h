/* config.h - the configuration file (/etc/sightline/sightline.conf, inih) and
 * the options every command shares before its own: --config FILE and
 * --data-dir DIR.
 *
 * The file holds defaults; the command line overrides the file, and the
 * environment ($SIGHTLINE_DB, $SIGHTLINE_DATA, ...) sits between the two.
 * Every key is one row of the key table in config.c (section, key, type,
 * which command option or environment variable it stands for, what applies
 * when nothing sets it): a new section ([serve], [agent]) is new rows, nothing
 * else. Keys that stand for a command's option are applied by putting the
 * option in front of the command's own arguments (sl_config_apply), so the
 * commands parse them like any option and the user's later ones win; the rest
 * (register location, read replica, data directory) are read through
 * sl_cli_db_path(), sl_cli_read_db_path() and sl_datadir().
 *
 * Unknown sections and keys, bad values, a key set twice, lines over
 * SL_CONFIG_MAX_LINE bytes and files over SL_CONFIG_MAX_BYTES are errors that
 * name the file, the line and the key; they stop every command but help,
 * --version and config.
 *
 * Memory: the loaded configuration is process-wide (static); strings returned
 * stay valid until the next sl_config_load/sl_config_reload.
 */
#ifndef SL_CLI_CONFIG_H
#define SL_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define SL_CONFIG_MAX_BYTES (64u * 1024u)
#define SL_CONFIG_MAX_LINE 198 /* bytes of one line, without its newline (inih: 200) */
#define SL_CONFIG_MAX_VALUE 1024

enum sl_cfg_type { SL_CFG_STR, SL_CFG_PATH, SL_CFG_INT, SL_CFG_BOOL, SL_CFG_ENUM };

struct sl_cfg_key {
    const char *section, *key;
    enum sl_cfg_type type;
    long long min, max;      /* SL_CFG_INT */
    const char *choices;     /* SL_CFG_ENUM: "a|b|c" */
    const char *command;     /* the command whose option this is a default for, or NULL */
    const char *option;      /* that option ("--rate"); for a bool, given when true */
    const char *env;         /* an environment variable that overrides the file, or NULL */
    const char *builtin;     /* what applies when nothing sets it (for config show) */
    const char *doc;         /* one line */
};

/* The key table, terminated by a {NULL} row. */
extern const struct sl_cfg_key sl_config_keys[];

/* Where an effective setting came from. */
enum sl_cfg_origin { SL_ORIGIN_BUILTIN, SL_ORIGIN_FILE, SL_ORIGIN_ENV, SL_ORIGIN_CLI };

/* The path of the configuration file in use: --config, else $SIGHTLINE_CONFIG,
 * else the default (SL_CONFIG_DEFAULT, /etc/sightline/sightline.conf). */
const char *sl_config_path(void);

/* Takes the shared options (--config FILE, --data-dir DIR, also as
 * --opt=VALUE) out of argv (*argc updated; the arguments after a "--" are
 * left alone), loads the configuration file and sets the data directory.
 * Returns 0, or an exit code with a one-line message printed to stderr. */
int sl_config_start(int *argc, char **argv);

/* Parses a configuration from memory into the process-wide settings (name is
 * used in messages). Returns 0 or -1 with err "NAME:LINE: ...". On error the
 * previous settings stay. */
int sl_config_parse(const char *text, size_t len, const char *name, struct sl_err *err);

/* Why the configuration file could not be used (help, --version and config
 * run without it), or NULL. */
const char *sl_config_error(void);

/* Loads path (a missing file is an error only when must_exist). */
int sl_config_load(const char *path, bool must_exist, struct sl_err *err);

/* Reads the same file again (SIGHUP); on error the previous settings stay. */
int sl_config_reload(struct sl_err *err);

/* The file's value of section.key, or NULL when the file does not set it;
 * *line gets its line (may be NULL). */
const char *sl_config_file_value(const char *section, const char *key, int *line);

/* Puts the options the configuration sets for command (argv[1], or argv[1]
 * and argv[2] for a two-word command such as "agent run") in front of the
 * command's own arguments, unless the user gave the same option. *argv is
 * replaced by a new array (kept for the process's lifetime). Returns 0 or -1
 * (out of memory). */
int sl_config_apply(int *argc, char ***argv);

/* true when the command line the user typed gave option (e.g. "--policy"),
 * so a reloaded file must not override it. */
bool sl_config_cli_gave(const char *option);

/* The effective value of section.key as config show prints it, with where it
 * came from (*origin) and a note (file:line, variable name, why) in note. */
const char *sl_config_effective(const struct sl_cfg_key *k, enum sl_cfg_origin *origin,
                                char *note, size_t note_size);

#endif
