/* reduce.cuh: sums of a row-major n x n matrix along either axis, the row
 * dot product that matvec shares with the row sums, and the device pieces
 * the other CUDA kernels reuse: 16-byte vector loads and stores, warp sums,
 * and the deterministic combine of column partial sums inside a thread-block
 * cluster. CUDA C++ only; the runner never sees this file. */
#ifndef FLOPBENCH_REDUCE_CUH
#define FLOPBENCH_REDUCE_CUH

#include <math.h>

#include <cooperative_groups.h>
#include <cuda_runtime.h>

/* Host launchers (reduce.cu), instantiated for float and double. Each only
 * enqueues work on stream (no sync, no allocation) and returns the launch's
 * error, cudaGetLastError() included. */

/* Sums of q along axis: 0 sums each column (out[j] = sum_i q[i][j]), 1 each
 * row (out[i] = sum_j q[i][j]). Deterministic: no atomics, a fixed order. */
template <typename T>
cudaError_t reduce_launch(const T *q, T *out, long n, int axis, cudaStream_t stream);

/* y[i] = sum_j a[i][j] x[j]; with x == NULL, y[i] = sum_j a[i][j]. */
template <typename T>
cudaError_t rowdot_launch(const T *a, const T *x, T *y, long n, cudaStream_t stream);

/* ----------------------------------------------------------------------
 * Device pieces shared by reduce.cu, fused.cu and cuda_backend.cu. */

/* Warps per block in the column kernels; each sums its own slice of rows. */
#define COL_WARPS 8
#define COL_THREADS (32 * COL_WARPS)

/* Elements of T in a 16-byte vector. */
template <typename T> struct vec_width { static constexpr int value = 16 / (int)sizeof(T); };

/* r[0..V) = p[0..V); p must be aligned to V * sizeof(T) when V > 1.
 * Read-only data cache (ld.global.nc): only for data no running kernel writes. */
__device__ __forceinline__ void load_vec(const float *p, float (&r)[1]) { r[0] = __ldg(p); }
__device__ __forceinline__ void load_vec(const double *p, double (&r)[1]) { r[0] = __ldg(p); }
__device__ __forceinline__ void load_vec(const float *p, float (&r)[4])
{
    float4 v = __ldg(reinterpret_cast<const float4 *>(p));
    r[0] = v.x, r[1] = v.y, r[2] = v.z, r[3] = v.w;
}
__device__ __forceinline__ void load_vec(const double *p, double (&r)[2])
{
    double2 v = __ldg(reinterpret_cast<const double2 *>(p));
    r[0] = v.x, r[1] = v.y;
}

/* p[0..V) = r[0..V), one store instruction if the compiler can see that p
 * is aligned to V * sizeof(T) (it splits the store into scalars when its
 * alignment analysis of p's arithmetic says less: check the SASS). */
__device__ __forceinline__ void store_vec(float *p, const float (&r)[1]) { p[0] = r[0]; }
__device__ __forceinline__ void store_vec(double *p, const double (&r)[1]) { p[0] = r[0]; }
__device__ __forceinline__ void store_vec(float *p, const float (&r)[4])
{
    *reinterpret_cast<float4 *>(p) = make_float4(r[0], r[1], r[2], r[3]);
}
__device__ __forceinline__ void store_vec(double *p, const double (&r)[2])
{
    *reinterpret_cast<double2 *>(p) = make_double2(r[0], r[1]);
}

/* The sum of v over the warp, in every lane (a fixed butterfly order). */
template <typename T> __device__ __forceinline__ T warp_sum(T v)
{
#pragma unroll
    for (int m = 16; m > 0; m >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, m);
    return v;
}

/* The rows [lo, hi) of the slice this warp sums, out of `units` rows split
 * into COL_WARPS * gridDim.y contiguous slices (blockIdx.y is the block's
 * rank in its cluster). */
__device__ __forceinline__ void col_slice(long units, long *lo, long *hi)
{
    const long slices = (long)COL_WARPS * gridDim.y;
    const long slice = (long)blockIdx.y * COL_WARPS + (threadIdx.x >> 5);
    const long len = (units + slices - 1) / slices;
    *lo = min(units, slice * len);
    *hi = min(units, *lo + len);
}

/* Ends a column kernel whose block sums are in bsum[0..TW): adds the
 * cluster's blocks in rank order through distributed shared memory and
 * writes out[col0 + c] for col0 + c < n. A grid one block high (launched
 * without a cluster) writes bsum directly. The caller has written bsum and
 * not yet synchronised. Every thread of the block must call it. */
