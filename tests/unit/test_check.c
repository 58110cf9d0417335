/* test_check.c: the correctness check catches small bugs. Planted kernels
 * (test-only) that leave out the last row, the last column, or one element
 * in every n (one a row, in a different column each) fail the check at
 * every n of a grid up to 40000, in both dtypes, for matvec and outer_sum
 * on both axes; the same kernel without the bug, summing naively in its
 * dtype (the least accurate correct kernel), passes.
 *
 * A matrix of 40000^2 does not fit here, so the check is run on a sample
 * of the outputs (rows drawn with random_fill_from, as the runner draws
 * them): the check fails when any one element is off, so a bug caught in
 * the sample is caught in the whole output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "random.h"
#include "reference.h"

enum plant { CORRECT, MISS_LAST_TERM, MISS_ONE_PER_OUTPUT, MISS_LAST_OUTPUT, PLANT_COUNT };
enum shape { MATVEC, OUTER_COLUMNS, OUTER_ROWS, SHAPE_COUNT };

static const char *const shape_names[] = { "matvec", "outer_sum axis 0", "outer_sum axis 1" };
/* What each plant is, for each shape: leaving out a term of every output is
 * a missing column for matvec and row sums, a missing row for column sums. */
static const char *const plant_names[SHAPE_COUNT][PLANT_COUNT] = {
    { "correct", "drops the last column", "drops one element in every n", "drops the last row" },
    { "correct", "drops the last row", "drops one element in every n", "drops the last column" },
    { "correct", "drops the last column", "drops one element in every n", "drops the last row" },
};

#define SAMPLE 16 /* outputs checked per n, the last one among them */

/* Writes element c of out: output k of a kernel with plant p, summing the
 * n terms u[j] v[j*vs] in its dtype, in order, as a plain loop does. */
static void planted_sum(enum kernel_dtype dt, enum plant p, long n, long k, const void *u,
                        const void *v, long vs, void *out, long c)
{
    long skip = p == MISS_LAST_TERM ? n - 1 : p == MISS_ONE_PER_OUTPUT ? (k + 7) % n : -1;
    float s32 = 0.0f;
    double s64 = 0.0;
    for (long j = 0; j < n; j++) {
        if (j == skip)
            continue;
        if (dt == DTYPE_F32)
            s32 += ((const float *)u)[j] * ((const float *)v)[j * vs];
        else
            s64 += ((const double *)u)[j] * ((const double *)v)[j * vs];
    }
    if (p == MISS_LAST_OUTPUT && k == n - 1) /* never written: the poison stays */
        s32 = NAN, s64 = NAN;
    if (dt == DTYPE_F32)
        ((float *)out)[c] = s32;
    else
        ((double *)out)[c] = s64;
}

/* The smallest share of the bound a planted error reached, and the largest
 * a correct kernel's did, over every size: the check's margins. */
static double least_planted = INFINITY, most_correct = 0.0;

struct inputs {
    enum kernel_dtype dt;
    long n;
    uint64_t seed;
    void *x, *y, *row; /* x, y: n elements; row: one row of the matrix */
};

/* Points u, v (stride vs) at the terms of output k of shape s; draws row k
 * of the matrix for matvec. */
static void terms(struct inputs *in, enum shape s, long k, const void **u, const void **v, long *vs)
{
    size_t size = kernel_dtype_size(in->dt);
    if (s == MATVEC) {
        random_fill_from(in->row, in->dt, (size_t)k * (size_t)in->n, (size_t)in->n, in->seed,
                         STREAM_MATRIX);
        *u = in->row, *v = in->x, *vs = 1;
    } else if (s == OUTER_COLUMNS) { /* x_i y_k over i */
        *u = in->x, *v = (const char *)in->y + (size_t)k * size, *vs = 0;
    } else { /* x_k y_j over j */
        *u = in->y, *v = (const char *)in->x + (size_t)k * size, *vs = 0;
    }
}

/* Checks every plant of shape s at size n: each but CORRECT must fail. */
static void check_shape(struct inputs *in, enum shape s)
{
    long n = in->n, count = n < SAMPLE ? n : SAMPLE;
    double ref[SAMPLE], cond[SAMPLE], out[PLANT_COUNT][SAMPLE]; /* out: f32 or f64 elements */
    for (long c = 0; c < count; c++) {
        long k = c == count - 1 ? n - 1 : c * (n / count); /* spread, ending with the last */
        const void *u, *v;
        long vs;
        terms(in, s, k, &u, &v, &vs);
        reference_dot(in->dt, n, u, 1, v, vs, &ref[c], &cond[c]);
        for (int p = 0; p < PLANT_COUNT; p++)
            planted_sum(in->dt, (enum plant)p, n, k, u, v, vs, out[p], c);
    }
    for (int p = 0; p < PLANT_COUNT; p++) {
        char err[KERNEL_ERR_LEN] = "";
        struct kernel_check ck;
        int status = reference_compare(in->dt, n, (size_t)count, out[p], ref, cond, &ck, err);
        if (p == CORRECT && ck.rel_err / ck.tolerance > most_correct)
            most_correct = ck.rel_err / ck.tolerance;
        if (p != CORRECT && !ck.unwritten && ck.rel_err / ck.tolerance < least_planted)
            least_planted = ck.rel_err / ck.tolerance;
        CHECK(status == (p == CORRECT ? KERNEL_OK : KERNEL_WRONG),
              "%s %s, n = %ld: a kernel that %s %s (error %.3g, bound %.3g)", shape_names[s],
              kernel_dtype_name(in->dt), n, plant_names[s][p],
              status == KERNEL_OK ? "passed" : "failed", ck.rel_err, ck.tolerance);
    }
}

/* The sizes: every n to 64, then steps of 250 to 40000 (the sweeps' sizes
 * are multiples of 250 or 100 in between). */
static long next_n(long n)
{
    return n < 64 ? n + 1 : n < 250 ? 250 : n + 250;
}

int main(void)
{
    enum { max_n = 40000 };
    for (int d = 0; d < DTYPE_COUNT; d++) {
        struct inputs in = { .dt = (enum kernel_dtype)d };
        size_t size = kernel_dtype_size(in.dt);
        in.x = malloc(max_n * size);
        in.y = malloc(max_n * size);
        in.row = malloc(max_n * size);
        if (!in.x || !in.y || !in.row) {
            CHECK(0, "out of memory");
            return check_report("check");
        }
        for (in.n = 1; in.n <= max_n; in.n = next_n(in.n)) {
            in.seed = (uint64_t)in.n * 1000003u + (uint64_t)d;
            random_fill(in.x, in.dt, (size_t)in.n, in.seed, STREAM_X);
            random_fill(in.y, in.dt, (size_t)in.n, in.seed, STREAM_Y);
            for (int s = 0; s < SHAPE_COUNT; s++)
                check_shape(&in, (enum shape)s);
        }
        free(in.x);
        free(in.y);
        free(in.row);
    }
    printf("margins: planted errors at least %.3g times the bound, correct ones at most %.3g\n",
           least_planted, most_correct);
    return check_report("check");
}
