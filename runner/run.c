/* run.c: one experiment from its points to its three files. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_out.h"
#include "devices.h"
#include "host.h"
#include "journal.h"
#include "lock.h"
#include "measure.h"
#include "progress.h"
#include "provenance.h"
#include "rounds.h"
#include "set_out.h"
#include "shard.h"

static const char *const samples_header[] = {
    "experiment", "backend", "op", "impl", "dtype", "axis", "n", "iterations", "sample",
    "round", "order", "batch_s", "per_call_s", "disturbed", "sm_mhz", "mem_mhz", "throttle",
    "steal", "cpu_mhz", "run_id",
};
#define SAMPLES_COLUMNS (int)(sizeof samples_header / sizeof *samples_header)
#define KEY_COLUMNS 8 /* experiment .. iterations: shared by both files */

/* Where an experiment's time went: the wall seconds of each step, summed
 * over its measured points (record: the point's facts, rows and journal
 * entry written). */
struct run_times {
    double memory_s, setup_s, check_s, calibrate_s, warmup_s, settle_s, samples_s, teardown_s, record_s;
};

/* The open output files of one experiment, in its staging folder. */
struct outputs {
    struct set_out *set;
    struct csv_out *samples, *summary;
    struct provenance *prov;
    const char *run_id;
    long samples_rows, summary_rows;
    int failed_facts; /* provenance facts lost to a lack of memory */
    struct journal *journal;
    long reused;      /* points taken from the journal */
    struct run_times times;
};

/* Fills cols[0..KEY_COLUMNS) with text in bufs (16 fields of 64 bytes). */
static void key_fields(const struct experiment *e, const struct point *p, long iterations,
                       const char **cols, char bufs[][64])
{
    cols[0] = e->name;
    cols[1] = p->backend->name;
    cols[2] = kernel_op_name(p->k.op);
    cols[3] = p->impl;
    cols[4] = kernel_dtype_name(p->k.dtype);
    snprintf(bufs[0], 64, "%d", p->k.axis);
    cols[5] = kernel_op(p->k.op)->axis ? bufs[0] : "";
    snprintf(bufs[1], 64, "%ld", p->k.n);
    cols[6] = bufs[1];
    snprintf(bufs[2], 64, "%ld", iterations);
    cols[7] = bufs[2];
}

/* A reading as text: empty where this host could not make it. */
static const char *reading_text(double v, int decimals, char *buf)
{
    if (v != v)
        return "";
    snprintf(buf, 64, "%.*f", decimals, v);
    return buf;
}

static int write_samples(struct outputs *out, const struct experiment *e, const struct point *p,
                         const struct measurement *m)
{
    const char *cols[SAMPLES_COLUMNS];
    char bufs[16][64];
    key_fields(e, p, m->iterations, cols, bufs);
    for (long i = 0; i < m->count; i++) {
        const struct disturb_reading *r = &m->reading[i];
        snprintf(bufs[3], 64, "%ld", i + 1);
        snprintf(bufs[4], 64, "%ld", m->round[i]);
        snprintf(bufs[5], 64, "%d", m->order[i]);
        snprintf(bufs[6], 64, "%.9g", m->batch[i]);
        snprintf(bufs[7], 64, "%.9g", m->per_call[i]);
        snprintf(bufs[8], 64, "0x%llx", r->throttle);
        cols[8] = bufs[3];
        cols[9] = bufs[4];
        cols[10] = bufs[5];
        cols[11] = bufs[6];
        cols[12] = bufs[7];
        cols[13] = disturb_flags_name(r->flags);
        cols[14] = reading_text(r->sm_mhz, 0, bufs[9]);
        cols[15] = reading_text(r->mem_mhz, 0, bufs[10]);
        cols[16] = r->have_throttle ? bufs[8] : "";
        cols[17] = reading_text(r->steal, 4, bufs[11]);
        cols[18] = reading_text(r->cpu_mhz, 0, bufs[12]);
        cols[19] = out->run_id;
        if (csv_out_row(out->samples, cols, SAMPLES_COLUMNS) != 0)
            return -1;
        out->samples_rows++;
    }
    return 0;
}

/* What a summary row is written from. */
struct summary_source {
    const struct point *p;
    const struct measurement *m;
    int paired;
    const char *run_id;
    const char *key[KEY_COLUMNS]; /* key_fields' text */
};

