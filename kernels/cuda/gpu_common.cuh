/* gpu_common.cuh: what the two GPU backends (cublas, cuda) share: the error
 * macros, availability, memory needs, the state of a point (inputs drawn on
 * the host, copied to the device, host copies kept for verification),
 * verification, the timed batch (CUDA events, optionally one CUDA graph) and
 * the device's facts. A backend adds only the function that enqueues one
 * call. CUDA C++ only; the runner sees kernel.h alone. */
#ifndef FLOPBENCH_GPU_COMMON_CUH
#define FLOPBENCH_GPU_COMMON_CUH

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "kernel.h"

/* Write "file:line: call: error string (name)" into err and return the
 * kernel_status for it: KERNEL_NO_MEMORY for an allocation failure, else
 * KERNEL_ERROR. Never exit. */
int gpu_fail_cuda(char *err, const char *file, int line, const char *call, cudaError_t e);
int gpu_fail_cublas(char *err, const char *file, int line, const char *call, cublasStatus_t s);

/* Each returns from the calling function on failure, with the reason in the
 * caller's `char *err`. GPU_LAUNCH wraps a kernel launch and checks
 * cudaGetLastError() right after it. */
#define GPU_CHECK(call)                                                        \
    do {                                                                       \
        cudaError_t gpu_e_ = (call);                                           \
        if (gpu_e_ != cudaSuccess)                                             \
            return gpu_fail_cuda(err, __FILE__, __LINE__, #call, gpu_e_);      \
    } while (0)
#define CUBLAS_CHECK(call)                                                     \
    do {                                                                       \
        cublasStatus_t gpu_s_ = (call);                                        \
        if (gpu_s_ != CUBLAS_STATUS_SUCCESS)                                   \
            return gpu_fail_cublas(err, __FILE__, __LINE__, #call, gpu_s_);    \
    } while (0)
#define GPU_LAUNCH(...)                                                        \
    do {                                                                       \
        __VA_ARGS__;                                                           \
        cudaError_t gpu_e_ = cudaGetLastError();                               \
        if (gpu_e_ != cudaSuccess)                                             \
            return gpu_fail_cuda(err, __FILE__, __LINE__, #__VA_ARGS__, gpu_e_); \
    } while (0)

struct gpu_state;

/* Enqueues one call of the point's op on st->stream: no host sync, no
 * allocation. Returns KERNEL_OK or a status with the reason in err. */
typedef int (*gpu_call_fn)(struct gpu_state *st, char *err);

/* Device buffers: the op's inputs a, x, y and output out (ops.h), and q,
 * the op's product, where the impl's traffic forms one. */
struct gpu_state {
    struct kernel_point point; /* point.impl is not kept: the caller owns it */
    size_t elem;               /* bytes of one element */
    long n;
    void *a, *x, *y, *q, *out;        /* device */
    void *flush;                      /* 2x the L2, written before a flushed batch */
    size_t flush_bytes;
    unsigned char flush_value;
    void *h_a, *h_x, *h_y, *h_out;    /* host: the inputs as drawn, the output read back */
    double *h_ref;                    /* the float64 reference, made at each verify */
    int host_held;                    /* h_*: 0 none, 1 the shared arena, 2 host_own */
    void *host_own;                   /* the state's own host memory, where the arena was held */
    int host_drawn;                   /* h_a, h_x, h_y hold the inputs */
    cudaStream_t stream;
    cudaEvent_t start, stop;
    cudaEvent_t mark[2];              /* ends of the last two chunks of a batch (no timing) */
    double call_s;                    /* seconds a call took in the last batch; 0 before one */
    long batch_iterations, chunk;     /* a batch of batch_iterations goes in chunks of chunk */
    cudaGraphExec_t graph;            /* `graph_iterations` calls (a chunk), captured once */
    long graph_iterations;
    cudaGraphExec_t rest_graph;       /* `rest_iterations` calls: a batch's last, shorter chunk */
    long rest_iterations;
    cudaGraphExec_t call_graph;       /* one call's launches (gpu_call_as_graph) */
    cublasHandle_t blas;              /* cublas backend only */
    void *blas_workspace;
    gpu_call_fn call;
};

/* The backend table's functions, shared; b is the calling backend, whose
 * impl row gives the point's traffic. use_blas: the backend calls cuBLAS
 * (a handle on the state's stream, with its own workspace so that graph
 * capture never allocates). Setup does not check that the point fits: the
 * runner does, from memory(), before it. */
int gpu_available(char *reason);
int gpu_memory(const struct kernel_backend *b, const struct kernel_point *p, int use_blas,
               struct kernel_memory *m, char *err);
int gpu_setup(const struct kernel_backend *b, const struct kernel_point *p, gpu_call_fn call,
              int use_blas, void **state, char *err);
int gpu_verify(void *state, struct kernel_check *check, char *err);
int gpu_run(void *state, long iterations, double *seconds, char *err);
void gpu_teardown(void *state);
void gpu_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx);

/* Enqueues one call made of several launches (`launches`) as one CUDA graph
 * launch: captured at the first call, then one submission a call instead of
 * one a kernel, where the host's cost of a launch is more than the kernels'
 * run. While the stream is being captured (a point with graph = true), it
 * makes the launches themselves. */
int gpu_call_as_graph(struct gpu_state *st, gpu_call_fn launches, char *err);

/* The SM count of device 0 (for grid sizes); 132 if unknown. */
int gpu_sm_count(void);

#endif
