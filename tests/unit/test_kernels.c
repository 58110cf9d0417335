/* test_kernels.c: every backend, op, impl, dtype and axis this binary has,
 * set up, verified against the float64 reference, run and torn down at a few
 * sizes (1, tails, and a thousand or so). A backend that cannot run here is
 * one SKIP with its reason. Then the CPU backends' refusals, and the FLOP and
 * byte counts worked out by hand. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel.h"
#include "measure.h"

/* The index of the op called name in the ops table. */
static int op(const char *name)
{
    int k = kernel_op_find(name);
    CHECK(k >= 0, "op %s is in the table", name);
    return k;
}

/* 2049: the first size where openblas materialized streams its stores (Q >= 16 MiB in f64). */
static const long cpu_sizes[] = { 1, 7, 1000, 1023, 2049, 0 };
static const long gpu_sizes[] = { 1, 7, 1000, 1023, 4097, 0 };

/* Said after each point's label while a test hook is on. */
static const char *label_note = "";

/* "openblas outer_sum fused f32 axis 0 n 7" into buf. */
static const char *point_label(const struct kernel_backend *b, const struct kernel_point *p,
                               char *buf, size_t len)
{
    snprintf(buf, len, "%s %s %s %s axis %d n %ld%s", b->name, kernel_op_name(p->op), p->impl,
             kernel_dtype_name(p->dtype), p->axis, p->n, label_note);
    return buf;
}

/* Verifies and times one point that is set up; checks each step. */
static void test_state(const struct kernel_backend *b, void *state, const char *label)
{
    char err[KERNEL_ERR_LEN] = "";
    struct kernel_check c = { -1.0, -1.0, -1 };
    int status = b->verify(state, &c, err);
    CHECK(status == KERNEL_OK, "%s: verify returned %d: %s", label, status, err);
    CHECK(c.unwritten == 0, "%s: %ld outputs unwritten", label, c.unwritten);
    CHECK(c.rel_err >= 0.0 && c.rel_err <= c.tolerance, "%s: rel_err %g, tolerance %g", label,
          c.rel_err, c.tolerance);
    double seconds = 0.0;
    status = b->run(state, 2, &seconds, err);
    CHECK(status == KERNEL_OK && seconds > 0.0, "%s: run returned %d after %g s: %s", label, status,
          seconds, err);
}

/* Runs one point through memory, setup, verify, run and teardown. */
static void test_point(const struct kernel_backend *b, const struct kernel_point *p)
{
    char err[KERNEL_ERR_LEN] = "", label[160];
    point_label(b, p, label, sizeof label);
    struct kernel_memory m = { 0 };
    int status = b->memory(p, &m, err);
    CHECK(status == KERNEL_OK && m.host_need + m.device_need > 0,
          "%s: memory returned %d (need %zu host, %zu device): %s", label, status, m.host_need,
          m.device_need, err);
    void *state = NULL;
    status = b->setup(p, &state, err);
    CHECK(status == KERNEL_OK && state != NULL, "%s: setup returned %d: %s", label, status, err);
    if (status != KERNEL_OK)
        return;
    test_state(b, state, label);
    b->teardown(state);
}

/* Every impl, dtype, axis and size of one op of one backend. */
static void test_op(const struct kernel_backend *b, int o)
{
    const long *sizes = b->gpu ? gpu_sizes : cpu_sizes /* GPU backends are also tried at n = 4097 */;
    int axes = kernel_op(o)->axis ? 2 : 1;
    const struct kernel_impl *impl;
    for (int k = 0; (impl = kernel_impl_at(b, o, k)); k++)
        for (int dt = 0; dt < DTYPE_COUNT; dt++)
            for (int axis = 0; axis < axes; axis++)
                for (int s = 0; sizes[s]; s++) {
                    struct kernel_point p = {
                        .op = o, .dtype = (enum kernel_dtype)dt, .n = sizes[s],
                        .axis = kernel_op(o)->axis ? axis : -1, .impl = impl->name,
                        .seed = 42 + (uint64_t)s,
                    };
                    test_point(b, &p);
                }
}

/* Every op of every backend compiled in; one SKIP for a backend not here. */
static void test_backends(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "";
        if (!all[i]->available(reason)) {
            SKIP("%s: %s", all[i]->name, reason);
            continue;
        }
        for (int o = 0; o < kernel_op_count(); o++)
            test_op(all[i], o);
    }
}

/* The GPU fused outer_sums at the sizes the sweeps reach, where their tiles
 * are widest: n = 20000 (one tile an SM on an H100) and 40001 (two waves and
 * a tail); every dtype and axis. Then the cuda backend's f32 fused on its
 * mma.sync kernel, which a GPU without sm_90a code runs: on an H100 it is
 * reached only through the test hook. */
