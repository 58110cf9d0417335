/* ops.c: the table of ops (see ops.h). A new op is a row here, with its
 * float64 reference, and its kernels in a backend's impl rows. */
#include "ops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "random.h"
#include "reference.h"

static void matvec_reference(const struct kernel_point *p, const void *a, const void *x,
                             const void *y, double *ref, double *cond)
{
    (void)y;
    reference_matvec(p->dtype, p->n, a, x, ref, cond);
}

static void outer_sum_reference(const struct kernel_point *p, const void *a, const void *x,
                                const void *y, double *ref, double *cond)
{
    (void)a;
    reference_outer_sum(p->dtype, p->n, p->axis, x, y, ref, cond);
}

/* axpy: out = 2 x + y, element by element (a test-only op). */
static void axpy_reference(const struct kernel_point *p, const void *a, const void *x,
                           const void *y, double *ref, double *cond)
{
    (void)a;
    for (long i = 0; i < p->n; i++) {
        double xi = p->dtype == DTYPE_F64 ? ((const double *)x)[i] : (double)((const float *)x)[i];
        double yi = p->dtype == DTYPE_F64 ? ((const double *)y)[i] : (double)((const float *)y)[i];
        ref[i] = 2.0 * xi + yi;
        cond[i] = 2.0 * fabs(xi) + fabs(yi);
    }
}

#define N EXTENT_N
#define N2 EXTENT_N2
#define NONE EXTENT_NONE

/* The ops, in the order `runner list` and the language show them. */
static const struct kernel_op_def ops[] = {
    { .name = "copy", .summary = "an n x n copy: the bandwidth reference", .ceiling = 1,
      .extent = { [BUFFER_A] = N2, [BUFFER_OUT] = N2 },
      .style = { { "copy", "#555555", 1, 0, 6 } } },
    { .name = "matvec", .summary = "an n x n matrix times a vector", .flops_n2 = 2, .flops_n = -1,
      .extent = { [BUFFER_A] = N2, [BUFFER_X] = N, [BUFFER_OUT] = N },
      .reference = matvec_reference, .terms_n = 1,
      .style = { { "matvec", "#0072B2", 7, 0, 1 } } },
    { .name = "outer_sum", .summary = "the outer product of two vectors, summed along axis",
      .axis = 1, .ratio_to = "matvec", .flops_n2 = 2, .flops_n = -1,
      .extent = { [BUFFER_X] = N, [BUFFER_Y] = N, [BUFFER_OUT] = N, [BUFFER_PRODUCT] = N2 },
      .reference = outer_sum_reference, .terms_n = 1,
      .style = { { "outer, columns (axis 0)", "#E69F00", 5, 0, 3 },
                 { "outer, rows (axis 1)", "#D55E00", 9, 0, 2 } },
      .fused_style = { { "fused, columns (axis 0)", "#009E73", 4, 2, 5 },
                       { "fused, rows (axis 1)", "#009E73", 8, 4, 4 } } },
    { .name = "axpy", .summary = "out = 2 x + y (a test-only op)", .test = 1, .flops_n = 2,
      .extent = { [BUFFER_X] = N, [BUFFER_Y] = N, [BUFFER_OUT] = N },
      .reference = axpy_reference, .terms_1 = 2,
      .style = { { "axpy", "#CC79A7", 6, 0, 7 } } },
};

#undef N
#undef N2
#undef NONE

int kernel_op_count(void)
{
    return (int)(sizeof ops / sizeof ops[0]);
}

const struct kernel_op_def *kernel_op(int op)
{
    return op >= 0 && op < kernel_op_count() ? &ops[op] : NULL;
}

int kernel_op_find(const char *name)
{
    for (int i = 0; name && i < kernel_op_count(); i++)
        if (strcmp(ops[i].name, name) == 0)
            return i;
    return -1;
}

const char *kernel_op_name(int op)
{
    return kernel_op(op) ? ops[op].name : "?";
}

const char *kernel_traffic_name(enum kernel_traffic t)
{
    static const char *const names[TRAFFIC_COUNT] = { "materialised", "fused" };
    return (unsigned)t < TRAFFIC_COUNT ? names[t] : "?";
}

double kernel_buffer_elements(const struct kernel_point *p, enum kernel_buffer b)
{
    const struct kernel_op_def *op = kernel_op(p->op);
    double n = (double)p->n;
    if (!op || (unsigned)b >= BUFFER_COUNT)
        return 0.0;
    return op->extent[b] == EXTENT_N2 ? n * n : op->extent[b] == EXTENT_N ? n : 0.0;
}

void kernel_draw_input(const struct kernel_point *p, enum kernel_buffer b, void *buf)
{
    static const enum random_stream stream[] = { [BUFFER_A] = STREAM_MATRIX, [BUFFER_X] = STREAM_X,
                                                 [BUFFER_Y] = STREAM_Y };
    if (buf && (b == BUFFER_A || b == BUFFER_X || b == BUFFER_Y))
        random_fill(buf, p->dtype, (size_t)kernel_buffer_elements(p, b), p->seed, stream[b]);
}

void kernel_draw_inputs(const struct kernel_point *p, void *a, void *x, void *y)
{
    kernel_draw_input(p, BUFFER_A, a);
    kernel_draw_input(p, BUFFER_X, x);
    kernel_draw_input(p, BUFFER_Y, y);
}

int kernel_forms_product(const struct kernel_point *p, enum kernel_traffic t)
{
    return t == TRAFFIC_MATERIALISED && kernel_buffer_elements(p, BUFFER_PRODUCT) > 0.0;
}

double kernel_flops(const struct kernel_point *p)
{
    const struct kernel_op_def *op = kernel_op(p->op);
    double n = (double)p->n;
    return op ? op->flops_n2 * n * n + op->flops_n * n : 0.0;
}

double kernel_bytes(const struct kernel_point *p, enum kernel_traffic t)
{
    double elements = 0.0;
    for (int b = BUFFER_A; b <= BUFFER_OUT; b++)
        elements += kernel_buffer_elements(p, (enum kernel_buffer)b);
    if (kernel_forms_product(p, t))
        elements += 2.0 * kernel_buffer_elements(p, BUFFER_PRODUCT);
    return elements * (double)kernel_dtype_size(p->dtype);
}

double kernel_reference_elements(const struct kernel_point *p)
{
    const struct kernel_op_def *op = kernel_op(p->op);
    return op && op->reference ? 2.0 * kernel_buffer_elements(p, BUFFER_OUT) : 0.0;
}

int kernel_op_check(const struct kernel_point *p, const void *a, const void *x, const void *y,
                    const void *out, double *ref, struct kernel_check *check, char *err)
{
    const struct kernel_op_def *op = kernel_op(p->op);
    size_t count = (size_t)kernel_buffer_elements(p, BUFFER_OUT);
    if (!op) {
        snprintf(err, KERNEL_ERR_LEN, "unknown op %d", p->op);
        return KERNEL_ERROR;
    }
    if (!op->reference)
        return reference_compare_copy(p->dtype, count, out, a, check, err);
    double *cond = ref + count;
    long terms = (long)(op->terms_n * (double)p->n + op->terms_1);
    op->reference(p, a, x, y, ref, cond);
    return reference_compare(p->dtype, terms, count, out, ref, cond, check, err);
}