/* A summary column: its name in the header, and the function that gives
 * its text in a row, from src and the column's arg (written into buf, 64
 * bytes, where it is not a constant). */
struct summary_column {
    const char *name;
    const char *(*cell)(const struct summary_source *src, size_t arg, char *buf);
    size_t arg;
};

/* Key column arg (an index into key_fields' columns). */
static const char *key_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)buf;
    return src->key[arg];
}

/* The field of the statistics at offset arg, a double. */
static const char *stat_cell(const struct summary_source *src, size_t arg, char *buf)
{
    double v;
    memcpy(&v, (const char *)&src->m->stats + arg, sizeof v);
    snprintf(buf, 64, "%.9g", v);
    return buf;
}

/* The point's parameter arg: 0 threads, 1 graph, 2 flush_l2. */
static const char *param_cell(const struct summary_source *src, size_t arg, char *buf)
{
    const struct kernel_point *k = &src->p->k;
    snprintf(buf, 64, "%d", arg == 0 ? k->threads : arg == 1 ? k->graph : k->flush_l2);
    return buf;
}

/* A count of samples: arg 0 the clean ones, 1 the disturbed, 2 outliers. */
static const char *count_cell(const struct summary_source *src, size_t arg, char *buf)
{
    const struct measurement *m = src->m;
    snprintf(buf, 64, "%ld", arg == 0 ? m->clean_count : arg == 1 ? m->count - m->clean_count
                                                                  : m->stats.outliers);
    return buf;
}

/* The FLOPs (arg 0) or the bytes (arg 1) of one call of point p. */
static double work_of(const struct point *p, size_t arg)
{
    return arg == 0 ? kernel_flops(&p->k) : kernel_point_bytes(p->backend, &p->k);
}

/* The point's FLOPs (arg 0) or bytes (arg 1). */
static const char *work_cell(const struct summary_source *src, size_t arg, char *buf)
{
    snprintf(buf, 64, "%.0f", work_of(src->p, arg));
    return buf;
}

/* Their rate at the median, in billions a second: GFLOP/s (arg 0), GB/s (arg 1). */
static const char *rate_cell(const struct summary_source *src, size_t arg, char *buf)
{
    snprintf(buf, 64, "%.6g", work_of(src->p, arg) / src->m->stats.median / 1e9);
    return buf;
}

static const char *rel_err_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)arg;
    snprintf(buf, 64, "%.3g", src->m->check.rel_err);
    return buf;
}

static const char *seed_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)arg;
    snprintf(buf, 64, "%llu", (unsigned long long)src->p->k.seed);
    return buf;
}

static const char *paired_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)arg;
    snprintf(buf, 64, "%d", src->paired);
    return buf;
}

static const char *device_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)arg;
    devices_of_point(src->p, buf, 64);
    return buf;
}

static const char *run_id_cell(const struct summary_source *src, size_t arg, char *buf)
{
    (void)arg;
    (void)buf;
    return src->run_id;
}

#define STAT(field) stat_cell, offsetof(struct stats_summary, field)

/* summary.csv's columns, in order: the header and every row come from here. */
static const struct summary_column summary_columns[] = {
    { "experiment", key_cell, 0 }, { "backend", key_cell, 1 }, { "op", key_cell, 2 },
    { "impl", key_cell, 3 }, { "dtype", key_cell, 4 }, { "axis", key_cell, 5 },
    { "n", key_cell, 6 }, { "iterations", key_cell, 7 },
    { "threads", param_cell, 0 }, { "graph", param_cell, 1 }, { "flush_l2", param_cell, 2 },
    { "samples", count_cell, 0 },
    { "median_s", STAT(median) }, { "ci_low_s", STAT(ci_low) }, { "ci_high_s", STAT(ci_high) },
    { "ci_level", STAT(ci_level) }, { "min_s", STAT(min) }, { "max_s", STAT(max) },
    { "mean_s", STAT(mean) }, { "stddev_s", STAT(stddev) }, { "rel_ci", STAT(rel_ci) },
    { "outliers", count_cell, 2 },
    { "flops", work_cell, 0 }, { "bytes", work_cell, 1 }, { "gbps", rate_cell, 1 },
    { "gflops", rate_cell, 0 },
    { "rel_err", rel_err_cell, 0 }, { "seed", seed_cell, 0 }, { "disturbed", count_cell, 1 },
    { "paired", paired_cell, 0 }, { "device", device_cell, 0 }, { "run_id", run_id_cell, 0 },
};
#define SUMMARY_COLUMNS (int)(sizeof summary_columns / sizeof *summary_columns)

