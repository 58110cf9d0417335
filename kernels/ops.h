/* ops.h: the catalogue of ops, one row each (kernels/ops.c): its name, its
 * parameters, its FLOPs, its buffers, its float64 reference and how an
 * output is compared, and how the report draws it; and the traffic classes
 * an impl declares, from which the bytes of a call follow. Nothing outside
 * the table branches on an op's or an impl's name: it asks the table. */
#ifndef FLOPBENCH_OPS_H
#define FLOPBENCH_OPS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kernel_point;
struct kernel_check;

/* How an impl moves memory. A materialised impl forms the op's product (the
 * n x n intermediate of outer_sum): written once and read once. A fused one
 * never forms it. For an op without a product the two move the same bytes. */
enum kernel_traffic { TRAFFIC_MATERIALISED, TRAFFIC_FUSED, TRAFFIC_COUNT };

/* The elements of a buffer: none, n, or n x n. */
enum kernel_extent { EXTENT_NONE, EXTENT_N, EXTENT_N2 };

/* The buffers of a point. a, x and y are inputs drawn from the point's seed
 * (each from its own random stream); out is the output; product is the
 * intermediate a materialised impl forms. */
enum kernel_buffer { BUFFER_A, BUFFER_X, BUFFER_Y, BUFFER_OUT, BUFFER_PRODUCT, BUFFER_COUNT };

/* The float64 reference of one call of p from its typed inputs (NULL where
 * the op has no such buffer), into ref (the output's elements), and each
 * element's condition, the sum of its terms' magnitudes, into cond. */
typedef void (*kernel_reference_fn)(const struct kernel_point *p, const void *a, const void *x,
                                    const void *y, double *ref, double *cond);

/* How the report draws a series: its legend label, colour, gnuplot point
 * type and dash type (0: solid), and its rank in a legend. */
struct kernel_style {
    const char *label;
    const char *color;
    int point, dash;
    double rank;
};

struct kernel_op_def {
    const char *name;
    const char *summary;                     /* one line, for `runner list` */
    int axis;                                /* 1: takes the parameter axis, 0 or 1 */
    int test;                                /* 1: a test-only op, left out of lists */
    int ceiling;                             /* 1: its bandwidth is the host's ceiling */
    const char *ratio_to;                    /* the op its time is quoted against, or NULL */
    double flops_n2, flops_n;                /* one call: flops_n2 n^2 + flops_n n */
    enum kernel_extent extent[BUFFER_COUNT]; /* by enum kernel_buffer */
    kernel_reference_fn reference;           /* NULL: out must equal a, bit for bit */
    double terms_n, terms_1;                 /* an output element sums terms_n n + terms_1 terms */
    struct kernel_style style[2];            /* by axis ([0] without one), materialised */
    struct kernel_style fused_style[2];      /* by axis, fused (ops with a product) */
};

/* The number of ops; an op is its index in the table, 0 .. count - 1. */
int kernel_op_count(void);
/* The row of op, or NULL if op is not an index of the table. */
const struct kernel_op_def *kernel_op(int op);
/* The index of the op called name, or -1. */
int kernel_op_find(const char *name);
/* The op's name, or "?". */
const char *kernel_op_name(int op);
/* "materialised" or "fused", or "?". */
const char *kernel_traffic_name(enum kernel_traffic t);

/* Elements of buffer b of the point (0 if the op has none). */
double kernel_buffer_elements(const struct kernel_point *p, enum kernel_buffer b);
/* Draws input b (BUFFER_A, BUFFER_X or BUFFER_Y; nothing for another) of
 * the point into buf, from its seed and that input's own stream: the same
 * array on every backend. */
void kernel_draw_input(const struct kernel_point *p, enum kernel_buffer b, void *buf);
/* Draws each of the point's inputs that is given (NULL: none). */
void kernel_draw_inputs(const struct kernel_point *p, void *a, void *x, void *y);
/* 1 if an impl of traffic t forms the op's product for this point. */
int kernel_forms_product(const struct kernel_point *p, enum kernel_traffic t);
/* FLOPs of one call, from the op's row. */
double kernel_flops(const struct kernel_point *p);
/* The fewest bytes one call must move: every input read once and the output
 * written once, plus the product written and read by a materialised impl. */
double kernel_bytes(const struct kernel_point *p, enum kernel_traffic t);
/* Elements of the float64 reference a check needs, the sums and their
 * conditions (0: compared with a). */
double kernel_reference_elements(const struct kernel_point *p);
/* Compares out (the output of one call, in p's dtype) with the op's float64
 * reference, computed into ref (kernel_reference_elements of them), or with
 * input a for an op without a reference. KERNEL_OK, or KERNEL_WRONG with
 * the figures in check and why in err. */
int kernel_op_check(const struct kernel_point *p, const void *a, const void *x, const void *y,
                    const void *out, double *ref, struct kernel_check *check, char *err);

#ifdef __cplusplus
}
#endif
#endif
