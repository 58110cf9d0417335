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
 * - tensor, f32: the same in TF32, which keeps 10 bits of mantissa, so each
 *   operand is split into hi = tf32(a) and lo = tf32(a - hi), and hi*hi +
 *   lo*hi + hi*lo are summed (the 3xTF32 scheme): float32 accuracy, 3
 *   tensor-core products for each. On Hopper by wgmma (sm_90a code), else by
 *   mma.m16n8k8.tf32.
 * - simt: FFMA/DFMA, each lane owning C adjacent columns and broadcasting u.
 * The DMMA and wgmma kernels give each block one tile of N columns and every
 * row, N chosen per n so that the blocks spread evenly over the SMs
 * (tile_width); its warps split the rows. The mma.sync f32 kernel and simt
 * split the rows of a tile over the blocks of a cluster too (cluster_pick,
 * cluster_for). Partial sums meet through shared memory, in a fixed order:
 * the same result on every run. */
#include <limits.h>
#include <stdint.h>

#include <utility>

#include "fused.cuh"
#include "gpu_common.cuh"
#include "reduce.cuh"

/* d += A B for one m16n8k8 f64 tile (sm_90; Hopper added the m16n8 f64
 * shapes beside Ampere's m8n8k4), B's two registers both b. */
__device__ __forceinline__ void dmma(double *d, const double (&a)[4], double b)
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

/* The f32 mma.sync kernel: a block of COL_WARPS warps, warp w owning J
 * tiles of 8 columns (the block's TW = 8 J COL_WARPS columns), every warp of
 * the block walking the same rows, the block's share of the cluster's rows. So
 * the 8 warps load the same u values and 7 of each 8 loads hit L1: with
 * each warp on its own rows (the first version) every load went to L2, and
 * the 100 MB (f64, n = 20000) that J = 4 columns a load made L2, not the
 * tensor cores, the limit (~30% of the DMMA peak). */
#define FT_J 4
#define FT_TW (8 * FT_J * COL_WARPS)

/* Ends the mma.sync kernel: the warp's D tiles summed over their rows are
 * the block's sums of its columns, then the cluster's (cluster_finish). */
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

/* One step of the row-sum butterfly over lane bit `mask`: with M = M0 / 2,
 * a lane keeps the half of its M0 sums picked by its bit and adds its
 * partner's copy of it (M0 / 2 shuffles); with M = M0 (odd M0) every sum is
 * added to the partner's (M0 shuffles), and only the lane whose bit is 0
 * still owns the result. */
template <int M0, int M, typename T, int P>
__device__ __forceinline__ void butterfly_step(T (&s)[P], int lane, int mask, int *base,
                                               bool *owner)
{
    const bool up = lane & mask;
    if constexpr (M == M0) {
#pragma unroll
        for (int k = 0; k < M0; k++)
            s[k] += __shfl_xor_sync(0xffffffffu, s[k], mask);
        *owner = *owner && !up;
    } else {
#pragma unroll
        for (int k = 0; k < M; k++) {
            const T send = up ? s[k] : s[k + M], keep = up ? s[k + M] : s[k];
            s[k] = keep + __shfl_xor_sync(0xffffffffu, send, mask);
        }
        *base += up ? M : 0;
    }
}

/* The sums over a warp's 16 rows of an accumulator in the m16n8 layout
 * (mma.sync's D, and each warp's rows of wgmma's D; PTX ISA): acc[4 i + e]
 * and acc[4 i + 2 + e] are column 8 i + 2 (lane % 4) + e of rows lane / 4
 * and lane / 4 + 8. Adds the two rows, then the 8 lanes of each lane % 4
 * (lane bits 2, 3, 4), a lane keeping half of its sums at each step where
 * their count is even (fewer shuffles). Writes sums[0..N), the same order of
 * additions on every run. */
