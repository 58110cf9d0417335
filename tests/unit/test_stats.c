/* test_stats.c: runner/stats.c against values worked out by hand.
 *
 * The CI coverages come from coverage(r) = 1 - 2 F(r - 1), with
 * F(k) = sum_{i<=k} C(n, i) / 2^n (see stats.c). The small cases are done
 * below in the comments; n = 100, 1000 and 100000 were computed with exact
 * integer arithmetic in Python:
 *   from math import comb; F = sum(comb(n, i) for i in range(r)); 1 - 2*F/2**n
 */
#include "check.h"
#include "stats.h"

#include <string.h>

#define N(a) ((long)(sizeof(a) / sizeof((a)[0])))

static void test_odd(void)
{
    double x[] = {3, 1, 2, 5, 4}, copy[5];
    memcpy(copy, x, sizeof x);
    struct stats_summary s;
    CHECK(stats_summarise(x, N(x), 0.95, &s) == 0, "summarise failed");
    CHECK(memcmp(x, copy, sizeof x) == 0, "input was modified");
    CHECK(s.count == 5, "count %ld", s.count);
    /* sorted 1 2 3 4 5: the middle one is 3; the mean is 15 / 5 = 3 */
    CHECK_NEAR(s.median, 3, 0);
    CHECK_NEAR(s.mean, 3, 0);
    /* deviations -2 -1 0 1 2: squares 4+1+0+1+4 = 10; 10 / (5-1) = 2.5;
     * sqrt(2.5) = 1.5811388300841898 */
    CHECK_NEAR(s.stddev, 1.5811388300841898, 1e-15);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.max, 5, 0);
    /* n = 5 is too few for 0.95: even [X(1), X(5)] covers only
     * 1 - 2 F(0) = 1 - 2/32 = 0.9375, and that is what is reported */
    CHECK_NEAR(s.ci_low, 1, 0);
    CHECK_NEAR(s.ci_high, 5, 0);
    CHECK_NEAR(s.ci_level, 0.9375, 1e-15);
    /* rel_ci = (5 - 1) / (2 * 3) = 2/3 */
    CHECK_NEAR(s.rel_ci, 2.0 / 3.0, 1e-15);
    CHECK(s.outliers == 0, "outliers %ld", s.outliers);
}

static void test_even(void)
{
    double x[] = {4, 1, 3, 2};
    struct stats_summary s;
    CHECK(stats_summarise(x, N(x), 0.95, &s) == 0, "summarise failed");
    /* sorted 1 2 3 4: median (2 + 3) / 2 = 2.5; mean 10 / 4 = 2.5 */
    CHECK_NEAR(s.median, 2.5, 0);
    CHECK_NEAR(s.mean, 2.5, 0);
    /* deviations -1.5 -0.5 0.5 1.5: squares 2.25+0.25+0.25+2.25 = 5;
     * 5 / 3 = 1.6667; sqrt = 1.2909944487358056 */
    CHECK_NEAR(s.stddev, 1.2909944487358056, 1e-15);
    /* too few again: 1 - 2/16 = 0.875 */
    CHECK_NEAR(s.ci_level, 0.875, 1e-15);
    CHECK_NEAR(s.ci_low, 1, 0);
    CHECK_NEAR(s.ci_high, 4, 0);
}

static void test_one(void)
{
    double x[] = {0.5};
    struct stats_summary s;
    CHECK(stats_summarise(x, 1, 0.95, &s) == 0, "summarise failed");
    CHECK_NEAR(s.median, 0.5, 0);
    CHECK_NEAR(s.mean, 0.5, 0);
    CHECK_NEAR(s.stddev, 0, 0);  /* n - 1 = 0: defined as 0 */
    CHECK_NEAR(s.min, 0.5, 0);
    CHECK_NEAR(s.max, 0.5, 0);
    CHECK_NEAR(s.ci_low, 0.5, 0);
    CHECK_NEAR(s.ci_high, 0.5, 0);
    /* one sample lands on either side of the median with probability 1/2 each:
     * coverage of [X(1), X(1)] = 1 - 2 * 1/2 = 0 */
    CHECK_NEAR(s.ci_level, 0, 0);
    CHECK_NEAR(s.rel_ci, 0, 0);
    CHECK(s.outliers == 0, "outliers %ld", s.outliers);
}

