/* stream_loops.h: the outer-product writer of the openblas backend's
 * materialised outer_sum, written once for both dtypes. Included once per
 * dtype by openblas.c, with T (the element type), SFX (its name suffix: f32,
 * f64) and, where AVX is there, VT (its 32-byte vector type: __m256,
 * __m256d) and VOP(op) (its intrinsic: _mm256_<op>_ps, _mm256_<op>_pd)
 * defined.
 *
 * q[i][j] = x[i] y[j] for the rows i in [lo, hi): each product rounded once,
 * as gemm with k = 1 forms it. A q larger than the caches is streamed: the
 * body of each row goes out with non-temporal 32-byte stores, which write
 * whole cache lines to memory without first reading them (no
 * read-for-ownership), as memcpy does for a large copy; a row's start and end
 * that are not 32-byte aligned (rows of an n that is not a multiple of the
 * lanes) get ordinary stores. The caller orders the streamed stores
 * (_mm_sfence) before q is read. A q that fits in the caches (the caller
 * decides) is written with ordinary stores throughout, to be read back from
 * there; so is every q without AVX. */
#define STREAM_CAT2(a, b) a##_##b
#define STREAM_CAT(a, b) STREAM_CAT2(a, b)
#define S(name) STREAM_CAT(name, SFX)

/* q[i][j] = x[i] y[j] for j in [lo, hi) of one row, ordinary stores. */
static inline void S(stream_plain)(T *row, T xi, const T *y, long lo, long hi)
{
    for (long j = lo; j < hi; j++)
        row[j] = xi * y[j];
}

/* q[i][j] = x[i] y[j] for i in [lo, hi) and every j < n; streamed if
 * stream is not 0, else ordinary stores throughout. */
static void S(stream_outer_rows)(const T *x, const T *y, T *q, long n, long lo, long hi,
                                 int stream)
{
    for (long i = lo; i < hi; i++) {
        T *row = q + i * n;
        if (!stream) {
            S(stream_plain)(row, x[i], y, 0, n);
            continue;
        }
#ifdef VT
        const long lanes = (long)(sizeof(VT) / sizeof(T));
        /* Elements before the first 32-byte boundary of the row. */
        long head = (long)(((32 - ((uintptr_t)row & 31)) & 31) / sizeof(T));
        if (head > n)
            head = n;
        long body = head + (n - head) / lanes * lanes;
        S(stream_plain)(row, x[i], y, 0, head);
        VT xi = VOP(set1)(x[i]);
        long j = head;
        for (; j + 2 * lanes <= body; j += 2 * lanes) {
            VOP(stream)(row + j, VOP(mul)(xi, VOP(loadu)(y + j)));
            VOP(stream)(row + j + lanes, VOP(mul)(xi, VOP(loadu)(y + j + lanes)));
        }
        if (j < body)
            VOP(stream)(row + j, VOP(mul)(xi, VOP(loadu)(y + j)));
        S(stream_plain)(row, x[i], y, body, n);
#else
        S(stream_plain)(row, x[i], y, 0, n);
#endif
    }
}

#undef S
#undef STREAM_CAT
#undef STREAM_CAT2
