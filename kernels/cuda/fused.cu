/* fused.cu: the column sums of u v^T, out[j] = sum_i u_i v_j, with every
 * product formed and never stored. Axis 0 of x y^T is (u, v) = (x, y); axis
 * 1 is (u, v) = (y, x), since out[i] = sum_j x_i y_j = sum_j y_j x_i: the same
 * n^2 products, the same 2n^2 - n FLOPs.
 *
 * The work is arithmetic (n^2 multiply-adds over 3n inputs), so the kernels
 * keep the tensor cores or the FMA pipes busy and read u and v from cache:
 * - tensor, f64: mma.m16n8k8.f64 (DMMA). A is 128 values of u (4 a lane),
 *   B holds v_j in column j for every k, so D[r][j] += sum_k A[r][k] v_j:
 *   each product u_i v_j is formed once in the tensor core and summed in
 *   float64. Summing D over its rows gives the column sums.
 * - tensor, f32: the same with mma.m16n8k8.tf32, but TF32 keeps 10 bits of mantissa, so each operand is split into
 *   hi = tf32(a) and lo = tf32(a - hi), and hi*hi + lo*hi + hi*lo are summed
 *   (the 3xTF32 scheme): float32 accuracy, 3 tensor-core products for each.
 * - simt: FFMA/DFMA, each lane owning C adjacent columns and broadcasting u.
 * Tensor kernels: the 8 warps of a block own different columns and walk the
 * same rows; the rows are split over the blocks of a cluster, whose size
 * fills the GPU's last wave best (cluster_pick). simt: the rows are split
 * over the 8 warps too. Partial sums meet through shared memory, in a fixed
 * order (reduce.cuh). */
#include <stdint.h>

#include "fused.cuh"
#include "reduce.cuh"

/* d += A B for one m16n8k8 f64 tile (sm_90; Hopper added the m16n8 f64
 * shapes beside Ampere's m8n8k4), B's two registers both b. */
__device__ __forceinline__ void dmma(double (&d)[4], const double (&a)[4], double b)
{
    asm("mma.sync.aligned.m16n8k8.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(b), "d"(b));
}

/* d += A B for one m16n8k8 tf32 tile, B's two registers both b. */
__device__ __forceinline__ void mma_tf32(float (&d)[4], const uint32_t (&a)[4], uint32_t b)
{
    asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, "
        "{%8,%9}, {%0,%1,%2,%3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b), "r"(b));
}

/* x rounded to TF32 (nearest, ties away), as a float's bits. The low 13
 * bits are cleared: the split below subtracts this value as a float, and
 * PTX leaves those bits of a .tf32 result to the implementation. */
__device__ __forceinline__ uint32_t tf32_round(float x)
{
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r & 0xffffe000u;
}

/* hi = tf32(x), lo = tf32(x - hi): x = hi + lo to about 2^-22 relative. */
__device__ __forceinline__ void tf32_split(float x, uint32_t &hi, uint32_t &lo)
{
    hi = tf32_round(x);
    lo = tf32_round(x - __uint_as_float(hi));
}

/* Fragment facts used below (PTX ISA, mma.sync m16n8k8, .f64 and .tf32
 * alike): lane l holds B in column l / 4 (rows l % 4 and l % 4 + 4), and D
 * in columns 2 (l % 4) and 2 (l % 4) + 1 of rows l / 4 (d0, d1) and l / 4 + 8
 * (d2, d3). Where A's values sit does not matter here: B is the same in
 * every row k, so the sum of D over its rows is v_j times the sum of all of
 * A, and any one-to-one placement of 128 values of u in A will do. */

/* The tensor kernels: a block of COL_WARPS warps, warp w owning J tiles of
 * 8 columns (the block's TW = 8 J COL_WARPS columns), every warp of the
 * block walking the same rows, the block's share of the cluster's rows. So
 * the 8 warps load the same u values and 7 of each 8 loads hit L1: with
 * each warp on its own rows (the first version) every load went to L2, and
 * the 100 MB (f64, n = 20000) that J = 4 columns a load made L2, not the
 * tensor cores, the limit (~30% of the DMMA peak). */
#define FT_J 4
#define FT_TW (8 * FT_J * COL_WARPS)

/* Ends a tensor kernel: the warp's D tiles summed over their rows are the
 * block's sums of its columns, then the cluster's (cluster_finish). */
template <typename T, int J, int TW>
__device__ __forceinline__ void tensor_finish(T (&acc)[J][4], T (&bsum)[TW], T *out, long col0,
                                              long n)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, tig = lane & 3;
#pragma unroll
    for (int t = 0; t < J; t++)
#pragma unroll
        for (int e = 0; e < 2; e++) {
            T s = acc[t][e] + acc[t][e + 2]; /* rows g and g + 8 */
            s += __shfl_xor_sync(0xffffffffu, s, 4);
            s += __shfl_xor_sync(0xffffffffu, s, 8);
            s += __shfl_xor_sync(0xffffffffu, s, 16);
            if (g == 0)
                bsum[warp * 8 * J + t * 8 + 2 * tig + e] = s;
        }
    cluster_finish<T, TW>(bsum, out, col0, n);
}

