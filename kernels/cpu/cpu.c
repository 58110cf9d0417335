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

static const char *const copy_impls[] = { "memcpy", NULL };
static const char *const matvec_impls[] = { "loop", NULL };
static const char *const outer_sum_impls[] = { "materialized", "fused", NULL };

/* calls[op][impl][dtype], impl indexed as in the impl lists above. */
static const cpu_call_fn cpu_calls[OP_COUNT][2][DTYPE_COUNT] = {
    [OP_COPY] = { { cpu_copy_memcpy, cpu_copy_memcpy } },
    [OP_MATVEC] = { { loop_matvec_f32, loop_matvec_f64 } },
    [OP_OUTER_SUM] = { { loop_outer_materialized_f32, loop_outer_materialized_f64 },
                       { loop_outer_fused_f32, loop_outer_fused_f64 } },
};

extern const struct kernel_backend backend_cpu;

/* Picks the loop for the point; materialised outer_sum needs q. */
static int cpu_plan_point(const struct kernel_point *p, struct cpu_plan *plan, char *err)
{
    int k = kernel_impl_lookup(&backend_cpu, p, err);
    if (k < 0)
        return KERNEL_ERROR;
    plan->impl = backend_cpu.impls[p->op][k];
    plan->call = cpu_calls[p->op][k][p->dtype];
    plan->needs_q = p->op == OP_OUTER_SUM && !kernel_impl_is_fused(plan->impl);
    return KERNEL_OK;
}

/* Always 1: plain C needs nothing from the host. */
static int cpu_available(char *reason)
{
    reason[0] = '\0';
    return 1;
}

static int cpu_memory_point(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    return cpu_memory(cpu_plan_point, p, m, err);
}

static int cpu_setup_point(const struct kernel_point *p, void **state, char *err)
{
    return cpu_setup(cpu_plan_point, p, state, err);
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
    .summary = "plain C loops on one thread (the reference backend)",
    .impls = { [OP_COPY] = copy_impls, [OP_MATVEC] = matvec_impls,
               [OP_OUTER_SUM] = outer_sum_impls },
    .available = cpu_available,
    .memory = cpu_memory_point,
    .setup = cpu_setup_point,
    .verify = cpu_verify,
    .run = cpu_run,
    .teardown = cpu_teardown,
    .describe = cpu_describe,
};
