/* test_rounds.c: points measured together in rounds, with fake backends:
 * every round samples each point once, in an order shuffled from the seed
 * and recorded (the same seed gives the same orders); a drift that slows
 * every point alike leaves the paired ratio's interval narrow where the
 * unpaired one is wide; a round flagged as throttled (the test hook that
 * stands in for NVML) is kept, marked and left out of the statistics; points
 * that do not fit in memory together are measured one at a time, and the
 * note says so. A claim's pair keeps its group in rounds past the points'
 * own stop until its paired ratio is within its precision, never past the
 * points' max_samples, and not once one of its points has failed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rounds.h"

static const struct kernel_impl impl_list[] = {
    { "matvec", "fake", TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
    { NULL, NULL, TRAFFIC_MATERIALISED, { NULL, NULL }, 0 },
};

/* The fake's state: its time per call, its calls so far, and the draws of
 * its noise. */
struct fake {
    double per_call;
    long calls;
    uint64_t seed, rng;
};

static long clock_ticks;      /* every batch of every point: the machine's "time" */
static double drift_per_tick; /* each batch takes (1 + drift_per_tick * clock_ticks) longer */
static size_t host_free = 1u << 30;
static double noise;          /* > 0: each batch up to this fraction longer, drawn per point */
static uint64_t failing_seed = UINT64_MAX; /* the point of this seed fails ... */
static long failing_call;                  /* ... at this call */

static int always(char *reason) { (void)reason; return 1; }
static int memory(const struct kernel_point *p, struct kernel_memory *m, char *err)
{
    (void)err;
    memset(m, 0, sizeof *m);
    m->host_need = (size_t)p->n * (size_t)p->n * 8u;
    m->host_free = host_free;
    return KERNEL_OK;
}
static int setup(const struct kernel_point *p, void **state, char *err)
{
    (void)err;
    struct fake *f = calloc(1, sizeof *f);
    if (!f)
        return KERNEL_NO_MEMORY;
    f->per_call = 1e-3 * (double)(p->seed % 10 + 1); /* the seed tells the points apart */
    f->seed = f->rng = p->seed;
    *state = f;
    return KERNEL_OK;
}
static int verify(void *s, struct kernel_check *c, char *err)
{
    (void)s, (void)err;
    c->rel_err = 1e-9, c->tolerance = 1e-6, c->unwritten = 0;
    return KERNEL_OK;
}
static int run(void *s, long iterations, double *seconds, char *err)
{
    struct fake *f = s;
    f->calls++;
    clock_ticks++;
    if (f->seed == failing_seed && f->calls == failing_call)
        return snprintf(err, KERNEL_ERR_LEN, "the fake fails"), KERNEL_ERROR;
    /* noise of its own (1% steps, or uniform up to `noise`), then the machine's drift */
    double own = noise > 0 ? 1.0 + noise * (double)(rounds_random(&f->rng) >> 11) * 0x1p-53
                           : 1.0 + 0.01 * (double)(f->calls % 3);
    *seconds = f->per_call * (double)iterations * own * (1.0 + drift_per_tick * (double)clock_ticks);
    return KERNEL_OK;
}
static void teardown(void *s) { free(s); }
static void describe(const struct kernel_point *p, kernel_fact_fn fact, void *ctx)
{
    (void)p, (void)fact, (void)ctx;
}

static const struct kernel_backend fake = {
    "fake", "Fake", "fake", impl_list, always, memory, setup, verify, run, teardown, describe, 0, 0,
};

static struct point make_point(uint64_t seed, long samples)
{
    struct point p;
    memset(&p, 0, sizeof p);
    p.backend = &fake;
    snprintf(p.impl, sizeof p.impl, "fake");
    p.k.impl = NULL; /* the default, "fake": p.impl would not survive the copy out */
    p.k.op = kernel_op_find("matvec");
    p.k.n = 100;
    p.k.axis = -1;
    p.k.seed = seed;
    p.sampling = (struct sampling){ .iterations = 10, .warmup = 0, .samples = samples,
                                    .max_samples = samples, .max_time = 10 };
    return p;
}

/* Measures count points (seeds 1..count) in rounds; pts has room. */
static int measure(struct point *points, struct rounds_point *pts, size_t count, long samples,
                   uint64_t seed, struct disturb *d, char *note)
{
    for (size_t i = 0; i < count; i++) {
        points[i] = make_point(i, samples);
        pts[i].point = &points[i];
    }
    return rounds_measure(pts, count, NULL, 0, seed, d, note, KERNEL_ERR_LEN);
}

