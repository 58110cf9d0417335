/* openblas.c: the openblas backend: what a framework does on the CPU.
 *
 * matvec by gemv, or by gemm with one column (as torch.mm calls it);
 * outer_sum by gemm with k = 1 writing the n x n product q (beta = 0), then
 * q summed along the axis by gemv against a vector of ones (both transposes
 * of gemv stream q at memory speed); or materialized: q written by our own
 * threaded writer with non-temporal stores (stream_loops.h; OpenBLAS 0.3.21's
 * gemm with k = 1 first zeroes q in a pass of its own), then the same gemv;
 * or fused: our own kernel that forms every product in registers and never
 * stores q. point->threads sets OpenBLAS's threads (0: its default), and the
 * threads of our writer and fused kernel. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef __SSE__
#include <immintrin.h>
#endif

#include "cpu_common.h"
#include "openblas_core.h"

#define T float
#define SFX f32
#include "fused_loops.h"
#undef T
#undef SFX
#define T double
#define SFX f64
#include "fused_loops.h"
#undef T
#undef SFX

#define T float
#define SFX f32
#ifdef __AVX__
#define VT __m256
#define VOP(op) _mm256_##op##_ps
#endif
#include "stream_loops.h"
#undef T
#undef SFX
#undef VT
#undef VOP
#define T double
#define SFX f64
#ifdef __AVX__
#define VT __m256d
#define VOP(op) _mm256_##op##_pd
#endif
#include "stream_loops.h"
#undef T
#undef SFX
#undef VT
#undef VOP

/* Below this n the fused kernel runs on one thread: starting and joining a
 * thread (about 40 us here) costs more than it saves. Measured on 2 cores:
 * two threads lose at n = 1000, win by 15% at 2000 and by 1.9x at 8000. */
#define FUSED_PARALLEL_MIN_N 2048

/* Our outer-product writer streams q (non-temporal stores) from this size
 * up, half the 32 MiB L3 here; a smaller q is written with ordinary stores
 * and read back from the cache. Measured on 2 cores: ordinary stores are
 * 1.5-2.4x faster for q of 4-8 MB, the two are even at 16 MB, and streaming
 * is 1.3-1.6x faster at 34 MB. */
#define STREAM_MIN_BYTES (16.0 * 1024 * 1024)
/* Below this n the writer runs on one thread, as the fused kernel does.
 * Measured on 2 cores: at n <= 1024 two threads were never faster than one,
 * and several times slower while the other core was busy (OpenBLAS's
 * threads spin there after each gemv); at n = 8000 two threads are 1.3x
 * faster (f32 axis 0: 25.5 ms a call, against 32.3 ms on one). */
#define STREAM_PARALLEL_MIN_N 2048

