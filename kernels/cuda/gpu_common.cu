/* gpu_common.cu: availability, memory, buffers, verification, timing and
 * device facts of the GPU backends (see gpu_common.cuh). */
#include "gpu_common.cuh"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host.h"
#include "reference.h"

/* cuBLAS's workspace: NVIDIA recommends 32 MiB on Hopper. Setting it
 * explicitly means no allocation happens inside a graph capture. */
#define BLAS_WORKSPACE_BYTES (32u << 20)

/* The L2 flush writes twice the L2; this if the size cannot be read. */
#define FLUSH_FALLBACK_BYTES (256u << 20)

int gpu_fail_cuda(char *err, const char *file, int line, const char *call, cudaError_t e)
{
    snprintf(err, KERNEL_ERR_LEN, "%s:%d: %s: %s (%s)", file, line, call, cudaGetErrorString(e),
             cudaGetErrorName(e));
    return e == cudaErrorMemoryAllocation ? KERNEL_NO_MEMORY : KERNEL_ERROR;
}

int gpu_fail_cublas(char *err, const char *file, int line, const char *call, cublasStatus_t s)
{
    snprintf(err, KERNEL_ERR_LEN, "%s:%d: %s: %s", file, line, call, cublasGetStatusString(s));
    return s == CUBLAS_STATUS_ALLOC_FAILED ? KERNEL_NO_MEMORY : KERNEL_ERROR;
}

/* ---------------------------------------------------------------------- */
/* Availability: asked once, remembered (the runner asks for every point). */

static int available_state = -1;
static char available_reason[KERNEL_ERR_LEN];

static int gpu_probe(char *reason)
{
    int driver = 0, count = 0;
    cudaDriverGetVersion(&driver);
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        if (driver == 0)
            snprintf(reason, KERNEL_ERR_LEN,
                     "no NVIDIA driver on this host (cudaGetDeviceCount: %s)", cudaGetErrorString(e));
        else
            snprintf(reason, KERNEL_ERR_LEN, "no usable CUDA device (cudaGetDeviceCount: %s, %s)",
                     cudaGetErrorName(e), cudaGetErrorString(e));
        return 0;
    }
    if (count < 1) {
        snprintf(reason, KERNEL_ERR_LEN, "the CUDA driver sees no device");
        return 0;
    }
    int major = 0, minor = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0) != cudaSuccess ||
        cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, 0) != cudaSuccess) {
        snprintf(reason, KERNEL_ERR_LEN, "cannot read the compute capability of device 0: %s",
                 cudaGetErrorString(cudaGetLastError()));
        return 0;
    }
    if (major < 9) {
        snprintf(reason, KERNEL_ERR_LEN,
                 "built for compute capability 9.0 (Hopper) and later; device 0 is %d.%d", major,
                 minor);
        return 0;
    }
    return 1;
}

int gpu_available(char *reason)
{
    if (available_state < 0)
        available_state = gpu_probe(available_reason);
    if (!available_state)
        snprintf(reason, KERNEL_ERR_LEN, "%s", available_reason);
    return available_state;
}

int gpu_sm_count(void)
{
    static int sms = 0;
    if (sms == 0 && cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0) != cudaSuccess)
        sms = 132;
    return sms > 0 ? sms : 132;
}

static size_t l2_bytes(void)
{
    int l2 = 0;
    if (cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, 0) != cudaSuccess || l2 <= 0)
        return FLUSH_FALLBACK_BYTES / 2;
    return (size_t)l2;
}

/* ---------------------------------------------------------------------- */
/* The host arena (see "Host buffers" below): pinned memory that one point
 * at a time holds, kept across points. */
#define HOST_ALIGN 256

static struct {
    void *base;
    size_t bytes;
    int held, pinned;
} arena;

/* What a point needs. Sizes in double, so that a huge n cannot wrap. */

struct gpu_sizes {
    double a, x, y, q, out;  /* device buffers */
    double flush, blas;      /* L2 flush buffer, cuBLAS workspace */
    double host;             /* host copies: inputs, output read back, reference */
};

/* kernel_check_point, and n small enough for cuBLAS's int sizes. */
static int check_point(const struct kernel_point *p, char *err)
{
    int status = kernel_check_point(p, err);
    if (status == KERNEL_OK && p->n > 2147483647L) {
        snprintf(err, KERNEL_ERR_LEN, "n must be below 2^31 (cuBLAS sizes are int), got %ld", p->n);
        return KERNEL_ERROR;
    }
    return status;
}

