/* reference.c: straightforward float64 loops, the definition of each op,
 * and the per-element check of an output against them. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "parallel.h"

static double element(enum kernel_dtype dtype, const void *v, size_t i)
{
    return dtype == DTYPE_F64 ? ((const double *)v)[i] : (double)((const float *)v)[i];
}

void reference_dot(enum kernel_dtype dtype, long n, const void *a, long a_stride, const void *b,
                   long b_stride, double *sum, double *cond)
{
    double s = 0.0, c = 0.0;
    for (long k = 0; k < n; k++) {
        double t = element(dtype, a, (size_t)(k * a_stride)) * element(dtype, b, (size_t)(k * b_stride));
        s += t;
        c += fabs(t);
    }
    *sum = s;
    *cond = c;
}

/* One reference computation, split over threads by output element, each
 * output summed in the same order whatever the split. */
struct ref_job {
    enum kernel_dtype dtype;
    long n;
    int axis;
    const void *a, *x, *y;
    double *ref, *cond;
    double other_sum, other_abs; /* outer_sum: the summed vector's sum, and of magnitudes */
};

/* Rows [begin, end) of the matvec. */
static void matvec_rows(void *ctx, long begin, long end)
{
    const struct ref_job *j = ctx;
    size_t size = kernel_dtype_size(j->dtype);
    for (long i = begin; i < end; i++)
        reference_dot(j->dtype, j->n, (const char *)j->a + (size_t)i * (size_t)j->n * size, 1, j->x,
                      1, &j->ref[i], &j->cond[i]);
}

/* Outputs [begin, end): a column sum (axis 0: x_i y_k over i) or a row sum
 * (axis 1: x_k y_i over i) of x y^T. Each is the fixed factor times the
 * other vector's sum, in float64: the same sum and the same sum of
 * magnitudes as over the n products, in O(n) instead of O(n^2). */
static void outer_sums(void *ctx, long begin, long end)
{
    const struct ref_job *j = ctx;
    const void *fixed = j->axis == 0 ? j->y : j->x;
    for (long k = begin; k < end; k++) {
        double f = element(j->dtype, fixed, (size_t)k);
        j->ref[k] = f * j->other_sum;
        j->cond[k] = fabs(f) * j->other_abs;
    }
}

void reference_matvec(enum kernel_dtype dtype, long n, const void *a, const void *x, double *ref,
                      double *cond)
{
    struct ref_job j = { .dtype = dtype, .n = n, .a = a, .x = x, .ref = ref, .cond = cond };
    parallel_for(n, 16, 0, matvec_rows, &j);
}

void reference_outer_sum(enum kernel_dtype dtype, long n, int axis, const void *x, const void *y,
                         double *ref, double *cond)
{
    struct ref_job j = { .dtype = dtype, .n = n, .axis = axis, .x = x, .y = y, .ref = ref,
                         .cond = cond };
    const void *other = axis == 0 ? x : y;
    for (long i = 0; i < n; i++) {
        double v = element(dtype, other, (size_t)i);
        j.other_sum += v;
        j.other_abs += fabs(v);
    }
    parallel_for(n, 1L << 14, 0, outer_sums, &j);
}

double reference_tolerance(enum kernel_dtype dtype, long n)
{
    /* Rounding in a sum of n terms of random signs stays within a few eps
     * of the sum of their magnitudes (a naive f32 loop: under 1 eps at
     * n = 40000); allow 32 eps, growing as sqrt(n) / 6 past n = 36864.
     * A term left out is at least 1/(4n) of that sum (every magnitude is in
     * [0.25, 1)): above the bound in f32 for every n up to 54000, and the
     * largest output of a missing column (about 0.9/n) up to 120000. */
    double eps = dtype == DTYPE_F64 ? DBL_EPSILON : FLT_EPSILON;
    double grow = sqrt((double)n) / 6.0;
    return eps * (grow > 32.0 ? grow : 32.0);
}

