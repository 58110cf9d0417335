/* reduce.cu: row sums, column sums and row dot products of a row-major
 * n x n matrix, float and double, bandwidth-bound on either axis.
 *
 * Rows (axis 1, and matvec's A x): each warp streams whole rows with 16-byte
 * loads (several in flight per lane), sums in registers and ends with a warp
 * shuffle; R rows a warp share each load of x.
 * Columns (axis 0): each lane owns K vectors of adjacent columns, so a warp
 * reads 512 B (f32, K = 1) or 1 KB (f64, K = 2) of one row at a time,
 * coalesced; the rows are split over the block's 8 warps and over the
 * blocks of a cluster, and the partial sums meet in shared memory, in a
 * fixed order (no atomics, no scratch, one launch).
 * Small n (< 4096, the matrix in L2, a call a few microseconds): rows are a
 * block's (rowblock_kernel) and columns come in 32-byte strips a block
 * (colsum_small_kernel), one plain launch with all of a thread's loads in
 * flight at once: latency, not bandwidth, is what counts there.
 * Any n: when rows are not 16-byte aligned (n not a multiple of the vector
 * width) the same kernels run with scalar loads. */
#include "reduce.cuh"

#define ROW_THREADS 128

/* y[r] = sum_j a[r][j] (x[j] if DOT) for rows r of this warp; V elements a
 * load (V > 1 needs n % V == 0 and 16-byte aligned a and x). */