static void point_sizes(const struct kernel_point *p, enum kernel_traffic traffic, int use_blas,
                        struct gpu_sizes *z)
{
    const double s = (double)kernel_dtype_size(p->dtype);
    memset(z, 0, sizeof *z);
    z->a = kernel_buffer_elements(p, BUFFER_A) * s;
    z->x = kernel_buffer_elements(p, BUFFER_X) * s;
    z->y = kernel_buffer_elements(p, BUFFER_Y) * s;
    z->q = kernel_forms_product(p, traffic) ? kernel_buffer_elements(p, BUFFER_PRODUCT) * s : 0.0;
    z->out = kernel_buffer_elements(p, BUFFER_OUT) * s;
    z->flush = p->flush_l2 ? 2.0 * (double)l2_bytes() : 0.0;
    z->blas = use_blas ? (double)BLAS_WORKSPACE_BYTES : 0.0;
    /* Host: the inputs as drawn and the output read back, plus the float64
     * reference (an op without one compares with its input instead). */
    z->host = z->a + z->x + z->y + z->out + kernel_reference_elements(p) * (double)sizeof(double);
}

static double device_need(const struct gpu_sizes *z)
{
    /* cudaMalloc rounds each buffer up to at least 512 bytes. */
    const double round = 512.0;
    return z->a + z->x + z->y + z->q + z->out + z->flush + z->blas + 7 * round;
}

static size_t clamp_size(double bytes)
{
    return bytes < (double)(SIZE_MAX / 2) ? (size_t)bytes : SIZE_MAX / 2;
}

/* The checks memory() and setup() share: a valid point of an impl of b,
 * and a GPU. Fills the point's sizes. */
static int point_ready(const struct kernel_backend *b, const struct kernel_point *p, int use_blas,
                       struct gpu_sizes *z, char *err)
{
    int status = check_point(p, err);
    if (status != KERNEL_OK)
        return status;
    const struct kernel_impl *impl = kernel_impl_lookup(b, p, err);
    if (!impl)
        return KERNEL_ERROR;
    if (!gpu_available(err))
        return KERNEL_UNAVAILABLE;
    point_sizes(p, impl->traffic, use_blas, z);
    return KERNEL_OK;
}

int gpu_memory(const struct kernel_backend *b, const struct kernel_point *p, int use_blas,
               struct kernel_memory *m, char *err)
{
    struct gpu_sizes z;
    int status = point_ready(b, p, use_blas, &z, err);
    if (status != KERNEL_OK)
        return status;
    size_t free_b = 0, total_b = 0;
    GPU_CHECK(cudaMemGetInfo(&free_b, &total_b));
    memset(m, 0, sizeof *m);
    m->device_need = clamp_size(device_need(&z));
    m->device_free = free_b;
    m->host_need = clamp_size(z.host);
    /* a free arena is this point's to use (the host counts it as used) */
    m->host_free = host_memory_free() + (arena.held ? 0 : arena.bytes);
    return KERNEL_OK;
}

/* ---------------------------------------------------------------------- */
/* Host buffers. A point needs its inputs on the host only to copy them to
 * the device and to compute its reference: from setup until its check has
 * compared. So one point at a time holds the arena, pinned memory kept
 * across points: the copies run at the bus's rate (55 GB/s on the H200's
 * host, against 6.4 GB/s from pageable memory) and its pages are touched
 * once, not at every point. A point that finds it held (a second point set
 * up before the first is checked) or that cannot pin gets memory of its
 * own, kept until teardown. A check after the arena was given back draws
 * the inputs again from the seed. The arena stays until the process ends. */

/* The host buffers of a point, in bytes, each rounded up to HOST_ALIGN:
 * the inputs, the output read back and the float64 reference. */
