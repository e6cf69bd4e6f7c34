/* cmd_report.c - sightline report: the programme's figures as html, csv, json or md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "programme/progress.h"
#include "report/report.h"
#include "store/store.h"
#include "util/str.h"
#include "util/file.h"

#define DEFAULT_DEVICE_LIMIT 1000

static void report_usage(const char *cmd)
{
    printf("Usage: %s [--format html|csv|json|md] [-o FILE] [--as-of DATE]\n"
           "          [--scope all|tier:TIER|department:NAME|site:NAME]\n"
           "          [--window WEEKS] [--devices N|all] [--db PATH] [--read-db LOCATION]\n\n"
           "The removal programme's report: how far it is (replaced and verified\n"
           "shares of affected devices by tier, department and site), whether it is on\n"
           "track (milestones, removal rate, forecast completion with a range), what\n"
           "needs attention (overdue sites, exemptions and their expiry, devices seen\n"
           "again after removal) and, for each affected device (the work first), the\n"
           "evidence that made it affected.\n\n"
           "  --format    html (one self-contained page), csv (section,name,field,value),\n"
           "              json, md (Markdown). Default: from -o's extension, else md.\n"
           "  --as-of     figures at the end of DATE, rebuilt from the event history\n"
           "  --window    weeks of removals the forecast fits (default %d)\n"
           "  --devices   affected devices listed (default %d; all; 0 = none)\n"
           "Formats and definitions: docs/programme.md.\n",
           cmd, SL_FC_DEFAULT_WINDOW, DEFAULT_DEVICE_LIMIT);
}

/* The format: --format, else -o's extension, else Markdown. 0, or -1. */
static int choose_format(const char *fmt_s, const char *outp, enum sl_report_format *fmt)
{
    *fmt = SL_REPORT_MD;
    if (fmt_s != NULL)
        return sl_report_format_from_name(fmt_s, fmt);
    if (outp != NULL) {
        const char *dot = strrchr(outp, '.');
        if (dot != NULL && (strcmp(dot, ".htm") == 0))
            *fmt = SL_REPORT_HTML;
        else if (dot == NULL || sl_report_format_from_name(dot + 1, fmt) != 0)
            *fmt = SL_REPORT_MD;
    }
    return 0;
}

/* Writes the report to outp (or standard output): beside the target and
 * renamed, so a reader never sees half a report. An exit code. */
static int write_report(const char *cmd, const char *outp, enum sl_report_format fmt,
                        struct sl_store *s, const struct sl_progress *p, int64_t limit)
{
    struct sl_err err = {0};
    struct sl_atomic a;
    FILE *out = stdout;
    if (outp != NULL && strcmp(outp, "-") != 0 &&
        (out = sl_atomic_open(&a, outp, &err)) == NULL)
        return sl_cli_fail(cmd, SL_EXIT_USAGE, "%s", err.msg);
    struct sl_report_opts ro = {limit};
    int rc = sl_report_write(fmt, out, s, p, &ro, &err);
    int werr = errno;
    if (ferror(out) && out != stdout) {
        /* name the file and the reason (a full disk, a quota): the commit asks */
        (void)sl_atomic_commit(&a, &err); /* fails: the temporary file goes */
        return sl_cli_fail_err(cmd, &err);
    }
    if (rc != 0 && ferror(out))
        sl_err_setk(&err, SL_ERR_IO, "cannot write the report: %s",
                    strerror(werr != 0 ? werr : EIO));
    if (out != stdout) {
        if (rc != 0)
            sl_atomic_abort(&a);
        else
            rc = sl_atomic_commit(&a, &err);
    } else if (fflush(stdout) != 0 && rc == 0) {
        rc = sl_err_setk(&err, SL_ERR_IO, "cannot write the report to standard output: %s",
                         strerror(errno));
    }
    if (rc != 0)
        return sl_cli_fail_err(cmd, &err);
    if (out != stdout)
        fprintf(stderr, "wrote %s\n", outp);
    return SL_EXIT_OK;
}

int sl_cmd_report(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"as-of", required_argument, NULL, 'a'},
        {"scope", required_argument, NULL, 's'},
        {"window", required_argument, NULL, 'w'},
        {"devices", required_argument, NULL, 'n'},
        {"db", required_argument, NULL, 'D'},
        {"read-db", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *read_db = NULL, *fmt_s = NULL, *outp = NULL, *as_of = NULL, *scope_s = NULL;
    int64_t window = 0, limit = DEFAULT_DEVICE_LIMIT;
    int o;
    while ((o = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (o) {
        case 'f': fmt_s = optarg; break;
        case 'o': outp = optarg; break;
        case 'a': as_of = optarg; break;
        case 's': scope_s = optarg; break;
        case 'w':
            if (sl_parse_i64(optarg, 2, 104, &window) != 0)
                return sl_cli_usage_error(cmd, "--window takes a number of weeks, 2 to 104");
            break;
        case 'n':
            if (strcmp(optarg, "all") == 0)
                limit = SL_REPORT_ALL_DEVICES;
            else if (sl_parse_i64(optarg, 0, INT64_MAX, &limit) != 0)
                return sl_cli_usage_error(cmd, "--devices takes a number or 'all'");
            break;
        case 'D': db = optarg; break;
        case 'R': read_db = optarg; break;
        case 'h': report_usage(cmd); return SL_EXIT_OK;
        default: return sl_cli_bad_option(cmd);
        }
    }
    if (optind != argc)
        return sl_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    enum sl_report_format fmt;
    if (choose_format(fmt_s, outp, &fmt) != 0)
        return sl_cli_usage_error(cmd, "--format must be html, csv, json or md");
    int64_t t;
    if (as_of != NULL && sl_time_parse(as_of, &t) != 0)
        return sl_cli_usage_error(cmd, "--as-of: '%s' is not a date (YYYY-MM-DD)", as_of);
    struct sl_prog_options po;
    memset(&po, 0, sizeof po);
    struct sl_err err = {0};
    if (sl_scope_parse(scope_s, &po.scope, &err) != 0)
        return sl_cli_usage_error(cmd, "--scope: %s", err.msg);
    po.as_of = as_of;
    po.window = (int)window;

    struct sl_store *s;
    if (sl_cli_open_read(&s, db, read_db, &err) != 0)
        return sl_cli_fail_err(cmd, &err);
    struct sl_progress *p;
    if (sl_progress_compute(s, &po, &p, &err) != 0) {
        sl_store_close(s);
        return sl_cli_fail(cmd, sl_cli_exit_for(&err),
                           "%s", err.msg);
    }
    int rc = write_report(cmd, outp, fmt, s, p, limit);
    sl_progress_free(p);
    sl_store_close(s);
    return rc;
}