static void test_bad_input(void)
{
    struct stats_summary s;
    double x[] = {1, NAN, 2};
    CHECK(stats_summarise(x, 0, 0.95, &s) == -1, "count 0 accepted");
    CHECK(stats_summarise(x, -3, 0.95, &s) == -1, "negative count accepted");
    CHECK(stats_summarise(x, 3, 0.95, &s) == -1, "NaN sample accepted");
}

static void check_ranks(long n, double level, long want_lo, long want_hi, double want_cov,
                        double tol)
{
    long lo, hi;
    double cov;
    stats_median_ci_ranks(n, level, &lo, &hi, &cov);
    CHECK(lo == want_lo && hi == want_hi, "n = %ld level %g: ranks %ld..%ld, want %ld..%ld", n,
          level, lo, hi, want_lo, want_hi);
    CHECK_NEAR(cov, want_cov, tol);
}

static void test_ci_ranks(void)
{
    /* n = 5: 1 - 2 * 1/32 = 0.9375 < 0.95: too few, the whole range */
    check_ranks(5, 0.95, 1, 5, 0.9375, 1e-15);
    /* n = 6: 1 - 2 * 1/64 = 0.96875 >= 0.95; r = 2 would give
     * 1 - 2 * (1 + 6)/64 = 0.78125, so ranks 1..6 */
    check_ranks(6, 0.95, 1, 6, 0.96875, 1e-15);
    /* n = 10, 2^10 = 1024: C(10, 0..2) = 1, 10, 45.
     * r = 2: 1 - 2 * (1 + 10)/1024 = 1 - 22/1024 = 0.978515625 >= 0.95
     * r = 3: 1 - 2 * (1 + 10 + 45)/1024 = 1 - 112/1024 = 0.890625 < 0.95
     * so ranks 2..9 */
    check_ranks(10, 0.95, 2, 9, 0.978515625, 1e-15);
    /* n = 20, 2^20 = 1048576: C(20, 0..6) = 1, 20, 190, 1140, 4845, 15504, 38760.
     * F(5) = 21700/2^20: r = 6 covers 1 - 43400/1048576 = 0.95861053466796875
     * F(6) = 60460/2^20: r = 7 covers 1 - 120920/1048576 = 0.8846817 < 0.95
     * so ranks 6..15 */
    check_ranks(20, 0.95, 6, 15, 0.95861053466796875, 1e-15);
    /* n = 100 (Python, exact): r = 40 covers 0.96479979978229513,
     * r = 41 covers 0.9431120663590192 < 0.95: ranks 40..61.
     * At 0.99: ranks 37..64, coverage 0.9933628794840739. */
    check_ranks(100, 0.95, 40, 61, 0.96479979978229513, 1e-13);
    check_ranks(100, 0.99, 37, 64, 0.9933628794840739, 1e-13);
    /* n = 1000: ranks 469..532, coverage 0.95370880263950186 */
    check_ranks(1000, 0.95, 469, 532, 0.95370880263950186, 1e-12);
    /* n = 100000 (2^-n underflows a double; log space does not):
     * 0.95: ranks 49690..50311, coverage 0.95044428533047509;
     * 0.99: ranks 49593..50408, coverage 0.99004154119871901 */
    check_ranks(100000, 0.95, 49690, 50311, 0.95044428533047509, 1e-10);
    check_ranks(100000, 0.99, 49593, 50408, 0.99004154119871901, 1e-10);
    /* n = 1, 2, 3 at level 0: the narrowest pairs are the middle ones,
     * never crossed: n = 2 gives 1..2 (coverage 1 - 2/4 = 0.5), n = 3 gives
     * 2..2 (1 - 2 * (1 + 3)/8 = 0) */
    check_ranks(1, 0.0, 1, 1, 0, 0);
    check_ranks(2, 0.0, 1, 2, 0.5, 1e-15);
    check_ranks(3, 0.0, 2, 2, 0, 1e-15);
}

static void test_ci_summary(void)
{
    /* 10 samples in reverse order: ranks 2..9 are the values 2 and 9 */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = 10 - i;
    struct stats_summary s;
    CHECK(stats_summarise(x, 10, 0.95, &s) == 0, "summarise failed");
    CHECK_NEAR(s.ci_low, 2, 0);
    CHECK_NEAR(s.ci_high, 9, 0);
    CHECK_NEAR(s.ci_level, 0.978515625, 1e-15);
    /* median (5 + 6)/2 = 5.5; rel_ci = (9 - 2)/(2 * 5.5) = 7/11 */
    CHECK_NEAR(s.median, 5.5, 0);
    CHECK_NEAR(s.rel_ci, 7.0 / 11.0, 1e-15);
}

