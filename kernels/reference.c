/* reference.c: straightforward float64 loops, the definition of each op. */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double element(enum kernel_dtype dtype, const void *v, size_t i)
{
    return dtype == DTYPE_F64 ? ((const double *)v)[i] : (double)((const float *)v)[i];
}

void reference_matvec(enum kernel_dtype dtype, long n, const void *a, const void *x, double *out)
{
    for (long i = 0; i < n; i++) {
        double sum = 0.0;
        for (long j = 0; j < n; j++)
            sum += element(dtype, a, (size_t)i * (size_t)n + (size_t)j) * element(dtype, x, (size_t)j);
        out[i] = sum;
    }
}

void reference_outer_sum(enum kernel_dtype dtype, long n, int axis, const void *x, const void *y,
                         double *out)
{
    for (long k = 0; k < n; k++)
        out[k] = 0.0;
    for (long i = 0; i < n; i++) {
        double xi = element(dtype, x, (size_t)i), row = 0.0;
        for (long j = 0; j < n; j++) {
            double q = xi * element(dtype, y, (size_t)j);
            if (axis == 0)
                out[j] += q;
            else
                row += q;
        }
        if (axis != 0)
            out[i] = row;
    }
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