static void test_gpu_fused(void)
{
    static const long wide[] = { 20000, 40001, 0 };
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "";
        if (!all[i]->gpu || !all[i]->available(reason))
            continue; /* test_backends said why */
        const struct kernel_impl *impl;
        for (int k = 0; (impl = kernel_impl_at(all[i], op("outer_sum"), k)); k++)
            for (int dt = 0; dt < DTYPE_COUNT && impl->traffic == TRAFFIC_FUSED; dt++)
                for (int axis = 0; axis < 2; axis++)
                    for (int s = 0; wide[s]; s++) {
                        struct kernel_point p = { .op = op("outer_sum"), .dtype = (enum kernel_dtype)dt,
                                                  .n = wide[s], .axis = axis, .impl = impl->name,
                                                  .seed = 77 + (uint64_t)s };
                        test_point(all[i], &p);
                    }
    }
#if FLOPBENCH_CUDA
    const struct kernel_backend *b = kernel_backend_find("cuda");
    char reason[KERNEL_ERR_LEN] = "";
    if (!b || !b->available(reason))
        return;
    static const long sizes[] = { 1, 7, 1000, 1023, 4097, 20000, 0 };
    fused_allow_wgmma(0);
    label_note = " (mma.sync kernel)";
    for (int axis = 0; axis < 2; axis++)
        for (int s = 0; sizes[s]; s++) {
            struct kernel_point p = { .op = op("outer_sum"), .dtype = DTYPE_F32, .n = sizes[s],
                                      .axis = axis, .impl = "fused", .seed = 5 + (uint64_t)s };
            test_point(b, &p);
        }
    label_note = "";
    fused_allow_wgmma(1);
#endif
}

/* Every GPU impl with its timed batches captured as CUDA graphs and the L2
 * flushed (graph = true, flush_l2 = true), at n = 1000: verified, run at two
 * batch sizes (the second captures the batch again), verified again. cuda's
 * materialized makes its own one-call graph at the first verify and
 * launches its kernels straight into the batch's capture. */
static void test_gpu_graph(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "";
        if (!all[i]->gpu || all[i]->worker || !all[i]->available(reason))
            continue; /* test_backends said why; workers: test_worker_refusals */
        const struct kernel_backend *b = all[i];
        label_note = " (graph, flush_l2)";
        const struct kernel_impl *impl;
        for (int o = 0; o < kernel_op_count(); o++)
            for (int k = 0; (impl = kernel_impl_at(b, o, k)); k++)
                for (int dt = 0; dt < DTYPE_COUNT; dt++) {
                    struct kernel_point p = { .op = o, .dtype = (enum kernel_dtype)dt,
                                              .n = 1000, .axis = kernel_op(o)->axis ? 1 : -1,
                                              .impl = impl->name, .seed = 99, .graph = 1,
                                              .flush_l2 = 1 };
                    char err[KERNEL_ERR_LEN] = "", label[160];
                    point_label(b, &p, label, sizeof label);
                    void *state = NULL;
                    int status = b->setup(&p, &state, err);
                    CHECK(status == KERNEL_OK, "%s: setup returned %d: %s", label, status, err);
                    if (status != KERNEL_OK)
                        continue;
                    test_state(b, state, label);
                    double seconds = 0.0;
                    status = b->run(state, 3, &seconds, err);
                    CHECK(status == KERNEL_OK && seconds > 0.0, "%s: a batch of 3 returned %d: %s",
                          label, status, err);
                    struct kernel_check c = { -1.0, -1.0, -1 };
                    status = b->verify(state, &c, err);
                    CHECK(status == KERNEL_OK && c.unwritten == 0 && c.rel_err <= c.tolerance,
                          "%s: verify after the graphs returned %d, rel_err %g: %s", label, status,
                          c.rel_err, err);
                    b->teardown(state);
                }
        label_note = "";
    }
}

/* A CPU backend refuses a bad impl, n = 0 and an axis other than 0 or 1,
 * leaving no state; reports the needs of a point too big for this host,
 * which the runner then refuses; takes no impl as the default; run refuses
 * zero iterations. */