static void free_all(struct rounds_point *pts, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (pts[i].status == KERNEL_OK)
            measurement_free(&pts[i].m);
}

/* The shuffle: a permutation, the same from the same seed, another from another. */
static void test_shuffle(void)
{
    size_t a[10], b[10], c[10];
    uint64_t sa = 42, sb = 42, sc = 43;
    for (size_t i = 0; i < 10; i++)
        a[i] = b[i] = c[i] = i;
    rounds_shuffle(a, 10, &sa);
    rounds_shuffle(b, 10, &sb);
    rounds_shuffle(c, 10, &sc);
    CHECK(memcmp(a, b, sizeof a) == 0, "the same seed gave two orders");
    CHECK(memcmp(a, c, sizeof a) != 0, "seeds 42 and 43 gave one order");
    int seen[10] = { 0 };
    for (size_t i = 0; i < 10; i++)
        seen[a[i]]++;
    int perm = 1;
    for (size_t i = 0; i < 10; i++)
        perm &= seen[i] == 1;
    CHECK(perm, "the shuffle is not a permutation");
}

/* Every round samples each point once; the orders recorded are those the
 * seed gives, and differ from round to round. */
static void test_rounds_recorded(void)
{
    enum { P = 4, S = 7 };
    struct point points[P];
    struct rounds_point pts[P];
    char note[KERNEL_ERR_LEN];
    drift_per_tick = 0;
    CHECK(measure(points, pts, P, S, 99, NULL, note) == 0, "interrupted");
    CHECK(note[0] == '\0', "note: %s", note);
    uint64_t rng = 99;
    int differ = 0;
    size_t first[P];
    for (long r = 1; r <= S; r++) {
        size_t order[P] = { 0, 1, 2, 3 };
        rounds_shuffle(order, P, &rng);
        if (r == 1)
            memcpy(first, order, sizeof first);
        differ |= memcmp(first, order, sizeof first) != 0;
        for (int j = 0; j < P; j++) {
            const struct measurement *m = &pts[order[j]].m;
            CHECK(m->round[r - 1] == r && m->order[r - 1] == j + 1,
                  "point %zu, round %ld: recorded round %ld order %d, want order %d", order[j], r,
                  m->round[r - 1], m->order[r - 1], j + 1);
        }
    }
    CHECK(differ, "every round had the same order");
    for (int i = 0; i < P; i++)
        CHECK(pts[i].status == KERNEL_OK && pts[i].m.count == S && pts[i].m.clean_count == S,
              "point %d: status %d, %ld samples", i, pts[i].status, pts[i].m.count);
    free_all(pts, P);
}

/* A machine that slows down by half during the run: each series spreads
 * widely, their ratio (2, point seed 1 over seed 0) stays put. */
static void test_drift(void)
{
    enum { S = 10 };
    struct point points[2];
    struct rounds_point pts[2];
    char note[KERNEL_ERR_LEN];
    clock_ticks = 0;
    drift_per_tick = 0.05;
    CHECK(measure(points, pts, 2, S, 7, NULL, note) == 0, "interrupted");
    drift_per_tick = 0;
    const struct stats_summary *a = &pts[1].m.stats, *b = &pts[0].m.stats;
    double lo = a->ci_low / b->ci_high, hi = a->ci_high / b->ci_low;
    CHECK(hi / lo > 1.5, "unpaired interval [%g, %g] is not wide", lo, hi);
    struct stats_summary r;
    CHECK(stats_paired_ratio(pts[1].m.per_call, pts[0].m.per_call, S, 0.95, &r) == 0, "paired failed");
    CHECK(r.ci_high / r.ci_low < 1.1, "paired interval [%g, %g] is not narrow", r.ci_low, r.ci_high);
    CHECK(r.ci_low <= 2.05 && r.ci_high >= 1.95, "paired interval [%g, %g] misses 2", r.ci_low, r.ci_high);
    free_all(pts, 2);
}

/* Rounds 2 and 4 flagged as throttled: their samples are kept and marked,
 * the statistics count the other rounds alone, and the point takes more
 * rounds to reach its samples. */