/* The chunks of 128 rows [lo, hi) of this block: its share of the
 * cluster's (blockIdx.y is the block's rank in its cluster). */
__device__ __forceinline__ void block_slice(long chunks, long *lo, long *hi)
{
    const long len = (chunks + gridDim.y - 1) / gridDim.y;
    *lo = min(chunks, (long)blockIdx.y * len);
    *hi = min(chunks, *lo + len);
}

/* f64 on DMMA: u in chunks of 128 rows, 4 a lane. */
__global__ void __launch_bounds__(COL_THREADS)
fused_dmma_kernel(const double *__restrict__ u, const double *__restrict__ v,
                  double *__restrict__ out, long n)
{
    constexpr int J = FT_J, TW = FT_TW;
    __shared__ double bsum[TW];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2;
    const long col0 = (long)blockIdx.x * TW;
    double b[J], acc[J][4];
#pragma unroll
    for (int t = 0; t < J; t++) {
        const long j = col0 + warp * 8 * J + t * 8 + g;
        b[t] = j < n ? __ldg(v + j) : 0.0;
        acc[t][0] = acc[t][1] = acc[t][2] = acc[t][3] = 0.0;
    }
    long lo, hi;
    block_slice((n + 127) / 128, &lo, &hi);
    const long full = min(hi, n / 128); /* chunks wholly inside [0, n) */
    long c = lo;
#pragma unroll 1
    for (; c < full; c++) {
        double a[4], w[2];
        load_vec(u + c * 128 + lane * 2, w);
        a[0] = w[0], a[1] = w[1];
        load_vec(u + c * 128 + 64 + lane * 2, w);
        a[2] = w[0], a[3] = w[1];
#pragma unroll
        for (int t = 0; t < J; t++)
            dmma(acc[t], a, b[t]);
    }
    for (; c < hi; c++) {
        double a[4];
#pragma unroll
        for (int r = 0; r < 4; r++) {
            const long i = c * 128 + (r >> 1) * 64 + lane * 2 + (r & 1);
            a[r] = i < n ? __ldg(u + i) : 0.0; /* rows past n add nothing */
        }
#pragma unroll
        for (int t = 0; t < J; t++)
            dmma(acc[t], a, b[t]);
    }
    tensor_finish<double, J, TW>(acc, bsum, out, col0, n);
}

/* f32 on TF32 tensor cores, 3 products per pair (hi*hi + lo*hi + hi*lo):
 * u in chunks of 128 rows, 4 a lane. The block's rows pass through shared
 * memory FT_STAGE chunks at a time, split into hi and lo once there (not
 * once by each of the 8 warps): 18.9 -> 16.7 us at n = 20000 on the H100. */