static void test_refusals(const char *name)
{
    const struct kernel_backend *b = kernel_backend_find(name);
    CHECK(b != NULL, "backend %s is compiled in", name);
    if (!b)
        return;
    char err[KERNEL_ERR_LEN] = "";
    struct kernel_point p = { .op = op("matvec"), .dtype = DTYPE_F32, .axis = -1, .n = 8,
                              .impl = "no-such-impl", .seed = 1 };
    void *state = (void *)&p;
    CHECK(b->setup(&p, &state, err) == KERNEL_ERROR && !state, "%s: bad impl refused", name);
    CHECK(strstr(err, "no-such-impl") != NULL, "%s: the error names the impl: %s", name, err);
    p.impl = kernel_impl_at(b, op("matvec"), 0)->name;
    p.n = 0;
    CHECK(b->setup(&p, &state, err) == KERNEL_ERROR && !state, "%s: n = 0 refused", name);
    p = (struct kernel_point){ .op = op("outer_sum"), .dtype = DTYPE_F64, .axis = 2, .n = 8,
                               .impl = kernel_impl_at(b, op("outer_sum"), 0)->name, .seed = 1 };
    CHECK(b->setup(&p, &state, err) == KERNEL_ERROR && !state, "%s: axis 2 refused", name);
    p.axis = 1;
    p.impl = NULL;
    CHECK(b->setup(&p, &state, err) == KERNEL_OK && state, "%s: no impl is the default: %s", name,
          err);
    b->teardown(state);
    p = (struct kernel_point){ .op = op("matvec"), .dtype = DTYPE_F32, .axis = -1,
                               .impl = kernel_impl_at(b, op("matvec"), 0)->name, .seed = 1 };
    p.n = 100000000L; /* 4e16 bytes */
    struct kernel_memory m = { 0 };
    CHECK(b->memory(&p, &m, err) == KERNEL_OK && m.host_need > m.host_free,
          "%s: memory says %zu needed, %zu free", name, m.host_need, m.host_free);
    /* The runner refuses it from those needs, before setup allocates. */
    struct point rp = { .backend = b, .k = p, .sampling = { .iterations = 1, .samples = 1,
                                                            .max_samples = 1, .max_time = 1 } };
    struct measurement mm;
    CHECK(measure_point(&rp, &mm, NULL, NULL, err) == KERNEL_NO_MEMORY &&
              strncmp(err, "needs ", 6) == 0 && strstr(err, " of host memory, "),
          "%s: huge n refused by the runner: %s", name, err);
    p.n = 8;
    double seconds = 0.0;
    if (b->setup(&p, &state, err) == KERNEL_OK) {
        CHECK(b->run(state, 0, &seconds, err) == KERNEL_ERROR, "%s: zero iterations refused", name);
        b->teardown(state);
    }
}

/* Keeps the value of one fact reported by describe(). */
struct fact_find {
    const char *key;
    char value[256];
};

static void fact_find(void *ctx, const char *key, const char *value)
{
    struct fact_find *f = ctx;
    if (strcmp(key, f->key) == 0)
        snprintf(f->value, sizeof f->value, "%s", value);
}

/* The fused outer_sum on explicit thread counts, large enough to be split
 * across them (with a tail), and the thread count describe() reports. */
static void test_openblas_threads(void)
{
    const struct kernel_backend *b = kernel_backend_find("openblas");
    if (!b)
        return;
    for (int threads = 1; threads <= 3; threads++)
        for (int axis = 0; axis < 2; axis++) {
            struct kernel_point p = { .op = op("outer_sum"), .dtype = DTYPE_F64, .axis = axis,
                                      .n = 4097, .impl = "fused", .seed = 7, .threads = threads };
            test_point(b, &p);
            struct fact_find f = { "openblas_threads", "" };
            b->describe(&p, fact_find, &f);
            CHECK(atoi(f.value) == threads, "openblas_threads is %s, want %d", f.value, threads);
        }
    struct fact_find f = { "openblas_version", "" };
    b->describe(NULL, fact_find, &f);
    CHECK(f.value[0] >= '0' && f.value[0] <= '9' && strchr(f.value, '.'), "openblas_version: %s", f.value);
    struct fact_find c = { "openblas_config", "" };
    int before = openblas_get_num_threads();
    struct kernel_point p = { .op = op("matvec"), .dtype = DTYPE_F32, .axis = -1, .n = 8, .threads = 1 };
    b->describe(&p, fact_find, &c);
    CHECK(strstr(c.value, "OpenBLAS") != NULL, "openblas_config: %s", c.value);
    CHECK(openblas_get_num_threads() == before, "describe changed OpenBLAS's threads from %d to %d",
          before, openblas_get_num_threads());
}

/* A framework backend times the framework's own calls: CUDA graphs and L2
 * flushes are refused at setup, with the reason. */