#undef STAT

/* Writes summary.csv's header. */
static int write_summary_header(struct outputs *out)
{
    const char *cols[SUMMARY_COLUMNS];
    for (int i = 0; i < SUMMARY_COLUMNS; i++)
        cols[i] = summary_columns[i].name;
    return csv_out_row(out->summary, cols, SUMMARY_COLUMNS);
}

static int write_summary(struct outputs *out, const struct experiment *e, const struct point *p,
                         const struct measurement *m, int paired)
{
    struct summary_source src = { p, m, paired, out->run_id, { NULL } };
    const char *cols[SUMMARY_COLUMNS];
    char key_bufs[KEY_COLUMNS][64], bufs[SUMMARY_COLUMNS][64];
    key_fields(e, p, m->iterations, src.key, key_bufs);
    for (int i = 0; i < SUMMARY_COLUMNS; i++)
        cols[i] = summary_columns[i].cell(&src, summary_columns[i].arg, bufs[i]);
    out->summary_rows++;
    return csv_out_row(out->summary, cols, SUMMARY_COLUMNS);
}

static void add_fact(void *ctx, const char *key, const char *value)
{
    struct outputs *out = ctx;
    if (provenance_set(out->prov, key, value) != 0)
        out->failed_facts++;
}

/* add_fact, also keeping the fact for the point's journal record. */
static void add_journaled_fact(void *ctx, const char *key, const char *value)
{
    struct outputs *out = ctx;
    add_fact(ctx, key, value);
    journal_fact(out->journal, key, value);
}

/* 1 if rounds a[0..na) and b[0..nb), each increasing, have one in common. */
static int rounds_meet(const long *a, long na, const long *b, long nb)
{
    long i = 0, k = 0;
    while (i < na && k < nb) {
        if (a[i] == b[k])
            return 1;
        if (a[i] < b[k])
            i++;
        else
            k++;
    }
    return 0;
}

/* 1 if sample rounds of ms[j] and of another of ms[0..count) meet: the
 * point was measured in the same rounds as another. A measurement's rounds
 * increase (rounds.c numbers them on; a journal holds them as measured and
 * refuses a record whose rounds do not increase). */
static int shares_round(const struct measurement *ms, size_t count, size_t j)
{
    for (size_t o = 0; o < count; o++)
        if (o != j && rounds_meet(ms[j].round, ms[j].count, ms[o].round, ms[o].count))
            return 1;
    return 0;
}

/* The pairs of e whose two points are both in the group index[0..count),
 * with indices into the group, into pairs; claims[k] gets the claim pair
 * of pairs[k]. Both have room for e->pair_count. Returns how many. */
static size_t group_pairs(const struct experiment *e, const size_t *index, size_t count,
                          struct rounds_pair *pairs, const struct claim_pair **claims)
{
    size_t got = 0;
    for (size_t i = 0; i < e->pair_count; i++) {
        const struct claim_pair *c = &e->pairs[i];
        size_t num = count, den = count;
        for (size_t j = 0; j < count; j++) {
            size_t declared = e->points[index[j]].index;
            num = declared == c->num ? j : num;
            den = declared == c->den ? j : den;
        }
        if (num == count || den == count)
            continue;
        pairs[got] = (struct rounds_pair){ .num = num, .den = den, .precision = c->precision,
                                           .level = c->level };
        claims[got++] = c;
    }
    return got;
}

/* Records in the provenance what a pair's rounds gave, as
 * claim_<id>_n<N> = "rounds R, ratio M [lo, hi] at C coverage (wanted L),
 * rel_ci X (target T): why", R the rounds in which both points have a clean
 * sample: a pair is met at its level and precision both. */
static void record_pair(struct outputs *out, const struct claim_pair *c, long n,
                        const struct stats_summary *r, const char *why)
{
    size_t len = strlen(c->claim) + 32;
    char *key = malloc(len);
    int bad = !key;
    if (key) {
        snprintf(key, len, "claim_%s_n%ld", c->claim, n);
        bad = r->count > 0
                  ? provenance_setf(out->prov, key, "rounds %ld, ratio %.4g [%.4g, %.4g] at %.3g "
                                    "coverage (wanted %g), rel_ci %.3g (target %g): %s", r->count,
                                    r->median, r->ci_low, r->ci_high, r->ci_level, c->level,
                                    r->rel_ci, c->precision, why)
                  : provenance_setf(out->prov, key, "rounds 0 (target %g): %s", c->precision, why);
    }
    out->failed_facts += bad != 0;
    free(key);
}

