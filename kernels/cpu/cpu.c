/* cpu.c: the cpu backend: plain C loops on one thread, the reference point
 * for every other backend. Always available. */
#include "cpu_common.h"

#define T float
#define SFX f32
#include "cpu_loops.h"
#undef T
#undef SFX
#define T double
#define SFX f64
#include "cpu_loops.h"
#undef T
#undef SFX

/* axpy, the test-only op: out = 2 x + y. */
static void loop_axpy_f32(const struct cpu_state *s)
{
    const float *x = s->x, *y = s->y;
    float *out = s->out;
    for (long i = 0; i < s->n; i++)
        out[i] = 2.0f * x[i] + y[i];
}

static void loop_axpy_f64(const struct cpu_state *s)
{
    const double *x = s->x, *y = s->y;
    double *out = s->out;
    for (long i = 0; i < s->n; i++)
        out[i] = 2.0 * x[i] + y[i];
}

#define CALLS(f32, f64) { KERNEL_FN(f32), KERNEL_FN(f64) }

static const struct kernel_impl cpu_impls[] = {
    { "copy", "memcpy", TRAFFIC_MATERIALISED, CALLS(cpu_copy_memcpy, cpu_copy_memcpy), 0 },
    { "matvec", "loop", TRAFFIC_MATERIALISED, CALLS(loop_matvec_f32, loop_matvec_f64), 0 },
    { "outer_sum", "materialized", TRAFFIC_MATERIALISED,
      CALLS(loop_outer_materialized_f32, loop_outer_materialized_f64), 0 },
    { "outer_sum", "fused", TRAFFIC_FUSED, CALLS(loop_outer_fused_f32, loop_outer_fused_f64), 0 },
    { "axpy", "loop", TRAFFIC_MATERIALISED, CALLS(loop_axpy_f32, loop_axpy_f64), 0 },
    { NULL, NULL, TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
};

extern const struct kernel_backend backend_cpu;

/* Always 1: plain C needs nothing from the host. */
static int cpu_available(char *reason)
{
    reason[0] = '\0';
    return 1;
}

static int cpu_memory_point(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    return cpu_memory(&backend_cpu, NULL, p, m, err);
}

static int cpu_setup_point(const struct kernel_point *p, void **state, char *err)
{
    return cpu_setup(&backend_cpu, NULL, p, state, err);
}

/* Reports the build of the loops and that they use one thread. */
static void cpu_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    (void)p;
    cpu_describe_build(fact, ctx);
    fact(ctx, "cpu_threads", "1");
}

const struct kernel_backend backend_cpu = {
    .name = "cpu",
    .label = "C loops",
    .summary = "plain C loops on one thread (the reference backend)",
    .impls = cpu_impls,
    .available = cpu_available,
    .memory = cpu_memory_point,
    .setup = cpu_setup_point,
    .verify = cpu_verify,
    .run = cpu_run,
    .teardown = cpu_teardown,
    .describe = cpu_describe,
};