static void test_worker_refusals(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "", err[KERNEL_ERR_LEN] = "";
        if (!all[i]->worker || !all[i]->available(reason))
            continue;
        struct kernel_point p = { .op = op("matvec"), .dtype = DTYPE_F32, .axis = -1, .n = 8,
                                  .impl = kernel_impl_at(all[i], op("matvec"), 0)->name, .seed = 1, .flush_l2 = 1 };
        void *state = NULL;
        int status = all[i]->setup(&p, &state, err);
        CHECK(status == KERNEL_ERROR && !state && strstr(err, "graph and flush_l2 do not apply"),
              "%s with flush_l2: setup returned %d: %s", all[i]->name, status, err);
        if (state)
            all[i]->teardown(state);
        p.impl = "no-such-impl";
        p.flush_l2 = 0;
        status = all[i]->setup(&p, &state, err);
        CHECK(status == KERNEL_ERROR && strstr(err, "has no impl 'no-such-impl'"),
              "%s with an unknown impl: setup returned %d: %s", all[i]->name, status, err);
    }
}

/* Two points live at once in one worker (handles): each verified, run and
 * verified again while the other is set up, the first freed before the
 * second is used again. */
static void test_worker_handles(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "", err[KERNEL_ERR_LEN] = "";
        const struct kernel_backend *b = all[i];
        if (!b->worker || !b->available(reason))
            continue;
        struct kernel_point p1 = { .op = op("matvec"), .dtype = DTYPE_F64, .axis = -1, .n = 16,
                                   .impl = kernel_impl_at(b, op("matvec"), 0)->name, .seed = 5 };
        struct kernel_point p2 = { .op = op("outer_sum"), .dtype = DTYPE_F32, .axis = 1, .n = 9,
                                   .impl = kernel_impl_at(b, op("outer_sum"), 0)->name, .seed = 6 };
        void *s1 = NULL, *s2 = NULL;
        CHECK(b->setup(&p1, &s1, err) == KERNEL_OK, "%s: first point: %s", b->name, err);
        CHECK(b->setup(&p2, &s2, err) == KERNEL_OK, "%s: second point: %s", b->name, err);
        if (!s1 || !s2) {
            b->teardown(s1);
            b->teardown(s2);
            continue;
        }
        char label[64];
        snprintf(label, sizeof label, "%s, second of two live points", b->name);
        test_state(b, s2, label);
        snprintf(label, sizeof label, "%s, first of two live points", b->name);
        test_state(b, s1, label);
        b->teardown(s1);
        snprintf(label, sizeof label, "%s, second point after the first is freed", b->name);
        test_state(b, s2, label);
        b->teardown(s2);
    }
}

/* A worker's files are reused from point to point: two points of the
 * same inputs set up before either is verified (the second cannot have
 * the first's files, so each checks against its own inputs), then points
 * of other sizes, down and up, each verified twice (the second time from
 * inputs drawn again, the first's having gone back for the next point). */
static void test_worker_slots(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++) {
        char reason[KERNEL_ERR_LEN] = "", err[KERNEL_ERR_LEN] = "", label[96];
        const struct kernel_backend *b = all[i];
        if (!b->worker || !b->available(reason))
            continue;
        struct kernel_point p = { .op = op("matvec"), .dtype = DTYPE_F64, .axis = -1, .n = 40,
                                  .impl = kernel_impl_at(b, op("matvec"), 0)->name, .seed = 11 };
        void *s1 = NULL, *s2 = NULL;
        CHECK(b->setup(&p, &s1, err) == KERNEL_OK, "%s: first point: %s", b->name, err);
        p.seed = 12;
        CHECK(b->setup(&p, &s2, err) == KERNEL_OK, "%s: second point: %s", b->name, err);
        snprintf(label, sizeof label, "%s, the first of two points of the same files", b->name);
        if (s1)
            test_state(b, s1, label);
        snprintf(label, sizeof label, "%s, the second of two points of the same files", b->name);
        if (s2)
            test_state(b, s2, label);
        b->teardown(s1);
        b->teardown(s2);
        static const long sizes[] = { 300, 7, 1, 64, 300 };
        for (int k = 0; k < 5; k++) {
            void *s = NULL;
            p.n = sizes[k];
            p.seed = 20 + (uint64_t)k;
            p.op = k % 2 ? op("copy") : op("outer_sum");
            p.axis = k % 2 ? -1 : 0;
            p.dtype = k < 3 ? DTYPE_F32 : DTYPE_F64;
            p.impl = kernel_impl_at(b, p.op, 0)->name;
            snprintf(label, sizeof label, "%s %s %s n %ld, after other sizes", b->name,
                     kernel_op_name(p.op), kernel_dtype_name(p.dtype), p.n);
            CHECK(b->setup(&p, &s, err) == KERNEL_OK, "%s: setup: %s", label, err);
            if (!s)
                continue;
            test_state(b, s, label);
            test_state(b, s, label);
            b->teardown(s);
        }
    }
}