/* Why a pair's rounds stopped, in words. */
static const char *pair_stop_text(enum rounds_stop stop)
{
    switch (stop) {
    case ROUNDS_MET:
        return "met";
    case ROUNDS_FULL:
        return "not met: a point took its max_samples first";
    case ROUNDS_UNPAIRED:
        return "not met: its points did not fit in memory together and were measured apart";
    case ROUNDS_FAILED:
        break;
    }
    return "not met: a point failed";
}

/* Records the pairs of a group reused from the journal, from ms[0..count). */
static void record_reused_pairs(struct outputs *out, const struct rounds_pair *pairs,
                                const struct claim_pair *const *claims, size_t npairs,
                                const struct measurement *ms, long n)
{
    for (size_t k = 0; k < npairs; k++) {
        struct stats_summary r;
        int got = rounds_pair_ratio(&ms[pairs[k].num], &ms[pairs[k].den], pairs[k].level, &r);
        const char *why = got != 0 ? "reused from the journal: no ratio"
                          : rounds_pair_met(&r, pairs[k].level, pairs[k].precision)
                              ? "reused from the journal: met"
                              : "reused from the journal: not met";
        record_pair(out, claims[k], n, &r, why);
    }
}

/* Writes the group of e's points index[0..count) from the journal if every
 * one of them is there (a group is reused whole, so that its points stay
 * paired round by round), and what its pairs[0..npairs) (indices into the
 * group; claims[k] the claim of pairs[k]) read from it: 1 if so, else 0. */
static int reuse_group(const struct experiment *e, const size_t *index, size_t count,
                       struct outputs *out, long *measured, const struct rounds_pair *pairs,
                       const struct claim_pair *const *claims, size_t npairs)
{
    for (size_t j = 0; j < count; j++)
        if (!journal_has(out->journal, index[j]))
            return 0;
    struct measurement *ms = calloc(count, sizeof *ms);
    const char **run_ids = calloc(count, sizeof *run_ids);
    size_t got = 0;
    while (ms && run_ids && got < count &&
           (run_ids[got] = journal_reuse(out->journal, index[got], &e->points[index[got]], &ms[got],
                                         add_fact, out)))
        got++;
    for (size_t j = 0; got == count && j < count; j++) {
        const struct point *p = &e->points[index[j]];
        char key[64];
        snprintf(key, sizeof key, "reused_point_%zu", index[j] + 1);
        if (provenance_set(out->prov, key, run_ids[j]) != 0)
            out->failed_facts++;
        if (write_samples(out, e, p, &ms[j]) == 0)
            write_summary(out, e, p, &ms[j], shares_round(ms, count, j));
        out->reused++;
        (*measured)++;
    }
    if (got == count)
        record_reused_pairs(out, pairs, claims, npairs, ms, e->points[index[0]].k.n);
    for (size_t j = 0; ms && j < got; j++)
        measurement_free(&ms[j]);
    free(ms);
    free(run_ids);
    return got == count;
}

/* Removes the staging folder and frees the provenance, so that the files
 * on disk stay as they were. */
static void discard_outputs(struct outputs *out)
{
    if (out->samples)
        csv_out_abort(out->samples);
    if (out->summary)
        csv_out_abort(out->summary);
    if (out->set)
        set_out_abort(out->set);
    provenance_free(out->prov);
    out->samples = out->summary = NULL;
    out->set = NULL;
    out->prov = NULL;
}

/* The provenance's first keys: the host, the script, the run and its id. */
static int start_provenance(struct outputs *out, const struct experiment *e,
                            const struct run_options *o, char *err, size_t errlen)
{
    struct provenance *p = out->prov = provenance_new();
    if (!p || provenance_add_host(p) || provenance_add_script(p, e->script, err, errlen))
        return -1;
    if (provenance_set(p, "experiment", e->name) || provenance_setf(p, "script_line", "%d", e->line) ||
        provenance_set(p, "profile", o->profile) || provenance_set(p, "seed", e->seed) ||
        provenance_setf(p, "points", "%zu", e->count) || provenance_set(p, "params", e->params) ||
        provenance_setf(p, "claim_pairs", "%zu", e->pair_count) ||
        provenance_set(p, "run_id", o->run_id) ||
        provenance_set(p, "rounds", "the points of each N measured together, one sample of each a round, "
                                    "in an order shuffled per round (Fisher-Yates, splitmix64 seeded with "
                                    "the seed of that N's first point); samples of a disturbed round are "
                                    "kept in samples.csv and left out of the statistics; while a "
                                    "claim's pair of points (claim_pairs) has a paired ratio wider "
                                    "than its precision, rounds go on up to those points' max_samples") ||
        (o->shard && shard_add_provenance(p, e, o->shard)))
        return snprintf(err, errlen, "out of memory"), -1;
    return 0;
}

