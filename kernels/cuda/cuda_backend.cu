/* cuda_backend.cu: the backend of our own kernels.
 * copy: a 16-byte vector copy kernel, or cudaMemcpyAsync;
 * matvec: rowdot (reduce.cu), a warp streams each row;
 * outer_sum: materialized (our outer-product kernel writes Q, reduce.cu sums
 * it; the two kernels submitted as one graph a call), fused (fused.cu, tensor
 * cores: Q never exists) and fused_simt (the same on the CUDA cores). Every
 * call is one launch, or one graph launch, on the state's stream: no sync,
 * no allocation, no memset. */
#include <stdio.h>

#include "fused.cuh"
#include "gpu_common.cuh"
#include "gpu_impls.h"
#include "reduce.cuh"

#define COPY_THREADS 256
#define OUTER_THREADS 256

/* dst = src, count elements: 16-byte vectors, U in flight a thread, then the
 * few elements past the last whole vector. */
template <typename T>
__global__ void __launch_bounds__(COPY_THREADS)
copy_kernel(const T *__restrict__ src, T *__restrict__ dst, long count)
{
    constexpr int U = 4;
    const long nvec = count * (long)sizeof(T) / 16;
    const int4 *s = reinterpret_cast<const int4 *>(src);
    int4 *d = reinterpret_cast<int4 *>(dst);
    const long step = (long)blockDim.x;
    const long stride = (long)gridDim.x * step * U;
    long i = (long)blockIdx.x * step * U + threadIdx.x;
    for (; i + (U - 1) * step < nvec; i += stride) {
        int4 r[U];
#pragma unroll
        for (int u = 0; u < U; u++)
            r[u] = __ldg(s + i + u * step);
#pragma unroll
        for (int u = 0; u < U; u++)
            d[i + u * step] = r[u];
    }
#pragma unroll
    for (int u = 0; u < U; u++)
        if (i + u * step < nvec)
            d[i + u * step] = __ldg(s + i + u * step);
    const long t = nvec * 16 / (long)sizeof(T) + (long)blockIdx.x * step + threadIdx.x;
    if (t < count)
        dst[t] = src[t];
}

/* q[i][j] = x[i] * y[j]. A thread owns K vectors of V columns (y in
 * registers) and writes them for the rows i = blockIdx.y, + gridDim.y, ...;
 * a block's threads write adjacent vectors, so each store is coalesced.
 * V > 1 needs n % V == 0 (every row 16-byte aligned). */
template <typename T, int V, int K>
__global__ void __launch_bounds__(OUTER_THREADS)
outer_kernel(const T *__restrict__ x, const T *__restrict__ y, T *__restrict__ q, long n)
{
    const long nv = n / V;
    long cv[K];
    bool in[K];
    T yv[K][V];
#pragma unroll
    for (int k = 0; k < K; k++) {
        cv[k] = ((long)blockIdx.x * K + k) * blockDim.x + threadIdx.x;
        in[k] = cv[k] < nv;
        if (in[k])
            load_vec(y + cv[k] * V, yv[k]);
        else
#pragma unroll
            for (int e = 0; e < V; e++)
                yv[k][e] = T(0);
    }
#pragma unroll 4
    for (long i = blockIdx.y; i < n; i += gridDim.y) {
        const T xi = __ldg(x + i);
        T *row = q + i * nv * V; /* = q + i n, written so that the compiler sees
                                  * the 16-byte alignment and keeps STG.128 */
#pragma unroll
        for (int k = 0; k < K; k++) {
            if (!in[k])
                continue;
            T o[V];
#pragma unroll
            for (int e = 0; e < V; e++)
                o[e] = xi * yv[k][e];
            store_vec(row + cv[k] * V, o);
        }
    }
}

template <typename T, int V, int K>
static cudaError_t outer_launch_v(const T *x, const T *y, T *q, long n, cudaStream_t stream)
{
    const long nv = n / V;
    const long gx = (nv + (long)OUTER_THREADS * K - 1) / ((long)OUTER_THREADS * K);
    /* About 8 blocks an SM in all (a full GPU of 256-thread blocks), each
     * looping over its rows; at most n rows and 65535 (grid.y's limit). */
    long gy = (long)gpu_sm_count() * 8 / gx;
    gy = gy < 1 ? 1 : gy > n ? n : gy > 65535 ? 65535 : gy;
    outer_kernel<T, V, K><<<dim3((unsigned)gx, (unsigned)gy, 1), OUTER_THREADS, 0, stream>>>(x, y, q, n);
    return cudaGetLastError();
}

template <typename T>
static cudaError_t outer_launch(const T *x, const T *y, T *q, long n, cudaStream_t stream)
{
    constexpr int V = vec_width<T>::value;
    if (n % V == 0 && aligned16(y) && aligned16(q))
        return outer_launch_v<T, V, 2>(x, y, q, n, stream);
    return outer_launch_v<T, 1, 4>(x, y, q, n, stream);
}

