/* config.c - the configuration file: its key table, parsing with inih, the
 * shared --config/--data-dir options and the defaults it gives commands (see
 * config.h). Does not run commands and does not print settings (cmd_config.c). */
#include "cli/config.h"

#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "scan/scan.h"
#include "util/datadir.h"
#include "util/file.h"
#include "util/str.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static const char *register_location(void) { return sl_cli_db_path(NULL); }

/* A bool row whose option takes an argument gets it from value_of. */
struct injected {
    const char *key;
    const char *(*value_of)(void);
};
static const struct injected k_injected[] = {{"monitor.register", register_location}, {NULL, NULL}};

/* Every key of the file, one row each; sightline.conf(5) documents them and
 * tests/cli/man_pages.sh checks that it does. [serve] and [agent] are added
 * here when those commands exist. */
const struct sl_cfg_key sl_config_keys[] = {
    {"register", "location", SL_CFG_STR, 0, 0, NULL, NULL, NULL, "SIGHTLINE_DB", "./sightline.db",
     "the register: a SQLite file (or a location the store accepts); --db overrides"},
    {"register", "read_replica", SL_CFG_STR, 0, 0, NULL, NULL, NULL, "SIGHTLINE_READ_DB",
     "the register", "where commands that only read may read from (a replica of the register)"},
    {"register", "audit_key", SL_CFG_PATH, 0, 0, NULL, NULL, NULL, "SIGHTLINE_AUDIT_KEY", "none",
     "a file (mode 600) whose key makes audit entries HMACs (docs/security.md)"},
    {"files", "group_readable", SL_CFG_BOOL, 0, 0, NULL, NULL, NULL, "SIGHTLINE_GROUP_READABLE",
     "no", "the register and the files written are 0640 instead of 0600 (docs/security.md)"},
    {"data", "dir", SL_CFG_PATH, 0, 0, NULL, NULL, NULL, "SIGHTLINE_DATA", "automatic",
     "rules, vendor registry, policies, cloud domains; --data-dir overrides"},
    {"scan", "rate", SL_CFG_INT, 0, 10000000, NULL, "scan", "--rate", NULL,
     STR(SL_SCAN_DEFAULT_RATE), "probe packets started per second (0 = no limit)"},
    {"scan", "profile", SL_CFG_ENUM, 0, 0, "cameras|full", "scan", "--profile", NULL, "cameras",
     "the ports probed"},
    {"scan", "exclude", SL_CFG_PATH, 0, 0, NULL, "scan", "--exclude", NULL, "none",
     "a file of addresses and networks never to probe"},
    {"scan", "udp_discovery", SL_CFG_BOOL, 0, 0, NULL, "scan", "--udp-discovery", NULL, "no",
     "also send the UDP discovery queries to every target"},
    {"scan", "no_discovery", SL_CFG_BOOL, 0, 0, NULL, "scan", "--no-discovery", NULL, "no",
     "send no UDP at all, not even the discovery follow-up to hosts that answered"},
    {"monitor", "register", SL_CFG_BOOL, 0, 0, NULL, "monitor", "--db", NULL, "no",
     "record sightings and reappearances in the register ([register] location)"},
    {"monitor", "site", SL_CFG_STR, 0, 0, NULL, "monitor", "--site", NULL, "none",
     "the register site being watched (needs register = yes)"},
    {"monitor", "tier", SL_CFG_ENUM, 0, 0, "sensitive|official|public", "monitor", "--tier", NULL,
     "sensitive", "the tier judged by when there is no site"},
    {"monitor", "policy", SL_CFG_STR, 0, 0, NULL, "monitor", "--policy", NULL, "the data's",
     "policies in force (comma-separated ids)"},
    {"monitor", "filter", SL_CFG_STR, 0, 0, NULL, "monitor", "--filter", NULL, "none",
     "a capture filter (tcpdump syntax)"},
    {"monitor", "jsonl", SL_CFG_PATH, 0, 0, NULL, "monitor", "--jsonl", NULL,
     "standard output", "where alerts go"},
    {"monitor", "syslog", SL_CFG_BOOL, 0, 0, NULL, "monitor", "--syslog", NULL, "no",
     "also send each alert to syslog (the journal under systemd)"},
    {"monitor", "state", SL_CFG_PATH, 0, 0, NULL, "monitor", "--state", NULL, "none",
     "keep the station table and alert counts in this file across restarts"},
    {"monitor", "summary_interval", SL_CFG_INT, 0, 86400 * 365, NULL, "monitor",
     "--summary-interval", NULL, "300", "seconds between alert summaries"},
    {"monitor", "max_hosts", SL_CFG_INT, 16, 10000000, NULL, "monitor", "--max-hosts", NULL,
     "65536", "stations tracked at most"},
    {"monitor", "buffer_mb", SL_CFG_INT, 1, 2047, NULL, "monitor", "--buffer-mb", NULL, "64",
     "the kernel capture buffer in MiB"},
    {NULL, NULL, SL_CFG_STR, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};

#define MAX_KEYS 128

struct settings {
    char *value[MAX_KEYS];
    int line[MAX_KEYS];
};

static struct settings g_set;
static char g_path[4096];
static char g_cli_datadir[4096];
static char g_load_error[SL_ERR_MAX]; /* why the file in use could not be read, "" = it could */
static char **g_user_args; /* the command's own arguments as typed (after argv[0]) */
static int g_user_argc;

static void settings_free(struct settings *s)
{
    for (size_t i = 0; i < MAX_KEYS; i++)
        free(s->value[i]);
    memset(s, 0, sizeof *s);
}

static int key_index(const char *section, const char *key)
{
    for (int i = 0; sl_config_keys[i].section != NULL; i++)
        if (strcmp(sl_config_keys[i].section, section) == 0 &&
            strcmp(sl_config_keys[i].key, key) == 0)
            return i;
    return -1;
}

static bool known_section(const char *section)
{
    for (int i = 0; sl_config_keys[i].section != NULL; i++)
        if (strcmp(sl_config_keys[i].section, section) == 0)
            return true;
    return false;
}

/* ---- parsing ------------------------------------------------------------------------- */

struct parse {
    const char *name;
    const char *p, *end; /* what is left of the text */
    int line;            /* the line the reader returned last */
    int bad_line;        /* the first line too long or with a NUL byte, 0 = none */
    const char *bad_what;
    int error_line;      /* the line of error[], 0 = none */
    struct settings s;
    char error[SL_ERR_MAX];
};

/* An fgets over memory that counts lines and notices lines too long for inih. */
static char *reader(char *str, int num, void *stream)
{
    struct parse *ps = stream;
    if (ps->p >= ps->end)
        return NULL;
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    size_t n = nl != NULL ? (size_t)(nl - ps->p) + 1 : (size_t)(ps->end - ps->p);
    ps->line++;
    size_t content = n - (nl != NULL);
    if (ps->bad_line == 0 && memchr(ps->p, '\0', n) != NULL) {
        ps->bad_line = ps->line;
        ps->bad_what = "a NUL byte";
    } else if (ps->bad_line == 0 && (content > SL_CONFIG_MAX_LINE || n > (size_t)num - 1)) {
        ps->bad_line = ps->line;
        ps->bad_what = "a line longer than " STR(SL_CONFIG_MAX_LINE) " bytes";
    }
    size_t take = n < (size_t)num - 1 ? n : (size_t)num - 1;
    memcpy(str, ps->p, take);
    str[take] = '\0';
    ps->p += n; /* the rest of an overlong line is dropped: the error says so */
    return str;
}

/* Records the first error (with its line) and returns 0, inih's "error". */
__attribute__((format(printf, 2, 3))) static int fail(struct parse *ps, const char *fmt, ...)
{
    if (ps->error[0] == '\0') {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(ps->error, sizeof ps->error, "%.200s:%d: %s", ps->name, ps->line, msg);
        ps->error_line = ps->line;
    }
    return 0;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (sl_str_eq_nocase(v, yes[i]))
            return *out = true, true;
        if (sl_str_eq_nocase(v, no[i]))
            return *out = false, true;
    }
    return false;
}

