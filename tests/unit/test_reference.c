/* test_reference.c: the float64 reference itself, on inputs small enough to
 * work out by hand, and its comparisons: a corrupted element, an unwritten
 * (NaN) element and an inexact copy are each caught. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "random.h"
#include "reference.h"

#include <stdlib.h>

/* [[1 -2] [3 4]] [5 6]^T = [-7 39], in both dtypes; the conditions (sums
 * of the terms' magnitudes) are [17 39]. */
static void test_matvec(void)
{
    const double a64[] = { 1, -2, 3, 4 }, x64[] = { 5, 6 };
    const float a32[] = { 1, -2, 3, 4 }, x32[] = { 5, 6 };
    double out[2], cond[2];
    reference_matvec(DTYPE_F64, 2, a64, x64, out, cond);
    CHECK_NEAR(out[0], -7.0, 0.0);
    CHECK_NEAR(out[1], 39.0, 0.0);
    CHECK_NEAR(cond[0], 17.0, 0.0);
    CHECK_NEAR(cond[1], 39.0, 0.0);
    reference_matvec(DTYPE_F32, 2, a32, x32, out, cond);
    CHECK_NEAR(out[0], -7.0, 0.0);
    CHECK_NEAR(out[1], 39.0, 0.0);
    CHECK_NEAR(cond[0], 17.0, 0.0);
}

/* x = [1 2 3], y = [4 5 6]: x y^T = [[4 5 6] [8 10 12] [12 15 18]]; its
 * column sums (axis 0) are [24 30 36], its row sums (axis 1) [15 30 45]. */
static void test_outer_sum(void)
{
    const double x64[] = { 1, 2, 3 }, y64[] = { 4, 5, 6 };
    const float x32[] = { 1, 2, 3 }, y32[] = { 4, 5, 6 };
    const double cols[] = { 24, 30, 36 }, rows[] = { 15, 30, 45 };
    double out[3], cond[3];
    reference_outer_sum(DTYPE_F64, 3, 0, x64, y64, out, cond);
    for (int k = 0; k < 3; k++) {
        CHECK_NEAR(out[k], cols[k], 0.0);
        CHECK_NEAR(cond[k], cols[k], 0.0); /* all terms positive */
    }
    reference_outer_sum(DTYPE_F64, 3, 1, x64, y64, out, cond);
    for (int k = 0; k < 3; k++)
        CHECK_NEAR(out[k], rows[k], 0.0);
    reference_outer_sum(DTYPE_F32, 3, 0, x32, y32, out, cond);
    for (int k = 0; k < 3; k++)
        CHECK_NEAR(out[k], cols[k], 0.0);
    reference_outer_sum(DTYPE_F32, 3, 1, x32, y32, out, cond);
    for (int k = 0; k < 3; k++)
        CHECK_NEAR(out[k], rows[k], 0.0);
}

/* The bound is 32 eps up to n = 36864, then grows as sqrt(n) / 6, and
 * is tighter for f64. */
static void test_tolerance(void)
{
    CHECK_NEAR(reference_tolerance(DTYPE_F32, 1), 32.0 * FLT_EPSILON, 0.0);
    CHECK_NEAR(reference_tolerance(DTYPE_F32, 36864), 32.0 * FLT_EPSILON, 0.0);
    CHECK_NEAR(reference_tolerance(DTYPE_F32, 1000000), FLT_EPSILON * 1000.0 / 6.0, 1e-12);
    CHECK_NEAR(reference_tolerance(DTYPE_F64, 1000), 32.0 * DBL_EPSILON, 0.0);
}

/* Poison is NaN everywhere, in both dtypes. */
static void test_poison(void)
{
    float f[5];
    double d[5];
    reference_poison(f, DTYPE_F32, 5);
    reference_poison(d, DTYPE_F64, 5);
    int nan = 1;
    for (int k = 0; k < 5; k++)
        nan &= isnan(f[k]) && isnan(d[k]);
    CHECK(nan, "every poisoned element is NaN");
}

/* Element by element: an exact output passes with rel_err 0; rounding
 * within the bound passes; an element off by more than the bound times its
 * own condition fails, however small beside the other elements, and a NaN
 * fails as unwritten. */