/* kernel_flops and kernel_bytes, worked out by hand, and the bytes of a
 * point from the traffic its impl row declares. */
static void test_counts(void)
{
    struct kernel_point p = { .op = op("matvec"), .dtype = DTYPE_F32, .axis = -1, .n = 1000 };
    CHECK_NEAR(kernel_flops(&p), 1999000.0, 0.0);   /* 2 * 1000^2 - 1000 */
    CHECK_NEAR(kernel_bytes(&p, TRAFFIC_MATERIALISED), 4008000.0, 0.0); /* 4 * (1000^2 + 2 * 1000) */
    CHECK_NEAR(kernel_bytes(&p, TRAFFIC_FUSED), 4008000.0, 0.0);        /* no product to form */
    p = (struct kernel_point){ .op = op("copy"), .dtype = DTYPE_F64, .n = 3 };
    CHECK_NEAR(kernel_flops(&p), 0.0, 0.0);
    CHECK_NEAR(kernel_bytes(&p, TRAFFIC_MATERIALISED), 144.0, 0.0);     /* 2 * 8 * 9 */
    p = (struct kernel_point){ .op = op("outer_sum"), .dtype = DTYPE_F64, .axis = 0, .n = 10,
                               .impl = "gemm" };
    CHECK_NEAR(kernel_flops(&p), 190.0, 0.0);       /* 2 * 100 - 10 */
    CHECK_NEAR(kernel_point_bytes(kernel_backend_find("openblas"), &p), 1840.0, 0.0); /* 8 * (200 + 30) */
    p.impl = "fused";
    CHECK_NEAR(kernel_point_bytes(kernel_backend_find("openblas"), &p), 240.0, 0.0);  /* 3 * 8 * 10 */
    CHECK_NEAR(kernel_point_bytes(kernel_backend_find("cuda"), &p), 240.0, 0.0);
    p.impl = "fused_simt";
    CHECK_NEAR(kernel_point_bytes(kernel_backend_find("cuda"), &p), 240.0, 0.0);
    p.dtype = DTYPE_F32;
    p.impl = "materialized";
    CHECK_NEAR(kernel_point_bytes(kernel_backend_find("cpu"), &p), 920.0, 0.0);       /* 4 * (200 + 30) */
    /* A worker's impl: its traffic is what its hello said (numpy's article
     * forms the product), its rows none before the worker can start. */
    char reason[KERNEL_ERR_LEN];
    const struct kernel_backend *numpy = kernel_backend_find("numpy");
    p.impl = "article";
    if (numpy->available(reason))
        CHECK_NEAR(kernel_point_bytes(numpy, &p), 920.0, 0.0); /* materialised */
    else
        SKIP("numpy: %s", reason);
    p = (struct kernel_point){ .op = op("axpy"), .dtype = DTYPE_F32, .axis = -1, .n = 10 };
    CHECK_NEAR(kernel_flops(&p), 20.0, 0.0);        /* 2 n */
    CHECK_NEAR(kernel_bytes(&p, TRAFFIC_MATERIALISED), 120.0, 0.0);     /* 3 * 4 * 10 */
}

/* Every impl row of every backend names an op of the table, and its name
 * is unique for the op; a backend runs with calls of its own, or none
 * (a worker, a GPU backend of a build without nvcc). */
static void test_catalogue(void)
{
    const struct kernel_backend *const *all = kernel_backends();
    for (int i = 0; all[i]; i++)
        for (const struct kernel_impl *r = all[i]->impls; r && r->op; r++) {
            int o = kernel_op_find(r->op);
            CHECK(o >= 0, "%s: impl %s names op %s, not in the table", all[i]->name, r->name, r->op);
            CHECK(o < 0 || kernel_impl_find(all[i], o, r->name) == r, "%s: impl %s/%s is listed twice",
                  all[i]->name, r->op, r->name);
            CHECK((unsigned)r->traffic < TRAFFIC_COUNT, "%s: impl %s has traffic %d", all[i]->name,
                  r->name, (int)r->traffic);
        }
    CHECK(kernel_op_find("no-such-op") == -1 && kernel_op(kernel_op_count()) == NULL,
          "an unknown op is refused");
}

int main(void)
{
    test_backends();
    test_gpu_fused();
    test_gpu_graph();
    test_worker_refusals();
    test_worker_handles();
    test_worker_slots();
    test_refusals("cpu");
    test_refusals("openblas");
    test_openblas_threads();
    test_counts();
    test_catalogue();
    return check_report("kernels");
}