static void host_sizes(const struct kernel_point *p, size_t size[5])
{
    const double s = (double)kernel_dtype_size(p->dtype);
    const double bytes[5] = { kernel_buffer_elements(p, BUFFER_A) * s, kernel_buffer_elements(p, BUFFER_X) * s,
                              kernel_buffer_elements(p, BUFFER_Y) * s, kernel_buffer_elements(p, BUFFER_OUT) * s,
                              kernel_reference_elements(p) * (double)sizeof(double) };
    for (int i = 0; i < 5; i++)
        size[i] = bytes[i] > 0.0 ? ((size_t)bytes[i] + HOST_ALIGN - 1) / HOST_ALIGN * HOST_ALIGN : 0;
}

/* Makes room for need bytes in the arena: twice that where the host has
 * room, so that a sweep of growing n makes it afresh at each doubling, not
 * at every n. Pinning costs
 * more than the copies it saves if done often (cudaHostAlloc took 0.5 s a
 * GB on the H200's host): the arena is plain memory in huge pages (the GPU
 * reads it; no timed kernel does), faulted in over the host's threads and
 * then registered. 0, or -1 for no memory; unpinned, it is still reused. */
static int arena_reserve(size_t need)
{
    if (arena.bytes >= need)
        return 0;
    if (arena.pinned && cudaHostUnregister(arena.base) != cudaSuccess)
        cudaGetLastError(); /* not left for a later launch's check to report */
    free(arena.base);
    arena.base = NULL;
    arena.bytes = 0;
    arena.pinned = 0;
    /* twice only where that leaves the host half its free memory */
    size_t bytes = need <= host_memory_free() / 4 ? 2 * need : need;
    void *p = NULL;
    if (posix_memalign(&p, (size_t)1 << 21, bytes) != 0 &&
        posix_memalign(&p, (size_t)1 << 21, bytes = need) != 0)
        return -1;
    madvise(p, bytes, MADV_HUGEPAGE); /* advice: without it, 4 KB pages */
    reference_poison(p, DTYPE_F64, bytes / sizeof(double));
    arena.pinned = cudaHostRegister(p, bytes, cudaHostRegisterPortable) == cudaSuccess;
    if (!arena.pinned)
        cudaGetLastError(); /* not sticky: the copies run from pageable memory */
    arena.base = p;
    arena.bytes = bytes;
    return 0;
}

/* Gives st its host buffers, from the arena if it is free, else its own. */
static int host_take(struct gpu_state *st, char *err)
{
    if (st->host_held)
        return KERNEL_OK;
    size_t size[5], total = 0;
    host_sizes(&st->point, size);
    for (int i = 0; i < 5; i++)
        total += size[i];
    char *base = NULL;
    if (!arena.held && arena_reserve(total) == 0) {
        base = (char *)arena.base;
        arena.held = 1;
        st->host_held = 1;
    } else if ((base = (char *)malloc(total ? total : 1))) {
        st->host_own = base;
        st->host_held = 2;
    } else {
        snprintf(err, KERNEL_ERR_LEN, "out of host memory (%.1f MB)", (double)total / 1e6);
        return KERNEL_NO_MEMORY;
    }
    void **slot[5] = { &st->h_a, &st->h_x, &st->h_y, &st->h_out, (void **)&st->h_ref };
    for (int i = 0; i < 5; i++) {
        *slot[i] = size[i] ? base : NULL;
        base += size[i];
    }
    st->host_drawn = 0;
    return KERNEL_OK;
}

/* Gives the arena back (nothing for a state that holds memory of its own,
 * unless free_own). */
static void host_give_back(struct gpu_state *st, int free_own)
{
    if (st->host_held == 2 && !free_own)
        return;
    if (st->host_held == 1)
        arena.held = 0;
    free(st->host_own);
    st->host_own = NULL;
    st->h_a = st->h_x = st->h_y = st->h_out = NULL;
    st->h_ref = NULL;
    st->host_held = 0;
    st->host_drawn = 0;
}

/* Draws the inputs into the host buffers from the seed, as every backend
 * does. */
static void host_draw(struct gpu_state *st)
{
    kernel_draw_inputs(&st->point, st->h_a, st->h_x, st->h_y);
    st->host_drawn = 1;
}

/* ---------------------------------------------------------------------- */
/* Setup and teardown. */