#define FT_STAGE 16
__global__ void __launch_bounds__(COL_THREADS)
fused_tf32_kernel(const float *__restrict__ u, const float *__restrict__ v,
                  float *__restrict__ out, long n)
{
    constexpr int J = FT_J, TW = FT_TW, S = FT_STAGE;
    __shared__ float bsum[TW];
    __shared__ __align__(16) uint32_t sh[2][S * 128]; /* hi, lo */
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2;
    const long col0 = (long)blockIdx.x * TW;
    uint32_t bhi[J], blo[J];
    float acc[J][4];
#pragma unroll
    for (int t = 0; t < J; t++) {
        const long j = col0 + warp * 8 * J + t * 8 + g;
        tf32_split(j < n ? __ldg(v + j) : 0.0f, bhi[t], blo[t]);
        acc[t][0] = acc[t][1] = acc[t][2] = acc[t][3] = 0.0f;
    }
    long lo, hi;
    block_slice((n + 127) / 128, &lo, &hi);
    for (long s0 = lo; s0 < hi; s0 += S) {
        const int m = (int)min((long)S, hi - s0);
        __syncthreads(); /* the last stage is consumed */
        for (int t = threadIdx.x * 4; t < m * 128; t += COL_THREADS * 4) {
            const long i = s0 * 128 + t;
            float a[4];
            if (i + 4 <= n) {
                load_vec(u + i, a);
            } else {
#pragma unroll
                for (int r = 0; r < 4; r++)
                    a[r] = i + r < n ? __ldg(u + i + r) : 0.0f; /* rows past n add nothing */
            }
            uint4 h, l;
            tf32_split(a[0], h.x, l.x);
            tf32_split(a[1], h.y, l.y);
            tf32_split(a[2], h.z, l.z);
            tf32_split(a[3], h.w, l.w);
            *reinterpret_cast<uint4 *>(&sh[0][t]) = h;
            *reinterpret_cast<uint4 *>(&sh[1][t]) = l;
        }
        __syncthreads();
#pragma unroll 2
        for (int c = 0; c < m; c++) {
            /* any one-to-one placement of A will do */
            const uint4 h = *reinterpret_cast<const uint4 *>(&sh[0][c * 128 + lane * 4]);
            const uint4 l = *reinterpret_cast<const uint4 *>(&sh[1][c * 128 + lane * 4]);
            const uint32_t ahi[4] = { h.x, h.y, h.z, h.w }, alo[4] = { l.x, l.y, l.z, l.w };
#pragma unroll
            for (int t = 0; t < J; t++) {
                mma_tf32(acc[t], alo, bhi[t]);
                mma_tf32(acc[t], ahi, blo[t]);
                mma_tf32(acc[t], ahi, bhi[t]);
            }
        }
    }
    tensor_finish<float, J, TW>(acc, bsum, out, col0, n);
}

/* CUDA cores: each lane owns C adjacent columns (v in registers) and every
 * lane of the warp reads the same u values (one broadcast 16-byte load
 * gives VU rows), so each load feeds VU * C fused multiply-adds. */