static void test_quantiles(void)
{
    /* type 7: h = (n - 1) p, x[floor h] + frac(h) (x[floor h + 1] - x[floor h]) */
    double x[] = {10, 20, 30, 40};
    CHECK_NEAR(stats_quantile_sorted(x, 4, 0), 10, 0);
    CHECK_NEAR(stats_quantile_sorted(x, 4, 0.25), 17.5, 0);  /* h = 0.75: 10 + 0.75 * 10 */
    CHECK_NEAR(stats_quantile_sorted(x, 4, 0.5), 25, 0);     /* h = 1.5: 20 + 0.5 * 10 */
    CHECK_NEAR(stats_quantile_sorted(x, 4, 0.75), 32.5, 0);  /* h = 2.25: 30 + 0.25 * 10 */
    CHECK_NEAR(stats_quantile_sorted(x, 4, 1), 40, 0);
    CHECK_NEAR(stats_quantile_sorted(x, 1, 0.3), 10, 0);     /* one value: itself */
    CHECK_NEAR(stats_median_sorted(x, 4), 25, 0);
    CHECK_NEAR(stats_median_sorted(x, 3), 20, 0);
    CHECK(isnan(stats_quantile_sorted(x, 4, 1.5)), "p > 1 accepted");
}

static void test_tukey(void)
{
    /* n = 10. Q1: h = 9 * 0.25 = 2.25, x[2] + 0.25 (x[3] - x[2]) = 2 + 0.25 = 2.25.
     * Q3: h = 6.75, x[6] + 0.75 (x[7] - x[6]) = 6 + 0.75 = 6.75. IQR = 4.5,
     * fences 2.25 - 6.75 = -4.5 and 6.75 + 6.75 = 13.5 (all exact in binary).
     * The extremes sit at x[0] and x[9], which the quartiles never touch. */
    double out2[] = {-20, 1, 2, 3, 4, 5, 6, 7, 8, 30};
    CHECK(stats_tukey_outliers(out2, 10) == 2, "got %ld", stats_tukey_outliers(out2, 10));
    double out1[] = {-20, 1, 2, 3, 4, 5, 6, 7, 8, 13.5};  /* on the fence: kept in */
    CHECK(stats_tukey_outliers(out1, 10) == 1, "got %ld", stats_tukey_outliers(out1, 10));
    double out0[] = {-4.5, 1, 2, 3, 4, 5, 6, 7, 8, 13.5};
    CHECK(stats_tukey_outliers(out0, 10) == 0, "got %ld", stats_tukey_outliers(out0, 10));

    /* Through the summary, shuffled: counted, never removed. */
    double x[] = {30, 4, 1, 8, -20, 3, 7, 2, 6, 5};
    struct stats_summary s;
    CHECK(stats_summarise(x, 10, 0.95, &s) == 0, "summarise failed");
    CHECK(s.outliers == 2, "outliers %ld", s.outliers);
    CHECK(s.count == 10, "count %ld", s.count);
    CHECK_NEAR(s.min, -20, 0);
    CHECK_NEAR(s.max, 30, 0);
    /* sum = 30 + 4 + 1 + 8 - 20 + 3 + 7 + 2 + 6 + 5 = 46: mean 4.6 */
    CHECK_NEAR(s.mean, 4.6, 1e-15);
    /* median of -20 1 2 3 4 5 6 7 8 30: (4 + 5)/2 = 4.5 */
    CHECK_NEAR(s.median, 4.5, 0);
}

static void test_large(void)
{
    /* 100000 samples 1..100000 in reverse: the CI is the ranks themselves. */
    enum { n = 100000 };
    static double x[n];
    for (long i = 0; i < n; i++)
        x[i] = (double)(n - i);
    struct stats_summary s;
    CHECK(stats_summarise(x, n, 0.95, &s) == 0, "summarise failed");
    CHECK_NEAR(s.ci_low, 49690, 0);
    CHECK_NEAR(s.ci_high, 50311, 0);
    CHECK_NEAR(s.median, 50000.5, 0);
    CHECK_NEAR(s.mean, 50000.5, 1e-9);
    CHECK(x[0] == n && x[n - 1] == 1, "input was modified");
}