void gpu_teardown(void *state)
{
    struct gpu_state *st = (struct gpu_state *)state;
    if (!st)
        return;
    if (st->graph)
        cudaGraphExecDestroy(st->graph);
    if (st->rest_graph)
        cudaGraphExecDestroy(st->rest_graph);
    if (st->call_graph)
        cudaGraphExecDestroy(st->call_graph);
    if (st->blas)
        cublasDestroy(st->blas);
    void *dev[] = { st->a, st->x, st->y, st->q, st->out, st->flush, st->blas_workspace };
    for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++)
        if (dev[i])
            cudaFree(dev[i]);
    if (st->start)
        cudaEventDestroy(st->start);
    if (st->stop)
        cudaEventDestroy(st->stop);
    for (int i = 0; i < 2; i++)
        if (st->mark[i])
            cudaEventDestroy(st->mark[i]);
    if (st->stream)
        cudaStreamDestroy(st->stream);
    host_give_back(st, 1);
    free(st);
}

/* Allocates bytes of device memory into *p (nothing for 0 bytes). */
static int dev_alloc(void **p, double bytes, char *err)
{
    if (bytes <= 0.0)
        return KERNEL_OK;
    GPU_CHECK(cudaMalloc(p, (size_t)bytes));
    return KERNEL_OK;
}

/* Draws the inputs on the host and copies them to the device. */
static int fill_inputs(struct gpu_state *st, char *err)
{
    const struct kernel_point *p = &st->point;
    host_draw(st);
    void *dev[3] = { st->a, st->x, st->y }, *host[3] = { st->h_a, st->h_x, st->h_y };
    const enum kernel_buffer buf[3] = { BUFFER_A, BUFFER_X, BUFFER_Y };
    for (int i = 0; i < 3; i++)
        if (host[i])
            GPU_CHECK(cudaMemcpy(dev[i], host[i], (size_t)kernel_buffer_elements(p, buf[i]) * st->elem,
                                 cudaMemcpyHostToDevice));
    return KERNEL_OK;
}

static int setup_state(struct gpu_state *st, const struct gpu_sizes *z, int use_blas, char *err)
{
    int status;
    if ((status = host_take(st, err)) != KERNEL_OK)
        return status;
    GPU_CHECK(cudaStreamCreateWithFlags(&st->stream, cudaStreamNonBlocking));
    GPU_CHECK(cudaEventCreate(&st->start));
    GPU_CHECK(cudaEventCreate(&st->stop));
    GPU_CHECK(cudaEventCreateWithFlags(&st->mark[0], cudaEventDisableTiming));
    GPU_CHECK(cudaEventCreateWithFlags(&st->mark[1], cudaEventDisableTiming));
    if ((status = dev_alloc(&st->a, z->a, err)) != KERNEL_OK ||
        (status = dev_alloc(&st->x, z->x, err)) != KERNEL_OK ||
        (status = dev_alloc(&st->y, z->y, err)) != KERNEL_OK ||
        (status = dev_alloc(&st->q, z->q, err)) != KERNEL_OK ||
        (status = dev_alloc(&st->out, z->out, err)) != KERNEL_OK ||
        (status = dev_alloc(&st->flush, z->flush, err)) != KERNEL_OK)
        return status;
    st->flush_bytes = (size_t)z->flush;
    if ((status = fill_inputs(st, err)) != KERNEL_OK)
        return status;
    if (use_blas) {
        CUBLAS_CHECK(cublasCreate(&st->blas));
        CUBLAS_CHECK(cublasSetStream(st->blas, st->stream));
        GPU_CHECK(cudaMalloc(&st->blas_workspace, BLAS_WORKSPACE_BYTES));
        CUBLAS_CHECK(cublasSetWorkspace(st->blas, st->blas_workspace, BLAS_WORKSPACE_BYTES));
        CUBLAS_CHECK(cublasSetPointerMode(st->blas, CUBLAS_POINTER_MODE_HOST));
    }
    GPU_CHECK(cudaDeviceSynchronize());
    return KERNEL_OK;
}

int gpu_setup(const struct kernel_backend *b, const struct kernel_point *p, gpu_call_fn call,
              int use_blas, void **state, char *err)
{
    *state = NULL;
    struct gpu_sizes z;
    int status = point_ready(b, p, use_blas, &z, err);
    if (status != KERNEL_OK)
        return status;
    struct gpu_state *st = (struct gpu_state *)calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, KERNEL_ERR_LEN, "out of host memory");
        return KERNEL_NO_MEMORY;
    }
    st->point = *p;
    st->point.impl = NULL;
    st->n = p->n;
    st->elem = kernel_dtype_size(p->dtype);
    st->call = call;
    if ((status = setup_state(st, &z, use_blas, err)) != KERNEL_OK) {
        gpu_teardown(st);
        return status;
    }
    *state = st;
    return KERNEL_OK;
}