/* Opens the outputs in a fresh staging folder, after removing those that
 * dead runs left; on failure closes what was opened. */
static int open_outputs(struct outputs *out, const struct experiment *e, const struct run_options *o,
                        char *err, size_t errlen)
{
    char dir[4096], set[256];
    memset(out, 0, sizeof *out);
    out->run_id = o->run_id;
    if (shard_place(o->out_dir, e->name, o->shard, dir, sizeof dir, set, sizeof set) != 0)
        return snprintf(err, errlen, "%s/%s: %s", o->out_dir, e->name, strerror(ENAMETOOLONG)), -1;
    if (set_out_make_dir(dir) != 0)
        return snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno)), -1;
    if (set_out_check(dir, set, err, errlen) != 0)
        return -1;
    set_out_sweep(dir, set);
    out->set = set_out_begin(dir, set, err, errlen);
    if (out->set)
        out->samples = set_out_file(out->set, "samples.csv", err, errlen);
    if (out->samples)
        out->summary = set_out_file(out->set, "summary.csv", err, errlen);
    if (!out->summary || csv_out_row(out->samples, samples_header, SAMPLES_COLUMNS) ||
        write_summary_header(out) ||
        start_provenance(out, e, o, err, errlen)) {
        discard_outputs(out);
        if (!err[0])
            snprintf(err, errlen, "cannot start the output files in %s", o->out_dir);
        return -1;
    }
    return 0;
}

/* Commits csv file *f (syncing it) and clears *f, which the commit frees. */
static int commit_file(struct csv_out **f, char *err, size_t errlen)
{
    int status = csv_out_commit(*f, err, errlen);
    *f = NULL;
    return status;
}

/* Writes the provenance, with the row counts, into the set. */
static int write_provenance(struct outputs *out, char *err, size_t errlen)
{
    if (out->failed_facts)
        return snprintf(err, errlen, "out of memory for the provenance"), -1;
    if (provenance_setf(out->prov, "summary_rows", "%ld", out->summary_rows) ||
        provenance_setf(out->prov, "samples_rows", "%ld", out->samples_rows))
        return snprintf(err, errlen, "out of memory for the provenance"), -1;
    struct csv_out *f = set_out_file(out->set, "provenance.csv", err, errlen);
    if (!f)
        return -1;
    provenance_write_rows(out->prov, f); /* a failed row is remembered by f */
    return commit_file(&f, err, errlen);
}

/* Commits the set if keep (some point was measured, or a shard's), else
 * discards it: the folder then holds the new set, or the old one untouched. */
static int close_outputs(struct outputs *out, int keep, char *err, size_t errlen)
{
    int status = 0;
    if (keep)
        status = write_provenance(out, err, errlen);
    if (keep && status == 0)
        status = commit_file(&out->samples, err, errlen);
    if (keep && status == 0)
        status = commit_file(&out->summary, err, errlen);
    if (keep && status == 0) {
        status = set_out_commit(out->set, err, errlen);
        out->set = NULL; /* freed by the commit, whatever it returned */
    }
    discard_outputs(out);
    return status;
}

static int exit_for(int status)
{
    return status == KERNEL_WRONG ? EXIT_WRONG : status == KERNEL_UNAVAILABLE ? EXIT_UNAVAILABLE
                                                                              : EXIT_POINT;
}

