/* rounds.c: the points of a group measured together, round by round. */
#include "rounds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

uint64_t rounds_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* The modulo's bias is below count / 2^64: nothing a round could show. */
void rounds_shuffle(size_t *order, size_t count, uint64_t *state)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)(rounds_random(state) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* Fails point p with status and its reason already in p->err. */
static void fail_point(struct rounds_point *p, int status)
{
    measure_end(p->point, p->state, NULL);
    p->state = NULL;
    if (p->status == KERNEL_OK)
        measurement_free(&p->m);
    p->status = status;
}

/* Adds what point p needs to sum, and keeps the least free memory seen. */
static void add_need(struct kernel_memory *sum, const struct kernel_memory *m)
{
    sum->host_need += m->host_need;
    sum->device_need += m->device_need;
    sum->host_free = m->host_free < sum->host_free ? m->host_free : sum->host_free;
    sum->device_free = m->device_free < sum->device_free ? m->device_free : sum->device_free;
}

/* Checks each point alone (one that does not fit fails here, its need in
 * mem[i]), then all of them at once: 1 if those that fit alone fit together. */
static int fit_together(struct rounds_point *pts, size_t count, struct kernel_memory *mem, char *note,
                        size_t notelen)
{
    struct kernel_memory sum = { 0, SIZE_MAX, 0, SIZE_MAX };
    size_t fitting = 0;
    for (size_t i = 0; i < count; i++) {
        double start = host_clock_seconds();
        pts[i].status = measure_memory(pts[i].point, &mem[i], pts[i].err);
        pts[i].memory_s = host_clock_seconds() - start;
        if (pts[i].status == KERNEL_OK)
            pts[i].status = measure_fits(&mem[i], pts[i].err);
        if (pts[i].status != KERNEL_OK)
            continue;
        fitting++;
        add_need(&sum, &mem[i]);
    }
    char why[KERNEL_ERR_LEN];
    if (fitting < 2 || measure_fits(&sum, why) == KERNEL_OK)
        return 1;
    snprintf(note, notelen, "%zu points together %s: measured in smaller groups, in order, each as many as fit", fitting, why);
    return 0;
}

/* How many points from pts[0] on fit together (at least one). */
static size_t fitting_run(const struct rounds_point *pts, const struct kernel_memory *mem, size_t count)
{
    struct kernel_memory sum = { 0, SIZE_MAX, 0, SIZE_MAX };
    char why[KERNEL_ERR_LEN];
    size_t k = 0;
    for (; k < count; k++) {
        if (pts[k].status != KERNEL_OK)
            continue;
        struct kernel_memory next = sum;
        add_need(&next, &mem[k]);
        if (k > 0 && measure_fits(&next, why) != KERNEL_OK)
            break;
        sum = next;
    }
    return k ? k : 1;
}

/* Starts the points of pts[0..count) that are still OK. */
static void start_all(struct rounds_point *pts, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (pts[i].status != KERNEL_OK)
            continue;
        if (measure_interrupted) { /* nothing more is set up: the run is stopping */
            snprintf(pts[i].err, KERNEL_ERR_LEN, "interrupted");
            pts[i].status = KERNEL_ERROR;
            continue;
        }
        pts[i].status = measure_start(pts[i].point, &pts[i].state, &pts[i].m, pts[i].err);
        if (pts[i].status != KERNEL_OK)
            pts[i].state = NULL;
    }
}

/* 1 while some live point of pts[0..count) has not met its stopping rule. */
static int any_wanting(const struct rounds_point *pts, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (pts[i].state && !measure_done(pts[i].point, &pts[i].m))
            return 1;
    return 0;
}

int rounds_pair_ratio(const struct measurement *a, const struct measurement *b, double level,
                      struct stats_summary *out)
{
    memset(out, 0, sizeof *out);
    long most = a->count < b->count ? a->count : b->count;
    if (most < 1)
        return 1;
    double *num = malloc((size_t)most * sizeof *num), *den = malloc((size_t)most * sizeof *den);
    long n = 0;
    /* each measurement's rounds increase: walk both in step */
    for (long i = 0, k = 0; num && den && i < a->count && k < b->count;) {
        if (a->round[i] != b->round[k]) {
            int behind = a->round[i] < b->round[k];
            i += behind;
            k += !behind;
            continue;
        }
        if (!a->reading[i].flags && !b->reading[k].flags) {
            num[n] = a->per_call[i];
            den[n] = b->per_call[k];
            n++;
        }
        i++, k++;
    }
    int status = !num || !den ? -1 : n == 0 ? 1 : stats_paired_ratio(num, den, n, level, out) ? -1 : 0;
    free(num);
    free(den);
    return status;
}

int rounds_pair_met(const struct stats_summary *r, double level, double precision)
{
    return r->count > 0 && r->ci_level >= level && r->rel_ci <= precision;
}

/* 1 while some pair of pairs[0..npairs) whose two points are among
 * pts[0..count) (pts[0] being the group's point base) is short of its
 * target, and both its points are live and not full. A pair whose ratio
 * cannot be computed (out of memory) leaves the stop to the points' rules. */
static int pair_wanting(const struct rounds_point *pts, size_t count, const struct rounds_pair *pairs,
                        size_t npairs, size_t base)
{
    for (size_t i = 0; i < npairs; i++) {
        const struct rounds_pair *q = &pairs[i];
        if (q->num < base || q->den < base || q->num - base >= count || q->den - base >= count)
            continue;
        const struct rounds_point *a = &pts[q->num - base], *b = &pts[q->den - base];
        if (!a->state || !b->state || measure_full(a->point, &a->m) || measure_full(b->point, &b->m))
            continue;
        struct stats_summary r;
        if (rounds_pair_ratio(&a->m, &b->m, q->level, &r) >= 0 &&
            !rounds_pair_met(&r, q->level, q->precision))
            return 1;
    }
    return 0;
}