struct poison_job {
    void *out;
    enum kernel_dtype dtype;
};

static void poison_range(void *ctx, long begin, long end)
{
    const struct poison_job *j = ctx;
    for (long i = begin; i < end; i++) {
        if (j->dtype == DTYPE_F64)
            ((double *)j->out)[i] = NAN;
        else
            ((float *)j->out)[i] = NAN;
    }
}

/* Over threads: an output of n^2 elements is gigabytes, and the first
 * touch of its pages is most of the cost. */
void reference_poison(void *out, enum kernel_dtype dtype, size_t count)
{
    struct poison_job j = { out, dtype };
    parallel_for((long)count, 1L << 16, 0, poison_range, &j);
}

int reference_compare(enum kernel_dtype dtype, long n, size_t count, const void *out,
                      const double *ref, const double *cond, struct kernel_check *check, char *err)
{
    long unwritten = 0, wrong = 0;
    size_t worst = 0;
    double worst_err = 0.0;
    check->tolerance = reference_tolerance(dtype, n);
    for (size_t i = 0; i < count; i++) {
        double v = element(dtype, out, i);
        if (isnan(v)) {
            unwritten++;
            continue;
        }
        /* an output whose terms are all 0 must be 0 */
        double e = cond[i] > 0.0 ? fabs(v - ref[i]) / cond[i] : v == 0.0 ? 0.0 : INFINITY;
        if (!(e <= check->tolerance))
            wrong++;
        if (!(e <= worst_err)) {
            worst_err = e;
            worst = i;
        }
    }
    check->unwritten = unwritten;
    check->rel_err = worst_err;
    if (unwritten > 0) {
        snprintf(err, KERNEL_ERR_LEN, "%ld of %zu output elements were not written (NaN)",
                 unwritten, count);
        return KERNEL_WRONG;
    }
    if (wrong > 0) {
        snprintf(err, KERNEL_ERR_LEN,
                 "%ld of %zu output elements are off: element %zu is %.17g, the reference %.17g, "
                 "an error of %.3g of the sum of its terms' magnitudes (at most %.3g allowed)",
                 wrong, count, worst, element(dtype, out, worst), ref[worst], worst_err,
                 check->tolerance);
        return KERNEL_WRONG;
    }
    return KERNEL_OK;
}

struct same_job {
    const char *a, *b;
    size_t size;
    atomic_int differ; /* set by any thread that finds a difference */
};

static void same_range(void *ctx, long begin, long end)
{
    struct same_job *j = ctx;
    size_t from = (size_t)begin * j->size, bytes = (size_t)(end - begin) * j->size;
    if (!atomic_load_explicit(&j->differ, memory_order_relaxed) && memcmp(j->a + from, j->b + from, bytes) != 0)
        atomic_store_explicit(&j->differ, 1, memory_order_relaxed);
}

int reference_compare_copy(enum kernel_dtype dtype, size_t count, const void *dst, const void *src,
                           struct kernel_check *check, char *err)
{
    check->tolerance = 0.0;
    check->unwritten = 0;
    check->rel_err = 0.0;
    struct same_job j = { dst, src, kernel_dtype_size(dtype), 0 };
    atomic_init(&j.differ, 0);
    parallel_for((long)count, 1L << 18, 0, same_range, &j);
    if (!atomic_load(&j.differ))
        return KERNEL_OK;
    size_t first = 0, wrong = 0;
    for (size_t i = 0; i < count; i++)
        if (memcmp((const char *)dst + i * kernel_dtype_size(dtype),
                   (const char *)src + i * kernel_dtype_size(dtype), kernel_dtype_size(dtype))) {
            if (wrong++ == 0)
                first = i;
        }
    check->unwritten = (long)wrong;
    check->rel_err = 1.0;
    snprintf(err, KERNEL_ERR_LEN, "copy differs from its source in %zu of %zu elements (first at %zu)",
             wrong, count, first);
    return KERNEL_WRONG;
}