template <typename T, int C>
__global__ void __launch_bounds__(COL_THREADS)
fused_simt_kernel(const T *__restrict__ u, const T *__restrict__ v, T *__restrict__ out, long n)
{
    constexpr int VU = vec_width<T>::value;
    constexpr int TW = 32 * C;
    static_assert(C % VU == 0, "a lane's columns are whole vectors");
    __shared__ T part[COL_WARPS][TW];
    __shared__ T bsum[TW];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long col0 = (long)blockIdx.x * TW;
    const long j0 = col0 + (long)lane * C;
    T b[C], acc[C];
#pragma unroll
    for (int k = 0; k < C / VU; k++) {
        T w[VU];
        if (j0 + (k + 1) * VU <= n) {
            load_vec(v + j0 + k * VU, w);
        } else {
#pragma unroll
            for (int e = 0; e < VU; e++)
                w[e] = j0 + k * VU + e < n ? __ldg(v + j0 + k * VU + e) : T(0);
        }
#pragma unroll
        for (int e = 0; e < VU; e++)
            b[k * VU + e] = w[e], acc[k * VU + e] = T(0);
    }
    long lo, hi;
    col_slice((n + VU - 1) / VU, &lo, &hi);
    const long full = min(hi, n / VU);
    long c = lo;
#pragma unroll 2
    for (; c < full; c++) {
        T a[VU];
        load_vec(u + c * VU, a);
#pragma unroll
        for (int r = 0; r < VU; r++)
#pragma unroll
            for (int k = 0; k < C; k++)
                acc[k] += a[r] * b[k];
    }
    for (; c < hi; c++) {
#pragma unroll
        for (int r = 0; r < VU; r++) {
            const long i = c * VU + r;
            const T a = i < n ? __ldg(u + i) : T(0);
#pragma unroll
            for (int k = 0; k < C; k++)
                acc[k] += a * b[k];
        }
    }
#pragma unroll
    for (int k = 0; k < C; k++)
        part[warp][lane * C + k] = acc[k];
    cluster_combine<T, TW>(part, bsum, out, col0, n);
}

/* Blocks a cluster (1 to 8, a power of two): enough slices of rows to fill
 * the GPU, while each warp keeps at least `least` chunks of rows. */
static unsigned cluster_for(long chunks, long least)
{
    unsigned cl = 1;
    while (cl < 8 && chunks >= (long)COL_WARPS * 2 * cl * least)
        cl *= 2;
    return cl;
}

cudaError_t fused_launch(const double *x, const double *y, double *out, long n, int axis,
                         enum fused_unit unit, cudaStream_t stream)
{
    const double *u = axis == 0 ? x : y, *v = axis == 0 ? y : x;
    if (!aligned16(u) || !aligned16(v))
        return cudaErrorMisalignedAddress;
    if (unit == FUSED_TENSOR) {
        static int slots[8];
        const long tiles = (n + FT_TW - 1) / FT_TW;
        const unsigned cl = cluster_pick(fused_dmma_kernel, COL_THREADS, tiles, (n + 127) / 128,
                                         4, slots);
        return launch_cluster(fused_dmma_kernel, dim3((unsigned)tiles, cl, 1), dim3(COL_THREADS),
                              stream, u, v, out, n);
    }
    constexpr int C = 4;
    const long tiles = (n + 32 * C - 1) / (32 * C);
    const unsigned cl = cluster_for((n + 1) / 2, 32);
    return launch_cluster(fused_simt_kernel<double, C>, dim3((unsigned)tiles, cl, 1),
                          dim3(COL_THREADS), stream, u, v, out, n);
}

cudaError_t fused_launch(const float *x, const float *y, float *out, long n, int axis,
                         enum fused_unit unit, cudaStream_t stream)
{
    const float *u = axis == 0 ? x : y, *v = axis == 0 ? y : x;
    if (!aligned16(u) || !aligned16(v))
        return cudaErrorMisalignedAddress;
    if (unit == FUSED_TENSOR) {
        /* At least 4 chunks of 128 rows a block; the cluster size that
         * fills the last wave best (reduce.cuh, cluster_pick). */
        static int slots[8];
        const long tiles = (n + FT_TW - 1) / FT_TW;
        const unsigned cl = cluster_pick(fused_tf32_kernel, COL_THREADS, tiles, (n + 127) / 128,
                                         4, slots);
        return launch_cluster(fused_tf32_kernel, dim3((unsigned)tiles, cl, 1), dim3(COL_THREADS),
                              stream, u, v, out, n);
    }
    constexpr int C = 8;
    const long tiles = (n + 32 * C - 1) / (32 * C);
    const unsigned cl = cluster_for((n + 3) / 4, 32);
    return launch_cluster(fused_simt_kernel<float, C>, dim3((unsigned)tiles, cl, 1),
                          dim3(COL_THREADS), stream, u, v, out, n);
}