static bool in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *c = choices; *c != '\0';) {
        const char *bar = strchr(c, '|');
        size_t len = bar != NULL ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, v, n) == 0)
            return true;
        c += len + (bar != NULL);
    }
    return false;
}

/* Checks a value against its key's type; NULL when fine, else why not. */
static const char *check_value(const struct sl_cfg_key *k, const char *v, char *why, size_t n)
{
    if (*v == '\0')
        return "has no value";
    for (const char *c = v; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return "has a control character";
    if (strlen(v) > SL_CONFIG_MAX_VALUE)
        return "is too long";
    bool b;
    int64_t i64;
    switch (k->type) {
    case SL_CFG_INT:
        if (sl_parse_i64(v, k->min, k->max, &i64) != 0) {
            snprintf(why, n, "must be a whole number from %lld to %lld", k->min, k->max);
            return why;
        }
        break;
    case SL_CFG_BOOL:
        if (!parse_bool(v, &b))
            return "must be yes or no";
        break;
    case SL_CFG_ENUM:
        if (!in_choices(k->choices, v)) {
            snprintf(why, n, "must be one of %s", k->choices);
            return why;
        }
        break;
    case SL_CFG_PATH:
        if (v[0] != '/')
            return "must be an absolute path";
        break;
    case SL_CFG_STR: break;
    }
    return NULL;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *ps = user;
    if (*section == '\0')
        return fail(ps, "key '%.64s' before any [section]", name);
    if (!known_section(section))
        return fail(ps, "unknown section [%.64s]", section);
    int i = key_index(section, name);
    if (i < 0)
        return fail(ps, "unknown key '%.64s' in section [%.64s]", name, section);
    if (ps->s.value[i] != NULL)
        return fail(ps, "[%s] %s set twice (first on line %d)", section, name, ps->s.line[i]);
    char why[128];
    const char *bad = check_value(&sl_config_keys[i], value, why, sizeof why);
    if (bad != NULL)
        return fail(ps, "[%s] %s %s", section, name, bad);
    ps->s.value[i] = strdup(value);
    ps->s.line[i] = ps->line;
    return ps->s.value[i] != NULL ? 1 : fail(ps, "out of memory");
}

int sl_config_parse(const char *text, size_t len, const char *name, struct sl_err *err)
{
    struct parse ps;
    memset(&ps, 0, sizeof ps);
    ps.name = name;
    ps.p = text;
    ps.end = text + len;
    if (len > SL_CONFIG_MAX_BYTES)
        return sl_err_set(err, "%s: larger than %u bytes", name, SL_CONFIG_MAX_BYTES);
    ini_allow_multiline = false;
    int rc = ini_parse_stream(reader, &ps, handler, &ps);
    /* The earliest of: a line the reader refused, a line inih could not
     * parse (rc), a value the handler refused. */
    if (ps.bad_line > 0 && (ps.error_line == 0 || ps.bad_line <= ps.error_line))
        snprintf(ps.error, sizeof ps.error, "%s:%d: %s", name, ps.bad_line, ps.bad_what);
    else if (rc > 0 && (ps.error_line == 0 || rc < ps.error_line))
        snprintf(ps.error, sizeof ps.error, "%s:%d: not a '[section]' or 'key = value' line",
                 name, rc);
    else if (rc < 0 && ps.error[0] == '\0')
        snprintf(ps.error, sizeof ps.error, "%s: could not be parsed", name);
    if (ps.error[0] != '\0') {
        settings_free(&ps.s);
        return sl_err_set(err, "%s", ps.error);
    }
    settings_free(&g_set);
    g_set = ps.s;
    return 0;
}

int sl_config_load(const char *path, bool must_exist, struct sl_err *err)
{
    sl_strlcpy(g_path, path, sizeof g_path);
    g_load_error[0] = '\0';
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT && !must_exist) {
        settings_free(&g_set);
        return 0;
    }
    size_t len;
    char *text = sl_read_file(path, SL_CONFIG_MAX_BYTES, &len, err);
    if (text == NULL)
        return -1;
    int rc = sl_config_parse(text, len, path, err);
    free(text);
    return rc;
}