/* ---------------------------------------------------------------------- */
/* Verification: poison, one call, compare. */

/* Bytes of the output. */
static size_t out_bytes(const struct gpu_state *st)
{
    return (size_t)kernel_buffer_elements(&st->point, BUFFER_OUT) * st->elem;
}

int gpu_verify(void *state, struct kernel_check *check, char *err)
{
    struct gpu_state *st = (struct gpu_state *)state;
    const size_t bytes = out_bytes(st);
    const size_t q_bytes = (size_t)kernel_buffer_elements(&st->point, BUFFER_PRODUCT) * st->elem;
    /* All bits set is a NaN in float and in double alike. */
    GPU_CHECK(cudaMemsetAsync(st->out, 0xff, bytes, st->stream));
    if (st->q)
        GPU_CHECK(cudaMemsetAsync(st->q, 0xff, q_bytes, st->stream));
    int status = st->call(st, err);
    if (status != KERNEL_OK)
        return status;
    GPU_CHECK(cudaStreamSynchronize(st->stream));
    if ((status = host_take(st, err)) != KERNEL_OK)
        return status;
    if (!st->host_drawn)
        host_draw(st);
    /* memory of the state's own is touched over threads first: the copy
     * would fault its pages in one by one */
    if (st->host_held == 2)
        reference_poison(st->h_out, st->point.dtype, bytes / st->elem);
    GPU_CHECK(cudaMemcpy(st->h_out, st->out, bytes, cudaMemcpyDeviceToHost));
    status = kernel_op_check(&st->point, st->h_a, st->h_x, st->h_y, st->h_out, st->h_ref, check, err);
    host_give_back(st, 0);
    return status;
}

/* ---------------------------------------------------------------------- */
/* Timing. */

/* Captures `count` runs of fn on st's stream into *exec, an executable
 * graph, uploaded. */
static int capture_graph(struct gpu_state *st, gpu_call_fn fn, long count, cudaGraphExec_t *exec,
                         char *err)
{
    GPU_CHECK(cudaStreamBeginCapture(st->stream, cudaStreamCaptureModeThreadLocal));
    int status = KERNEL_OK;
    for (long i = 0; i < count && status == KERNEL_OK; i++)
        status = fn(st, err);
    cudaGraph_t graph = NULL;
    cudaError_t e = cudaStreamEndCapture(st->stream, &graph);
    if (status != KERNEL_OK) {
        if (graph)
            cudaGraphDestroy(graph);
        return status;
    }
    if (e != cudaSuccess)
        return gpu_fail_cuda(err, __FILE__, __LINE__, "cudaStreamEndCapture(st->stream, &graph)", e);
    e = cudaGraphInstantiate(exec, graph, 0);
    cudaGraphDestroy(graph);
    if (e != cudaSuccess) {
        *exec = NULL;
        return gpu_fail_cuda(err, __FILE__, __LINE__, "cudaGraphInstantiate(exec, graph, 0)", e);
    }
    GPU_CHECK(cudaGraphUpload(*exec, st->stream));
    return KERNEL_OK;
}

/* Makes *exec hold `count` calls (*exec_count), capturing them afresh
 * unless it already does. */
static int capture(struct gpu_state *st, long count, cudaGraphExec_t *exec, long *exec_count,
                   char *err)
{
    if (*exec && *exec_count == count)
        return KERNEL_OK;
    if (*exec) {
        GPU_CHECK(cudaGraphExecDestroy(*exec));
        *exec = NULL;
        *exec_count = 0;
    }
    int status = capture_graph(st, st->call, count, exec, err);
    if (status == KERNEL_OK)
        *exec_count = count;
    return status;
}

int gpu_call_as_graph(struct gpu_state *st, gpu_call_fn launches, char *err)
{
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    GPU_CHECK(cudaStreamIsCapturing(st->stream, &capturing));
    if (capturing != cudaStreamCaptureStatusNone)
        return launches(st, err);
    if (!st->call_graph) {
        int status = capture_graph(st, launches, 1, &st->call_graph, err);
        if (status != KERNEL_OK)
            return status;
    }
    GPU_CHECK(cudaGraphLaunch(st->call_graph, st->stream));
    return KERNEL_OK;
}

