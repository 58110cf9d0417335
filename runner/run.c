/* run.c: one experiment from its points to its three files. */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv_out.h"
#include "measure.h"
#include "progress.h"
#include "provenance.h"

static const char *const summary_header[] = {
    "experiment", "backend", "op", "impl", "dtype", "axis", "n", "iterations", "threads",
    "graph", "flush_l2", "samples", "median_s", "ci_low_s", "ci_high_s", "ci_level", "min_s",
    "max_s", "mean_s", "stddev_s", "rel_ci", "outliers", "flops", "bytes", "gbps", "gflops",
    "rel_err", "seed",
};
#define SUMMARY_COLUMNS (int)(sizeof summary_header / sizeof *summary_header)

static const char *const samples_header[] = {
    "experiment", "backend", "op", "impl", "dtype", "axis", "n", "iterations", "sample",
    "batch_s", "per_call_s",
};
#define SAMPLES_COLUMNS (int)(sizeof samples_header / sizeof *samples_header)
#define KEY_COLUMNS 8 /* experiment .. iterations: shared by both files */

/* The open output files of one experiment. */
struct outputs {
    struct csv_out *samples, *summary;
    struct provenance *prov;
    int failed_writes;
};

/* mkdir -p. Returns 0 or -1 with errno set. */
static int make_dirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return errno = ENAMETOOLONG, -1;
    for (char *s = buf + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

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
    cols[5] = p->k.op == OP_OUTER_SUM ? bufs[0] : "";
    snprintf(bufs[1], 64, "%ld", p->k.n);
    cols[6] = bufs[1];
    snprintf(bufs[2], 64, "%ld", iterations);
    cols[7] = bufs[2];
}

static int write_samples(struct outputs *out, const struct experiment *e, const struct point *p,
                         const struct measurement *m)
{
    const char *cols[SAMPLES_COLUMNS];
    char bufs[16][64];
    key_fields(e, p, m->iterations, cols, bufs);
    for (long i = 0; i < m->count; i++) {
        snprintf(bufs[3], 64, "%ld", i + 1);
        snprintf(bufs[4], 64, "%.9g", m->batch[i]);
        snprintf(bufs[5], 64, "%.9g", m->per_call[i]);
        cols[8] = bufs[3];
        cols[9] = bufs[4];
        cols[10] = bufs[5];
        if (csv_out_row(out->samples, cols, SAMPLES_COLUMNS) != 0)
            return -1;
    }
    return 0;
}

static int write_summary(struct outputs *out, const struct experiment *e, const struct point *p,
                         const struct measurement *m)
{
    const struct stats_summary *s = &m->stats;
    double flops = kernel_flops(&p->k), bytes = kernel_bytes(&p->k);
    const double values[] = { s->median, s->ci_low, s->ci_high, s->ci_level, s->min, s->max,
                              s->mean, s->stddev, s->rel_ci };
    const char *cols[SUMMARY_COLUMNS];
    char bufs[32][64];
    key_fields(e, p, m->iterations, cols, bufs);
    snprintf(bufs[3], 64, "%d", p->k.threads);
    snprintf(bufs[4], 64, "%d", p->k.graph);
    snprintf(bufs[5], 64, "%d", p->k.flush_l2);
    snprintf(bufs[6], 64, "%ld", m->count);
    for (int i = 0; i < 9; i++)
        snprintf(bufs[7 + i], 64, "%.9g", values[i]);
    snprintf(bufs[16], 64, "%ld", s->outliers);
    snprintf(bufs[17], 64, "%.0f", flops);
    snprintf(bufs[18], 64, "%.0f", bytes);
    snprintf(bufs[19], 64, "%.6g", bytes / s->median / 1e9);
    snprintf(bufs[20], 64, "%.6g", flops / s->median / 1e9);
    snprintf(bufs[21], 64, "%.3g", m->check.rel_err);
    snprintf(bufs[22], 64, "%llu", (unsigned long long)p->k.seed);
    for (int i = 8; i < SUMMARY_COLUMNS; i++)
        cols[i] = bufs[i - 5];
    return csv_out_row(out->summary, cols, SUMMARY_COLUMNS);
}

static void add_fact(void *ctx, const char *key, const char *value)
{
    struct outputs *out = ctx;
    if (provenance_set(out->prov, key, value) != 0)
        out->failed_writes++;
}

/* Removes what is still a temporary file and frees the provenance, so
 * that the files on disk stay as they were. */
static void discard_outputs(struct outputs *out)
{
    if (out->samples)
        csv_out_abort(out->samples);
    if (out->summary)
        csv_out_abort(out->summary);
    provenance_free(out->prov);
    out->samples = out->summary = NULL;
    out->prov = NULL;
}

