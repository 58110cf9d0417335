/* test_measure.c: the measurement loop and the run of an experiment, with
 * fake backends: a wrong result is an error and never a timing; a point
 * that does not fit is refused before setup; the stopping rule holds; an
 * experiment with a failed point still writes the points that succeeded. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "measure.h"
#include "run.h"

static int setups, runs, teardowns;
static double fake_time = 1e-3; /* seconds per call */

static const struct kernel_impl impl_list[] = {
    { "matvec", "fake", TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
    { NULL, NULL, TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
};

static int always(char *reason) { (void)reason; return 1; }
static int fits(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    (void)err;
    memset(m, 0, sizeof *m);
    m->host_need = (size_t)p->n * (size_t)p->n * 8u;
    m->host_free = 1000u * 1000u;  /* 1 MB: n > 353 does not fit */
    return KERNEL_OK;
}
static int setup(const struct kernel_point *p, void **state, char *err)
{
    (void)err;
    setups++;
    *state = (void *)p;
    return KERNEL_OK;
}
static int verify_ok(void *s, struct kernel_check *c, char *err)
{
    (void)s, (void)err;
    c->rel_err = 1e-9, c->tolerance = 1e-6, c->unwritten = 0;
    return KERNEL_OK;
}
static int verify_wrong(void *s, struct kernel_check *c, char *err)
{
    (void)s;
    c->rel_err = 0.5, c->tolerance = 1e-6, c->unwritten = 0;
    snprintf(err, KERNEL_ERR_LEN, "relative error 0.5 exceeds tolerance 1e-06");
    return KERNEL_WRONG;
}
static int run(void *s, long iterations, double *seconds, char *err)
{
    (void)s, (void)err;
    runs++;
    /* 1 ms a call, with a little spread so the statistics have work to do. */
    *seconds = fake_time * (double)iterations * (1.0 + 0.01 * (runs % 5));
    return KERNEL_OK;
}
static void teardown(void *s) { (void)s; teardowns++; }
static void describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    (void)p;
    fact(ctx, "fake_backend", "yes");
}

static const struct kernel_backend good = {
    "good", "Good", "fake", impl_list, always, fits, setup, verify_ok, run,
    teardown, describe, 0, 0,
};
static const struct kernel_backend wrong = {
    "wrong", "Wrong", "fake", impl_list, always, fits, setup, verify_wrong, run,
    teardown, describe, 0, 0,
};

static struct point make_point(const struct kernel_backend *b, long n, long samples)
{
    struct point p;
    memset(&p, 0, sizeof p);
    p.backend = b;
    snprintf(p.impl, sizeof p.impl, "fake");
    p.k.impl = NULL; /* the default, "fake": p.impl would not survive the copy out */
    p.k.op = kernel_op_find("matvec");
    p.k.n = n;
    p.k.axis = -1;
    p.sampling = (struct sampling){ .iterations = 10, .warmup = 2, .samples = samples,
                                    .max_samples = samples, .max_time = 10 };
    return p;
}

static void test_good_point(void)
{
    struct point p = make_point(&good, 8, 7);
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    setups = runs = teardowns = 0;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_OK, "%s", err);
    CHECK(m.count == 7, "count %ld", m.count);
    CHECK(runs == 2 + 7, "warm-up and samples: %d runs", runs);
    CHECK(setups == 1 && teardowns == 1, "setup %d teardown %d", setups, teardowns);
    CHECK_NEAR(m.per_call[0], m.batch[0] / 10.0, 1e-15);
    CHECK(m.stats.median >= 1e-3 && m.stats.median <= 1.05e-3, "median %g", m.stats.median);
    measurement_free(&m);
}

/* settle: that many untimed calls of the point right before each sample,
 * outside the sample's time and the point's sampled seconds. */