/* ---------------------------------------------------------------------- */
/* One call of each impl. */

template <typename T>
static int call_copy_kernel(struct gpu_state *st, char *err)
{
    const long count = st->n * st->n;
    const long nvec = count * (long)sizeof(T) / 16;
    long blocks = (nvec + COPY_THREADS * 4 - 1) / (COPY_THREADS * 4);
    const long most = (long)gpu_sm_count() * 8;
    blocks = blocks < 1 ? 1 : blocks > most ? most : blocks;
    GPU_LAUNCH(copy_kernel<T><<<(unsigned)blocks, COPY_THREADS, 0, st->stream>>>(
        (const T *)st->a, (T *)st->out, count));
    return KERNEL_OK;
}

static int call_copy_memcpy(struct gpu_state *st, char *err)
{
    const size_t bytes = (size_t)st->n * (size_t)st->n * st->elem;
    GPU_CHECK(cudaMemcpyAsync(st->out, st->a, bytes, cudaMemcpyDeviceToDevice, st->stream));
    return KERNEL_OK;
}

template <typename T>
static int call_rowdot(struct gpu_state *st, char *err)
{
    GPU_CHECK(rowdot_launch<T>((const T *)st->a, (const T *)st->x, (T *)st->out, st->n, st->stream));
    return KERNEL_OK;
}

/* The two launches of a materialized call: Q = x y^T, then its sums. */
template <typename T>
static int launch_materialized(struct gpu_state *st, char *err)
{
    GPU_CHECK(outer_launch<T>((const T *)st->x, (const T *)st->y, (T *)st->q, st->n, st->stream));
    GPU_CHECK(reduce_launch<T>((const T *)st->q, (T *)st->out, st->n, st->point.axis, st->stream));
    return KERNEL_OK;
}

/* The two launches submitted as one graph: at n = 1000 the host, not the
 * GPU, sets a call's time. On the lent H100's host a launch costs the CPU
 * 3.5-5 us, so two launches took 7.5-10 us a call, the two kernels as one
 * graph 6.2 us (the GPU's time), steady (same host, one run). */
template <typename T>
static int call_materialized(struct gpu_state *st, char *err)
{
    return gpu_call_as_graph(st, launch_materialized<T>, err);
}

template <typename T, enum fused_unit U>
static int call_fused(struct gpu_state *st, char *err)
{
    GPU_CHECK(fused_launch((const T *)st->x, (const T *)st->y, (T *)st->out, st->n, st->point.axis,
                           U, st->stream));
    return KERNEL_OK;
}

/* ---------------------------------------------------------------------- */
/* The table. */


extern "C" const struct kernel_backend backend_cuda;

#define CALLS(f32, f64) { KERNEL_FN(f32), KERNEL_FN(f64) }
static const struct kernel_impl cuda_impls[] = { CUDA_IMPLS }; /* gpu_impls.h */

/* The call for p, or NULL with why in err. */
static gpu_call_fn cuda_call(const struct kernel_point *p, char *err)
{
    const struct kernel_impl *impl = kernel_impl_lookup(&backend_cuda, p, err);
    if (impl && (unsigned)p->dtype >= DTYPE_COUNT)
        snprintf(err, KERNEL_ERR_LEN, "unknown dtype %d", (int)p->dtype);
    return impl && (unsigned)p->dtype < DTYPE_COUNT ? (gpu_call_fn)impl->calls[p->dtype] : NULL;
}

static int cuda_memory(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    if (!cuda_call(p, err))
        return KERNEL_ERROR;
    return gpu_memory(&backend_cuda, p, 0, m, err);
}

static int cuda_setup(const struct kernel_point *p, void **state, char *err)
{
    *state = NULL;
    gpu_call_fn call = cuda_call(p, err);
    if (!call)
        return KERNEL_ERROR;
    return gpu_setup(&backend_cuda, p, call, 0, state, err);
}

static void cuda_describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    gpu_describe(p, fact, ctx);
    char units[160];
    snprintf(units, sizeof units,
             "fused: f64 DMMA (mma.m16n8k8.f64), f32 3xTF32 (%s on hi/lo halves); "
             "fused_simt: FFMA/DFMA",
             fused_f32_tensor_path());
    fact(ctx, "cuda_fused_units", units);
    fact(ctx, "cuda_materialized",
         "outer-product kernel writes Q, a reduction kernel sums it; the two submitted as one "
         "CUDA graph a call");
}

extern "C" const struct kernel_backend backend_cuda = {
    "cuda",
    "own CUDA",
    "our own CUDA kernels: vector copy, row dot, outer product + reductions, fused outer_sum",
    cuda_impls,
    gpu_available,
    cuda_memory,
    cuda_setup,
    gpu_verify,
    gpu_run,
    gpu_teardown,
    cuda_describe,
    1, /* gpu */
    0, /* worker */
};
