/* cpu_common.c: buffers, inputs, verification and timing of the CPU backends. */
#define _POSIX_C_SOURCE 200809L
#include "cpu_common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "parallel.h"
#include "reference.h"

#define CPU_ALIGN 64
#define CPU_GRAIN 16 /* chunks are multiples of this: one cache line of f32 */

/* The buffers a point may allocate, in the order cpu_state names them. */
enum cpu_buffer { BUF_A, BUF_X, BUF_Y, BUF_OUT, BUF_Q, BUF_ONES, BUF_REF, BUF_COUNT };

/* Checks the point, finds its impl row in b and plans it: the row's call,
 * the product if its traffic forms one, then what the backend adds. */
static int cpu_plan(const struct kernel_backend *b, cpu_plan_fn plan_point,
                    const struct kernel_point *p, struct cpu_plan *plan, char *err)
{
    int status = kernel_check_point(p, err);
    if (status != KERNEL_OK)
        return status;
    const struct kernel_impl *impl = kernel_impl_lookup(b, p, err);
    if (!impl)
        return KERNEL_ERROR;
    memset(plan, 0, sizeof *plan);
    plan->threads = 1;
    plan->impl = impl->name;
    plan->call = (cpu_call_fn)impl->calls[p->dtype];
    plan->needs_q = kernel_forms_product(p, impl->traffic);
    if (!plan->call) {
        snprintf(err, KERNEL_ERR_LEN, "backend %s: impl %s of op %s has no %s call", b->name,
                 impl->name, kernel_op_name(p->op), kernel_dtype_name(p->dtype));
        return KERNEL_ERROR;
    }
    return plan_point ? plan_point(p, impl, plan, err) : KERNEL_OK;
}

/* Bytes of each buffer the point allocates (0: none), in double so that a
 * huge n cannot wrap around. */
static void cpu_buffer_bytes(const struct kernel_point *p, const struct cpu_plan *plan,
                             double bytes[BUF_COUNT])
{
    double s = (double)kernel_dtype_size(p->dtype);
    bytes[BUF_A] = kernel_buffer_elements(p, BUFFER_A) * s;
    bytes[BUF_X] = kernel_buffer_elements(p, BUFFER_X) * s;
    bytes[BUF_Y] = kernel_buffer_elements(p, BUFFER_Y) * s;
    bytes[BUF_OUT] = kernel_buffer_elements(p, BUFFER_OUT) * s;
    bytes[BUF_Q] = plan->needs_q ? kernel_buffer_elements(p, BUFFER_PRODUCT) * s : 0.0;
    bytes[BUF_ONES] = plan->needs_ones ? (double)p->n * s : 0.0;
    bytes[BUF_REF] = kernel_reference_elements(p) * (double)sizeof(double);
}

/* The sum of the buffers' bytes, each rounded up to the alignment. */
static double cpu_need(const double bytes[BUF_COUNT])
{
    double need = 0.0;
    for (int b = 0; b < BUF_COUNT; b++)
        need += bytes[b] > 0.0 ? bytes[b] + CPU_ALIGN : 0.0;
    return need;
}

int cpu_memory(const struct kernel_backend *b, cpu_plan_fn plan_point, const struct kernel_point *p,
               struct kernel_memory *m, char *err)
{
    struct cpu_plan plan;
    double bytes[BUF_COUNT];
    int status = cpu_plan(b, plan_point, p, &plan, err);
    if (status != KERNEL_OK)
        return status;
    cpu_buffer_bytes(p, &plan, bytes);
    double need = cpu_need(bytes);
    memset(m, 0, sizeof *m);
    m->host_need = need < (double)(SIZE_MAX / 2) ? (size_t)need : SIZE_MAX / 2;
    m->host_free = host_memory_free();
    return KERNEL_OK;
}

/* Allocates each buffer with a non-zero size, 64-byte aligned. Returns 0, or
 * -1 with every buffer freed (and NULL) if one allocation failed. */
static int cpu_alloc(const double bytes[BUF_COUNT], void *buf[BUF_COUNT])
{
    int failed = 0;
    for (int b = 0; b < BUF_COUNT; b++) {
        size_t size = ((size_t)bytes[b] + CPU_ALIGN - 1) / CPU_ALIGN * CPU_ALIGN;
        buf[b] = size ? aligned_alloc(CPU_ALIGN, size) : NULL;
        failed |= size && !buf[b];
    }
    if (!failed)
        return 0;
    for (int b = 0; b < BUF_COUNT; b++) {
        free(buf[b]);
        buf[b] = NULL;
    }
    return -1;
}