/* Opens the three outputs; on failure closes what was opened. */
static int open_outputs(struct outputs *out, const struct experiment *e, const struct run_options *o,
                        const char *dir, char *err, size_t errlen)
{
    char path[4200];
    memset(out, 0, sizeof *out);
    if (make_dirs(dir) != 0)
        return snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno)), -1;
    snprintf(path, sizeof path, "%s/samples.csv", dir);
    out->samples = csv_out_open(path, err, errlen);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    out->summary = out->samples ? csv_out_open(path, err, errlen) : NULL;
    out->prov = provenance_new();
    if (!out->samples || !out->summary || !out->prov ||
        csv_out_row(out->samples, samples_header, SAMPLES_COLUMNS) ||
        csv_out_row(out->summary, summary_header, SUMMARY_COLUMNS) ||
        provenance_add_host(out->prov) || provenance_add_script(out->prov, e->script, err, errlen)) {
        discard_outputs(out);
        if (!err[0])
            snprintf(err, errlen, "cannot start the output files in %s", dir);
        return -1;
    }
    provenance_set(out->prov, "experiment", e->name);
    provenance_setf(out->prov, "script_line", "%d", e->line);
    provenance_set(out->prov, "profile", o->profile);
    provenance_set(out->prov, "seed", e->seed);
    provenance_setf(out->prov, "points", "%zu", e->count);
    provenance_set(out->prov, "params", e->params);
    return 0;
}

/* Commits all three files when some point was measured, else aborts them.
 * A file whose commit is not reached is aborted, never left as PATH.tmp. */
static int close_outputs(struct outputs *out, const char *dir, long measured, char *err, size_t errlen)
{
    char path[4200];
    int status = 0;
    if (out->failed_writes)
        status = -1, snprintf(err, errlen, "writing the results in %s failed", dir);
    if (status == 0 && measured > 0) {
        snprintf(path, sizeof path, "%s/provenance.csv", dir);
        status = provenance_write(out->prov, path, err, errlen);
        if (status == 0) {
            status = csv_out_commit(out->samples, err, errlen);
            out->samples = NULL; /* freed by the commit, whatever it returned */
        }
        if (status == 0) {
            status = csv_out_commit(out->summary, err, errlen);
            out->summary = NULL;
        }
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

/* Measures point i and records it; returns an exit code for it. */
static int run_point(const struct experiment *e, size_t i, struct outputs *out, struct progress *pr,
                     long *measured)
{
    const struct point *p = &e->points[i];
    char err[KERNEL_ERR_LEN] = "";
    struct measurement m;
    progress_begin(pr, e, i);
    int status = measure_point(p, &m, progress_sample, pr, err);
    if (measure_interrupted)
        return EXIT_INTERRUPTED;
    progress_end(pr, &m, status, err);
    if (status != KERNEL_OK) {
        char key[64];
        snprintf(key, sizeof key, "failed_point_%zu", i + 1);
        provenance_setf(out->prov, key, "%s %s/%s %s n=%ld: %s", p->backend->name,
                        kernel_op_name(p->k.op), p->impl, kernel_dtype_name(p->k.dtype), p->k.n, err);
        return exit_for(status);
    }
    p->backend->describe(&p->k, add_fact, out);
    if (write_samples(out, e, p, &m) || write_summary(out, e, p, &m))
        out->failed_writes++;
    measurement_free(&m);
    (*measured)++;
    return EXIT_OK;
}

int run_experiment(const struct experiment *e, const struct run_options *o)
{
    char dir[4096], err[8192] = "";
    struct outputs out;
    struct progress pr;
    if (snprintf(dir, sizeof dir, "%s/%s", o->out_dir, e->name) >= (int)sizeof dir) {
        fprintf(stderr, "runner: output path too long: %s/%s\n", o->out_dir, e->name);
        return EXIT_OUTPUT;
    }
    if (open_outputs(&out, e, o, dir, err, sizeof err) != 0) {
        fprintf(stderr, "runner: %s\n", err);
        return EXIT_OUTPUT;
    }
    progress_init(&pr, o->quiet);
    int code = EXIT_OK;
    long measured = 0;
    for (size_t i = 0; i < e->count && code != EXIT_INTERRUPTED; i++)
        code = run_exit_worse(code, run_point(e, i, &out, &pr, &measured));
    if (code == EXIT_INTERRUPTED) {
        discard_outputs(&out);
        fprintf(stderr, "\nrunner: interrupted; %s left as it was\n", dir);
        return code;
    }
    if (close_outputs(&out, dir, measured, err, sizeof err) != 0) {
        fprintf(stderr, "runner: %s\n", err);
        return run_exit_worse(code, EXIT_OUTPUT);
    }
    if (!o->quiet && measured > 0)
        fprintf(stderr, "%s: %ld of %zu points written to %s/\n", e->name, measured, e->count, dir);
    if (measured == 0 && e->count > 0)
        fprintf(stderr, "%s: no point was measured; nothing written\n", e->name);
    return code;
}