const char *sl_config_error(void)
{
    return g_load_error[0] != '\0' ? g_load_error : NULL;
}

const char *sl_config_path(void)
{
    if (g_path[0] != '\0')
        return g_path;
    const char *env = getenv("SIGHTLINE_CONFIG");
    return env != NULL && *env != '\0' ? env : SL_CONFIG_DEFAULT;
}

const char *sl_config_file_value(const char *section, const char *key, int *line)
{
    int i = key_index(section, key);
    if (i < 0 || g_set.value[i] == NULL)
        return NULL;
    if (line != NULL)
        *line = g_set.line[i];
    return g_set.value[i];
}

/* ---- the shared options -------------------------------------------------------------- */

/* Picks the data directory: --data-dir, else $SIGHTLINE_DATA, else the file's. */
static void choose_datadir(void)
{
    const char *file = sl_config_file_value("data", "dir", NULL);
    const char *env = getenv("SIGHTLINE_DATA");
    if (g_cli_datadir[0] != '\0')
        sl_datadir_set(g_cli_datadir);
    else if ((env == NULL || *env == '\0') && file != NULL)
        sl_datadir_set(file);
    else
        sl_datadir_set(NULL);
}

int sl_config_reload(struct sl_err *err)
{
    char path[sizeof g_path];
    sl_strlcpy(path, sl_config_path(), sizeof path);
    if (sl_config_load(path, false, err) != 0)
        return -1;
    choose_datadir();
    return 0;
}