/* A batch is queued in chunks of about GPU_CHUNK_SECONDS of work, at most
 * two chunks ahead of the host, so that kernel_interrupted is seen within
 * that time and the GPU never waits for the host (a chunk outlasts the
 * host's wake-up by far). The timing events stay around the whole batch. */
#define GPU_CHUNK_SECONDS 0.1

/* Sets st->chunk for a batch of `iterations` calls, from the pace of the
 * last batch (measured first by one untimed call). Kept while the batch
 * size stays, so that a graph's chunks are captured once. */
static int plan_chunks(struct gpu_state *st, long iterations, char *err)
{
    if (st->batch_iterations == iterations && st->chunk > 0)
        return KERNEL_OK;
    if (st->call_s <= 0.0) {
        GPU_CHECK(cudaEventRecord(st->start, st->stream));
        int status = st->call(st, err);
        if (status != KERNEL_OK)
            return status;
        GPU_CHECK(cudaEventRecord(st->stop, st->stream));
        GPU_CHECK(cudaEventSynchronize(st->stop));
        float ms = 0.0f;
        GPU_CHECK(cudaEventElapsedTime(&ms, st->start, st->stop));
        st->call_s = ms > 0.0f ? 1e-3 * (double)ms : 1e-6;
    }
    double fit = GPU_CHUNK_SECONDS / st->call_s;
    st->chunk = fit >= (double)iterations ? iterations : fit < 1.0 ? 1 : (long)fit;
    st->batch_iterations = iterations;
    return KERNEL_OK;
}

/* Enqueues `count` calls: one replay of a captured graph of them, or the
 * calls themselves. */
static int enqueue(struct gpu_state *st, long count, char *err)
{
    if (st->point.graph) {
        int rest = count != st->chunk;
        cudaGraphExec_t *exec = rest ? &st->rest_graph : &st->graph;
        long *exec_count = rest ? &st->rest_iterations : &st->graph_iterations;
        int status = capture(st, count, exec, exec_count, err);
        if (status != KERNEL_OK)
            return status;
        GPU_CHECK(cudaGraphLaunch(*exec, st->stream));
        return KERNEL_OK;
    }
    for (long i = 0; i < count; i++) {
        int status = st->call(st, err);
        if (status != KERNEL_OK)
            return status;
    }
    return KERNEL_OK;
}

/* Enqueues the batch chunk by chunk, waiting for the chunk before the one
 * just queued; stops early once kernel_interrupted is set. */
static int enqueue_batch(struct gpu_state *st, long iterations, char *err)
{
    long done = 0;
    for (int k = 0; done < iterations; k++) {
        long count = iterations - done < st->chunk ? iterations - done : st->chunk;
        int status = enqueue(st, count, err);
        if (status != KERNEL_OK)
            return status;
        done += count;
        GPU_CHECK(cudaEventRecord(st->mark[k & 1], st->stream));
        if (k > 0)
            GPU_CHECK(cudaEventSynchronize(st->mark[(k - 1) & 1]));
        if (kernel_interrupted && done < iterations) {
            GPU_CHECK(cudaStreamSynchronize(st->stream));
            snprintf(err, KERNEL_ERR_LEN, "interrupted");
            return KERNEL_INTERRUPTED;
        }
    }
    return KERNEL_OK;
}