template <typename T, int N>
__device__ __forceinline__ void warp_column_sums(const T (&acc)[N / 2], T *sums, int lane)
{
    constexpr int P = N / 4; /* a lane's pairs of rows, p = 2 i + e */
    constexpr int M1 = P % 2 ? P : P / 2, M2 = M1 % 2 ? M1 : M1 / 2, M3 = M2 % 2 ? M2 : M2 / 2;
    T s[P];
#pragma unroll
    for (int i = 0; i < N / 8; i++) {
        s[2 * i] = acc[4 * i] + acc[4 * i + 2];
        s[2 * i + 1] = acc[4 * i + 1] + acc[4 * i + 3];
    }
    int base = 0;     /* the lane keeps the sums of pairs [base, base + M3) */
    bool owner = true; /* of lanes left with equal sums, the one that writes them */
    butterfly_step<P, M1>(s, lane, 4, &base, &owner);
    butterfly_step<M1, M2>(s, lane, 8, &base, &owner);
    butterfly_step<M2, M3>(s, lane, 16, &base, &owner);
    if (owner)
#pragma unroll
        for (int k = 0; k < M3; k++) {
            const int p = base + k;
            sums[8 * (p >> 1) + 2 * (lane & 3) + (p & 1)] = s[k];
        }
}

/* Ends the DMMA and wgmma kernels, once every warp w has written its column
 * sums to wsum[w]: out[col0 + j] = the sum of the W warps' sums in warp
 * order, for the block's columns inside n. */
template <typename T, int W, int N>
__device__ __forceinline__ void block_column_sums(const T (&wsum)[W][N], T *out, long col0, long n)
{
    __syncthreads();
    for (int j = threadIdx.x; j < N && col0 + j < n; j += blockDim.x) {
        T sum = wsum[0][j];
#pragma unroll
        for (int w = 1; w < W; w++)
            sum += wsum[w][j];
        out[col0 + j] = sum;
    }
}

/* f64 on DMMA. A block of COL_WARPS warps on one tile of N = 8 J columns
 * and every row; warp w takes the chunks of 128 rows w, w + COL_WARPS, ...
 * (4 values of u a lane, the next chunk loading while this one's J DMMAs
 * run) into J accumulator tiles of its own. N is chosen per n so that the
 * blocks fill the SMs evenly (tile_width): at n = 20000 on 132 SMs, 132
 * tiles of 152 columns. No cluster: a block sums its 8 warps' column sums
 * in a fixed order and writes its own columns.
 * On the H100 at n = 20000: 16.6 us a call; without the next chunk in
 * flight 18.8-19.1 us, and with it prefetched to L1 instead 17.3-19.4 us. */
#define FD_JMAX 19 /* 5 J + 8 doubles of registers a lane: at J = 19, ptxas spills 16 bytes */

/* Lane's 4 values of chunk c of u (rows past n read as 0). */
__device__ __forceinline__ void u_chunk128(const double *__restrict__ u, long n, long c,
                                           long chunks, int lane, double (&a)[4])
{
    const long i = c * 128 + lane * 2;
    if (c < chunks && i + 66 <= n) {
        double w[2];
        load_vec(u + i, w);
        a[0] = w[0], a[1] = w[1];
        load_vec(u + i + 64, w);
        a[2] = w[0], a[3] = w[1];
        return;
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        const long k = i + (r >> 1) * 64 + (r & 1);
        a[r] = c < chunks && k < n ? __ldg(u + k) : 0.0;
    }
}