template <typename T, int V, int R, bool DOT>
__global__ void __launch_bounds__(ROW_THREADS)
rowdot_kernel(const T *__restrict__ a, const T *__restrict__ x, T *__restrict__ y, long n)
{
    constexpr int U = 4; /* vectors a lane has in flight per row */
    const int lane = threadIdx.x & 31;
    const long warp = ((long)blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const long warps = ((long)gridDim.x * blockDim.x) >> 5;
    const long nv = n / V;
    for (long r0 = warp * R; r0 < n; r0 += warps * R) {
        const T *row[R];
#pragma unroll
        for (int r = 0; r < R; r++)
            row[r] = a + min(r0 + r, n - 1) * n; /* rows past n repeat the last, unused */
        T acc[R][V];
#pragma unroll
        for (int r = 0; r < R; r++)
#pragma unroll
            for (int e = 0; e < V; e++)
                acc[r][e] = T(0);
        long c = lane;
        for (; c + 32 * (U - 1) < nv; c += 32 * U) {
            T av[R][U][V], xv[U][V];
#pragma unroll
            for (int u = 0; u < U; u++) {
                if constexpr (DOT)
                    load_vec(x + (c + 32 * u) * V, xv[u]);
#pragma unroll
                for (int r = 0; r < R; r++)
                    load_vec(row[r] + (c + 32 * u) * V, av[r][u]);
            }
#pragma unroll
            for (int u = 0; u < U; u++)
#pragma unroll
                for (int r = 0; r < R; r++)
#pragma unroll
                    for (int e = 0; e < V; e++) {
                        if constexpr (DOT)
                            acc[r][e] += av[r][u][e] * xv[u][e];
                        else
                            acc[r][e] += av[r][u][e];
                    }
        }
        for (; c < nv; c += 32) {
            T av[R][V], xv[V];
            if constexpr (DOT)
                load_vec(x + c * V, xv);
#pragma unroll
            for (int r = 0; r < R; r++) {
                load_vec(row[r] + c * V, av[r]);
#pragma unroll
                for (int e = 0; e < V; e++) {
                    if constexpr (DOT)
                        acc[r][e] += av[r][e] * xv[e];
                    else
                        acc[r][e] += av[r][e];
                }
            }
        }
#pragma unroll
        for (int r = 0; r < R; r++) {
            T s = acc[r][0];
#pragma unroll
            for (int e = 1; e < V; e++)
                s += acc[r][e];
            s = warp_sum(s);
            if (lane == 0 && r0 + r < n)
                y[r0 + r] = s;
        }
    }
}

/* Small n (the matrix sits in L2 and a call is a few microseconds): a
 * block of ROW_THREADS a row, so a thread has all its loads of the row in
 * flight at once (n = 1000: 2 to 4 vectors) and the row's latency is about
 * one trip to L2; the block's 4 warp sums meet in shared memory, in order. */
template <typename T, int V, bool DOT>
__global__ void __launch_bounds__(ROW_THREADS)
rowblock_kernel(const T *__restrict__ a, const T *__restrict__ x, T *__restrict__ y, long n)
{
    constexpr int U = 4;
    constexpr int W = ROW_THREADS / 32;
    __shared__ T part[W];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long nv = n / V;
    for (long r = blockIdx.x; r < n; r += gridDim.x) {
        const T *row = a + r * n;
        T acc[V];
#pragma unroll
        for (int e = 0; e < V; e++)
            acc[e] = T(0);
        long c = threadIdx.x;
        for (; c + ROW_THREADS * (U - 1) < nv; c += ROW_THREADS * U) {
            T av[U][V], xv[U][V];
#pragma unroll
            for (int u = 0; u < U; u++) {
                if constexpr (DOT)
                    load_vec(x + (c + ROW_THREADS * u) * V, xv[u]);
                load_vec(row + (c + ROW_THREADS * u) * V, av[u]);
            }
#pragma unroll
            for (int u = 0; u < U; u++)
#pragma unroll
                for (int e = 0; e < V; e++) {
                    if constexpr (DOT)
                        acc[e] += av[u][e] * xv[u][e];
                    else
                        acc[e] += av[u][e];
                }
        }
        for (; c < nv; c += ROW_THREADS) {
            T av[V], xv[V];
            if constexpr (DOT)
                load_vec(x + c * V, xv);
            load_vec(row + c * V, av);
#pragma unroll
            for (int e = 0; e < V; e++) {
                if constexpr (DOT)
                    acc[e] += av[e] * xv[e];
                else
                    acc[e] += av[e];
            }
        }
        T s = acc[0];
#pragma unroll
        for (int e = 1; e < V; e++)
            s += acc[e];
        s = warp_sum(s);
        if (lane == 0)
            part[warp] = s;
        __syncthreads();
        if (threadIdx.x == 0) {
            T t = part[0];
#pragma unroll
            for (int w = 1; w < W; w++)
                t += part[w];
            y[r] = t;
        }
        __syncthreads(); /* part is free again */
    }
}

/* Rows below which a block, not a warp, sums each row. */
#define ROW_BLOCK_BELOW 4096

template <typename T, int V, bool DOT>
static cudaError_t rowdot_rows(const T *a, const T *x, T *y, long n, cudaStream_t stream)
{
    if (n < ROW_BLOCK_BELOW) {
        rowblock_kernel<T, V, DOT><<<(unsigned)n, ROW_THREADS, 0, stream>>>(a, x, y, n);
        return cudaGetLastError();
    }
    /* Two rows a warp halve the loads of x once there are rows enough to
     * fill the GPU. */
    constexpr int R = 2;
    const long warps = (n + R - 1) / R;
    const long blocks = (warps * 32 + ROW_THREADS - 1) / ROW_THREADS;
    const unsigned grid = (unsigned)(blocks < 1048576 ? blocks : 1048576);
    rowdot_kernel<T, V, R, DOT><<<grid, ROW_THREADS, 0, stream>>>(a, x, y, n);
    return cudaGetLastError();
}

template <typename T>
cudaError_t rowdot_launch(const T *a, const T *x, T *y, long n, cudaStream_t stream)
{
    constexpr int V = vec_width<T>::value;
    const bool vec = n % V == 0 && aligned16(a) && (x == nullptr || aligned16(x));
    if (x) {
        return vec ? rowdot_rows<T, V, true>(a, x, y, n, stream)
                   : rowdot_rows<T, 1, true>(a, x, y, n, stream);
    }
    return vec ? rowdot_rows<T, V, false>(a, x, y, n, stream)
               : rowdot_rows<T, 1, false>(a, x, y, n, stream);
}

/* out[j] = sum_i q[i][j] for this block's 64 V columns; grid.y blocks of a
 * cluster and the 8 warps of each split the rows. */
template <typename T, int V, int K>
__global__ void __launch_bounds__(COL_THREADS)
colsum_kernel(const T *__restrict__ q, T *__restrict__ out, long n)
{
    constexpr int U = 8 / K;      /* rows a lane has in flight (K vectors each) */
    constexpr int TW = 32 * K * V; /* columns of the block */
    __shared__ T part[COL_WARPS][TW];
    __shared__ T bsum[TW];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long col0 = (long)blockIdx.x * TW;
    long lo, hi;
    col_slice(n, &lo, &hi);
    T acc[K][V];
#pragma unroll
    for (int k = 0; k < K; k++)
#pragma unroll
        for (int e = 0; e < V; e++)
            acc[k][e] = T(0);
    /* Columns of vector k of this lane: col0 + (k * 32 + lane) * V + [0, V).
     * With V > 1, n % V == 0, so a vector is wholly inside or outside. */
    bool in[K];
#pragma unroll
    for (int k = 0; k < K; k++)
        in[k] = col0 + (long)(k * 32 + lane) * V < n;
    const T *p = q + lo * n + col0 + (long)lane * V;
    long i = lo;
    for (; i + U <= hi; i += U, p += U * n) {
        T v[U][K][V];
#pragma unroll
        for (int u = 0; u < U; u++)
#pragma unroll
            for (int k = 0; k < K; k++) {
                if (in[k])
                    load_vec(p + u * n + k * 32 * V, v[u][k]);
                else
#pragma unroll
                    for (int e = 0; e < V; e++)
                        v[u][k][e] = T(0);
            }
#pragma unroll
        for (int u = 0; u < U; u++)
#pragma unroll
            for (int k = 0; k < K; k++)
#pragma unroll
                for (int e = 0; e < V; e++)
                    acc[k][e] += v[u][k][e];
    }
    for (; i < hi; i++, p += n) {
#pragma unroll
        for (int k = 0; k < K; k++) {
            if (!in[k])
                continue;
            T v[V];
            load_vec(p + k * 32 * V, v);
#pragma unroll
            for (int e = 0; e < V; e++)
                acc[k][e] += v[e];
        }
    }
#pragma unroll
    for (int k = 0; k < K; k++)
#pragma unroll
        for (int e = 0; e < V; e++)
            part[warp][(k * 32 + lane) * V + e] = acc[k][e];
    cluster_combine<T, TW>(part, bsum, out, col0, n);
}

/* Small n: out[j] = sum_i q[i][j] with no cluster and one plain launch. A
 * block owns CW adjacent columns (one 32-byte sector of a row) and its
 * SMALL_THREADS / CW row groups split the rows, so n = 1000 runs on 125
 * (f32) or 250 (f64) blocks, each thread with 8 to 16 loads, 8 in flight.
 * Row groups meet by warp shuffles, then warps in order in shared memory. */
#define SMALL_THREADS 512
template <typename T>
__global__ void __launch_bounds__(SMALL_THREADS)
colsum_small_kernel(const T *__restrict__ q, T *__restrict__ out, long n)
{
    constexpr int CW = 32 / (int)sizeof(T);      /* columns a block */
    constexpr int G = SMALL_THREADS / CW;        /* row groups */
    constexpr int WARPS = SMALL_THREADS / 32;
    constexpr int U = 8;
    __shared__ T part[WARPS][CW];
    const int col = threadIdx.x % CW, grp = threadIdx.x / CW;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const long j = (long)blockIdx.x * CW + col;
    const bool in = j < n;
    const T *p = q + (long)grp * n + (in ? j : 0);
    T acc = T(0);
    long i = grp;
    for (; i + (long)G * (U - 1) < n; i += (long)G * U, p += (long)G * U * n) {
        T v[U];
#pragma unroll
        for (int u = 0; u < U; u++)
            v[u] = __ldg(p + (long)u * G * n);
#pragma unroll
        for (int u = 0; u < U; u++)
            acc += v[u];
    }
    for (; i < n; i += G, p += (long)G * n)
        acc += __ldg(p);
    if (!in)
        acc = T(0);
#pragma unroll
    for (int m = 16; m >= CW; m >>= 1)
        acc += __shfl_xor_sync(0xffffffffu, acc, m);
    if (lane < CW)
        part[warp][lane] = acc;
    __syncthreads();
    if (threadIdx.x < CW && in) {
        T s = part[0][threadIdx.x];
#pragma unroll
        for (int w = 1; w < WARPS; w++)
            s += part[w][threadIdx.x];
        out[j] = s;
    }
}

/* Columns below which colsum_small_kernel sums them. */
#define COL_SMALL_BELOW 4096

template <typename T, int V, int K>
static cudaError_t colsum_columns(const T *q, T *out, long n, cudaStream_t stream)
{
    constexpr int TW = 32 * K * V;
    static int slots[8];
    const long tiles = (n + TW - 1) / TW;
    /* A cluster of up to 8 blocks splits the rows; its size is the one whose
     * last wave leaves the fewest SMs idle (n = 20000: 157 tiles f32 and f64),
     * each block keeping at least 512 rows. */
    const unsigned cluster =
        cluster_pick(colsum_kernel<T, V, K>, COL_THREADS, tiles, n, 512, slots);
    return launch_cluster(colsum_kernel<T, V, K>, dim3((unsigned)tiles, cluster, 1),
                          dim3(COL_THREADS), stream, q, out, n);
}

template <typename T>
cudaError_t reduce_launch(const T *q, T *out, long n, int axis, cudaStream_t stream)
{
    constexpr int V = vec_width<T>::value;
    constexpr int K = sizeof(T) == 4 ? 1 : 2; /* 512 B (f32) or 1 KB (f64) of a row a warp */
    if (axis == 1)
        return rowdot_launch<T>(q, nullptr, out, n, stream);
    if (n < COL_SMALL_BELOW) {
        const long blocks = (n + 32 / (long)sizeof(T) - 1) / (32 / (long)sizeof(T));
        colsum_small_kernel<T><<<(unsigned)blocks, SMALL_THREADS, 0, stream>>>(q, out, n);
        return cudaGetLastError();
    }
    if (n % V == 0 && aligned16(q))
        return colsum_columns<T, V, K>(q, out, n, stream);
    return colsum_columns<T, 1, 2>(q, out, n, stream);
}

template cudaError_t reduce_launch<float>(const float *, float *, long, int, cudaStream_t);
template cudaError_t reduce_launch<double>(const double *, double *, long, int, cudaStream_t);
template cudaError_t rowdot_launch<float>(const float *, const float *, float *, long, cudaStream_t);
template cudaError_t rowdot_launch<double>(const double *, const double *, double *, long,
                                           cudaStream_t);
