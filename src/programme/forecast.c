/* forecast.c - least squares over weekly removals, projected forward. */
#include "programme/forecast.h"

#include <math.h>
#include <string.h>

#include "util/timeutil.h"

const char *sl_fc_state_name(enum sl_fc_state st)
{
    switch (st) {
    case SL_FC_NO_AFFECTED: return "no_affected";
    case SL_FC_COMPLETE: return "complete";
    case SL_FC_STALLED: return "stalled";
    case SL_FC_NOT_AT_TREND: return "not_at_trend";
    case SL_FC_DATE: return "date";
    }
    return "stalled";
}

/* One-sided 0.90 quantile of Student's t (two-sided 80% band). */
static double t90(int df)
{
    static const double tab[] = {0,     3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415,
                                 1.397, 1.383, 1.372, 1.363, 1.356, 1.350, 1.345, 1.341,
                                 1.337, 1.333, 1.330, 1.328, 1.325};
    if (df < 1)
        return tab[1];
    if (df <= 20)
        return tab[df];
    if (df <= 30)
        return 1.310;
    return 1.282;
}

void sl_fc_fit(const double *y, int n, struct sl_fc_model *m)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    if (n <= 0)
        return;
    double sy = 0, sx = 0;
    for (int i = 0; i < n; i++) {
        sy += y[i];
        sx += i;
        if (y[i] > m->cap)
            m->cap = y[i];
    }
    m->mean = sy / n;
    m->xbar = sx / n;
    if (n < 3) {
        /* Too few weeks for a trend: a flat rate with a Poisson spread. */
        m->a = m->mean;
        m->b = 0;
        m->s = sqrt(m->mean);
        m->sxx = 0;
        m->tq = t90(1);
        return;
    }
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        sxy += (i - m->xbar) * (y[i] - m->mean);
        sxx += (i - m->xbar) * (i - m->xbar);
    }
    m->sxx = sxx;
    m->b = sxx > 0 ? sxy / sxx : 0;
    m->a = m->mean - m->b * m->xbar;
    double rss = 0;
    for (int i = 0; i < n; i++) {
        double r = y[i] - (m->a + m->b * i);
        rss += r * r;
    }
    m->s = sqrt(rss / (n - 2));
    m->tq = t90(n - 2);
}

double sl_fc_rate(const struct sl_fc_model *m, int j, int band)
{
    if (m->n <= 0)
        return 0;
    (void)j; /* the level at the as-of week, held flat (see forecast.h) */
    double x = m->n - 1;
    double mu = m->a + m->b * x;
    if (band != 0) {
        double se = m->sxx > 0 ? m->s * sqrt(1.0 / m->n + (x - m->xbar) * (x - m->xbar) / m->sxx)
                               : m->s / sqrt((double)m->n);
        mu += band * m->tq * se;
    }
    if (mu < 0)
        mu = 0;
    if (mu > m->cap)
        mu = m->cap;
    return mu;
}

double sl_fc_cumulative(const struct sl_fc_model *m, int64_t days, int band)
{
    double sum = 0;
    int64_t full = days / 7;
    for (int64_t j = 1; j <= full && j <= SL_FC_HORIZON_WEEKS; j++)
        sum += sl_fc_rate(m, (int)j, band);
    if (full < SL_FC_HORIZON_WEEKS)
        sum += sl_fc_rate(m, (int)full + 1, band) * (double)(days % 7) / 7.0;
    return sum;
}

int64_t sl_fc_days_to(const struct sl_fc_model *m, double remaining, int band)
{
    if (remaining <= 0)
        return 0;
    double cum = 0;
    for (int j = 1; j <= SL_FC_HORIZON_WEEKS; j++) {
        double r = sl_fc_rate(m, j, band);
        if (r > 0 && cum + r >= remaining - 1e-9) {
            double frac = (remaining - cum) / r; /* of week j */
            int64_t d = (int64_t)ceil(frac * 7.0 - 1e-9);
            if (d < 1)
                d = 1;
            return (int64_t)(j - 1) * 7 + d;
        }
        cum += r;
    }
    return -1;
}

void sl_forecast_compute(const double *weekly, int n, int window, int64_t affected,
                         int64_t remaining, int64_t as_of, struct sl_forecast *out,
                         struct sl_fc_model *model_out)
{
    memset(out, 0, sizeof *out);
    struct sl_fc_model m;
    if (window <= 0)
        window = SL_FC_DEFAULT_WINDOW;
    int use = n < window ? n : window;
    sl_fc_fit(weekly + (n - use), use, &m);
    if (model_out != NULL)
        *model_out = m;
    out->weeks = use;
    out->remaining = remaining;
    out->mean_rate = m.mean;
    out->slope = m.b;
    out->rate = use > 0 ? sl_fc_rate(&m, 0, 0) : 0;
    if (affected <= 0) {
        out->state = SL_FC_NO_AFFECTED;
        return;
    }
    if (remaining <= 0) {
        out->state = SL_FC_COMPLETE;
        return;
    }
    if (use == 0 || m.cap <= 0) {
        out->state = SL_FC_STALLED;
        return;
    }
    int64_t day0 = as_of - ((as_of % 86400) + 86400) % 86400;
    int64_t mid = sl_fc_days_to(&m, (double)remaining, 0);
    if (mid < 0) {
        out->state = SL_FC_NOT_AT_TREND;
        return;
    }
    out->state = SL_FC_DATE;
    sl_time_date(day0 + mid * 86400, out->finish);
    int64_t lo = sl_fc_days_to(&m, (double)remaining, +1);
    sl_time_date(day0 + (lo >= 0 ? lo : mid) * 86400, out->earliest);
    int64_t hi = sl_fc_days_to(&m, (double)remaining, -1);
    if (hi >= 0)
        sl_time_date(day0 + hi * 86400, out->latest);
}