static void test_throttle_hook(void)
{
    enum { P = 2, S = 6 };
    struct point points[P];
    struct rounds_point pts[P];
    char note[KERNEL_ERR_LEN], err[256];
    setenv("FLOPBENCH_TEST_THROTTLE", "2,4", 1);
    struct disturb *d = disturb_open(0, err, sizeof err);
    CHECK(d != NULL, "%s", err);
    if (!d)
        return;
    CHECK(measure(points, pts, P, S, 5, d, note) == 0, "interrupted");
    for (int i = 0; i < P; i++) {
        const struct measurement *m = &pts[i].m;
        CHECK(m->count == S + 2 && m->clean_count == S, "point %d: %ld samples, %ld clean", i, m->count,
              m->clean_count);
        for (long k = 0; k < m->count; k++) {
            int flagged = m->round[k] == 2 || m->round[k] == 4;
            CHECK(((m->reading[k].flags & DISTURB_THROTTLED) != 0) == flagged && (!flagged || m->reading[k].throttle == 0x40),
                  "point %d round %ld: flags %d", i, m->round[k], m->reading[k].flags);
        }
        CHECK(m->stats.count == S, "statistics over %ld samples", m->stats.count);
    }
    free_all(pts, P);
    disturb_close(d);
    setenv("FLOPBENCH_TEST_THROTTLE", "2,x", 1);
    CHECK(disturb_open(0, err, sizeof err) == NULL && strstr(err, "FLOPBENCH_TEST_THROTTLE"),
          "a malformed hook was taken: %s", err);
    unsetenv("FLOPBENCH_TEST_THROTTLE");
}

/* Every round throttled: the point fails, saying so. */
static void test_all_disturbed(void)
{
    struct point points[1];
    struct rounds_point pts[1];
    char note[KERNEL_ERR_LEN], err[256];
    setenv("FLOPBENCH_TEST_THROTTLE", "1,2,3,4", 1);
    struct disturb *d = disturb_open(0, err, sizeof err);
    unsetenv("FLOPBENCH_TEST_THROTTLE");
    CHECK(d != NULL, "%s", err);
    if (!d)
        return;
    CHECK(measure(points, pts, 1, 2, 5, d, note) == 0, "interrupted");
    CHECK(pts[0].status == KERNEL_ERROR && strstr(pts[0].err, "disturbed"), "status %d: %s",
          pts[0].status, pts[0].err);
    disturb_close(d);
}

/* Three points that fit alone (80 KB each) but not together (100 KB free):
 * each is measured in its own rounds. With 170 KB free, two fit: the first
 * two are measured together, the third after them. */
static void test_smaller_groups(void)
{
    enum { P = 3, S = 6 };
    struct point points[P];
    struct rounds_point pts[P];
    char note[KERNEL_ERR_LEN];
    host_free = 100000;
    CHECK(measure(points, pts, P, S, 5, NULL, note) == 0, "interrupted");
    CHECK(strstr(note, "3 points together needs 240.0 KB of host memory, 100.0 KB available") &&
          strstr(note, "smaller groups"), "note: %s", note);
    for (int i = 0; i < P; i++) {
        const struct measurement *m = &pts[i].m;
        CHECK(pts[i].status == KERNEL_OK && m->count == S, "point %d: %ld samples", i, m->count);
        CHECK(m->round[0] == i * S + 1 && m->order[0] == 1, "point %d starts at round %ld", i, m->round[0]);
    }
    free_all(pts, P);
    host_free = 170000;
    CHECK(measure(points, pts, P, S, 5, NULL, note) == 0, "interrupted");
    CHECK(pts[0].m.round[0] == 1 && pts[1].m.round[0] == 1 && pts[2].m.round[0] == S + 1,
          "rounds start at %ld, %ld, %ld", pts[0].m.round[0], pts[1].m.round[0], pts[2].m.round[0]);
    CHECK(pts[0].paired && pts[1].paired && !pts[2].paired, "paired %d %d %d", pts[0].paired,
          pts[1].paired, pts[2].paired);
    free_all(pts, P);
    host_free = 1u << 30;
}

/* Two points (seeds 0 and 1: 1 ms and 2 ms a call) whose own rule stops
 * them at 7 samples (a loose target_rel_ci), with room for max samples,
 * measured in rounds with pairs[0..npairs). */
static int measure_paired(struct point *points, struct rounds_point *pts, long max,
                          struct rounds_pair *pairs, size_t npairs)
{
    char note[KERNEL_ERR_LEN];
    for (size_t i = 0; i < 2; i++) {
        points[i] = make_point(i, 7);
        points[i].sampling.max_samples = max;
        points[i].sampling.target_rel_ci = 0.5;
        pts[i].point = &points[i];
    }
    int status = rounds_measure(pts, 2, pairs, npairs, 11, NULL, note, KERNEL_ERR_LEN);
    CHECK(note[0] == '\0', "note: %s", note);
    return status;
}

