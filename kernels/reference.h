/* reference.h: the float64 reference every kernel is checked against. */
#ifndef FLOPBENCH_REFERENCE_H
#define FLOPBENCH_REFERENCE_H

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out[i] = sum_j a[i][j] * x[j], in float64, a row-major n x n of dtype. */
void reference_matvec(enum kernel_dtype dtype, long n, const void *a, const void *x, double *out);
/* The sums of the outer product x y^T in float64: axis 0 sums each column
 * (out[j] = sum_i x[i] y[j]), axis 1 each row (out[i] = sum_j x[i] y[j]).
 * Every product is formed, as the operation defines it. */
void reference_outer_sum(enum kernel_dtype dtype, long n, int axis, const void *x, const void *y,
                         double *out);
/* The largest relative error accepted for a sum of n terms in dtype. */
double reference_tolerance(enum kernel_dtype dtype, long n);
/* Fills count elements with NaN, so that an unwritten output shows. */
void reference_poison(void *out, enum kernel_dtype dtype, size_t count);
/* Compares a typed output with the float64 reference: fills check and
 * returns KERNEL_OK, or KERNEL_WRONG (with a reason in err). */
int reference_compare(enum kernel_dtype dtype, size_t count, const void *out, const double *ref,
                      struct kernel_check *check, char *err);
/* Checks that dst is an exact copy of src (count elements). */
int reference_compare_copy(enum kernel_dtype dtype, size_t count, const void *dst, const void *src,
                           struct kernel_check *check, char *err);

#ifdef __cplusplus
}
#endif
#endif
