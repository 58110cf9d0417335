/* fused_loops.h: the fused outer_sum kernel of the openblas backend, written
 * once for both dtypes. Included once per dtype by openblas.c, with T (the
 * element type) and SFX (its name suffix: f32, f64) defined.
 *
 * out[i] = sum_j u[i] v[j] for a range of i: the row sums of u v^T. Every
 * product u[i] v[j] is formed in a register and added to a running sum; the
 * n x n matrix is never stored, so only the two vectors are read. Four rows
 * share each load of v, and two vectors of v are in flight, so that eight
 * independent sums hide the latency of the adds. GCC's vector extension
 * (32-byte vectors: AVX2 where -march allows it) keeps the sums in
 * registers. The column sums of x y^T are the row sums of y x^T: the same
 * n^2 products, so one kernel serves both axes.
 *
 * ISO C mode (-std=c11) keeps a * b + c as two roundings; the kernel asks
 * GCC to contract them into one FMA where the target has it: the product is
 * still formed, exactly, and added, at half the instructions. */
#define FUSED_CAT2(a, b) a##_##b
#define FUSED_CAT(a, b) FUSED_CAT2(a, b)
#define F(name) FUSED_CAT(name, SFX)
#define V F(fused_vec)
#define LANES ((long)(32 / sizeof(T)))

typedef T V __attribute__((vector_size(32)));

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=fast")
#endif

/* One vector loaded from p, aligned or not. */
static inline V F(fused_load)(const T *p)
{
    V v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* A vector with every lane equal to t. */
static inline V F(fused_splat)(T t)
{
    V zero = { 0 };
    return zero + t;
}

/* The sum of the lanes of v. */
static inline T F(fused_hsum)(V v)
{
    T sum = 0;
    for (long k = 0; k < LANES; k++)
        sum += v[k];
    return sum;
}

/* out[0..3] = the sums over j < n of u[r] v[j], r = 0..3. */
static void F(fused_rows4)(const T *u, const T *v, T *out, long n)
{
    V u0 = F(fused_splat)(u[0]), u1 = F(fused_splat)(u[1]);
    V u2 = F(fused_splat)(u[2]), u3 = F(fused_splat)(u[3]);
    V a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
    V b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };
    long j = 0;
    for (; j + 2 * LANES <= n; j += 2 * LANES) {
        V v0 = F(fused_load)(v + j), v1 = F(fused_load)(v + j + LANES);
        a0 += u0 * v0, a1 += u1 * v0, a2 += u2 * v0, a3 += u3 * v0;
        b0 += u0 * v1, b1 += u1 * v1, b2 += u2 * v1, b3 += u3 * v1;
    }
    for (; j + LANES <= n; j += LANES) {
        V v0 = F(fused_load)(v + j);
        a0 += u0 * v0, a1 += u1 * v0, a2 += u2 * v0, a3 += u3 * v0;
    }
    T s0 = F(fused_hsum)(a0 + b0), s1 = F(fused_hsum)(a1 + b1);
    T s2 = F(fused_hsum)(a2 + b2), s3 = F(fused_hsum)(a3 + b3);
    for (; j < n; j++)
        s0 += u[0] * v[j], s1 += u[1] * v[j], s2 += u[2] * v[j], s3 += u[3] * v[j];
    out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;
}

/* out[i] = sum_j u[i] v[j] for i in [lo, hi): four rows at a time, then one. */
static void F(fused_rows)(const T *u, const T *v, T *out, long n, long lo, long hi)
{
    long i = lo;
    for (; i + 4 <= hi; i += 4)
        F(fused_rows4)(u + i, v, out + i, n);
    for (; i < hi; i++) {
        T sum = 0;
        for (long j = 0; j < n; j++)
            sum += u[i] * v[j];
        out[i] = sum;
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

#undef LANES
#undef V
#undef F
#undef FUSED_CAT
#undef FUSED_CAT2
