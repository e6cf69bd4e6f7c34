/* forecast.h - when will the removals finish, at the rate they are going?
 *
 * Method: ordinary least squares over the weekly removal counts of the last N
 * weeks (default 12), y = a + b*x. The projected rate is the fitted line's value
 * at the as-of week, held flat from then on: a rising or falling trend moves
 * the current level but is not extrapolated further (a line extended for
 * months would promise an ever-faster programme, or one that stops by itself,
 * from a few noisy weeks). It is never below 0 nor above the best week in the
 * window. The range comes from the 80% confidence interval of that level
 * (Student's t with n-2 degrees of freedom; with fewer than 3 weeks a Poisson
 * spread of the mean): the optimistic finish uses its top, the pessimistic its
 * bottom (open-ended when the bottom is 0). The finish is the first day on
 * which the projected cumulative removals reach the outstanding count. No
 * removals in the window: no date ("stalled"). Nothing outstanding: complete.
 * A fitted level of 0 (removals have fallen away): "not at the current trend".
 *
 * Pure functions of their inputs: no allocation, no I/O.
 */
#ifndef SL_PROGRAMME_FORECAST_H
#define SL_PROGRAMME_FORECAST_H

#include <stdint.h>

#define SL_FC_DEFAULT_WINDOW 12
#define SL_FC_HORIZON_WEEKS 520

struct sl_fc_model {
    int n;             /* weeks fitted */
    double a, b;       /* fitted rate at week x: a + b*x (x = 0..n-1, n-1 = latest) */
    double xbar, sxx;  /* for the confidence band */
    double s;          /* residual standard deviation */
    double tq;         /* Student's t quantile for the 80% band */
    double cap;        /* the best week in the window */
    double mean;       /* mean weekly removals in the window */
};

/* Fits the model to y[0..n-1], oldest first. */
void sl_fc_fit(const double *y, int n, struct sl_fc_model *m);

/* Projected removals in future week j (j >= 1; week 1 is the 7 days after the
 * as-of date; the level is flat, so j only matters for the horizon).
 * band: -1 pessimistic, 0 central, +1 optimistic. */
double sl_fc_rate(const struct sl_fc_model *m, int j, int band);

/* Projected cumulative removals over the next `days` days. */
double sl_fc_cumulative(const struct sl_fc_model *m, int64_t days, int band);

/* Days from the as-of date until `remaining` removals are projected done, or -1
 * when the projection never gets there within SL_FC_HORIZON_WEEKS. */
int64_t sl_fc_days_to(const struct sl_fc_model *m, double remaining, int band);

enum sl_fc_state {
    SL_FC_NO_AFFECTED = 0, /* nothing to remove in scope */
    SL_FC_COMPLETE,        /* nothing outstanding */
    SL_FC_STALLED,         /* no removals in the window: no date can be given */
    SL_FC_NOT_AT_TREND,    /* the projected rate falls to zero before the end */
    SL_FC_DATE,            /* finish (and a range) */
};
const char *sl_fc_state_name(enum sl_fc_state st);

struct sl_forecast {
    enum sl_fc_state state;
    char finish[11];   /* "YYYY-MM-DD" when state == SL_FC_DATE */
    char earliest[11]; /* optimistic finish */
    char latest[11];   /* pessimistic finish; "" when open-ended */
    double rate;       /* fitted removals a week at the as-of date */
    double slope;      /* change of that rate per week */
    double mean_rate;  /* mean removals a week over the window */
    int weeks;         /* weeks the fit used */
    int64_t remaining; /* outstanding devices the forecast is for */
};

/* weekly[0..n-1]: removals per week, oldest first, the last ending on the
 * as-of date (only the last `window` are used). as_of: seconds since the epoch
 * of any time on the as-of day. */
void sl_forecast_compute(const double *weekly, int n, int window, int64_t affected,
                         int64_t remaining, int64_t as_of, struct sl_forecast *out,
                         struct sl_fc_model *model_out);

#endif