template <int J>
__global__ void __launch_bounds__(COL_THREADS, 1)
fused_dmma_kernel(const double *__restrict__ u, const double *__restrict__ v,
                  double *__restrict__ out, long n)
{
    constexpr int N = 8 * J;
    __shared__ double wsum[COL_WARPS][N];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long col0 = (long)blockIdx.x * N, chunks = (n + 127) / 128;
    double a[4], b[J], acc[4 * J];
#pragma unroll
    for (int t = 0; t < J; t++) {
        const long j = col0 + 8 * t + (lane >> 2); /* B's column for this lane */
        b[t] = j < n ? __ldg(v + j) : 0.0;
        acc[4 * t] = acc[4 * t + 1] = acc[4 * t + 2] = acc[4 * t + 3] = 0.0;
    }
    u_chunk128(u, n, warp, chunks, lane, a);
#pragma unroll 1
    for (long c = warp; c < chunks; c += COL_WARPS) {
        double next[4];
        u_chunk128(u, n, c + COL_WARPS, chunks, lane, next);
#pragma unroll
        for (int t = 0; t < J; t++)
            dmma(acc + 4 * t, a, b[t]);
#pragma unroll
        for (int r = 0; r < 4; r++)
            a[r] = next[r];
    }
    warp_column_sums<double, N>(acc, wsum[warp], lane);
    block_column_sums(wsum, out, col0, n);
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

/* f32 on Hopper's warpgroup tensor instructions (wgmma, sm_90a only): the
 * same 3xTF32 sums, at the tensor cores' full rate. mma.sync above reaches
 * about half of it on an H100 (17 us at n = 20000, where 100x materialized
 * needs <= 10.7 us). One wgmma.m64nNk8 of a warpgroup (4 warps) takes A,
 * 64 x 8 = 512 values of u (4 a thread, from registers: any one-to-one
 * placement will do, as above), and B, N columns of 8 rows holding v_j (hi
 * or lo) from shared memory, set once; so a chunk of 512 rows costs three
 * wgmmas (lo*hi, hi*lo, hi*hi) into one accumulator of 64 x N floats.
 *
 * A block is FW_GROUPS warpgroups on one tile of N columns and every row:
 * warpgroup g takes chunks g, g + FW_GROUPS, ... Two accumulators in flight
 * an SM, because one warpgroup's wgmmas into the same accumulator wait on
 * each other (one alone ran at about 60% of the tensor rate at N = 152).
 * Each thread keeps FW_AHEAD chunks of u loading while the tensor cores
 * work, and A in two register sets, so that the next chunk's wgmmas are
 * issued while the last one's run (wait_group 1). N is chosen per n so that
 * the blocks fill the SMs evenly (tile_width): at n = 20000 on 132
 * SMs, 132 tiles of 152 columns. No cluster, no atomics: a block writes its
 * own columns, summed in a fixed order. */
#define FW_GROUPS 2
#define FW_THREADS (128 * FW_GROUPS)
#define FW_AHEAD 4 /* even: chunk k uses A register set k % 2 */
#define FW_ROWS 512 /* rows of u in one wgmma: 64 x 8 */

#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
#include "wgmma_tf32.inc"

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int K> __device__ __forceinline__ void wgmma_wait()
{
    asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(K) : "memory");
}

/* Ties each register of d to this point: code after it cannot read d before
 * the wgmma_wait above it (the compiler does not know that wgmma writes its
 * registers late). */
template <int R> __device__ __forceinline__ void wgmma_settle(float (&d)[R])
{
#pragma unroll
    for (int i = 0; i < R; i++)
        asm volatile("" : "+f"(d[i])::"memory");
}

/* The shared-memory descriptor of a B tile with no swizzle: the tile is
 * core matrices of 8 rows (columns j of B) x 16 bytes (4 values of k), the
 * two along k 128 bytes apart (leading offset), the next 8 columns 256 bytes
 * on (stride offset). Addresses and offsets are in 16-byte units. */
__device__ __forceinline__ uint64_t wgmma_desc(const void *tile)
{
    const uint32_t a = (uint32_t)__cvta_generic_to_shared(tile);
    return (uint64_t)((a & 0x3ffff) >> 4) | (uint64_t)(128 >> 4) << 16 | (uint64_t)(256 >> 4) << 32;
}
#endif

/* Thread t's 4 values of chunk c of u (rows past n read as 0); 0 for a
 * chunk past the last. */
__device__ __forceinline__ float4 u_chunk(const float *__restrict__ u, long n, long c, long chunks,
                                          int t)
{
    const long i = c * FW_ROWS + t * 4;
    if (c >= chunks)
        return make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (i + 4 <= n)
        return __ldg(reinterpret_cast<const float4 *>(u + i));
    float r[4];
#pragma unroll
    for (int e = 0; e < 4; e++)
        r[e] = i + e < n ? __ldg(u + i + e) : 0.0f;
    return make_float4(r[0], r[1], r[2], r[3]);
}