/* Paired ratios, worked by hand. Ten rounds whose ratios are 1..10 in a
 * scrambled order: sorted they are 1..10, the median 5.5, and for n = 10 the
 * 95% pair is ranks 2 and 9 (coverage 1 - 2 (1 + 10) / 1024 = 0.978515625),
 * so the interval is [2, 9]. */
static void test_paired_hand(void)
{
    const double den[] = { 2, 1, 4, 1, 0.5, 3, 1, 2, 1, 1 };
    const double ratio[] = { 3, 7, 1, 10, 2, 5, 9, 4, 6, 8 };
    double num[10];
    for (int i = 0; i < 10; i++)
        num[i] = ratio[i] * den[i];
    struct stats_summary s;
    CHECK(stats_paired_ratio(num, den, 10, 0.95, &s) == 0, "paired ratio failed");
    CHECK_NEAR(s.median, 5.5, 1e-15);
    CHECK_NEAR(s.ci_low, 2, 1e-15);
    CHECK_NEAR(s.ci_high, 9, 1e-15);
    CHECK_NEAR(s.ci_level, 0.978515625, 0);
    CHECK(s.count == 10, "count %ld", s.count);
}

/* A drift that scales both series of a round alike: round i takes
 * (1 + i/2) times as long. Each series spreads over a factor of 4.5, so the
 * unpaired interval num_low/den_high .. num_high/den_low is wide; every
 * per-round ratio is 2, so the paired interval is [2, 2]. */
static void test_paired_drift(void)
{
    double num[8], den[8];
    for (int i = 0; i < 8; i++) {
        den[i] = 1e-3 * (1 + i / 2.0);
        num[i] = 2 * den[i];
    }
    struct stats_summary a, b, r;
    CHECK(stats_summarise(num, 8, 0.95, &a) == 0 && stats_summarise(den, 8, 0.95, &b) == 0,
          "summaries failed");
    CHECK(a.ci_low / b.ci_high < 1.2 && a.ci_high / b.ci_low > 3.3,
          "unpaired [%g, %g] should be wide", a.ci_low / b.ci_high, a.ci_high / b.ci_low);
    CHECK(stats_paired_ratio(num, den, 8, 0.95, &r) == 0, "paired ratio failed");
    CHECK_NEAR(r.median, 2, 1e-15);
    CHECK_NEAR(r.ci_low, 2, 1e-15);
    CHECK_NEAR(r.ci_high, 2, 1e-15);
    /* n = 8: ranks 1 and 8, coverage 1 - 2/256 */
    CHECK_NEAR(r.ci_level, 0.9921875, 0);
}

/* Six rounds, odd count of distinct ratios: 0.5, 1, 1.5, 2, 2.5, 3 give the
 * median 1.75 and, for n = 6 (ranks 1 and 6, coverage 62/64), [0.5, 3]. A
 * time that is zero, negative, infinite or NaN is refused. */
static void test_paired_edges(void)
{
    const double num[] = { 3, 1, 2.5, 0.5, 2, 1.5 }, den[] = { 1, 1, 1, 1, 1, 1 };
    struct stats_summary s;
    CHECK(stats_paired_ratio(num, den, 6, 0.95, &s) == 0, "paired ratio failed");
    CHECK_NEAR(s.median, 1.75, 1e-15);
    CHECK_NEAR(s.ci_low, 0.5, 0);
    CHECK_NEAR(s.ci_high, 3, 0);
    CHECK_NEAR(s.ci_level, 0.96875, 0);
    const double bad[][2] = { { 0, 1 }, { 1, 0 }, { -1, 1 }, { INFINITY, 1 }, { NAN, 1 }, { 1, NAN } };
    for (int i = 0; i < 6; i++)
        CHECK(stats_paired_ratio(&bad[i][0], &bad[i][1], 1, 0.95, &s) == -1, "bad pair %d accepted", i);
    CHECK(stats_paired_ratio(num, den, 0, 0.95, &s) == -1, "no pair accepted");
}

int main(void)
{
    test_paired_hand();
    test_paired_drift();
    test_paired_edges();
    test_odd();
    test_even();
    test_one();
    test_bad_input();
    test_ci_ranks();
    test_ci_summary();
    test_quantiles();
    test_tukey();
    test_large();
    return check_report("stats");
}