/* Fills each pair's ratio and why its rounds stopped, from pts[0..count)
 * as measured. */
static void pair_outcomes(const struct rounds_point *pts, size_t count, struct rounds_pair *pairs,
                          size_t npairs)
{
    for (size_t i = 0; i < npairs; i++) {
        struct rounds_pair *q = &pairs[i];
        memset(&q->ratio, 0, sizeof q->ratio);
        q->stop = ROUNDS_FAILED;
        if (q->num >= count || q->den >= count || pts[q->num].status != KERNEL_OK ||
            pts[q->den].status != KERNEL_OK)
            continue;
        int got = rounds_pair_ratio(&pts[q->num].m, &pts[q->den].m, q->level, &q->ratio);
        if (got == 1)
            q->stop = ROUNDS_UNPAIRED;
        else if (got == 0)
            q->stop = rounds_pair_met(&q->ratio, q->level, q->precision) ? ROUNDS_MET : ROUNDS_FULL;
    }
}

/* One round over the live points of pts[0..count) that have room, in a
 * shuffled order; order is scratch room for count indices. */
static void take_round(struct rounds_point *pts, size_t count, long round, size_t *order,
                       uint64_t *rng, struct disturb *d)
{
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (pts[i].state && !measure_full(pts[i].point, &pts[i].m))
            order[k++] = i;
    rounds_shuffle(order, k, rng);
    if (d)
        disturb_round_begin(d);
    for (size_t j = 0; j < k; j++) {
        struct rounds_point *p = &pts[order[j]];
        int status = measure_sample(p->point, p->state, &p->m, round, (int)j + 1, p->err);
        if (status != KERNEL_OK)
            fail_point(p, status);
    }
    struct disturb_reading r = { .sm_mhz = NAN, .mem_mhz = NAN, .steal = NAN, .cpu_mhz = NAN };
    if (d)
        disturb_round_end(d, round, &r);
    for (size_t j = 0; j < k; j++) {
        struct rounds_point *p = &pts[order[j]];
        if (p->state && measure_record(&p->m, p->m.count - 1, &r, p->err) != KERNEL_OK)
            fail_point(p, KERNEL_ERROR);
    }
}

/* The pairs of a group, and the place in the group of the first point a
 * run of rounds measures. */
struct pair_set {
    const struct rounds_pair *pairs;
    size_t count, base;
};

/* Rounds over pts[0..count) until every point has met its rule and every
 * pair of ps among them its target; *round carries the round number on.
 * Returns -1 if interrupted. */
static int run_rounds(struct rounds_point *pts, size_t count, const struct pair_set *ps, long *round,
                      size_t *order, uint64_t *rng, struct disturb *d)
{
    start_all(pts, count);
    while ((any_wanting(pts, count) || pair_wanting(pts, count, ps->pairs, ps->count, ps->base)) &&
           !measure_interrupted)
        take_round(pts, count, (*round)++, order, rng, d);
    for (size_t i = 0; i < count; i++) {
        if (!pts[i].state)
            continue;
        measure_end(pts[i].point, pts[i].state, &pts[i].m);
        pts[i].state = NULL;
        if (measure_interrupted || measure_usable(&pts[i].m, pts[i].err) != KERNEL_OK) {
            if (measure_interrupted)
                snprintf(pts[i].err, KERNEL_ERR_LEN, "interrupted");
            measurement_free(&pts[i].m);
            pts[i].status = KERNEL_ERROR;
        }
    }
    size_t ok = 0;
    for (size_t i = 0; i < count; i++)
        ok += pts[i].status == KERNEL_OK;
    for (size_t i = 0; i < count; i++)
        pts[i].paired = pts[i].status == KERNEL_OK && ok > 1;
    return measure_interrupted ? -1 : 0;
}

int rounds_measure(struct rounds_point *pts, size_t count, struct rounds_pair *pairs, size_t npairs,
                   uint64_t seed, struct disturb *d, char *note, size_t notelen)
{
    note[0] = '\0';
    if (!pairs)
        npairs = 0;
    for (size_t i = 0; i < count; i++) {
        memset(&pts[i].m, 0, sizeof pts[i].m);
        pts[i].state = NULL;
        pts[i].err[0] = '\0';
        pts[i].paired = 0;
        pts[i].memory_s = 0.0;
    }
    size_t *order = malloc((count ? count : 1) * sizeof *order);
    struct kernel_memory *mem = calloc(count ? count : 1, sizeof *mem);
    if (!order || !mem) {
        for (size_t i = 0; i < count; i++) {
            snprintf(pts[i].err, KERNEL_ERR_LEN, "out of memory");
            pts[i].status = KERNEL_NO_MEMORY;
        }
        free(order);
        free(mem);
        pair_outcomes(pts, count, pairs, npairs);
        return 0;
    }
    uint64_t rng = seed;
    long round = 1;
    int status = 0;
    struct pair_set ps = { pairs, npairs, 0 };
    if (fit_together(pts, count, mem, note, notelen))
        status = run_rounds(pts, count, &ps, &round, order, &rng, d);
    else
        for (size_t i = 0, k; i < count && status == 0; i += k) {
            k = fitting_run(&pts[i], &mem[i], count - i);
            ps.base = i;
            status = run_rounds(&pts[i], k, &ps, &round, order, &rng, d);
        }
    free(order);
    free(mem);
    pair_outcomes(pts, count, pairs, npairs);
    return status;
}