int run_exit_worse(int a, int b)
{
    static const int rank[] = { [EXIT_OK] = 0, [EXIT_POINT] = 1, [EXIT_UNAVAILABLE] = 2,
                                [EXIT_OUTPUT] = 3, [EXIT_WRONG] = 4, [EXIT_USAGE] = 5 };
    if (a == EXIT_INTERRUPTED || b == EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED;
    return rank[a] >= rank[b] ? a : b;
}

/* Records point i of e as rp measured it; returns an exit code for it. */
static int record_point(const struct experiment *e, size_t i, struct rounds_point *rp, int paired,
                        struct outputs *out, struct progress *pr, long *measured)
{
    const struct point *p = &e->points[i];
    progress_begin(pr, e, i);
    progress_end(pr, &rp->m, rp->status, rp->err);
    if (rp->status != KERNEL_OK) {
        char key[64];
        snprintf(key, sizeof key, "failed_point_%zu", i + 1);
        provenance_setf(out->prov, key, "%s %s/%s %s n=%ld: %s", p->backend->name,
                        kernel_op_name(p->k.op), p->impl, kernel_dtype_name(p->k.dtype), p->k.n, rp->err);
        return exit_for(rp->status);
    }
    double start = host_clock_seconds();
    p->backend->describe(&p->k, add_journaled_fact, out);
    /* a failed row is remembered by its file, and its commit says why */
    if (write_samples(out, e, p, &rp->m) == 0)
        write_summary(out, e, p, &rp->m, paired);
    char jerr[KERNEL_ERR_LEN + 64];
    if (journal_record(out->journal, i, p, &rp->m, out->run_id, jerr, sizeof jerr) != 0)
        fprintf(stderr, "runner: %s (a resume would measure this point again)\n", jerr);
    const struct measure_times *t = &rp->m.times;
    struct run_times *sum = &out->times;
    sum->memory_s += rp->memory_s;
    sum->setup_s += t->setup_s;
    sum->check_s += t->check_s;
    sum->calibrate_s += t->calibrate_s;
    sum->warmup_s += t->warmup_s;
    sum->settle_s += t->settle_s;
    sum->samples_s += rp->m.sampled_s;
    sum->teardown_s += t->teardown_s;
    sum->record_s += host_clock_seconds() - start;
    measurement_free(&rp->m);
    (*measured)++;
    return EXIT_OK;
}

/* The points of e at the N of point first, from first on: a group measured
 * in rounds. Fills index with their indices and returns how many. */
static size_t group_at(const struct experiment *e, size_t first, const char *taken, size_t *index)
{
    size_t count = 0;
    for (size_t i = first; i < e->count; i++)
        if (!taken[i] && e->points[i].k.n == e->points[first].k.n)
            index[count++] = i;
    return count;
}

/* Called with each group of e's points, index[0..count); returns 0 to go
 * on, else the walk stops. */
typedef int group_fn(const struct experiment *e, const size_t *index, size_t count, void *ctx);

/* Calls fn with each group of e (all points at one N) in the order of
 * their first points, each point in one group. Returns -1 if out of
 * memory (no group visited), else 0, also when fn stopped the walk. */
static int each_group(const struct experiment *e, group_fn *fn, void *ctx)
{
    size_t n = e->count ? e->count : 1;
    char *taken = calloc(n, 1);
    size_t *index = malloc(n * sizeof *index);
    int room = taken && index, stop = 0;
    for (size_t i = 0; room && !stop && i < e->count; i++) {
        if (taken[i])
            continue;
        size_t count = group_at(e, i, taken, index);
        for (size_t k = 0; k < count; k++)
            taken[index[k]] = 1;
        stop = fn(e, index, count, ctx);
    }
    free(taken);
    free(index);
    return room ? 0 : -1;
}

/* What reusable_points counts: the journal, and the points so far. */
struct reusable {
    const struct journal *journal;
    size_t points;
};

/* group_fn: adds the group's points if every one is in the journal. */
static int count_reusable(const struct experiment *e, const size_t *index, size_t count, void *ctx)
{
    struct reusable *r = ctx;
    size_t have = 0;
    (void)e;
    for (size_t k = 0; k < count; k++)
        have += (size_t)journal_has(r->journal, index[k]);
    r->points += have == count ? count : 0;
    return 0;
}

/* The points of e in the journal whose whole group (all points at their
 * n) is there too: those a resume reuses. */
static size_t reusable_points(const struct experiment *e, const struct journal *j)
{
    struct reusable r = { j, 0 };
    each_group(e, count_reusable, &r);
    return r.points;
}

/* What run_points hands each group: where it is recorded, room for a
 * group's points and pairs, and the exit code so far. */
struct run_walk {
    struct outputs *out;
    struct progress *pr;
    struct disturb *d;
    long *measured;
    struct rounds_point *pts;          /* room for a group */
    struct rounds_pair *pairs;         /* room for e->pair_count */
    const struct claim_pair **claims;  /* the same */
    int code;
};

/* Measures and records the group of e's points index[0..count), in the
 * room w holds; returns an exit code for them. */
static int run_group(const struct experiment *e, const size_t *index, size_t count,
                     struct run_walk *w)
{
    char note[KERNEL_ERR_LEN], key[64];
    struct rounds_point *pts = w->pts;
    struct outputs *out = w->out;
    size_t npairs = group_pairs(e, index, count, w->pairs, w->claims);
    long n = e->points[index[0]].k.n;
    if (reuse_group(e, index, count, out, w->measured, w->pairs, w->claims, npairs))
        return EXIT_OK;
    for (size_t j = 0; j < count; j++)
        pts[j].point = &e->points[index[j]];
    const struct point *first = pts[0].point;
    if (rounds_measure(pts, count, w->pairs, npairs, first->k.seed, w->d, note, sizeof note) != 0) {
        for (size_t j = 0; j < count; j++)
            if (pts[j].status == KERNEL_OK)
                measurement_free(&pts[j].m);
        return EXIT_INTERRUPTED;
    }
    if (note[0]) {
        snprintf(key, sizeof key, "smaller_groups_n%ld", first->k.n);
        provenance_set(out->prov, key, note);
    }
    for (size_t k = 0; k < npairs; k++)
        record_pair(out, w->claims[k], n, &w->pairs[k].ratio, pair_stop_text(w->pairs[k].stop));
    int code = EXIT_OK;
    for (size_t j = 0; j < count; j++)
        code = run_exit_worse(code, record_point(e, index[j], &pts[j], pts[j].paired, out,
                                                 w->pr, w->measured));
    return code;
}

/* Opens what watches the disturbances (NVML if a point runs on a GPU) and
 * records what it can watch. */
static struct disturb *open_disturb(const struct experiment *e, struct outputs *out, char *err,
                                    size_t errlen)
{
    int gpu = 0;
    for (size_t i = 0; i < e->count; i++)
        gpu |= e->points[i].backend->gpu;
    struct disturb *d = disturb_open(gpu, err, errlen);
    if (d)
        disturb_describe(d, add_fact, out);
    return d;
}

/* Writes where wall seconds of a run went, step by step, into buf. */
static void time_account(const struct run_times *t, double wall, char *buf, size_t len)
{
    double steps = t->memory_s + t->setup_s + t->check_s + t->calibrate_s + t->warmup_s +
                   t->settle_s + t->samples_s + t->teardown_s + t->record_s;
    snprintf(buf, len,
             "%.1f s: memory %.1f, setup %.1f, check %.1f, calibration %.1f, warm-up %.1f, "
             "settling %.1f, samples %.1f, teardown %.1f, records %.1f, the rest %.1f",
             wall, t->memory_s, t->setup_s, t->check_s, t->calibrate_s, t->warmup_s, t->settle_s,
             t->samples_s, t->teardown_s, t->record_s, wall > steps ? wall - steps : 0.0);
}

/* group_fn: measures and records a group; stops the walk once interrupted. */
static int run_walk_group(const struct experiment *e, const size_t *index, size_t count, void *ctx)
{
    struct run_walk *w = ctx;
    w->code = run_exit_worse(w->code, run_group(e, index, count, w));
    return w->code == EXIT_INTERRUPTED;
}

/* Every point of e, group by group (all points at one N). */
static int run_points(const struct experiment *e, struct outputs *out, struct progress *pr,
                      struct disturb *d, long *measured)
{
    size_t room = e->pair_count ? e->pair_count : 1;
    struct run_walk w = { out, pr, d, measured, calloc(e->count ? e->count : 1, sizeof *w.pts),
                          calloc(room, sizeof *w.pairs), calloc(room, sizeof *w.claims), EXIT_OK };
    if (!w.pts || !w.pairs || !w.claims || each_group(e, run_walk_group, &w) != 0) {
        fprintf(stderr, "runner: %s: out of memory\n", e->name);
        w.code = EXIT_POINT;
    }
    free(w.pts);
    free(w.pairs);
    free(w.claims);
    return w.code;
}

int run_experiment(const struct experiment *e, const struct run_options *o)
{
    char err[8192] = "";
    struct outputs out;
    struct progress pr;
    if (open_outputs(&out, e, o, err, sizeof err) != 0) {
        fprintf(stderr, "runner: %s\n", err);
        return EXIT_OUTPUT;
    }
    char shard[64] = "", journal[4096];
    if (o->shard)
        shard_folder(o->shard, shard, sizeof shard);
    snprintf(journal, sizeof journal, "%s/.%s%s%s.journal", o->out_dir, e->name, shard[0] ? "." : "",
             shard);
    out.journal = journal_open(journal, e, out.prov, o->resume, err, sizeof err);
    if (!out.journal) {
        discard_outputs(&out);
        fprintf(stderr, "runner: %s\n", err);
        return EXIT_OUTPUT;
    }
    if (o->resume && !o->quiet)
        fprintf(stderr, "%s: reusing %zu of %zu points from %s\n", e->name,
                reusable_points(e, out.journal), e->count, journal);
    struct disturb *d = open_disturb(e, &out, err, sizeof err);
    if (!d) {
        discard_outputs(&out);
        fprintf(stderr, "runner: %s: %s\n", e->name, err);
        return EXIT_USAGE;
    }
    progress_init(&pr, o->quiet);
    double started = host_clock_seconds();
    long measured = 0;
    int code = run_points(e, &out, &pr, d, &measured);
    disturb_close(d);
    if (code == EXIT_INTERRUPTED) {
        discard_outputs(&out);
        journal_close(out.journal, 0);
        fprintf(stderr, "\nrunner: interrupted; %s/%s left as it was\n", o->out_dir, e->name);
        if (measured > 0)
            fprintf(stderr, "runner: `runner run --resume` reuses the %ld points measured\n",
                    measured);
        return code;
    }
    if (o->resume && provenance_setf(out.prov, "points_reused", "%ld", out.reused) != 0)
        out.failed_facts++;
    char account[512];
    time_account(&out.times, host_clock_seconds() - started, account, sizeof account);
    if (provenance_set(out.prov, "time_account", account) != 0)
        out.failed_facts++;
    int committed = close_outputs(&out, measured > 0 || o->shard, err, sizeof err) == 0;
    journal_close(out.journal, committed && measured == (long)e->count);
    if (!committed) {
        fprintf(stderr, "runner: %s\n", err);
        return run_exit_worse(code, EXIT_OUTPUT);
    }
    if (measure_interrupted) { /* during the commit, which went through */
        fprintf(stderr, "\nrunner: interrupted; %s/%s holds the %s set, whole\n", o->out_dir,
                e->name, measured > 0 || o->shard ? "new" : "old");
        return EXIT_INTERRUPTED;
    }
    if (!o->quiet && (measured > 0 || o->shard))
        fprintf(stderr, "%s: %ld of %zu points written to %s/%s/%s%s\n  %s\n", e->name, measured,
                e->count, o->out_dir, e->name, shard, shard[0] ? "/" : "", account);
    if (measured == 0 && e->count > 0 && !o->shard)
        fprintf(stderr, "%s: no point was measured; nothing written\n", e->name);
    return code;
}

void run_unlock_all(struct lock **locks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        lock_release(locks[i]);
}

static int by_name(const void *a, const void *b)
{
    const struct experiment *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

int run_lock_all(const struct experiment *const *experiments, size_t count,
                 const struct run_options *o, struct lock **locks)
{
    char err[8192] = "";
    const struct experiment **sorted = malloc((count ? count : 1) * sizeof *sorted);
    if (!sorted)
        return fprintf(stderr, "runner: out of memory\n"), EXIT_OUTPUT;
    memcpy(sorted, experiments, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, by_name);
    size_t held = 0;
    if (set_out_make_dir(o->out_dir) != 0)
        snprintf(err, sizeof err, "cannot create %s: %s", o->out_dir, strerror(errno));
    while (!err[0] && held < count) {
        struct lock *l = shard_lock_experiment(o->out_dir, sorted[held]->name, o->shard, o->wait,
                                               err, sizeof err);
        if (!l)
            break;
        locks[held++] = l;
        set_out_check(o->out_dir, sorted[held - 1]->name, err, sizeof err); /* err on failure */
    }
    free(sorted);
    if (!err[0])
        return EXIT_OK;
    run_unlock_all(locks, held);
    fprintf(stderr, "runner: %s\n", err);
    return measure_interrupted ? EXIT_INTERRUPTED : EXIT_OUTPUT;
}