/* Fills count elements of dtype with ones. */
static void cpu_fill_ones(void *v, enum kernel_dtype dtype, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (dtype == DTYPE_F64)
            ((double *)v)[i] = 1.0;
        else
            ((float *)v)[i] = 1.0f;
    }
}

/* Draws the point's inputs from its seed; the ones vector, if any, too. */
static void cpu_fill_inputs(struct cpu_state *s)
{
    const struct kernel_point *p = &s->p;
    kernel_draw_inputs(p, s->a, s->x, s->y);
    if (s->ones)
        cpu_fill_ones(s->ones, p->dtype, (size_t)s->n);
}

int cpu_setup(const struct kernel_backend *b, cpu_plan_fn plan_point, const struct kernel_point *p,
              void **state, char *err)
{
    struct cpu_plan plan;
    double bytes[BUF_COUNT];
    void *buf[BUF_COUNT];
    *state = NULL;
    int status = cpu_plan(b, plan_point, p, &plan, err);
    if (status != KERNEL_OK)
        return status;
    cpu_buffer_bytes(p, &plan, bytes);
    struct cpu_state *s = calloc(1, sizeof *s);
    if (!s || cpu_alloc(bytes, buf) != 0) {
        free(s);
        snprintf(err, KERNEL_ERR_LEN, "out of host memory for n = %ld", p->n);
        return KERNEL_NO_MEMORY;
    }
    *s = (struct cpu_state){ .p = *p, .n = p->n, .a = buf[BUF_A], .x = buf[BUF_X],
                             .y = buf[BUF_Y], .out = buf[BUF_OUT], .q = buf[BUF_Q],
                             .ones = buf[BUF_ONES], .ref = buf[BUF_REF], .plan = plan };
    s->p.impl = plan.impl;
    cpu_fill_inputs(s);
    *state = s;
    return KERNEL_OK;
}

/* Runs the plan's untimed preparation, if any. */
static void cpu_enter(const struct cpu_state *s)
{
    if (s->plan.enter)
        s->plan.enter(s);
}

int cpu_verify(void *state, struct kernel_check *check, char *err)
{
    const struct cpu_state *s = state;
    enum kernel_dtype dt = s->p.dtype;
    cpu_enter(s);
    reference_poison(s->out, dt, (size_t)kernel_buffer_elements(&s->p, BUFFER_OUT));
    if (s->q)
        reference_poison(s->q, dt, (size_t)kernel_buffer_elements(&s->p, BUFFER_PRODUCT));
    s->plan.call(s);
    return kernel_op_check(&s->p, s->a, s->x, s->y, s->out, s->ref, check, err);
}

int cpu_run(void *state, long iterations, double *seconds, char *err)
{
    const struct cpu_state *s = state;
    if (iterations < 1) {
        snprintf(err, KERNEL_ERR_LEN, "iterations must be at least 1, got %ld", iterations);
        return KERNEL_ERROR;
    }
    cpu_enter(s);
    double start = host_clock_seconds();
    for (long k = 0; k < iterations; k++) {
        if (kernel_interrupted)
            return snprintf(err, KERNEL_ERR_LEN, "interrupted"), KERNEL_INTERRUPTED;
        s->plan.call(s);
    }
    *seconds = host_clock_seconds() - start;
    return KERNEL_OK;
}

void cpu_teardown(void *state)
{
    struct cpu_state *s = state;
    if (!s)
        return;
    free(s->a);
    free(s->x);
    free(s->y);
    free(s->out);
    free(s->q);
    free(s->ones);
    free(s->ref);
    free(s);
}

void cpu_describe_build(kernel_fact_fn fact, void *ctx)
{
    const char *isa =
#if defined(__AVX512F__)
        "avx512f fma";
#elif defined(__AVX2__) && defined(__FMA__)
        "avx2 fma";
#elif defined(__AVX__)
        "avx";
#elif defined(__x86_64__)
        "sse2";
#else
        "generic";
#endif
    fact(ctx, "cpu_kernel_isa", isa);
}

void cpu_copy_memcpy(const struct cpu_state *s)
{
    size_t n = (size_t)s->n;
    memcpy(s->out, s->a, n * n * kernel_dtype_size(s->p.dtype));
}

/* What cpu_parallel hands parallel_for. */
struct cpu_work {
    const struct cpu_state *s;
    cpu_range_fn fn;
};

static void cpu_work_range(void *ctx, long begin, long end)
{
    const struct cpu_work *w = ctx;
    w->fn(w->s, begin, end);
}

void cpu_parallel(const struct cpu_state *s, cpu_range_fn fn)
{
    struct cpu_work w = { .s = s, .fn = fn };
    int threads = s->plan.threads < 1 ? 1 : s->plan.threads;
    parallel_for(s->n, CPU_GRAIN, threads, cpu_work_range, &w);
}