static void test_settle(void)
{
    struct point p = make_point(&good, 8, 7);
    p.sampling.settle = 3;
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    setups = runs = teardowns = 0;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_OK, "%s", err);
    CHECK(m.count == 7, "count %ld", m.count);
    CHECK(runs == 2 + 7 * 2, "warm-up, then a settling run and a sample each: %d runs", runs);
    for (long i = 0; i < m.count; i++)
        CHECK_NEAR(m.per_call[i], m.batch[i] / 10.0, 1e-15);
    CHECK(m.times.settle_s >= 0.0 && m.sampled_s >= 0.0, "times %g %g", m.times.settle_s, m.sampled_s);
    measurement_free(&m);
}

static void test_wrong_point_is_never_timed(void)
{
    struct point p = make_point(&wrong, 8, 5);
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    setups = runs = teardowns = 0;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_WRONG, "status");
    CHECK(runs == 0, "a wrong kernel was timed %d times", runs);
    CHECK(teardowns == 1, "teardown %d", teardowns);
    CHECK(m.count == 0 && m.per_call == NULL, "no samples kept");
    CHECK(strstr(err, "exceeds tolerance") != NULL, "err: %s", err);
}

static void test_memory_guard(void)
{
    struct point p = make_point(&good, 1000, 5); /* 8 MB > 1 MB free */
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    setups = 0;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_NO_MEMORY, "status");
    CHECK(setups == 0, "setup ran for a point that does not fit");
    CHECK(strcmp(err, "needs 8.0 MB of host memory, 1.0 MB available") == 0, "err: %s", err);
}

static void test_adaptive_stop(void)
{
    struct point p = make_point(&good, 8, 5);
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    p.sampling.max_samples = 50;
    p.sampling.target_rel_ci = 0.5; /* met as soon as samples are taken */
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_OK, "%s", err);
    CHECK(m.count == 5, "stopped after %ld samples, want 5", m.count);
    measurement_free(&m);
    p.sampling.target_rel_ci = 1e-12; /* never met: runs to max_samples */
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_OK, "%s", err);
    CHECK(m.count == 50, "stopped after %ld samples, want 50", m.count);
    measurement_free(&m);
}

static void test_auto_iterations(void)
{
    struct point p = make_point(&good, 8, 3);
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    p.sampling.iterations = 0;
    p.sampling.min_batch_time = 0.05; /* 1 ms a call: at least 50 calls */
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_OK, "%s", err);
    /* sized from a batch timed well: 8% over the target, the fake's 4% of spread aside */
    CHECK(m.iterations >= 50 && m.iterations <= 60, "iterations %ld", m.iterations);
    CHECK(m.batch[0] >= 0.05, "batch %g", m.batch[0]);
    measurement_free(&m);
}

/* Sample counts whose arrays would not fit in size_t are refused, never
 * allocated short (samples = 2^61 once wrapped to a 0-byte buffer). */
static void test_sample_counts_are_checked(void)
{
    struct point p = make_point(&good, 8, 10);
    struct measurement m;
    char err[KERNEL_ERR_LEN] = "";
    p.sampling.max_samples = (1L << 61) + 1;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_NO_MEMORY, "status");
    CHECK(strcmp(err, "out of memory for 2305843009213693953 samples") == 0, "err: %s", err);
    CHECK(m.count == 0 && m.per_call == NULL && m.batch == NULL, "nothing kept");
    p.sampling.samples = 1L << 61;
    p.sampling.max_samples = 10;
    CHECK(measure_point(&p, &m, NULL, NULL, err) == KERNEL_ERROR, "status");
    CHECK(strstr(err, "need 1 <= samples <= max_samples") != NULL, "err: %s", err);
}

/* Counts the data lines of a file; -1 if it does not exist. */
static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int lines = 0, c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    return lines;
}

/* Whether the small file at path contains text. */
static int file_has(const char *path, const char *text)
{
    char buf[65536];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return strstr(buf, text) != NULL;
}

/* The entries of folder path, . and .. excepted. */
static int entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* A point that cannot run (too big) at the first N: the later N are still
 * measured and written. */