int gpu_run(void *state, long iterations, double *seconds, char *err)
{
    struct gpu_state *st = (struct gpu_state *)state;
    if (iterations < 1) {
        snprintf(err, KERNEL_ERR_LEN, "iterations must be at least 1, got %ld", iterations);
        return KERNEL_ERROR;
    }
    int status = plan_chunks(st, iterations, err);
    if (status != KERNEL_OK)
        return status;
    /* captured before the clock starts: enqueue then only replays */
    if (st->point.graph &&
        ((status = capture(st, st->chunk, &st->graph, &st->graph_iterations, err)) != KERNEL_OK ||
         (iterations % st->chunk &&
          (status = capture(st, iterations % st->chunk, &st->rest_graph, &st->rest_iterations,
                            err)) != KERNEL_OK)))
        return status;
    if (st->flush)
        GPU_CHECK(cudaMemsetAsync(st->flush, st->flush_value++, st->flush_bytes, st->stream));
    GPU_CHECK(cudaEventRecord(st->start, st->stream));
    if ((status = enqueue_batch(st, iterations, err)) != KERNEL_OK)
        return status;
    GPU_CHECK(cudaEventRecord(st->stop, st->stream));
    GPU_CHECK(cudaEventSynchronize(st->stop));
    float ms = 0.0f;
    GPU_CHECK(cudaEventElapsedTime(&ms, st->start, st->stop));
    *seconds = 1e-3 * (double)ms;
    st->call_s = *seconds / (double)iterations;
    return KERNEL_OK;
}

/* ---------------------------------------------------------------------- */
/* Facts. */

/* "13.0" from CUDA's 13000. */
static void version_text(int v, char *buf, size_t len)
{
    snprintf(buf, len, "%d.%d", v / 1000, (v % 1000) / 10);
}

/* The kernel module's version ("580.159.04"), or "" if not readable. */
static void nvidia_module_version(char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/driver/nvidia/version", "r");
    if (!f)
        return;
    char line[512];
    if (fgets(line, sizeof line, f)) {
        /* "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release ...":
         * the first word after "Module" that starts with a digit and holds a dot. */
        const char *m = strstr(line, "Module");
        char word[64];
        int used = 0;
        for (m = m ? m + strlen("Module") : NULL; m && sscanf(m, " %63s%n", word, &used) == 1; m += used) {
            if (word[0] >= '0' && word[0] <= '9' && strchr(word, '.') && strlen(word) < len) {
                snprintf(buf, len, "%s", word);
                break;
            }
        }
    }
    fclose(f);
}

static void fact_int(kernel_fact_fn fact, void *ctx, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    fact(ctx, key, buf);
}

static int attr(enum cudaDeviceAttr a)
{
    int v = 0;
    return cudaDeviceGetAttribute(&v, a, 0) == cudaSuccess ? v : -1;
}

void gpu_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    (void)p;
    char buf[256], module[64];
    int v = 0;
    if (cudaRuntimeGetVersion(&v) == cudaSuccess) {
        version_text(v, buf, sizeof buf);
        fact(ctx, "cuda_runtime_version", buf);
    }
    int major = 0, minor = 0, patch = 0;
    if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS) {
        snprintf(buf, sizeof buf, "%d.%d.%d", major, minor, patch);
        fact(ctx, "cublas_version", buf);
    }
    if (cudaDriverGetVersion(&v) == cudaSuccess && v > 0) {
        /* The kernel module's version where /proc shows it, else the CUDA
         * version the driver supports. */
        version_text(v, buf, sizeof buf);
        fact(ctx, "driver_cuda_version", buf);
        nvidia_module_version(module, sizeof module);
        fact(ctx, "driver_version", module[0] ? module : buf);
    } else {
        fact(ctx, "driver_version", "none");
    }
    char reason[KERNEL_ERR_LEN];
    if (!gpu_available(reason))
        return;
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
        fact(ctx, "gpu_name", prop.name);
        fact_int(fact, ctx, "gpu_memory_bytes", (long long)prop.totalGlobalMem);
    }
    fact_int(fact, ctx, "gpu_sm_count", attr(cudaDevAttrMultiProcessorCount));
    fact_int(fact, ctx, "gpu_clock_mhz", attr(cudaDevAttrClockRate) / 1000);
    fact_int(fact, ctx, "gpu_mem_clock_mhz", attr(cudaDevAttrMemoryClockRate) / 1000);
    fact_int(fact, ctx, "gpu_mem_bus_bits", attr(cudaDevAttrGlobalMemoryBusWidth));
    fact_int(fact, ctx, "gpu_l2_bytes", attr(cudaDevAttrL2CacheSize));
    fact(ctx, "gpu_ecc", attr(cudaDevAttrEccEnabled) == 1 ? "on" : "off");
    snprintf(buf, sizeof buf, "%d.%d", attr(cudaDevAttrComputeCapabilityMajor),
             attr(cudaDevAttrComputeCapabilityMinor));
    fact(ctx, "compute_capability", buf);
}
