/* cpu_loops.h: the plain C loops of the cpu backend, written once for both
 * dtypes. Included once per dtype by cpu.c, with T (the element type) and
 * SFX (its name suffix: f32, f64) defined. One thread, no intrinsics: what a
 * straightforward C program does, left to the compiler. */
#define LOOPS_CAT2(a, b) a##_##b
#define LOOPS_CAT(a, b) LOOPS_CAT2(a, b)
#define L(name) LOOPS_CAT(name, SFX)

/* out = A x, one row at a time. */
static void L(loop_matvec)(const struct cpu_state *s)
{
    const T *a = s->a, *x = s->x;
    T *out = s->out;
    long n = s->n;
    for (long i = 0; i < n; i++) {
        T sum = 0;
        for (long j = 0; j < n; j++)
            sum += a[i * n + j] * x[j];
        out[i] = sum;
    }
}

/* out[j] = sum_i m[i][j] (axis 0) or out[i] = sum_j m[i][j] (axis 1), m n x n. */
static void L(loop_sum)(const T *m, long n, int axis, T *out)
{
    for (long k = 0; k < n; k++)
        out[k] = 0;
    for (long i = 0; i < n; i++) {
        const T *row = m + i * n;
        if (axis == 0) {
            for (long j = 0; j < n; j++)
                out[j] += row[j];
        } else {
            T sum = 0;
            for (long j = 0; j < n; j++)
                sum += row[j];
            out[i] = sum;
        }
    }
}

/* Writes q = x y^T, then sums q along the point's axis into out. */
static void L(loop_outer_materialized)(const struct cpu_state *s)
{
    const T *x = s->x, *y = s->y;
    T *q = s->q;
    long n = s->n;
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++)
            q[i * n + j] = x[i] * y[j];
    L(loop_sum)(q, n, s->p.axis, s->out);
}

/* The same sums with each product x[i] y[j] added as it is formed; q is
 * never stored. */
static void L(loop_outer_fused)(const struct cpu_state *s)
{
    const T *x = s->x, *y = s->y;
    T *out = s->out;
    long n = s->n;
    for (long k = 0; k < n; k++)
        out[k] = 0;
    for (long i = 0; i < n; i++) {
        if (s->p.axis == 0) {
            for (long j = 0; j < n; j++)
                out[j] += x[i] * y[j];
        } else {
            T sum = 0;
            for (long j = 0; j < n; j++)
                sum += x[i] * y[j];
            out[i] = sum;
        }
    }
}

#undef L
#undef LOOPS_CAT
#undef LOOPS_CAT2