static void test_failed_group_keeps_the_later(void)
{
    char dir[256], path[512];
    snprintf(dir, sizeof dir, "%s/measure-later.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    struct point points[2] = { make_point(&good, 400, 3), make_point(&good, 16, 3) };
    struct experiment e = { .name = "later", .script = "tests/unit/test_measure.c", .line = 1,
                            .params = "{ fake }", .seed = "1", .points = points, .count = 2 };
    struct run_options o = { .out_dir = dir, .profile = "test", .run_id = "test-run-2", .quiet = 1 };
    CHECK(run_experiment(&e, &o) == EXIT_POINT, "exit code says a point could not run");
    snprintf(path, sizeof path, "%s/later/summary.csv", dir);
    CHECK(count_lines(path) == 2, "summary: header + the later point, got %d lines", count_lines(path));
    snprintf(path, sizeof path, "%s/later/provenance.csv", dir);
    CHECK(file_has(path, "\nfailed_point_1,"), "the provenance names the failed point");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "%s", cmd);
}

static void test_failed_point_keeps_the_others(void)
{
    char dir[256], path[512];
    snprintf(dir, sizeof dir, "%s/measure.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid());
    struct point points[3] = { make_point(&good, 8, 3), make_point(&wrong, 8, 3),
                               make_point(&good, 16, 3) };
    struct experiment e = { .name = "mixed", .script = "tests/unit/test_measure.c", .line = 1,
                            .params = "{ fake }", .seed = "1", .points = points, .count = 3 };
    struct run_options o = { .out_dir = dir, .profile = "test", .run_id = "test-run-1", .quiet = 1 };
    CHECK(run_experiment(&e, &o) == EXIT_WRONG, "exit code says a result was wrong");
    snprintf(path, sizeof path, "%s/mixed/summary.csv", dir);
    CHECK(count_lines(path) == 3, "summary: header + 2 good points, got %d lines", count_lines(path));
    snprintf(path, sizeof path, "%s/mixed/samples.csv", dir);
    CHECK(count_lines(path) == 1 + 2 * 3, "samples: %d lines", count_lines(path));
    snprintf(path, sizeof path, "%s/mixed/provenance.csv", dir);
    CHECK(count_lines(path) > 5, "provenance: %d lines", count_lines(path));
    snprintf(path, sizeof path, "%s/mixed/provenance.csv", dir);
    CHECK(file_has(path, "\nrun_id,test-run-1\n") && file_has(path, "\nsummary_rows,2\n") &&
          file_has(path, "\nsamples_rows,6\n"), "provenance lacks the run id or the row counts");
    snprintf(path, sizeof path, "%s/mixed/summary.csv", dir);
    CHECK(file_has(path, ",seed,disturbed,paired,device,run_id\n") && file_has(path, ",cpu,test-run-1\n"),
          "summary lacks the device or run_id columns");
    /* the journal stays while the set lacks a point, for runner run --resume */
    snprintf(path, sizeof path, "%s/.mixed.journal", dir);
    CHECK(count_lines(path) == 1 + 2 * 2, "journal: header, a fact and a record for each good point, "
          "got %d lines", count_lines(path));
    CHECK(entries(dir) == 2, "%s holds %d entries, want only mixed/ and .mixed.journal", dir,
          entries(dir));

    struct experiment all_wrong = { .name = "allwrong", .script = "tests/unit/test_measure.c",
                                    .params = "{}", .seed = "1", .points = &points[1], .count = 1 };
    CHECK(run_experiment(&all_wrong, &o) == EXIT_WRONG, "exit code");
    snprintf(path, sizeof path, "%s/allwrong/summary.csv", dir);
    CHECK(count_lines(path) == -1, "nothing written when no point succeeded");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

int main(void)
{
    test_good_point();
    test_settle();
    test_wrong_point_is_never_timed();
    test_memory_guard();
    test_adaptive_stop();
    test_auto_iterations();
    test_sample_counts_are_checked();
    test_failed_point_keeps_the_others();
    test_failed_group_keeps_the_later();
    return check_report("measure");
}