/* The pair (point 1 over point 0) at precision p and level 0.95. */
static struct rounds_pair pair_of(double precision)
{
    return (struct rounds_pair){ .num = 1, .den = 0, .precision = precision, .level = 0.95 };
}

/* With 20% noise on each point the per-round ratio is noisy: without a
 * pair the group stops at the points' own 7 samples; with one at 3% it
 * goes on exactly until the paired interval reaches 95% coverage and 3%,
 * and a pair met at once changes nothing. */
static void test_pair_precision(void)
{
    struct point points[2];
    struct rounds_point pts[2];
    noise = 0.2;
    CHECK(measure_paired(points, pts, 200, NULL, 0) == 0, "interrupted");
    CHECK(pts[0].m.count == 7 && pts[1].m.count == 7, "without a pair: %ld and %ld samples",
          pts[0].m.count, pts[1].m.count);
    struct stats_summary r;
    CHECK(stats_paired_ratio(pts[1].m.per_call, pts[0].m.per_call, 7, 0.95, &r) == 0 &&
          r.rel_ci > 0.03, "7 rounds already give rel_ci %g: the test shows nothing", r.rel_ci);
    free_all(pts, 2);

    struct rounds_pair loose = pair_of(0.9);
    CHECK(measure_paired(points, pts, 200, &loose, 1) == 0, "interrupted");
    CHECK(pts[0].m.count == 7 && pts[1].m.count == 7 && loose.stop == ROUNDS_MET,
          "a pair met at once: %ld and %ld samples, stop %d", pts[0].m.count, pts[1].m.count,
          (int)loose.stop);
    free_all(pts, 2);

    struct rounds_pair q = pair_of(0.03);
    CHECK(measure_paired(points, pts, 200, &q, 1) == 0, "interrupted");
    long n = pts[0].m.count;
    CHECK(n > 7 && n < 200 && pts[1].m.count == n, "with a pair: %ld and %ld samples", n,
          pts[1].m.count);
    CHECK(q.stop == ROUNDS_MET && q.ratio.count == n && q.ratio.rel_ci <= 0.03 &&
          q.ratio.ci_level >= 0.95, "pair: stop %d over %ld rounds, rel_ci %g at %g", (int)q.stop,
          q.ratio.count, q.ratio.rel_ci, q.ratio.ci_level);
    CHECK(q.ratio.ci_low <= 2.0 && q.ratio.ci_high >= 2.0, "[%g, %g] misses 2", q.ratio.ci_low,
          q.ratio.ci_high);
    CHECK(stats_paired_ratio(pts[1].m.per_call, pts[0].m.per_call, n - 1, 0.95, &r) == 0 &&
          !rounds_pair_met(&r, 0.95, 0.03), "met a round earlier (rel_ci %g): it overshot", r.rel_ci);
    free_all(pts, 2);
    noise = 0;
}

/* A precision the noise cannot reach in 60 rounds: the points stop at
 * max_samples, and the pair says so. */
static void test_pair_unreachable(void)
{
    struct point points[2];
    struct rounds_point pts[2];
    struct rounds_pair q = pair_of(0.001);
    noise = 0.2;
    CHECK(measure_paired(points, pts, 60, &q, 1) == 0, "interrupted");
    CHECK(pts[0].m.count == 60 && pts[1].m.count == 60 && pts[0].m.clean_count == 60,
          "%ld and %ld samples, want max_samples 60", pts[0].m.count, pts[1].m.count);
    CHECK(q.stop == ROUNDS_FULL && q.ratio.count == 60 && q.ratio.rel_ci > 0.001,
          "pair: stop %d over %ld rounds, rel_ci %g", (int)q.stop, q.ratio.count, q.ratio.rel_ci);
    free_all(pts, 2);
    noise = 0;
}

/* Point 1 fails at its 10th call: the pair no longer holds the group, and
 * point 0 stops with the round it was in. */
static void test_pair_failed_point(void)
{
    struct point points[2];
    struct rounds_point pts[2];
    struct rounds_pair q = pair_of(0.001);
    noise = 0.2;
    failing_seed = 1, failing_call = 10;
    CHECK(measure_paired(points, pts, 200, &q, 1) == 0, "interrupted");
    failing_seed = UINT64_MAX;
    CHECK(pts[1].status == KERNEL_ERROR && strstr(pts[1].err, "the fake fails"), "point 1: %d %s",
          pts[1].status, pts[1].err);
    CHECK(pts[0].status == KERNEL_OK && pts[0].m.count == 10, "point 0: status %d, %ld samples",
          pts[0].status, pts[0].m.count);
    CHECK(q.stop == ROUNDS_FAILED && q.ratio.count == 0, "pair: stop %d, %ld rounds", (int)q.stop,
          q.ratio.count);
    free_all(pts, 2);
    noise = 0;
}