/* Takes "--name VALUE" or "--name=VALUE" at argv[i]; returns how many
 * arguments it used (0: not this option, -1: no value). */
static int take(int argc, char **argv, int i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[i], name, n) != 0)
        return 0;
    if (argv[i][n] == '=') {
        *value = argv[i] + n + 1;
        return 1;
    }
    if (argv[i][n] != '\0')
        return 0;
    if (i + 1 >= argc)
        return -1;
    *value = argv[i + 1];
    return 2;
}

int sl_config_start(int *argc, char **argv)
{
    const char *config = NULL, *datadir = NULL;
    int out = 1;
    bool rest = false;
    for (int i = 1; i < *argc;) {
        int used = 0;
        if (!rest && strcmp(argv[i], "--") == 0)
            rest = true;
        if (!rest && (used = take(*argc, argv, i, "--config", &config)) == 0)
            used = take(*argc, argv, i, "--data-dir", &datadir);
        if (used < 0) {
            fprintf(stderr, "sightline: %s needs a value\n", argv[i]);
            return SL_EXIT_USAGE;
        }
        if (used == 0)
            argv[out++] = argv[i++];
        else
            i += used;
    }
    *argc = out;
    argv[out] = NULL;

    struct sl_err err = {0};
    const char *env = getenv("SIGHTLINE_CONFIG");
    bool explicit = config != NULL || (env != NULL && *env != '\0');
    if (sl_config_load(config != NULL ? config : sl_config_path(), explicit, &err) != 0) {
        /* A bad file stops every command but those that help mend it: help,
         * --version and config (show says what is wrong, check checks). */
        static const char *const spared[] = {"--help", "-h", "help", "--version", "-V",
                                             "version", "config"};
        bool spare = *argc < 2;
        for (size_t i = 0; i < sizeof spared / sizeof spared[0] && !spare; i++)
            spare = strcmp(argv[1], spared[i]) == 0;
        if (!spare) {
            fprintf(stderr, "sightline: %s\n", err.msg);
            return SL_EXIT_USAGE;
        }
        sl_strlcpy(g_load_error, err.msg, sizeof g_load_error);
    }
    struct stat st;
    if (datadir != NULL && (stat(datadir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "sightline: --data-dir %s: not a directory\n", datadir);
        return SL_EXIT_USAGE;
    }
    if (datadir != NULL)
        sl_strlcpy(g_cli_datadir, datadir, sizeof g_cli_datadir);
    choose_datadir();
    return 0;
}

/* ---- defaults for commands ------------------------------------------------------------ */

static bool gave(char **args, int n, const char *option)
{
    size_t len = strlen(option);
    for (int i = 0; i < n && args[i] != NULL; i++) {
        if (strcmp(args[i], "--") == 0)
            return false;
        if (strncmp(args[i], option, len) == 0 && (args[i][len] == '\0' || args[i][len] == '='))
            return true;
    }
    return false;
}

bool sl_config_cli_gave(const char *option)
{
    return gave(g_user_args, g_user_argc, option);
}

/* How many words of argv name the command of row k (1 or 2), 0 = not it. */
static int command_words(const struct sl_cfg_key *k, int argc, char **argv)
{
    const char *sp = strchr(k->command, ' ');
    if (sp == NULL)
        return argc > 1 && strcmp(argv[1], k->command) == 0 ? 1 : 0;
    size_t n = (size_t)(sp - k->command);
    return argc > 2 && strncmp(argv[1], k->command, n) == 0 && argv[1][n] == '\0' &&
                   strcmp(argv[2], sp + 1) == 0
               ? 2
               : 0;
}

static const char *injected_value(const struct sl_cfg_key *k)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%s", k->section, k->key);
    for (const struct injected *j = k_injected; j->key != NULL; j++)
        if (strcmp(j->key, name) == 0)
            return j->value_of();
    return NULL;
}