/* Calls cblas_s<fn> or cblas_d<fn> by dtype; the arguments are the same. */
#define BLAS(dtype, fn, ...) \
    ((dtype) == DTYPE_F64 ? cblas_d##fn(__VA_ARGS__) : cblas_s##fn(__VA_ARGS__))

extern const struct kernel_backend backend_openblas;

/* OpenBLAS's thread count before we first changed it (OPENBLAS_NUM_THREADS
 * or the core count). */
static int openblas_default_threads(void)
{
    static int threads;
    if (threads == 0)
        threads = openblas_get_num_threads();
    return threads > 0 ? threads : 1;
}

/* The threads a point asks for: its own, or OpenBLAS's default for 0. */
static int openblas_point_threads(const struct kernel_point *p)
{
    return p && p->threads > 0 ? p->threads : openblas_default_threads();
}

/* Sets OpenBLAS's threads for the point; untimed, before each batch, since
 * another point may have changed them. */
static void openblas_enter(const struct cpu_state *s)
{
    int want = openblas_point_threads(&s->p);
    if (openblas_get_num_threads() != want)
        openblas_set_num_threads(want);
}

/* out = A x by gemv. */
static void openblas_matvec_gemv(const struct cpu_state *s)
{
    blasint n = (blasint)s->n;
    BLAS(s->p.dtype, gemv, CblasRowMajor, CblasNoTrans, n, n, 1.0, s->a, n, s->x, 1, 0.0, s->out,
         1);
}

/* out = A x by gemm: (n x n) times (n x 1). */
static void openblas_matvec_gemm(const struct cpu_state *s)
{
    blasint n = (blasint)s->n;
    BLAS(s->p.dtype, gemm, CblasRowMajor, CblasNoTrans, CblasNoTrans, n, 1, n, 1.0, s->a, n, s->x,
         1, 0.0, s->out, 1);
}

/* q = x y^T by gemm with k = 1 and beta = 0; then out = q^T 1 (axis 0, the
 * column sums) or q 1 (axis 1, the row sums) by gemv. */
static void openblas_outer_gemm(const struct cpu_state *s)
{
    blasint n = (blasint)s->n;
    enum kernel_dtype dt = s->p.dtype;
    BLAS(dt, gemm, CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, 1, 1.0, s->x, 1, s->y, n, 0.0,
         s->q, n);
    BLAS(dt, gemv, CblasRowMajor, s->p.axis == 0 ? CblasTrans : CblasNoTrans, n, n, 1.0, s->q, n,
         s->ones, 1, 0.0, s->out, 1);
}

/* 1 if our writer streams the point's q past the caches: q is at least
 * STREAM_MIN_BYTES. */
static int openblas_streams(const struct cpu_state *s)
{
    double n = (double)s->n;
    return n * n * (double)kernel_dtype_size(s->p.dtype) >= STREAM_MIN_BYTES;
}

/* Rows [lo, hi) of q = x y^T by our streaming writer; its stores are
 * ordered (sfence) before this thread goes on, so q is whole once every
 * thread is joined. */
static void openblas_stream_range(const struct cpu_state *s, long lo, long hi)
{
    if (s->p.dtype == DTYPE_F64)
        stream_outer_rows_f64(s->x, s->y, s->q, s->n, lo, hi, openblas_streams(s));
    else
        stream_outer_rows_f32(s->x, s->y, s->q, s->n, lo, hi, openblas_streams(s));
#ifdef __SSE__
    _mm_sfence();
#endif
}

/* q = x y^T by our own writer (non-temporal stores, rows split across the
 * plan's threads), then the gemv reduction of the gemm impl. */
static void openblas_outer_materialized(const struct cpu_state *s)
{
    blasint n = (blasint)s->n;
    cpu_parallel(s, openblas_stream_range);
    BLAS(s->p.dtype, gemv, CblasRowMajor, s->p.axis == 0 ? CblasTrans : CblasNoTrans, n, n, 1.0,
         s->q, n, s->ones, 1, 0.0, s->out, 1);
}

/* The fused sums for outputs [lo, hi): rows of x y^T (axis 1), or of y x^T
 * (axis 0, the columns of x y^T). */
static void openblas_fused_range(const struct cpu_state *s, long lo, long hi)
{
    const void *u = s->p.axis == 0 ? s->y : s->x, *v = s->p.axis == 0 ? s->x : s->y;
    if (s->p.dtype == DTYPE_F64)
        fused_rows_f64(u, v, s->out, s->n, lo, hi);
    else
        fused_rows_f32(u, v, s->out, s->n, lo, hi);
}

/* The fused outer_sum, its outputs split across the plan's threads. */
static void openblas_outer_fused(const struct cpu_state *s)
{
    cpu_parallel(s, openblas_fused_range);
}

/* The flags of openblas's impl rows. */
enum {
    NEEDS_ONES = 1,     /* a vector of n ones, for the reduction by gemv */
    FUSED_THREADS = 2,  /* the plan's threads from FUSED_PARALLEL_MIN_N up */
    STREAM_THREADS = 4, /* the plan's threads from STREAM_PARALLEL_MIN_N up */
};

#define CALLS(f) { KERNEL_FN(f), KERNEL_FN(f) }

static const struct kernel_impl openblas_impls[] = {
    { "copy", "memcpy", TRAFFIC_MATERIALISED, CALLS(cpu_copy_memcpy), 0 },
    { "matvec", "gemv", TRAFFIC_MATERIALISED, CALLS(openblas_matvec_gemv), 0 },
    { "matvec", "gemm", TRAFFIC_MATERIALISED, CALLS(openblas_matvec_gemm), 0 },
    { "outer_sum", "gemm", TRAFFIC_MATERIALISED, CALLS(openblas_outer_gemm), NEEDS_ONES },
    { "outer_sum", "materialized", TRAFFIC_MATERIALISED, CALLS(openblas_outer_materialized),
      NEEDS_ONES | STREAM_THREADS },
    { "outer_sum", "fused", TRAFFIC_FUSED, CALLS(openblas_outer_fused), FUSED_THREADS },
    { NULL, NULL, TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
};

/* Completes the plan from the row's flags; BLAS takes int sizes, so n must
 * fit one. */
static int openblas_plan_point(const struct kernel_point *p, const struct kernel_impl *impl,
                               struct cpu_plan *plan, char *err)
{
    if (p->n > 2147483647L) {
        snprintf(err, KERNEL_ERR_LEN, "n = %ld is beyond OpenBLAS's int sizes", p->n);
        return KERNEL_ERROR;
    }
    plan->enter = openblas_enter;
    plan->needs_ones = (impl->flags & NEEDS_ONES) != 0;
    if (((impl->flags & FUSED_THREADS) && p->n >= FUSED_PARALLEL_MIN_N) ||
        ((impl->flags & STREAM_THREADS) && p->n >= STREAM_PARALLEL_MIN_N))
        plan->threads = openblas_point_threads(p);
    return KERNEL_OK;
}

/* Always 1: OpenBLAS is linked in. */
static int openblas_available(char *reason)
{
    reason[0] = '\0';
    return 1;
}

static int openblas_memory_point(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    return cpu_memory(&backend_openblas, openblas_plan_point, p, m, err);
}

static int openblas_setup_point(const struct kernel_point *p, void **state, char *err)
{
    return cpu_setup(&backend_openblas, openblas_plan_point, p, state, err);
}

/* Reports OpenBLAS as loaded at run time (on a host the binary was carried
 * to, it may differ from the headers it was built with): its version, build
 * configuration and core, and the threads the point runs with (what
 * openblas_enter sets before each batch). Changes nothing. */
static void openblas_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    char buf[64] = "unknown";
    const char *config = openblas_get_config();
    int threads = openblas_point_threads(p);
    if (config)
        sscanf(config, "OpenBLAS %63s", buf);
    fact(ctx, "openblas_version", buf);
    fact(ctx, "openblas_config", config ? config : "unknown");
    snprintf(buf, sizeof buf, "%d", threads);
    fact(ctx, "openblas_threads", buf);
    const char *core = openblas_get_corename();
    fact(ctx, "openblas_corename", core ? core : "unknown");
    char flags[8192], fits[256];
    openblas_cpu_flags(flags, sizeof flags);
    openblas_core_fits(core ? core : "unknown", flags, fits, sizeof fits);
    fact(ctx, "openblas_core_fits", fits);
    const char *coretype = getenv("OPENBLAS_CORETYPE");
    fact(ctx, "openblas_coretype_env", coretype ? coretype : "unset");
    snprintf(buf, sizeof buf, "%d", p && p->n < FUSED_PARALLEL_MIN_N ? 1 : threads);
    fact(ctx, "fused_threads", buf);
    snprintf(buf, sizeof buf, "%.0f", STREAM_MIN_BYTES);
    fact(ctx, "materialized_stream_min_bytes", buf);
    cpu_describe_build(fact, ctx);
}

const struct kernel_backend backend_openblas = {
    .name = "openblas",
    .label = "OpenBLAS",
    .summary = "OpenBLAS gemv/gemm, and a fused outer_sum of our own (threaded)",
    .impls = openblas_impls,
    .available = openblas_available,
    .memory = openblas_memory_point,
    .setup = openblas_setup_point,
    .verify = cpu_verify,
    .run = cpu_run,
    .teardown = cpu_teardown,
    .describe = openblas_describe,
};
