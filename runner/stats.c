/* stats.c: what a set of timed samples says: centre, spread, a confidence
 * interval of the median, and how many samples look like outliers.
 *
 * Why the median and an order-statistic interval: timings are skewed (a
 * preempted batch is slow, never fast) and rarely normal, so a mean and a
 * t-interval describe a distribution the samples do not have. The interval
 * used here assumes only that the samples are independent draws from one
 * continuous distribution with median m.
 *
 * The method. Sort the n samples, X(1) <= ... <= X(n). Let B be how many of
 * them fall below m; each does with probability 1/2, so B ~ Binomial(n, 1/2).
 * X(r) <= m exactly when B >= r, and X(s) >= m exactly when B <= s - 1, so
 *
 *     P(X(r) <= m <= X(s)) = P(r <= B <= s - 1).
 *
 * For the symmetric pair s = n + 1 - r this is 1 - 2 F(r - 1), where
 * F(k) = P(B <= k) = sum_{i=0..k} C(n, i) / 2^n. The coverage falls as r
 * rises, so the narrowest symmetric interval reaching the level asked for is
 * the one with the largest r whose coverage is still >= level; that coverage
 * is reported as it is (a dyadic fraction, usually above the level asked for,
 * e.g. 0.9785 for n = 10). If even r = 1 (the whole range, coverage
 * 1 - 2^(1-n)) falls short, as it does for n < 6 at 0.95, the interval is
 * [min, max] and the coverage actually reached is reported, not the one asked.
 *
 * Computing F. Up to n = 53 the counts C(n, i) and their sums are integers
 * that a double holds exactly, so the coverages and the comparison with the
 * level are exact. Beyond, 2^-n soon underflows a double (n > 1074), so the
 * binomial probabilities are carried as logarithms: log p(0) = -n log 2 and
 * log p(i+1) = log p(i) + log((n - i) / (i + 1)). Each step adds about one
 * rounding to log p(i). Checked against exact integer arithmetic (Python),
 * the ranks agree and the coverage is off by at most 1e-14 for n <= 1000 and
 * 6e-12 (the tail 2 F by 1.2e-10 relative) at n = 100000; only a level
 * within that distance of an attainable coverage could get a rank off by
 * one. The tail is summed from its smallest terms upwards; terms that
 * underflow to zero are smaller than anything the sum could show. The cost
 * is one log and one exp per rank below the answer, about n/2.
 *
 * Paired ratios. Where two points were measured in the same rounds (one
 * sample of each a round), the ratio of their times is estimated from the
 * per-round ratios num[i] / den[i]: slow drift of the machine (a clock that
 * falls, a neighbour that starts) scales both samples of a round alike and
 * cancels in their ratio, so the ratios are far less spread than either
 * series. Their median and its interval are those above, applied to the
 * ratios: the same assumption (independent rounds, one continuous
 * distribution of the ratio) and the same exact coverage.
 *
 * Nothing here knows of Lua or CSV. */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median_sorted(const double *sorted, long n)
{
    if (n < 1)
        return NAN;
    if (n % 2)
        return sorted[n / 2];
    /* The midpoint, written so that it cannot overflow for huge values. */
    return sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2;
}