static void test_compare(void)
{
    const double ref[] = { 1, 2, 3, 4000000 }, cond[] = { 1, 2, 3, 4000000 };
    float out[] = { 1, 2, 3, 4000000 };
    char err[KERNEL_ERR_LEN] = "";
    struct kernel_check c;
    CHECK(reference_compare(DTYPE_F32, 4, 4, out, ref, cond, &c, err) == KERNEL_OK, "exact: %s", err);
    CHECK_NEAR(c.rel_err, 0.0, 0.0);
    CHECK(c.unwritten == 0, "exact: %ld unwritten", c.unwritten);
    out[2] = nextafterf(3.0f, 4.0f);
    CHECK(reference_compare(DTYPE_F32, 4, 4, out, ref, cond, &c, err) == KERNEL_OK, "one ulp: %s", err);
    out[2] = 3.001f; /* 3e-4 of its own condition; 2.5e-10 of the norm of all */
    CHECK(reference_compare(DTYPE_F32, 4, 4, out, ref, cond, &c, err) == KERNEL_WRONG, "corrupted caught");
    CHECK(c.rel_err > c.tolerance, "rel_err %g over tolerance %g", c.rel_err, c.tolerance);
    CHECK(strstr(err, "1 of 4 output elements are off: element 2 is") != NULL,
          "the error names the element: %s", err);
    out[2] = 3.0f;
    out[1] = NAN;
    CHECK(reference_compare(DTYPE_F32, 4, 4, out, ref, cond, &c, err) == KERNEL_WRONG, "NaN caught");
    CHECK(c.unwritten == 1, "one unwritten, got %ld", c.unwritten);
    CHECK(strstr(err, "not written") != NULL, "the error says why: %s", err);
    /* an output whose terms are all zero must be exactly zero */
    const double zero[] = { 0 };
    float tiny[] = { 1e-30f };
    CHECK(reference_compare(DTYPE_F32, 1, 1, tiny, zero, zero, &c, err) == KERNEL_WRONG,
          "a non-zero sum of zero terms caught");
}

/* A copy must be bit-exact: one ulp off in one element fails. */
static void test_compare_copy(void)
{
    const double src[] = { 0.25, 0.5, 0.75 };
    double dst[] = { 0.25, 0.5, 0.75 };
    char err[KERNEL_ERR_LEN] = "";
    struct kernel_check c;
    CHECK(reference_compare_copy(DTYPE_F64, 3, dst, src, &c, err) == KERNEL_OK, "exact copy");
    CHECK(c.unwritten == 0 && c.rel_err == 0.0, "exact copy: %ld wrong", c.unwritten);
    dst[1] = nextafter(0.5, 1.0);
    CHECK(reference_compare_copy(DTYPE_F64, 3, dst, src, &c, err) == KERNEL_WRONG, "one ulp off");
    CHECK(c.unwritten == 1, "one element differs, got %ld", c.unwritten);
    CHECK(strstr(err, "first at 1") != NULL, "the error names the element: %s", err);
}

/* Inputs are the same however many threads draw them: a large fill (split
 * over threads) starts with the same values as a small one (one thread),
 * all of magnitude in [0.5, 1), of both signs about equally, and another
 * stream differs; a fill from an offset gives the same elements. */
static void test_random_fill_split(void)
{
    enum { big = 300000, small = 100 };
    double *a = malloc(big * sizeof *a), b[small], c[small];
    float *f = malloc(big * sizeof *f);
    if (!a || !f) {
        CHECK(0, "out of memory");
        return;
    }
    random_fill(a, DTYPE_F64, big, 42, STREAM_X);
    random_fill(b, DTYPE_F64, small, 42, STREAM_X);
    random_fill(c, DTYPE_F64, small, 42, STREAM_Y);
    CHECK(memcmp(a, b, sizeof b) == 0, "a threaded fill differs from a single one");
    CHECK(memcmp(b, c, sizeof b) != 0, "two streams gave the same values");
    int in_range = 1;
    long negative = 0;
    for (long i = 0; i < big; i++) {
        in_range &= fabs(a[i]) >= 0.5 && fabs(a[i]) < 1.0;
        negative += a[i] < 0.0;
    }
    CHECK(in_range, "a magnitude outside [0.5, 1)");
    CHECK(negative > big / 2 - 2000 && negative < big / 2 + 2000, "%ld of %d negative", negative, big);
    random_fill_from(c, DTYPE_F64, big - small, small, 42, STREAM_X);
    CHECK(memcmp(c, a + big - small, sizeof c) == 0, "a fill from an offset differs");
    random_fill(f, DTYPE_F32, big, 42, STREAM_X);
    CHECK(fabs((double)f[big - 1] - a[big - 1]) < 1e-6, "f32 and f64 draw the same values: %g vs %g",
          (double)f[big - 1], a[big - 1]);
    free(a);
    free(f);
}

int main(void)
{
    test_random_fill_split();
    test_matvec();
    test_outer_sum();
    test_tolerance();
    test_poison();
    test_compare();
    test_compare_copy();
    return check_report("reference");
}