template <typename T, int TW>
__device__ __forceinline__ void cluster_finish(T (&bsum)[TW], T *out, long col0, long n)
{
    namespace cg = cooperative_groups;
    if (gridDim.y == 1) {
        __syncthreads();
        for (int c = threadIdx.x; c < TW; c += blockDim.x)
            if (col0 + c < n)
                out[col0 + c] = bsum[c];
        return;
    }
    cg::cluster_group cluster = cg::this_cluster();
    cluster.sync();
    const int ranks = (int)cluster.num_blocks();
    const int rank = (int)cluster.block_rank();
    const int per = (TW + ranks - 1) / ranks; /* each block finishes its share of columns */
    for (int t = threadIdx.x; t < per; t += blockDim.x) {
        const int c = rank * per + t;
        if (c >= TW)
            break;
        T s = *cluster.map_shared_rank(&bsum[c], 0);
        for (int r = 1; r < ranks; r++)
            s += *cluster.map_shared_rank(&bsum[c], r);
        if (col0 + c < n)
            out[col0 + c] = s;
    }
    cluster.sync(); /* no block leaves while another still reads its shared memory */
}

/* Ends a column kernel: part[w][t] holds warp w's partial sum of column
 * col0 + t (every warp of the block wrote its row). Adds the block's warps
 * in order, then the cluster's blocks (cluster_finish). The order is fixed,
 * so the result is the same on every run. Every thread of the block must
 * call it. */
template <typename T, int TW>
__device__ __forceinline__ void cluster_combine(T (&part)[COL_WARPS][TW], T (&bsum)[TW], T *out,
                                                long col0, long n)
{
    __syncthreads();
    for (int t = threadIdx.x; t < TW; t += blockDim.x) {
        T s = part[0][t];
#pragma unroll
        for (int w = 1; w < COL_WARPS; w++)
            s += part[w][t];
        bsum[t] = s;
    }
    cluster_finish<T, TW>(bsum, out, col0, n);
}

/* Launches kernel on a grid whose y extent is one cluster (grid.y blocks);
 * a grid one block high is a plain launch (cheaper to launch). */
template <typename... Params, typename... Args>
inline cudaError_t launch_cluster(void (*kernel)(Params...), dim3 grid, dim3 block,
                                  cudaStream_t stream, Args... args)
{
    if (grid.y == 1) {
        kernel<<<grid, block, 0, stream>>>(args...);
        return cudaGetLastError();
    }
    cudaLaunchAttribute attr[1] = {};
    attr[0].id = cudaLaunchAttributeClusterDimension;
    attr[0].val.clusterDim.x = 1;
    attr[0].val.clusterDim.y = grid.y;
    attr[0].val.clusterDim.z = 1;
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.dynamicSmemBytes = 0;
    cfg.stream = stream;
    cfg.attrs = attr;
    cfg.numAttrs = 1;
    cudaError_t e = cudaLaunchKernelEx(&cfg, kernel, args...);
    return e != cudaSuccess ? e : cudaGetLastError();
}

/* Blocks of a cluster (1 to 8) for a grid of `tiles` column tiles, each
 * split over the cluster's blocks, that wastes the fewest block slots in
 * its last wave: slots(cl) = blocks of clusters of cl the GPU holds at once
 * (cudaOccupancyMaxActiveClusters, asked once per kernel and kept in
 * cache[8], 0 = not yet known). Each block keeps at least `least` of the
 * `units` rows it splits. Prefers the smaller cluster on a tie. */
template <typename... Params>
inline unsigned cluster_pick(void (*kernel)(Params...), int threads, long tiles, long units,
                             long least, int (&cache)[8])
{
    unsigned best = 1;
    double best_eff = -1.0;
    for (unsigned cl = 1; cl <= 8; cl++) {
        if (cl > 1 && units < (long)cl * least)
            break;
        if (cache[cl - 1] == 0) {
            int clusters = 0;
            cudaLaunchAttribute attr[1] = {};
            attr[0].id = cudaLaunchAttributeClusterDimension;
            attr[0].val.clusterDim.x = 1;
            attr[0].val.clusterDim.y = cl;
            attr[0].val.clusterDim.z = 1;
            cudaLaunchConfig_t cfg = {};
            cfg.gridDim = dim3(1, cl, 1);
            cfg.blockDim = dim3(threads);
            cfg.attrs = attr;
            cfg.numAttrs = 1;
            if (cudaOccupancyMaxActiveClusters(&clusters, kernel, &cfg) != cudaSuccess ||
                clusters < 1) {
                (void)cudaGetLastError();
                clusters = 1;
            }
            cache[cl - 1] = clusters * (int)cl;
        }
        const double waves = (double)(tiles * (long)cl) / cache[cl - 1];
        const double eff = waves / ceil(waves);
        if (eff > best_eff + 0.02) {
            best_eff = eff;
            best = cl;
        }
    }
    return best;
}

/* 1 if p is aligned to 16 bytes. */
inline bool aligned16(const void *p)
{
    return ((unsigned long long)(size_t)p & 15ull) == 0;
}

#endif