template <int N>
__global__ void __launch_bounds__(FW_THREADS, 1)
fused_wgmma_kernel(const float *__restrict__ u, const float *__restrict__ v,
                   float *__restrict__ out, long n)
{
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
    constexpr int R = N / 2; /* accumulator registers a thread */
    __shared__ __align__(128) uint32_t b_hi[N * 8], b_lo[N * 8];
    __shared__ float wsum[4 * FW_GROUPS][N];
    const int group = threadIdx.x >> 7, t = threadIdx.x & 127;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long col0 = (long)blockIdx.x * N, chunks = (n + FW_ROWS - 1) / FW_ROWS;
    constexpr int STEP = FW_GROUPS * FW_AHEAD;

    /* The first chunks start loading before B is set up. */
    float4 raw[FW_AHEAD];
#pragma unroll
    for (int k = 0; k < FW_AHEAD; k++)
        raw[k] = u_chunk(u, n, group + (long)k * FW_GROUPS, chunks, t);

    /* B: row j % 8 of core matrix (j / 8, k / 4) holds v_j for k = 0..7. */
    for (int j = threadIdx.x; j < N; j += FW_THREADS) {
        uint32_t hi, lo;
        tf32_split(col0 + j < n ? __ldg(v + col0 + j) : 0.0f, hi, lo);
        const int w = (j >> 3) * 64 + (j & 7) * 4; /* in 4-byte words */
#pragma unroll
        for (int e = 0; e < 8; e++) {
            const int at = w + (e >> 2) * 32 + (e & 3);
            b_hi[at] = hi;
            b_lo[at] = lo;
        }
    }
    /* wgmma reads shared memory through the async proxy. */
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    __syncthreads();
    const uint64_t d_hi = wgmma_desc(b_hi), d_lo = wgmma_desc(b_lo);

    float acc[R];
#pragma unroll
    for (int i = 0; i < R; i++)
        acc[i] = 0.0f;
    uint32_t a_hi[2][4], a_lo[2][4];
    for (long c = group; c < chunks; c += STEP) {
#pragma unroll
        for (int k = 0; k < FW_AHEAD; k++) {
            const long ck = c + (long)k * FW_GROUPS;
            if (ck >= chunks) /* the same for the whole warpgroup */
                break;
            const int b = k & 1;
            tf32_split(raw[k].x, a_hi[b][0], a_lo[b][0]);
            tf32_split(raw[k].y, a_hi[b][1], a_lo[b][1]);
            tf32_split(raw[k].z, a_hi[b][2], a_lo[b][2]);
            tf32_split(raw[k].w, a_hi[b][3], a_lo[b][3]);
            raw[k] = u_chunk(u, n, ck + STEP, chunks, t);
            wgmma_fence();
            wgmma_tf32<N>::mma(acc, a_lo[b], d_hi);
            wgmma_tf32<N>::mma(acc, a_hi[b], d_lo);
            wgmma_tf32<N>::mma(acc, a_hi[b], d_hi);
            wgmma_commit();
            wgmma_wait<1>(); /* the chunk before is done: its A set is free */
        }
    }
    wgmma_wait<0>();
    wgmma_settle(acc);

    warp_column_sums<float, N>(acc, wsum[warp], lane);
    block_column_sums(wsum, out, col0, n);
#else
    __trap(); /* built without sm_90a: fused_launch does not launch it */
#endif
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

/* The tile width (a multiple of 8, at most `most`) that spreads one block
 * a tile most evenly over the SMs: the fewest columns on the busiest SM,
 * ceil(ceil(n / w) / sms) w; the wider on a tie (fewer blocks, fewer reads
 * of u). */
static int tile_width(long n, int sms, int most)
{
    int best = most;
    long best_cols = LONG_MAX;
    for (int w = most; w >= 8; w -= 8) {
        const long blocks = (n + w - 1) / w, cols = (blocks + sms - 1) / sms * w;
        if (cols < best_cols) {
            best_cols = cols;
            best = w;
        }
    }
    return best;
}

/* tile_width(n, SMs, most) for the last n a launcher was called with: a
 * point's calls all ask for the same n, and the search (32 widths, two
 * divisions each) need not run in every launch. */
struct width_memo {
    long n;
    int width;
};
static int tile_width_memo(struct width_memo *m, long n, int most)
{
    if (m->n != n) {
        m->width = tile_width(n, gpu_sm_count(), most);
        m->n = n;
    }
    return m->width;
}

/* fused_dmma_kernel<k + 1> and fused_wgmma_kernel<8 (k + 1)>: the tile
 * widths' instances, by k. */
typedef void (*fused_dmma_fn)(const double *, const double *, double *, long);
typedef void (*fused_wgmma_fn)(const float *, const float *, float *, long);
template <int... I>
static fused_dmma_fn dmma_kernel_at(int k, std::integer_sequence<int, I...>)
{
    static const fused_dmma_fn at[] = { fused_dmma_kernel<I + 1>... };
    return at[k];
}
template <int... I>
static fused_wgmma_fn wgmma_kernel_at(int k, std::integer_sequence<int, I...>)
{
    static const fused_wgmma_fn at[] = { fused_wgmma_kernel<8 * (I + 1)>... };
    return at[k];
}

/* Test hook (fused.cuh): 0 makes the f32 tensor path take mma.sync. */
static int wgmma_allowed = 1;
extern "C" void fused_allow_wgmma(int on)
{
    wgmma_allowed = on != 0;
}

/* True where the code loaded for this GPU holds wgmma. The Makefile builds
 * Hopper machine code for sm_90a alone (and compute_90 PTX), so binary
 * version 90 is that code; a newer GPU runs the PTX, built without wgmma,
 * and gets the mma.sync kernel. */
static bool fused_wgmma_built(void)
{
    static int built = -1;
    if (built < 0) {
        cudaFuncAttributes a;
        if (cudaFuncGetAttributes(&a, fused_wgmma_kernel<8>) != cudaSuccess) {
            (void)cudaGetLastError();
            built = 0;
        } else {
            built = a.binaryVersion == 90;
        }
    }
    return built == 1 && wgmma_allowed;
}

static cudaError_t fused_dmma_launch(const double *u, const double *v, double *out, long n,
                                     cudaStream_t stream)
{
    static struct width_memo memo;
    const int w = tile_width_memo(&memo, n, 8 * FD_JMAX);
    const fused_dmma_fn kernel =
        dmma_kernel_at(w / 8 - 1, std::make_integer_sequence<int, FD_JMAX>{});
    kernel<<<(unsigned)((n + w - 1) / w), COL_THREADS, 0, stream>>>(u, v, out, n);
    return cudaGetLastError();
}

static cudaError_t fused_wgmma_launch(const float *u, const float *v, float *out, long n,
                                      cudaStream_t stream)
{
    static struct width_memo memo;
    const int w = tile_width_memo(&memo, n, 256);
    const fused_wgmma_fn kernel = wgmma_kernel_at(w / 8 - 1, std::make_integer_sequence<int, 32>{});
    kernel<<<(unsigned)((n + w - 1) / w), FW_THREADS, 0, stream>>>(u, v, out, n);
    return cudaGetLastError();
}

const char *fused_f32_tensor_path(void)
{
    return fused_wgmma_built() ? "wgmma.m64nNk8.tf32 (sm_90a)" : "mma.sync.m16n8k8.tf32";
}

cudaError_t fused_launch(const double *x, const double *y, double *out, long n, int axis,
                         enum fused_unit unit, cudaStream_t stream)
{
    const double *u = axis == 0 ? x : y, *v = axis == 0 ? y : x;
    if (!aligned16(u) || !aligned16(v))
        return cudaErrorMisalignedAddress;
    if (unit == FUSED_TENSOR)
        return fused_dmma_launch(u, v, out, n, stream);
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
    if (unit == FUSED_TENSOR && fused_wgmma_built())
        return fused_wgmma_launch(u, v, out, n, stream);
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