/* Throttled rounds 2 and 4 are left out of the pair's ratio, as of the
 * points' statistics. */
static void test_pair_disturbed(void)
{
    struct point points[2];
    struct rounds_point pts[2];
    char note[KERNEL_ERR_LEN], err[256];
    struct rounds_pair q = pair_of(0.03);
    setenv("FLOPBENCH_TEST_THROTTLE", "2,4", 1);
    struct disturb *d = disturb_open(0, err, sizeof err);
    unsetenv("FLOPBENCH_TEST_THROTTLE");
    CHECK(d != NULL, "%s", err);
    if (!d)
        return;
    noise = 0.2;
    for (size_t i = 0; i < 2; i++) {
        points[i] = make_point(i, 7);
        points[i].sampling.max_samples = 200;
        points[i].sampling.target_rel_ci = 0.5;
        pts[i].point = &points[i];
    }
    CHECK(rounds_measure(pts, 2, &q, 1, 11, d, note, KERNEL_ERR_LEN) == 0, "interrupted");
    const struct measurement *m = &pts[0].m;
    CHECK(m->count == m->clean_count + 2 && q.ratio.count == m->clean_count && q.stop == ROUNDS_MET,
          "%ld samples, %ld clean, pair over %ld rounds, stop %d", m->count, m->clean_count,
          q.ratio.count, (int)q.stop);
    free_all(pts, 2);
    disturb_close(d);
    noise = 0;
}

/* rounds_pair_ratio pairs by round number: a round one point sat out, or
 * that was disturbed, is left out. */
static void test_pair_ratio_rounds(void)
{
    struct measurement a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    CHECK(measurement_alloc(&a, 5) == 0 && measurement_alloc(&b, 5) == 0, "out of memory");
    if (!a.per_call || !b.per_call)
        return;
    const long ra[] = { 1, 2, 3, 4, 5 }, rb[] = { 1, 3, 5 };
    for (long i = 0; i < 5; i++)
        a.round[i] = ra[i], a.per_call[i] = 2.0 * (double)ra[i];
    for (long i = 0; i < 3; i++)
        b.round[i] = rb[i], b.per_call[i] = (double)rb[i];
    a.count = 5, b.count = 3;
    b.reading[1].flags = DISTURB_THROTTLED; /* round 3 */
    struct stats_summary r;
    CHECK(rounds_pair_ratio(&a, &b, 0.95, &r) == 0 && r.count == 2 && r.median == 2.0,
          "over %ld rounds, median %g", r.count, r.median);
    b.count = 0;
    CHECK(rounds_pair_ratio(&a, &b, 0.95, &r) == 1 && r.count == 0, "no shared round: count %ld",
          r.count);
    measurement_free(&a);
    measurement_free(&b);
}

/* A pair whose points did not fit in memory together: each is measured in
 * its own rounds and stops at its own rule; the pair has no ratio. */
static void test_pair_apart(void)
{
    struct point points[2];
    struct rounds_point pts[2];
    char note[KERNEL_ERR_LEN];
    struct rounds_pair q = pair_of(0.001);
    host_free = 100000;
    for (size_t i = 0; i < 2; i++) {
        points[i] = make_point(i, 7);
        points[i].sampling.max_samples = 200;
        points[i].sampling.target_rel_ci = 0.5;
        pts[i].point = &points[i];
    }
    CHECK(rounds_measure(pts, 2, &q, 1, 11, NULL, note, KERNEL_ERR_LEN) == 0, "interrupted");
    host_free = 1u << 30;
    CHECK(strstr(note, "smaller groups") != NULL, "note: %s", note);
    CHECK(pts[0].m.count == 7 && pts[1].m.count == 7, "%ld and %ld samples", pts[0].m.count,
          pts[1].m.count);
    CHECK(q.stop == ROUNDS_UNPAIRED && q.ratio.count == 0, "pair: stop %d, %ld rounds", (int)q.stop,
          q.ratio.count);
    free_all(pts, 2);
}

int main(void)
{
    test_shuffle();
    test_rounds_recorded();
    test_drift();
    test_throttle_hook();
    test_all_disturbed();
    test_smaller_groups();
    test_pair_precision();
    test_pair_unreachable();
    test_pair_failed_point();
    test_pair_disturbed();
    test_pair_ratio_rounds();
    test_pair_apart();
    return check_report("rounds");
}
