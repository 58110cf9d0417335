/* progress.c: what the runner is measuring, on stderr. Data goes only to
 * files; this is for the person watching. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

void progress_init(struct progress *pr, int quiet)
{
    pr->quiet = quiet;
    pr->terminal = isatty(STDERR_FILENO);
    pr->experiment = NULL;
    pr->point = NULL;
    pr->index = 0;
}

/* Prints "fig2-cpu [3/78] openblas outer_sum/gemm f32 axis=0 n=4000". */
static void print_point(const struct progress *pr)
{
    const struct point *p = pr->point;
    fprintf(stderr, "%s [%zu/%zu] %s %s/%s %s", pr->experiment->name, pr->index + 1,
            pr->experiment->count, p->backend->name, kernel_op_name(p->k.op), p->impl,
            kernel_dtype_name(p->k.dtype));
    if (kernel_op(p->k.op)->axis)
        fprintf(stderr, " axis=%d", p->k.axis);
    fprintf(stderr, " n=%ld", p->k.n);
}

/* Prints a time per call with a unit that fits. */
static void print_time(double s)
{
    if (s < 1e-6)
        fprintf(stderr, "%.1f ns", s * 1e9);
    else if (s < 1e-3)
        fprintf(stderr, "%.3g us", s * 1e6);
    else if (s < 1.0)
        fprintf(stderr, "%.4g ms", s * 1e3);
    else
        fprintf(stderr, "%.4g s", s);
}

static void print_estimate(const struct measurement *m)
{
    fprintf(stderr, ": ");
    print_time(m->stats.median);
    fprintf(stderr, "/call +-%.1f%% (%ld samples of %ld calls)", 100.0 * m->stats.rel_ci, m->count,
            m->iterations);
}

void progress_begin(struct progress *pr, const struct experiment *e, size_t index)
{
    pr->experiment = e;
    pr->index = index;
    pr->point = &e->points[index];
    if (pr->quiet || !pr->terminal)
        return;
    fprintf(stderr, "\r\033[K");
    print_point(pr);
    fprintf(stderr, ": setting up");
}

void progress_sample(void *ctx, const struct measurement *m)
{
    struct progress *pr = ctx;
    if (pr->quiet || !pr->terminal)
        return;
    fprintf(stderr, "\r\033[K");
    print_point(pr);
    print_estimate(m);
}

void progress_end(struct progress *pr, const struct measurement *m, int status, const char *err)
{
    if (pr->terminal && !pr->quiet)
        fprintf(stderr, "\r\033[K");
    if (status == KERNEL_OK && pr->quiet)
        return;
    print_point(pr);
    if (status == KERNEL_OK)
        print_estimate(m);
    else
        fprintf(stderr, ": %s: %s", status == KERNEL_WRONG ? "WRONG RESULT" : "FAILED", err);
    fputc('\n', stderr);
}
