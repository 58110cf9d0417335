/* cpu_common.h: what the two CPU backends (cpu, openblas) share.
 *
 * A CPU backend says how to run a point with a plan: the function that makes
 * one call, and which scratch buffers it needs. Everything else is here:
 * checking the point, counting and allocating its buffers (64-byte aligned),
 * drawing its inputs, verifying one call against the float64 reference,
 * timing a batch with the host clock, and freeing. */
#ifndef FLOPBENCH_CPU_COMMON_H
#define FLOPBENCH_CPU_COMMON_H

#include "kernel.h"

struct cpu_state;

/* Runs one call of the point held in s. */
typedef void (*cpu_call_fn)(const struct cpu_state *s);
/* Runs the part of one call that writes outputs [lo, hi). */
typedef void (*cpu_range_fn)(const struct cpu_state *s, long lo, long hi);

/* How a backend runs one point; chosen once, before anything is allocated. */
struct cpu_plan {
    const char *impl;          /* the impl's name, from the backend's table */
    cpu_call_fn call;          /* one call of the point */
    cpu_call_fn enter;         /* untimed, before verify and each batch; or NULL */
    int needs_q;               /* allocate the op's product q (a materialised impl) */
    int needs_ones;            /* allocate a vector of n ones (reductions by gemv) */
    int threads;               /* threads for cpu_parallel; 1 = none */
};

/* A point set up: its buffers and its plan. */
struct cpu_state {
    struct kernel_point p;     /* p.impl points at plan.impl */
    long n;
    void *a, *x, *y;           /* the op's inputs (ops.h), NULL where it has none */
    void *out;                 /* the output */
    void *q, *ones;            /* scratch named by the plan, else NULL */
    double *ref;               /* the float64 reference output, if the op has one */
    struct cpu_plan plan;
};

/* Completes plan for a point of impl row `impl`, whose name, call
 * (impl->calls[dtype], a cpu_call_fn) and product buffer (from its traffic)
 * are already set; else returns a kernel_status and why in err. One per
 * backend, or NULL where nothing is left to choose. */
typedef int (*cpu_plan_fn)(const struct kernel_point *p, const struct kernel_impl *impl,
                           struct cpu_plan *plan, char *err);

/* The memory() of CPU backend b: every buffer the point allocates plus the
 * float64 reference output, and MemAvailable. */
int cpu_memory(const struct kernel_backend *b, cpu_plan_fn plan_point, const struct kernel_point *p,
               struct kernel_memory *m, char *err);
/* The setup() of CPU backend b (the runner has checked that the point fits);
 * on failure *state is NULL and nothing is left allocated. */
int cpu_setup(const struct kernel_backend *b, cpu_plan_fn plan_point, const struct kernel_point *p,
              void **state, char *err);
/* Poisons the output (and q), runs one call, compares with the reference. */
int cpu_verify(void *state, struct kernel_check *check, char *err);
/* Times `iterations` calls back to back with the host's monotonic clock. */
int cpu_run(void *state, long iterations, double *seconds, char *err);
/* Frees everything setup allocated; NULL is allowed. */
void cpu_teardown(void *state);
/* Reports what the kernels were compiled for (vector extensions). */
void cpu_describe_build(kernel_fact_fn fact, void *ctx);

/* One copy call: memcpy of the n x n source. */
void cpu_copy_memcpy(const struct cpu_state *s);
/* Runs fn over the n outputs on s->plan.threads threads (the caller one of
 * them), in chunks of a multiple of 16 outputs taken in turn, so that no two
 * threads write one cache line and a thread slowed by other work does less.
 * If a thread cannot be started, the others do its share. */
void cpu_parallel(const struct cpu_state *s, cpu_range_fn fn);

#endif