int sl_config_apply(int *argc, char ***argvp)
{
    char **argv = *argvp;
    int words = 0;
    for (const struct sl_cfg_key *k = sl_config_keys; k->section != NULL && words == 0; k++)
        if (k->command != NULL)
            words = command_words(k, *argc, argv);
    if (words == 0) {
        g_user_args = argv + 1;
        g_user_argc = *argc - 1;
        return 0;
    }
    /* The array and value copies handed out last time (a process calls this
     * once): the values are copies, so a reload of the file (SIGHUP) leaves
     * the options a command parsed intact. */
    static char **owned;
    static char *copies[MAX_KEYS];
    char **nv = calloc((size_t)*argc + 2 * MAX_KEYS + 1, sizeof *nv);
    if (nv == NULL)
        return -1;
    free(owned);
    owned = nv;
    for (size_t i = 0; i < MAX_KEYS; i++) {
        free(copies[i]);
        copies[i] = NULL;
    }
    size_t n_copies = 0;
    int n = 0;
    for (int i = 0; i <= words; i++)
        nv[n++] = argv[i];
    char **user = argv + 1 + words;
    int n_user = *argc - 1 - words;
    for (const struct sl_cfg_key *k = sl_config_keys; k->section != NULL; k++) {
        const char *v = sl_config_file_value(k->section, k->key, NULL);
        if (v == NULL || k->command == NULL || command_words(k, *argc, argv) != words ||
            gave(user, n_user, k->option))
            continue;
        bool b = false;
        const char *arg = v;
        if (k->type == SL_CFG_BOOL && !(parse_bool(v, &b) && b))
            continue;
        if (k->type == SL_CFG_BOOL)
            arg = injected_value(k);
        nv[n++] = (char *)k->option;
        if (arg != NULL) {
            if ((copies[n_copies] = strdup(arg)) == NULL)
                return -1;
            nv[n++] = copies[n_copies++];
        }
    }
    for (int i = 0; i < n_user; i++)
        nv[n++] = user[i];
    nv[n] = NULL;
    g_user_args = user;
    g_user_argc = n_user;
    *argc = n;
    *argvp = nv;
    return 0;
}

/* ---- effective values ------------------------------------------------------------------ */

const char *sl_config_effective(const struct sl_cfg_key *k, enum sl_cfg_origin *origin,
                                char *note, size_t note_size)
{
    bool is_data = strcmp(k->section, "data") == 0 && strcmp(k->key, "dir") == 0;
    if (is_data && g_cli_datadir[0] != '\0') {
        *origin = SL_ORIGIN_CLI;
        snprintf(note, note_size, "command line (--data-dir)");
        return g_cli_datadir;
    }
    const char *env = k->env != NULL ? getenv(k->env) : NULL;
    if (env != NULL && *env != '\0') {
        *origin = SL_ORIGIN_ENV;
        snprintf(note, note_size, "environment ($%s)", k->env);
        return env;
    }
    int line = 0;
    const char *v = sl_config_file_value(k->section, k->key, &line);
    if (v != NULL) {
        *origin = SL_ORIGIN_FILE;
        snprintf(note, note_size, "%s:%d", sl_config_path(), line);
        return v;
    }
    *origin = SL_ORIGIN_BUILTIN;
    if (is_data) {
        const char *how;
        const char *dir = sl_datadir_auto(&how);
        snprintf(note, note_size, "built in (%s)", how);
        return dir;
    }
    snprintf(note, note_size, "built in");
    return k->builtin;
}
