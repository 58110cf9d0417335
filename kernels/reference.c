/* reference.c: straightforward float64 loops, the definition of each op. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "parallel.h"

static double element(enum kernel_dtype dtype, const void *v, size_t i)
{
    return dtype == DTYPE_F64 ? ((const double *)v)[i] : (double)((const float *)v)[i];
}

/* One reference computation, split over threads by output element, each
 * output summed in the same order whatever the split. */
struct ref_job {
    enum kernel_dtype dtype;
    long n;
    int axis;
    const void *a, *x, *y;
    double *out;
};

/* out[i] for rows [begin, end) of the matvec. */
static void matvec_rows(void *ctx, long begin, long end)
{
    const struct ref_job *j = ctx;
    for (long i = begin; i < end; i++) {
        double sum = 0.0;
        for (long k = 0; k < j->n; k++)
            sum += element(j->dtype, j->a, (size_t)i * (size_t)j->n + (size_t)k) *
                   element(j->dtype, j->x, (size_t)k);
        j->out[i] = sum;
    }
}

/* out[k] for k in [begin, end): a column sum (axis 0) or a row sum (axis 1)
 * of x y^T, every product formed. */
static void outer_sums(void *ctx, long begin, long end)
{
    const struct ref_job *j = ctx;
    for (long k = begin; k < end; k++) {
        double sum = 0.0, fixed = element(j->dtype, j->axis == 0 ? j->y : j->x, (size_t)k);
        const void *other = j->axis == 0 ? j->x : j->y;
        for (long i = 0; i < j->n; i++)
            sum += element(j->dtype, other, (size_t)i) * fixed; /* x_i y_k or x_k y_i */
        j->out[k] = sum;
    }
}

void reference_matvec(enum kernel_dtype dtype, long n, const void *a, const void *x, double *out)
{
    struct ref_job j = { .dtype = dtype, .n = n, .a = a, .x = x, .out = out };
    parallel_for(n, 16, 0, matvec_rows, &j);
}

void reference_outer_sum(enum kernel_dtype dtype, long n, int axis, const void *x, const void *y,
                         double *out)
{
    struct ref_job j = { .dtype = dtype, .n = n, .axis = axis, .x = x, .y = y, .out = out };
    parallel_for(n, 16, 0, outer_sums, &j);
}

double reference_tolerance(enum kernel_dtype dtype, long n)
{
    /* Rounding in a sum of n terms grows like sqrt(n) eps; allow 8x that,
     * but never less than 64 eps. Indexing mistakes give errors near 1/n
     * or larger, above this for every n the sweeps use. */
    double eps = dtype == DTYPE_F64 ? DBL_EPSILON : FLT_EPSILON;
    double tol = 8.0 * eps * sqrt((double)n);
    return tol > 64.0 * eps ? tol : 64.0 * eps;
}

void reference_poison(void *out, enum kernel_dtype dtype, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (dtype == DTYPE_F64)
            ((double *)out)[i] = NAN;
        else
            ((float *)out)[i] = NAN;
    }
}

int reference_compare(enum kernel_dtype dtype, size_t count, const void *out, const double *ref,
                      struct kernel_check *check, char *err)
{
    double diff2 = 0.0, ref2 = 0.0;
    long unwritten = 0;
    for (size_t i = 0; i < count; i++) {
        double v = element(dtype, out, i);
        if (isnan(v)) {
            unwritten++;
            continue;
        }
        diff2 += (v - ref[i]) * (v - ref[i]);
        ref2 += ref[i] * ref[i];
    }
    check->unwritten = unwritten;
    check->tolerance = reference_tolerance(dtype, (long)count);
    check->rel_err = ref2 > 0.0 ? sqrt(diff2 / ref2) : sqrt(diff2);
    if (unwritten > 0) {
        snprintf(err, KERNEL_ERR_LEN, "%ld of %zu output elements were not written (NaN)",
                 unwritten, count);
        return KERNEL_WRONG;
    }
    if (!(check->rel_err <= check->tolerance)) {
        snprintf(err, KERNEL_ERR_LEN, "relative error %.3g exceeds tolerance %.3g",
                 check->rel_err, check->tolerance);
        return KERNEL_WRONG;
    }
    return KERNEL_OK;
}

int reference_compare_copy(enum kernel_dtype dtype, size_t count, const void *dst, const void *src,
                           struct kernel_check *check, char *err)
{
    size_t bytes = count * kernel_dtype_size(dtype);
    check->tolerance = 0.0;
    check->unwritten = 0;
    check->rel_err = 0.0;
    if (memcmp(dst, src, bytes) == 0)
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
