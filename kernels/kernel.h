/* kernel.h: the one interface between the runner and every kernel.
 *
 * A backend is a table of functions. The runner sees nothing else of a
 * kernel: no CUDA, no BLAS, no Lua, no CSV. Every function returns a
 * kernel_status and, when it is not KERNEL_OK, writes a one-line reason
 * into err (KERNEL_ERR_LEN bytes). */
#ifndef FLOPBENCH_KERNEL_H
#define FLOPBENCH_KERNEL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ops.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KERNEL_ERR_LEN 512

enum kernel_dtype { DTYPE_F32, DTYPE_F64, DTYPE_COUNT };

enum kernel_status {
    KERNEL_OK = 0,
    KERNEL_ERROR,       /* a library or runtime call failed */
    KERNEL_NO_MEMORY,   /* the point does not fit, or an allocation failed */
    KERNEL_WRONG,       /* the output did not match the float64 reference */
    KERNEL_UNAVAILABLE, /* the backend cannot run on this host */
    KERNEL_INTERRUPTED, /* kernel_interrupted stopped a batch: its time is no measurement */
};

/* One point to measure: everything a backend needs to set it up and run it. */
struct kernel_point {
    int op;            /* an index of the ops table (ops.h) */
    enum kernel_dtype dtype;
    int axis;          /* an op with an axis: 0 sums each column, 1 each row; else -1 */
    long n;            /* the matrix is n x n, row-major; vectors have n */
    const char *impl;  /* one of the backend's impls for op */
    uint64_t seed;     /* inputs are drawn from this seed (kernels/random.h) */
    int threads;       /* CPU threads for a threaded library; 0 = its default */
    int graph;         /* GPU: capture each timed batch as a CUDA graph */
    int flush_l2;      /* GPU: flush the L2 cache before each timed batch */
};

/* What verifying one call found. */
struct kernel_check {
    double rel_err;    /* max over outputs of |out - ref| / (sum of |terms|), against float64 */
    double tolerance;  /* the largest rel_err accepted for this dtype and n */
    long unwritten;    /* output elements still holding the poison value */
};

/* Memory a point needs, and what this host has free, in bytes. */
struct kernel_memory {
    size_t host_need, host_free;
    size_t device_need, device_free; /* both 0 for a CPU backend */
};

/* A key/value fact about the host or library, for the provenance file. */
typedef void (*kernel_fact_fn)(void *ctx, const char *key, const char *value);

/* A function of a backend's own type, stored in an impl row and cast back
 * to that type by the backend (KERNEL_FN casts one in). */
typedef void (*kernel_fn)(void);
#define KERNEL_FN(f) ((kernel_fn)(f))

/* One impl of a backend, a row as Lua's luaL_Reg is: the op it serves (a
 * name of the ops table), its own name, the traffic it declares (bytes
 * follow from it), what it calls per dtype (NULL: nothing of its own, as a
 * worker's impls), and flags of the backend's own meaning (a worker's: the
 * dtypes it serves, KERNEL_SERVES_DTYPE). A backend's rows end with a row
 * whose op is NULL; for each op, its first row is the default impl. */
struct kernel_impl {
    const char *op;
    const char *name;
    enum kernel_traffic traffic;
    kernel_fn calls[DTYPE_COUNT];
    unsigned flags;
};

struct kernel_backend {
    const char *name;
    const char *label;                 /* what the report calls it ("cuBLAS") */
    const char *summary;               /* one line for `runner list` */
    const struct kernel_impl *impls;   /* its impl rows, ended by an op of NULL */
    /* Returns 1 if the backend can run here; else 0 and why, in reason. */
    int (*available)(char *reason);
    /* Fills what the point needs and what is free, before anything is
     * allocated. The runner alone compares them (runner/measure.c): setup
     * does not check again. */
    int (*memory)(const struct kernel_point *p, struct kernel_memory *m, char *err);
    /* Allocates and fills fresh random inputs from p->seed. On failure *state
     * is NULL and nothing is left allocated. */
    int (*setup)(const struct kernel_point *p, void **state, char *err);
    /* Poisons the output, runs one call, compares with the float64 reference.
     * Returns KERNEL_WRONG (with the figures in check) if it does not match. */
    int (*verify)(void *state, struct kernel_check *check, char *err);
    /* Runs `iterations` calls back to back and stores the elapsed seconds of
     * the whole batch (GPU: CUDA events around it; CPU: a monotonic clock).
     * Checks kernel_interrupted as it goes (between calls, or chunks of a
     * GPU batch) and, once it is set, returns KERNEL_INTERRUPTED within
     * about a second, the batch cut short and its time not stored. */
    int (*run)(void *state, long iterations, double *seconds, char *err);
    void (*teardown)(void *state);
    /* Reports facts about the host and libraries (GPU name, versions, ...). */
    void (*describe)(const struct kernel_point *p, kernel_fact_fn fact, void *ctx);
    int gpu;                           /* 1: runs on a GPU */
    /* 1: a framework's worker process runs it (peers/). Its impl rows are
     * those its worker's hello registers: none until `available` has
     * started the worker, which the lookups below do on first need. */
    int worker;
};

/* The bit of a worker's impl row's flags that says it serves dtype d. */
#define KERNEL_SERVES_DTYPE(d) (1u << (unsigned)(d))

/* Set (by the runner's SIGINT/SIGTERM/SIGHUP handler) to make a backend
 * stop a batch, or give up waiting on something outside the process, such
 * as a worker, at once. */
extern volatile sig_atomic_t kernel_interrupted;

/* The registry: every backend compiled into this binary, in a fixed order.
 * The impl lookups start a worker backend's worker (its `available`) the
 * first time its rows are asked for; they find none if it cannot start. */
const struct kernel_backend *const *kernel_backends(void);
const struct kernel_backend *kernel_backend_find(const char *name);
/* The k-th impl of b for op (0: the default), or NULL past the last. */
const struct kernel_impl *kernel_impl_at(const struct kernel_backend *b, int op, int k);
/* The impl of b for op called name, or NULL. */
const struct kernel_impl *kernel_impl_find(const struct kernel_backend *b, int op, const char *name);
/* 1 if impl row i of b serves dtype d: a worker's rows the dtypes its
 * hello listed, every other row every dtype. */
int kernel_impl_serves(const struct kernel_backend *b, const struct kernel_impl *i, enum kernel_dtype d);
/* The impl p->impl of b for p->op (p->impl NULL: the default); NULL with
 * why in err if b's worker cannot start, b does not serve the op, has no
 * such impl, or the impl does not serve p->dtype. */
const struct kernel_impl *kernel_impl_lookup(const struct kernel_backend *b,
                                             const struct kernel_point *p, char *err);
/* The bytes one call of p on b must move, from the traffic its impl
 * declares (kernel_bytes); 0 if b has no such impl. */
double kernel_point_bytes(const struct kernel_backend *b, const struct kernel_point *p);

const char *kernel_dtype_name(enum kernel_dtype dtype);
size_t kernel_dtype_size(enum kernel_dtype dtype);
/* Returns KERNEL_OK if p names an op, a dtype, n >= 1 and (an op with an
 * axis) an axis of 0 or 1; else KERNEL_ERROR and why in err. */
int kernel_check_point(const struct kernel_point *p, char *err);

#if FLOPBENCH_CUDA
/* Test hook of the cuda backend (kernels/cuda/fused.cu): 0 makes its f32
 * fused kernel use mma.sync where it would use wgmma (what a GPU without
 * sm_90a code runs); 1 undoes it. */
void fused_allow_wgmma(int on);
#endif

#ifdef __cplusplus
}
#endif
#endif
