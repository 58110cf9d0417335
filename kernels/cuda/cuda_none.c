/* cuda_none.c: the GPU backends of a build without CUDA (CUDA=0, no nvcc at
 * build time). They are listed, say why they cannot run, and serve nothing. */
#include <stdio.h>

#include "gpu_impls.h"
#include "kernel.h"

static int none_available(char *reason)
{
    snprintf(reason, KERNEL_ERR_LEN, "not built: nvcc was not found when this runner was built "
             "(or make CUDA=0)");
    return 0;
}

static int none_memory(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    (void)p;
    (void)m;
    return none_available(err), KERNEL_UNAVAILABLE;
}

static int none_setup(const struct kernel_point *p, void **state, char *err)
{
    (void)p;
    *state = NULL;
    return none_available(err), KERNEL_UNAVAILABLE;
}

static int none_verify(void *state, struct kernel_check *check, char *err)
{
    (void)state;
    (void)check;
    return none_available(err), KERNEL_UNAVAILABLE;
}

static int none_run(void *state, long iterations, double *seconds, char *err)
{
    (void)state;
    (void)iterations;
    *seconds = 0.0;
    return none_available(err), KERNEL_UNAVAILABLE;
}

static void none_teardown(void *state)
{
    (void)state;
}

static void none_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    (void)p;
    fact(ctx, "cuda", "built without CUDA");
}

#define CALLS(f32, f64) { NULL, NULL }
static const struct kernel_impl cublas_impls[] = { CUBLAS_IMPLS };
static const struct kernel_impl cuda_impls[] = { CUDA_IMPLS };

const struct kernel_backend backend_cublas = {
    .name = "cublas",
    .label = "cuBLAS",
    .summary = "cuBLAS (not built: no nvcc at build time)",
    .impls = cublas_impls,
    .available = none_available, .memory = none_memory, .setup = none_setup,
    .verify = none_verify, .run = none_run, .teardown = none_teardown, .describe = none_describe,
    .gpu = 1,
};

const struct kernel_backend backend_cuda = {
    .name = "cuda",
    .label = "own CUDA",
    .summary = "our own CUDA kernels (not built: no nvcc at build time)",
    .impls = cuda_impls,
    .available = none_available, .memory = none_memory, .setup = none_setup,
    .verify = none_verify, .run = none_run, .teardown = none_teardown, .describe = none_describe,
    .gpu = 1,
};
