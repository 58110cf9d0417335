/* stats.h: what a set of timed samples says. Knows nothing of Lua or CSV. */
#ifndef FLOPBENCH_STATS_H
#define FLOPBENCH_STATS_H

struct stats_summary {
    long count;
    double median, mean, stddev, min, max;
    /* Distribution-free confidence interval of the median from order
     * statistics (binomial ranks); level is the coverage actually reached,
     * which can exceed the one asked for and, with very few samples, fall
     * short of it. */
    double ci_low, ci_high, ci_level;
    double rel_ci;  /* (ci_high - ci_low) / (2 median): the relative noise */
    long outliers;  /* samples outside Tukey's fences (1.5 IQR); kept */
};

/* Summarises count samples (any order; not modified). Returns 0, or -1 if
 * count < 1, a sample is NaN, or memory runs out. level is the coverage
 * asked for (0.95). */
int stats_summarise(const double *samples, long count, double level, struct stats_summary *out);

/* The ratio of two series measured in the same rounds: the summary of the
 * per-round ratios num[i] / den[i] (their median and its order-statistic
 * interval at coverage >= level). Returns 0, or -1 if count < 1, a time is
 * not a positive finite number, or memory runs out. */
int stats_paired_ratio(const double *num, const double *den, long count, double level,
                       struct stats_summary *out);

/* The median of n sorted values. */
double stats_median_sorted(const double *sorted, long n);
/* 1-based ranks lo <= hi of the order statistics bounding the median with
 * coverage >= level (the narrowest symmetric pair); *achieved gets the exact
 * binomial coverage. With too few samples for level, returns 1 and n. */
void stats_median_ci_ranks(long n, double level, long *lo, long *hi, double *achieved);
/* The p-quantile (0..1) of n sorted values, linear interpolation (type 7). */
double stats_quantile_sorted(const double *sorted, long n, double p);
/* Samples outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR]. */
long stats_tukey_outliers(const double *sorted, long n);

#endif
