/* reference.h: the float64 reference every kernel is checked against. */
#ifndef FLOPBENCH_REFERENCE_H
#define FLOPBENCH_REFERENCE_H

#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The float64 sum of the n terms t_k = a[k * a_stride] * b[k * b_stride]
 * (elements of dtype), in order, into *sum, and the sum of their
 * magnitudes, the output's condition, into *cond. */
void reference_dot(enum kernel_dtype dtype, long n, const void *a, long a_stride, const void *b,
                   long b_stride, double *sum, double *cond);
/* ref[i] = sum_j a[i][j] * x[j] in float64, a row-major n x n of dtype, and
 * cond[i] the sum of the terms' magnitudes. */
void reference_matvec(enum kernel_dtype dtype, long n, const void *a, const void *x, double *ref,
                      double *cond);
/* The sums of the outer product x y^T in float64: axis 0 sums each column
 * (ref[j] = sum_i x[i] y[j]), axis 1 each row (ref[i] = sum_j x[i] y[j]);
 * cond as for matvec. Every product is formed, as the operation defines it. */
void reference_outer_sum(enum kernel_dtype dtype, long n, int axis, const void *x, const void *y,
                         double *ref, double *cond);
/* The largest error accepted in an output that sums n terms in dtype, as a
 * share of its condition (the sum of its terms' magnitudes). */
double reference_tolerance(enum kernel_dtype dtype, long n);
/* Fills count elements with NaN, so that an unwritten output shows. */
void reference_poison(void *out, enum kernel_dtype dtype, size_t count);
/* Compares a typed output of count elements, each a sum of n terms, with
 * the float64 reference element by element: element i may be off by at
 * most reference_tolerance(dtype, n) * cond[i]. Fills check (rel_err: the
 * largest error as a share of its element's condition) and returns
 * KERNEL_OK, or KERNEL_WRONG (with the worst element in err) if an element
 * is off or unwritten (NaN). */
int reference_compare(enum kernel_dtype dtype, long n, size_t count, const void *out,
                      const double *ref, const double *cond, struct kernel_check *check, char *err);
/* Checks that dst is an exact copy of src (count elements). */
int reference_compare_copy(enum kernel_dtype dtype, size_t count, const void *dst, const void *src,
                           struct kernel_check *check, char *err);

#ifdef __cplusplus
}
#endif
#endif