double stats_quantile_sorted(const double *sorted, long n, double p)
{
    if (n < 1 || !(p >= 0 && p <= 1))
        return NAN;
    double h = (double)(n - 1) * p;  /* 0-based position, type 7 */
    long i = (long)floor(h);
    if (i >= n - 1)
        return sorted[n - 1];
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

long stats_tukey_outliers(const double *sorted, long n)
{
    if (n < 1)
        return 0;
    double q1 = stats_quantile_sorted(sorted, n, 0.25);
    double q3 = stats_quantile_sorted(sorted, n, 0.75);
    double lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
    long count = 0;
    for (long i = 0; i < n; i++)
        count += sorted[i] < lo || sorted[i] > hi;
    return count;
}

/* Ranks for n <= 53, in integers: C(n, i) and 2^n - 2 F fit a double's
 * 53-bit mantissa, so every coverage and its comparison with level are exact
 * (the usual sample counts, 5 to 50, take this path). */
static long ci_rank_exact(long n, double level, double *achieved)
{
    uint64_t total = (uint64_t)1 << n, c = 1, tail = 1;  /* C(n, 0), F(0) 2^n */
    double need = ldexp(level, (int)n);                  /* level 2^n, exact */
    long r = 1;
    while (r + 1 <= n - r) {  /* r + 1 must stay <= its partner n - r */
        c = c * (uint64_t)(n - r + 1) / (uint64_t)r;    /* C(n, r) */
        if (!((double)(total - 2 * (tail + c)) >= need))
            break;
        tail += c;
        r++;
    }
    *achieved = ldexp((double)(total - 2 * tail), -(int)n);
    return r;
}

/* Ranks for larger n, in logarithms (2^-n underflows past n = 1074). */
static long ci_rank_log(long n, double level, double *achieved)
{
    /* tail = F(r - 1) for the current r; logp = log p(r - 1). */
    double logp = -(double)n * log(2.0);
    double tail = exp(logp);
    long r = 1;
    while (r + 1 <= n - r) {
        logp += log((double)(n - r + 1) / (double)r);  /* log p(r) */
        double next = tail + exp(logp);                 /* F(r) */
        if (!(1 - 2 * next >= level))
            break;
        tail = next;
        r++;
    }
    *achieved = fmax(0, 1 - 2 * tail);
    return r;
}

void stats_median_ci_ranks(long n, double level, long *lo, long *hi, double *achieved)
{
    if (n < 1) {
        *lo = *hi = 0;
        *achieved = 0;
        return;
    }
    *lo = n <= 53 ? ci_rank_exact(n, level, achieved) : ci_rank_log(n, level, achieved);
    *hi = n + 1 - *lo;
}

/* Mean and sample standard deviation (n - 1; 0 for one sample), two passes
 * over the sorted values so that the small ones are summed first. */
static void mean_stddev(const double *sorted, long n, double *mean, double *stddev)
{
    double sum = 0;
    for (long i = 0; i < n; i++)
        sum += sorted[i];
    double m = sum / (double)n, ss = 0;
    for (long i = 0; i < n; i++)
        ss += (sorted[i] - m) * (sorted[i] - m);
    *mean = m;
    *stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

int stats_summarise(const double *samples, long count, double level, struct stats_summary *out)
{
    if (count < 1 || (size_t)count > SIZE_MAX / sizeof(double))
        return -1;
    for (long i = 0; i < count; i++)
        if (isnan(samples[i]))
            return -1;  /* a NaN time is a broken measurement, not a sample */
    double *s = malloc((size_t)count * sizeof *s);
    if (!s)
        return -1;
    memcpy(s, samples, (size_t)count * sizeof *s);
    qsort(s, (size_t)count, sizeof *s, cmp_double);

    struct stats_summary r = {.count = count, .min = s[0], .max = s[count - 1]};
    r.median = stats_median_sorted(s, count);
    mean_stddev(s, count, &r.mean, &r.stddev);
    long lo, hi;
    stats_median_ci_ranks(count, level, &lo, &hi, &r.ci_level);
    r.ci_low = s[lo - 1];
    r.ci_high = s[hi - 1];
    double width = r.ci_high - r.ci_low;
    /* A zero median with a non-zero width is infinitely noisy, relatively. */
    r.rel_ci = width == 0 ? 0 : r.median != 0 ? width / (2 * fabs(r.median)) : INFINITY;
    r.outliers = stats_tukey_outliers(s, count);
    free(s);
    *out = r;
    return 0;
}

int stats_paired_ratio(const double *num, const double *den, long count, double level,
                       struct stats_summary *out)
{
    if (count < 1 || (size_t)count > SIZE_MAX / sizeof(double))
        return -1;
    double *ratios = malloc((size_t)count * sizeof *ratios);
    if (!ratios)
        return -1;
    int status = 0;
    for (long i = 0; i < count && status == 0; i++) {
        if (!(num[i] > 0) || !(den[i] > 0) || isinf(num[i]) || isinf(den[i]))
            status = -1;  /* a time is a positive finite number */
        else
            ratios[i] = num[i] / den[i];
    }
    if (status == 0)
        status = stats_summarise(ratios, count, level, out);
    free(ratios);
    return status;
}
